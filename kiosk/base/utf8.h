// UTF-8 helpers for citizen text, the screens and the printer's code page. Everything the kiosk
// stores is valid UTF-8: text arrives from our own keyboard (always valid) or from SDL text input
// (checked here before it reaches the session).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vmeste::utf8 {

bool is_valid(std::string_view s);
// Number of code points; assumes valid UTF-8.
size_t length(std::string_view s);
// Removes the last code point (no-op on empty).
void pop_back(std::string& s);
// Keeps printable text and '\n'; drops other control characters and invalid sequences.
std::string sanitize(std::string_view s);
// The first `max_cp` code points of s.
std::string_view prefix(std::string_view s, size_t max_cp);
// Code points of s (each byte of an invalid sequence becomes U+FFFD), and back.
std::u32string decode(std::string_view s);
std::string encode(std::u32string_view s);

}  // namespace vmeste::utf8
