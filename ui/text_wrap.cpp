#include "ui/text_wrap.h"

namespace vmeste::ui {
namespace {

size_t next_cp(std::string_view s, size_t i) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    return i;
}

// The first code point boundary at or after byte i.
size_t align(std::string_view s, size_t i) {
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    return i;
}

void wrap_paragraph(std::string_view p, float width, const MeasureFn& measure,
                    std::vector<std::string_view>& out) {
    auto fits = [&](size_t n) { return measure(p.substr(0, n)) <= width; };
    while (!p.empty()) {
        // The longest prefix (in code points) that fits, at least one code point: found by
        // doubling a step from the line's start and then halving between what fits and what does
        // not, so a line costs a few measures of about its own length, not one a code point (a
        // 4,000-character appeal on the review screen was measured 400,000 characters a frame).
        // Widths only grow as a prefix does.
        size_t fit = next_cp(p, 0);
        size_t over = std::string_view::npos;  // a length known not to fit
        if (fits(fit)) {
            for (size_t step = 16; fit < p.size(); step *= 2) {
                const size_t t = align(p, std::min(p.size(), fit + step));
                if (!fits(t)) {
                    over = t;
                    break;
                }
                fit = t;
            }
            while (over != std::string_view::npos) {
                size_t mid = align(p, fit + (over - fit) / 2);
                if (mid == fit) mid = next_cp(p, fit);
                if (mid >= over) break;
                (fits(mid) ? fit : over) = mid;
            }
        }
        if (fit == p.size()) {  // the rest fits
            out.push_back(p);
            return;
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
