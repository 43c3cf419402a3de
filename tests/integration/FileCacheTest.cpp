// The open-file cache seen from a client: a file replaced on disk is served
// new once the validity has passed, and every response meanwhile is whole
// and consistent (its Content-Length matches its bytes, which are one of the
// two versions).
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "ServerFixture.h"

namespace tpserve::integration {
namespace {

using namespace std::chrono_literals;

class FileCache : public ServerFixture {
protected:
    // Writes a new file beside the old one and renames it over it, as
    // deployments do: the old inode stays intact for whoever has it open.
    void replace(const std::string& name, const std::string& content) {
        const std::filesystem::path dir(site.root);
        {
            std::ofstream out(dir / (name + ".new"), std::ios::binary);
            out << content;
        }
        std::filesystem::rename(dir / (name + ".new"), dir / name);
    }
};

TEST_F(FileCache, ReplacedFileIsServedNewAfterTheValidity) {
    ASSERT_TRUE(start("cache: {validity: 1s}\n"));
    const std::string old_content = site.content("/a.txt");
    const HttpResponse first = get("/a.txt");
    ASSERT_TRUE(well_framed(first));
    EXPECT_EQ(first.body, old_content);

    const std::string new_content = "a new, longer version of a.txt: " + old_content + old_content;
    replace("a.txt", new_content);
    for (int i = 0; i < 5; ++i) {
        const HttpResponse during = get("/a.txt");
        ASSERT_TRUE(well_framed(during));
        EXPECT_TRUE(during.body == old_content || during.body == new_content) << during.body;
    }
    std::this_thread::sleep_for(1500ms);
    const HttpResponse after = get("/a.txt");
    ASSERT_TRUE(well_framed(after));
    EXPECT_EQ(after.body, new_content);
    EXPECT_NE(after.header("ETag"), first.header("ETag"));
}

TEST_F(FileCache, DeletedFileIsGoneAfterTheValidity) {
    ASSERT_TRUE(start("cache: {validity: 200ms}\n"));
    ASSERT_EQ(get("/a.txt").status, 200);
    std::filesystem::remove(std::filesystem::path(site.root) / "a.txt");
    std::this_thread::sleep_for(600ms);
    EXPECT_EQ(get("/a.txt").status, 404);
}

TEST_F(FileCache, DisabledCacheSeesChangesAtOnce) {
    ASSERT_TRUE(start("cache: {enabled: false}\n"));
    ASSERT_EQ(get("/a.txt").status, 200);
    replace("a.txt", "changed");
    EXPECT_EQ(get("/a.txt").body, "changed");
    // A new file appears at once too: misses are not remembered either.
    replace("fresh.txt", "fresh");
    EXPECT_EQ(get("/fresh.txt").body, "fresh");
}

}  // namespace
}  // namespace tpserve::integration
