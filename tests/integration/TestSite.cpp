#include "TestSite.h"

#include "TestData.h"

namespace tpserve::integration {

TestSite::TestSite(TempTree& t) : tree(t) {
    root = tree.mkdir("www").string();
    add("index.html", "<!doctype html>\n<title>tpserve test</title>\n<p>the index</p>\n");
    add("style.css", "body { color: #123456; }\n");
    add("app.js", "console.log('tpserve');\n");
    // A PNG signature followed by bytes that include NULs, CR and LF.
    add("logo.png", std::string("\x89PNG\r\n\x1a\n", 8) + random_bytes(3000, 7));
    add("icon.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\" height=\"1\"></svg>\n");
    add("notes.qqq", random_bytes(777, 11));
    add("a.txt", "alpha\n");
    add("b.txt", std::string(1000, 'b'));
    add("c.txt", "gamma gamma gamma\n");
    add("docs/index.html", "<!doctype html>\n<title>docs</title>\n<p>docs index</p>\n");
    add("docs/guide.html", "<!doctype html>\n<title>guide</title>\n");
    add("empty/file.txt", "not an index\n");
    for (int i = 0; i < 10; ++i) {
        add("small/f" + std::to_string(i) + ".txt",
            "small file " + std::to_string(i) + " " +
                std::string(static_cast<std::size_t>(i * 37), 'x') + "\n");
    }
    add(".hidden", "hidden file\n");
    add(".git/config", "[core]\n\trepositoryformatversion = 0\n");

    marker = "SECRET-" + random_token(32);
    tree.write("outside/secret.txt", marker);
    tree.symlink("www/link-out", "../outside/secret.txt");
    tree.symlink("www/dirlink", "../outside");
}

void TestSite::add(const std::string& rel, const std::string& body) {
    tree.write("www/" + rel, body);
    files["/" + rel] = body;
}

}  // namespace tpserve::integration
