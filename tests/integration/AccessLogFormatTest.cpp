// Access log formats, one per site: combined, JSON lines (each line parsed
// strictly) and W3C extended (#Software/#Version/#Date/#Fields, then lines
// with one value per field). The server is stopped before the logs are read,
// so every line has been flushed.
#include <map>
#include <sstream>

#include "ConfigYaml.h"
#include "Json.h"
#include "ServerFixture.h"
#include "TestData.h"
#include "TestEnv.h"

namespace tpserve::integration {
namespace {

using support::JsonParse;
using support::JsonValue;
using support::parse_json;

constexpr const char* kW3cFields =
    "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip "
    "cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status sc-bytes time-taken "
    "cs-host sc(Content-Encoding)";

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        EXPECT_TRUE(line.empty() || line.back() != '\r') << "CR in a log line";
        out.push_back(line);
    }
    EXPECT_TRUE(text.empty() || text.back() == '\n') << "the log does not end with a newline";
    return out;
}

std::vector<std::string> words(const std::string& line) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at <= line.size()) {
        const auto sp = line.find(' ', at);
        out.push_back(line.substr(at, sp == std::string::npos ? std::string::npos : sp - at));
        if (sp == std::string::npos) break;
        at = sp + 1;
    }
    return out;
}

bool all_digits(const std::string& s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

class AccessLogFormats : public ServerFixture {
protected:
    void SetUp() override {
        site.add("pc.js", "var pc = 1;\n" + std::string(500, ' '));
        site.add("pc.js.gz", random_bytes(120, 5));
        tree.set_mtime("www/pc.js", 1700000000);
        tree.set_mtime("www/pc.js.gz", 1700000000);
        json_log = tree.path() / "logs" / "json.log";
        w3c_log = tree.path() / "logs" / "w3c.log";
        combined_log = tree.path() / "logs" / "combined.log";
        tree.mkdir("logs");
        const std::string root = yaml_quote(std::string_view(site.root));
        const std::string yaml =
            "sites:\n"
            "  - hosts: [json.test]\n"
            "    root: " +
            root +
            "\n"
            "    log: {access: " +
            yaml_quote(json_log) +
            ", format: json}\n"
            "  - hosts: [w3c.test]\n"
            "    root: " +
            root +
            "\n"
            "    log: {access: " +
            yaml_quote(w3c_log) +
            ", format: w3c}\n"
            "  - hosts: [combined.test]\n"
            "    default: true\n"
            "    root: " +
            root +
            "\n"
            "    log: {access: " +
            yaml_quote(combined_log) + ", format: combined}\n";
        ASSERT_TRUE(start(yaml));
    }

    HttpResponse send(const std::string& host, const std::string& method, const std::string& target,
                      const std::string& extra = "") {
        return fetch(method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\n" + extra + "\r\n",
                     method == "HEAD");
    }

    // Stops the server (flushing the logs) and returns the file's lines.
    std::vector<std::string> stop_and_read(const std::filesystem::path& log) {
        if (!stopped) {
            EXPECT_TRUE(server.stop());
            stopped = true;
        }
        const auto text = read_whole_file(log);
        EXPECT_TRUE(text) << "no access log at " << log;
        return lines_of(text.value_or(""));
    }

    std::filesystem::path json_log, w3c_log, combined_log;
};

TEST_F(AccessLogFormats, JsonLines) {
    ASSERT_EQ(send("json.test", "GET", "/a.txt",
                   "User-Agent: tpserve-test/1.0 (json)\r\nReferer: http://ref.test/x\r\n")
                  .status,
              200);
    ASSERT_EQ(send("json.test", "GET", "/pc.js", "Accept-Encoding: gzip\r\n").status, 200);
    ASSERT_EQ(send("json.test", "GET", "/nope?x=1").status, 404);
    ASSERT_EQ(send("json.test", "GET", "/b.txt", "Range: bytes=0-9\r\n").status, 206);
    ASSERT_EQ(send("json.test", "GET", "/c.txt", "User-Agent: q\"uo\\te\tx\r\n").status, 200);

    const auto lines = stop_and_read(json_log);
    ASSERT_EQ(lines.size(), 5u) << "one line per request to json.test";
    std::vector<JsonValue> objs;
    for (const auto& line : lines) {
        const JsonParse j = parse_json(line);
        ASSERT_TRUE(j.value) << j.error << "\n" << line;
        ASSERT_TRUE(j.value->is_object()) << line;
        for (const char* key : {"time", "remote_addr", "method", "uri", "protocol", "status",
                                "body_bytes", "bytes_sent", "request_time", "host", "encoding"}) {
            EXPECT_EQ(j.value->count(key), 1u) << key << " in " << line;
        }
        objs.push_back(*j.value);
    }
    auto str = [](const JsonValue& o, const char* key) {
        const JsonValue* v = o.find(key);
        return v != nullptr && v->is_string() ? v->text : std::string("<missing>");
    };
    auto num = [](const JsonValue& o, const char* key) {
        const JsonValue* v = o.find(key);
        return v != nullptr && v->is_number() ? v->text : std::string("<missing>");
    };
    // Lines come in the order requests finish, which over several
    // connections and workers is not the order they were sent: find each by URI.
    auto by_uri = [&](const std::string& uri) -> const JsonValue& {
        for (const auto& o : objs) {
            if (str(o, "uri") == uri) return o;
        }
        ADD_FAILURE() << "no line for " << uri;
        static const JsonValue none;
        return none;
    };
    const JsonValue& a = by_uri("/a.txt");
    EXPECT_EQ(str(a, "method"), "GET");
    EXPECT_EQ(str(a, "protocol"), "HTTP/1.1");
    EXPECT_EQ(str(a, "remote_addr"), "127.0.0.1");
    EXPECT_EQ(str(a, "host"), "json.test");
    EXPECT_EQ(str(a, "user_agent"), "tpserve-test/1.0 (json)");
    EXPECT_EQ(str(a, "referer"), "http://ref.test/x");
    EXPECT_EQ(num(a, "status"), "200");
    EXPECT_EQ(num(a, "body_bytes"), std::to_string(site.content("/a.txt").size()));
    ASSERT_TRUE(a.find("bytes_sent") && a.find("bytes_sent")->is_number());
    EXPECT_GT(a.find("bytes_sent")->number, 100.0) << "bytes_sent counts the head too";
    ASSERT_TRUE(a.find("request_time") && a.find("request_time")->is_number());
    EXPECT_GE(a.find("request_time")->number, 0.0);
    EXPECT_LT(a.find("request_time")->number, 10.0);
    EXPECT_EQ(str(a, "encoding"), "");
    EXPECT_EQ(str(a, "time").substr(0, 2), "20") << "an ISO 8601 time";

    const JsonValue& variant = by_uri("/pc.js");
    EXPECT_EQ(str(variant, "encoding"), "gzip") << "the variant served";
    EXPECT_EQ(num(variant, "body_bytes"), std::to_string(site.content("/pc.js.gz").size()));
    EXPECT_EQ(num(by_uri("/nope?x=1"), "status"), "404");
    const JsonValue& part = by_uri("/b.txt");
    EXPECT_EQ(num(part, "status"), "206");
    EXPECT_EQ(num(part, "body_bytes"), "10");
    EXPECT_EQ(str(by_uri("/c.txt"), "user_agent"), "q\"uo\\te\tx") << "escaped and decoded back";
}

TEST_F(AccessLogFormats, W3cExtended) {
    ASSERT_EQ(
        send("w3c.test", "GET", "/a.txt?x=1&y=2", "User-Agent: Mozilla/5.0 (X11; test)\r\n").status,
        200);
    ASSERT_EQ(send("w3c.test", "GET", "/no-such-file").status, 404);
    ASSERT_EQ(send("w3c.test", "HEAD", "/b.txt").status, 200);

    const auto lines = stop_and_read(w3c_log);
    ASSERT_GE(lines.size(), 7u);
    EXPECT_EQ(lines[0].rfind("#Software: ", 0), 0u) << lines[0];
    EXPECT_EQ(lines[1], "#Version: 1.0");
    ASSERT_EQ(lines[2].rfind("#Date: ", 0), 0u) << lines[2];
    const std::string date = lines[2].substr(7);
    EXPECT_TRUE(date.size() == 19 && date[4] == '-' && date[7] == '-' && date[10] == ' ' &&
                date[13] == ':' && date[16] == ':')
        << "#Date: " << date;
    EXPECT_EQ(lines[3], std::string("#Fields: ") + kW3cFields);
    const std::vector<std::string> names = words(kW3cFields);

    std::vector<std::map<std::string, std::string>> rows;
    for (std::size_t i = 4; i < lines.size(); ++i) {
        if (lines[i].empty()) continue;
        if (lines[i][0] == '#') continue;  // directives may repeat (a new day)
        const auto values = words(lines[i]);
        ASSERT_EQ(values.size(), names.size()) << "field count in\n" << lines[i];
        std::map<std::string, std::string> row;
        for (std::size_t k = 0; k < names.size(); ++k) {
            EXPECT_FALSE(values[k].empty()) << names[k] << " empty in\n" << lines[i];
            row[names[k]] = values[k];
        }
        rows.push_back(row);
    }
    ASSERT_EQ(rows.size(), 3u);
    // Rows come in the order requests finish, not the order they were sent.
    auto by_stem = [&](const std::string& stem) -> std::map<std::string, std::string> {
        for (const auto& row : rows) {
            if (row.at("cs-uri-stem") == stem) return row;
        }
        ADD_FAILURE() << "no line for " << stem;
        return {{"sc-status", "?"}, {"cs-uri-query", "?"}, {"cs-method", "?"}};
    };
    const auto a = by_stem("/a.txt");
    EXPECT_EQ(a.at("date").size(), 10u) << a.at("date");
    EXPECT_EQ(a.at("time").size(), 8u) << a.at("time");
    EXPECT_EQ(a.at("cs-method"), "GET");
    EXPECT_EQ(a.at("cs-uri-stem"), "/a.txt");
    EXPECT_EQ(a.at("cs-uri-query"), "x=1&y=2");
    EXPECT_EQ(a.at("s-port"), std::to_string(server.port()));
    EXPECT_EQ(a.at("s-ip"), "127.0.0.1");
    EXPECT_EQ(a.at("c-ip"), "127.0.0.1");
    EXPECT_EQ(a.at("cs-username"), "-");
    EXPECT_EQ(a.at("cs(User-Agent)"), "Mozilla/5.0+(X11;+test)");
    EXPECT_EQ(a.at("cs(Referer)"), "-");
    EXPECT_EQ(a.at("sc-status"), "200");
    EXPECT_EQ(a.at("sc-substatus"), "0");
    EXPECT_EQ(a.at("sc-win32-status"), "0");
    ASSERT_TRUE(all_digits(a.at("sc-bytes"))) << a.at("sc-bytes");
    EXPECT_GT(std::stoull(a.at("sc-bytes")), site.content("/a.txt").size() + 50)
        << "sc-bytes counts the head too";
    EXPECT_TRUE(all_digits(a.at("time-taken"))) << a.at("time-taken");
    EXPECT_FALSE(a.at("cs-host").empty());
    EXPECT_EQ(a.at("sc(Content-Encoding)"), "-") << "no variant of a.txt exists";
    const auto missing = by_stem("/no-such-file");
    EXPECT_EQ(missing.at("sc-status"), "404");
    EXPECT_EQ(missing.at("cs-uri-query"), "-");
    EXPECT_EQ(by_stem("/b.txt").at("cs-method"), "HEAD");
}

TEST_F(AccessLogFormats, CombinedAndPerSiteFiles) {
    ASSERT_EQ(send("combined.test", "GET", "/a.txt", "User-Agent: curl/8.0\r\n").status, 200);
    ASSERT_EQ(send("unknown.test", "GET", "/c.txt", "Referer: http://r.test/\r\n").status, 200);
    ASSERT_EQ(send("json.test", "GET", "/a.txt").status, 200);

    const auto combined = stop_and_read(combined_log);
    ASSERT_EQ(combined.size(), 2u) << "the default site logs the unknown host, not json.test";
    const std::string want_a = "] \"GET /a.txt HTTP/1.1\" 200 " +
                               std::to_string(site.content("/a.txt").size()) +
                               " \"-\" \"curl/8.0\"";
    const std::string want_c = "] \"GET /c.txt HTTP/1.1\" 200 " +
                               std::to_string(site.content("/c.txt").size()) +
                               " \"http://r.test/\" \"-\"";
    // In the order the requests finished, whichever that was.
    std::size_t found_a = 0, found_c = 0;
    for (const auto& line : combined) {
        EXPECT_EQ(line.rfind("127.0.0.1 - - [", 0), 0u) << line;
        found_a += line.find(want_a) != std::string::npos ? 1 : 0;
        found_c += line.find(want_c) != std::string::npos ? 1 : 0;
    }
    EXPECT_EQ(found_a, 1u) << "no line with " << want_a << " in\n"
                           << combined[0] << "\n"
                           << combined[1];
    EXPECT_EQ(found_c, 1u) << "no line with " << want_c << " in\n"
                           << combined[0] << "\n"
                           << combined[1];
    const auto json = stop_and_read(json_log);
    EXPECT_EQ(json.size(), 1u);
    const auto w3c = read_whole_file(w3c_log);
    if (w3c) {
        for (const auto& line : lines_of(*w3c)) {
            EXPECT_TRUE(line.empty() || line[0] == '#') << "a request in the wrong log: " << line;
        }
    }
}

}  // namespace
}  // namespace tpserve::integration
