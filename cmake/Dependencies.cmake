# Every outside library comes from a Debian package (scripts/setup installs them) and is found
# here once, as an imported target, so module CMakeLists only name targets.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(CURL REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(OpenGL REQUIRED)
find_package(Freetype REQUIRED)

pkg_check_modules(SDL2 REQUIRED IMPORTED_TARGET sdl2)
pkg_check_modules(IMGUI REQUIRED IMPORTED_TARGET imgui)   # adds -lstb (Requires: stb)
pkg_check_modules(QRENCODE REQUIRED IMPORTED_TARGET libqrencode)
pkg_check_modules(TURBOJPEG REQUIRED IMPORTED_TARGET libturbojpeg)
pkg_check_modules(STB REQUIRED IMPORTED_TARGET stb)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
pkg_check_modules(ZBAR REQUIRED IMPORTED_TARGET zbar)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
pkg_check_modules(TOMLPP REQUIRED IMPORTED_TARGET tomlplusplus)  # the kiosk's config file
# The region pack's vector tiles (docs/map.md): drawn with cairo, inflated with zlib, decoded
# with protozero (header-only).
pkg_check_modules(CAIRO REQUIRED IMPORTED_TARGET cairo)
find_package(ZLIB REQUIRED)
find_path(PROTOZERO_INCLUDE_DIR protozero/pbf_reader.hpp REQUIRED)
pkg_check_modules(XTST REQUIRED IMPORTED_TARGET xtst x11)  # tests: real X11 input (XTest)

# Debian's libimgui.a carries the SDL2 and OpenGL3 backends and the FreeType builder; its own
# pkg-config file does not name what those need, so the imported target adds them.
add_library(vmeste_imgui INTERFACE)
target_link_libraries(vmeste_imgui INTERFACE PkgConfig::IMGUI PkgConfig::SDL2 Freetype::Freetype
                      OpenGL::GL ${CMAKE_DL_LIBS})

if(VMESTE_BUILD_TESTS)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()
