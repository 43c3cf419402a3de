#pragma once
// The document root every integration test starts from, built in a TempTree:
//
//   www/index.html style.css app.js logo.png icon.svg notes.qqq a.txt b.txt c.txt
//   www/docs/index.html docs/guide.html   (a directory with an index)
//   www/empty/file.txt                    (a directory without one)
//   www/small/f0.txt .. f9.txt            (distinct small bodies)
//   www/.hidden www/.git/config           (dot-files)
//   www/link-out -> ../outside/secret.txt, www/dirlink -> ../outside
//   outside/secret.txt                    (a random marker, outside the root)
//
// Contents are kept here so tests compare bodies byte for byte.
#include <map>
#include <string>

#include "TempTree.h"

namespace tpserve::integration {

using support::TempTree;

struct TestSite {
    explicit TestSite(TempTree& tree);

    TempTree& tree;
    std::string root;                          // absolute path of www/
    std::string marker;                        // the content of outside/secret.txt
    std::map<std::string, std::string> files;  // URL path ("/a.txt") → content

    const std::string& content(const std::string& url_path) const { return files.at(url_path); }
    // Writes www/<rel> and records it under "/<rel>".
    void add(const std::string& rel, const std::string& content);
};

}  // namespace tpserve::integration
