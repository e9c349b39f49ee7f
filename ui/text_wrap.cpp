#include "ui/text_wrap.h"

namespace vmeste::ui {
namespace {

size_t next_cp(std::string_view s, size_t i) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    return i;
}

void wrap_paragraph(std::string_view p, float width, const MeasureFn& measure,
                    std::vector<std::string_view>& out) {
    while (!p.empty()) {
        if (measure(p) <= width) {
            out.push_back(p);
            return;
        }
        // Longest prefix (in code points) that fits, at least one code point.
        size_t fit = next_cp(p, 0);
        for (size_t i = fit; i < p.size();) {
            size_t j = next_cp(p, i);
            if (measure(p.substr(0, j)) > width) break;
            fit = j;
            i = j;
        }
        size_t cut = fit;
        if (fit < p.size() && p[fit] != ' ') {
            size_t space = p.substr(0, fit).rfind(' ');
            if (space != std::string_view::npos && space > 0) cut = space;
        }
        std::string_view line = p.substr(0, cut);
        while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
        out.push_back(line);
        p.remove_prefix(cut);
        while (!p.empty() && p.front() == ' ') p.remove_prefix(1);
    }
}

}  // namespace

std::vector<std::string_view> wrap_text(std::string_view text, float width,
                                        const MeasureFn& measure) {
    std::vector<std::string_view> out;
    for (;;) {
        size_t nl = text.find('\n');
        std::string_view para = text.substr(0, nl);
        if (para.empty())
            out.push_back(para);
        else
            wrap_paragraph(para, width, measure, out);
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
    }
    return out;
}

}  // namespace vmeste::ui
