#include "ui/fonts.h"

#include <imgui.h>
#include <imgui_freetype.h>

#include <filesystem>

namespace vmeste::ui {
namespace {

// Latin + Latin-1 (« » are there), Cyrillic, general punctuation (— … “ ”), № and the rest of
// letterlike symbols. ImWchar is 16-bit in Debian's build, so everything must be in the BMP.
const ImWchar kTextRanges[] = {0x0020, 0x00FF, 0x0400, 0x04FF, 0x2010, 0x205E, 0x2100, 0x214F, 0};
// From DejaVu: arrows (← → ⇧), technical (⌫), check mark (✓), brackets (⟦ ⟧ mark missing strings).
const ImWchar kSymbolRanges[] = {0x2190, 0x21FF, 0x2300, 0x23FF, 0x2713, 0x2713, 0x27E6, 0x27E7, 0};

}  // namespace

Result<Fonts> load_fonts(const Theme& theme, const FontFiles& files) {
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
    Fonts fonts;
    fonts.body = add(files.regular, theme.px(m.body));  // the first font is ImGui's default
    fonts.small = add(files.regular, theme.px(m.small));
    fonts.title = add(files.bold, theme.px(m.title));
    fonts.huge = add(files.bold, theme.px(m.huge));
    fonts.button = add(files.bold, theme.px(m.button));
    if (!fonts.body || !fonts.small || !fonts.title || !fonts.huge || !fonts.button ||
        !io.Fonts->Build())
        return make_error(ErrorCode::kInternal, "could not build the font atlas");
    return fonts;
}

}  // namespace vmeste::ui
