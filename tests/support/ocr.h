// An independent reader for the photo blur's proof: Debian's tesseract-ocr with the Russian
// model, run as a process on a JPEG. Nothing of the kiosk's code is involved in the reading.
#pragma once

#include <cstdio>
#include <fstream>
#include <optional>
#include <string>

#include "tests/support/temp_dir.h"

namespace vmeste::test {

// Whether `tesseract` and its Russian model are installed (scripts/setup installs both).
inline bool ocr_available() {
    FILE* p = popen("tesseract --list-langs 2>/dev/null", "r");
    if (!p) return false;
    std::string out;
    char buf[256];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    const bool ok = pclose(p) == 0;
    return ok && out.find("\nrus") != std::string::npos;
}

// The text tesseract reads in the picture (page segmentation 11: sparse text anywhere, as a
// plate in a street photo is), Russian and English models together; nullopt if it did not run.
inline std::optional<std::string> ocr_read(const std::string& jpeg) {
    TempDir dir;
    const std::string file = dir.file("photo.jpg");
    std::ofstream(file, std::ios::binary) << jpeg;
    const std::string cmd = "tesseract '" + file + "' stdout -l rus+eng 2>/dev/null";
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return std::nullopt;
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    if (pclose(p) != 0) return std::nullopt;
    return out;
}

}  // namespace vmeste::test
