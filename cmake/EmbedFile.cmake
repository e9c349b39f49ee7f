# Script mode helper for vmeste_embed: writes the file as a hex byte array.
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" hexlen)
math(EXPR n "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE "${OUT}" "// Generated from ${IN}; do not edit.\n#include <string_view>\n"
  "namespace { const unsigned char kData[] = {${bytes} 0}; }\n"
  "std::string_view ${SYMBOL}() { return {reinterpret_cast<const char*>(kData), ${n}}; }\n")
