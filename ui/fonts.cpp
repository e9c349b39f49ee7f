#include "ui/fonts.h"

#include <imgui.h>
#include <imgui_freetype.h>

#include <filesystem>

namespace vmeste::ui {
namespace {

// Latin + Latin-1 (« » are there), Cyrillic, general punctuation (— … “ ”), № and the rest of
// letterlike symbols. ImWchar is 16-bit in Debian's build, so everything must be in the BMP.
const ImWchar kTextRanges[] = {0x0020, 0x00FF, 0x0400, 0x04FF, 0x2010, 0x205E, 0x2100, 0x214F, 0};
// From DejaVu: arrows (← → ⇧), minus (−), technical (⌫ ⌨), triangles (▲ ▼), check mark (✓),
// brackets (⟦ ⟧ mark missing strings).
const ImWchar kSymbolRanges[] = {0x2190, 0x21FF, 0x2212, 0x2212, 0x2300, 0x23FF, 0x25A0,
                                 0x25FF, 0x2713, 0x2713, 0x27E6, 0x27E7, 0};

}  // namespace

Result<FontSets> load_fonts(const Theme& theme, const FontFiles& files) {
    for (const std::string* f : {&files.regular, &files.bold, &files.symbols})
        if (!std::filesystem::exists(*f))
            return make_error(ErrorCode::kNotFound,
                              "font file missing: " + *f + " (scripts/setup installs it)");
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    io.Fonts->FontBuilderIO = ImGuiFreeType::GetBuilderForFreeType();
    io.Fonts->TexGlyphPadding = 1;

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
    return sets;
}

}  // namespace vmeste::ui
