// A program run without a shell: its arguments as given (no word splitting, no expansion), bytes
// on its standard input, its output and errors read back whole. For systemd-creds and usbguard.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vmeste {

struct Ran {
    int status = -1;  // the exit code; -1 when it did not start or was killed
    std::string out, err;
};

// Blocks until the program exits (call off the UI thread). args[0] is looked up in PATH.
Ran run_piped(const std::vector<std::string>& args, std::string_view input = {});

// What a program said last on its standard error (libraries' warnings come before it).
std::string last_line(std::string text);

}  // namespace vmeste
