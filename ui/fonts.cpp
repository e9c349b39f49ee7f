#include "ui/fonts.h"

#include <imgui.h>
#include <imgui_freetype.h>

#include <filesystem>

#include "kiosk/base/log.h"

namespace vmeste::ui {
namespace {

// Latin + Latin-1 (« » are there), the Russian part of Cyrillic (with Ё), the punctuation in use
// (— … “ ” ‰ ‹ ›) and №. Only what Russian and English text need: on a GPU-less terminal the atlas
// is a texture in RAM, and the whole Cyrillic and symbol blocks would double it. ImWchar is
// 16-bit in Debian's build, so everything must be in the BMP.
const ImWchar kTextRanges[] = {0x0020, 0x00FF, 0x0400, 0x045F, 0x2010, 0x2027,
                               0x2030, 0x203A, 0x2116, 0x2116, 0};
// From DejaVu, one by one (each range costs atlas space in every font): arrows (← → ⇧), minus,
// technical (⌫ ⌨), triangles (▲ ▼), circles (○ ● for one choice), check mark (✓), brackets (⟦ ⟧
// mark missing strings), the access symbol (♿, on the accessibility button) and the category
// icons.
const ImWchar kSymbolRanges[] =
    {
        0x20BD, 0x20BD,  // ₽ (business)
        0x2190, 0x2190, 0x2192, 0x2192, 0x21C6, 0x21C6, 0x21E7, 0x21EA, 0x2212, 0x2212, 0x22EF,
        0x22EF, 0x2302, 0x2302, 0x2328, 0x2328, 0x232B, 0x232B, 0x25B2, 0x25B2, 0x25BC, 0x25BC,
        0x25CB, 0x25CB, 0x25CF, 0x25CF, 0x2605, 0x2605, 0x260E, 0x260E, 0x2663, 0x2663, 0x2665,
        0x2665, 0x266B, 0x266B, 0x267B, 0x267B, 0x267F, 0x267F, 0x2691, 0x2692, 0x2698, 0x2698,
        0x26A0, 0x26A0,  // category icons (ui/screens.cpp)
        0x270E, 0x270E, 0x2713, 0x2713, 0x271A, 0x271A, 0x2740, 0x2740, 0x27E6, 0x27E7, 0};

}  // namespace

bool font_has_glyph(char32_t c) {
    for (const ImWchar* ranges : {kTextRanges, kSymbolRanges})
        for (const ImWchar* r = ranges; r[0]; r += 2)
            if (c >= r[0] && c <= r[1]) return true;
    return false;
}

Result<FontSets> load_fonts(const Theme& theme, const FontFiles& files) {
    for (const std::string* f : {&files.regular, &files.bold, &files.symbols})
        if (!std::filesystem::exists(*f))
            return make_error(ErrorCode::kNotFound,
                              "font file missing: " + *f + " (scripts/setup installs it)");
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    io.Fonts->FontBuilderIO = ImGuiFreeType::GetBuilderForFreeType();
    io.Fonts->TexGlyphPadding = 1;
    // As tall as the glyphs need, not the next power of two (on llvmpipe every texel is RAM).
    io.Fonts->Flags |= ImFontAtlasFlags_NoPowerOfTwoHeight;

    auto add = [&](const std::string& file, float size) {
        ImFontConfig cfg;
        cfg.OversampleH = 1;  // FreeType hints; oversampling only costs atlas space
        ImFont* font = io.Fonts->AddFontFromFileTTF(file.c_str(), size, &cfg, kTextRanges);
        ImFontConfig merge;
        merge.MergeMode = true;
        merge.GlyphOffset.y = size * 0.05f;
        io.Fonts->AddFontFromFileTTF(files.symbols.c_str(), size, &merge, kSymbolRanges);
        return font;
    };
    const Metrics& m = theme.metrics;
    FontSets sets;
    Fonts& fonts = sets.normal;
    fonts.body = add(files.regular, theme.px(m.body));  // the first font is ImGui's default
    fonts.small = add(files.regular, theme.px(m.small));
    fonts.title = add(files.bold, theme.px(m.title));
    fonts.huge = add(files.bold, theme.px(m.huge));
    fonts.button = add(files.bold, theme.px(m.button));
    // Large text: every size × 1.5, except that titles are already large — they take the huge
    // size, and huge stays (the atlas would otherwise grow by a quarter for one number).
    Fonts& large = sets.large;
    large.body = add(files.regular, theme.px(m.body * m.large_text));
    large.small = add(files.regular, theme.px(m.small * m.large_text));
    large.button = add(files.bold, theme.px(m.button * m.large_text));
    large.title = fonts.huge;
    large.huge = fonts.huge;
    for (const Fonts* f : {&sets.normal, &sets.large})
        if (!f->body || !f->small || !f->title || !f->huge || !f->button)
            return make_error(ErrorCode::kInternal, "could not load the fonts");
    if (!io.Fonts->Build())
        return make_error(ErrorCode::kInternal, "could not build the font atlas");
    int glyphs = 0;
    for (const ImFont* f : io.Fonts->Fonts) glyphs += f->Glyphs.Size;
    log::info("fonts: %d fonts, %d glyphs, atlas %dx%d", io.Fonts->Fonts.Size, glyphs,
              io.Fonts->TexWidth, io.Fonts->TexHeight);
    return sets;
}

}  // namespace vmeste::ui
