#include "drivers/printer/preview.h"

#include <stb_image_write.h>
#include <stb_truetype.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "drivers/printer/escpos.h"
#include "image/qr_code.h"
#include "kiosk/base/utf8.h"

namespace vmeste::drivers {

namespace {

constexpr int kCharW = 12, kCharH = 24, kLineGap = 6;

struct Font {
    std::string data;
    stbtt_fontinfo info{};
    bool ok = false;
    explicit Font(const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        data = s.str();
        ok = !data.empty() &&
             stbtt_InitFont(&info, reinterpret_cast<const unsigned char*>(data.data()), 0);
    }
};

class Paper {
  public:
    explicit Paper(int width) : width_(width) {}
    int y = 0;
    void ensure(int rows) {
        if (static_cast<int>(grey_.size()) < rows * width_)
            grey_.resize(static_cast<size_t>(rows) * width_, 255);
    }
    void dot(int x, int yy, uint8_t v) {
        if (x < 0 || x >= width_ || yy < 0) return;
        ensure(yy + 1);
        uint8_t& p = grey_[static_cast<size_t>(yy) * width_ + x];
        p = std::min(p, v);
    }
    int width() const { return width_; }
    const std::vector<uint8_t>& grey() const { return grey_; }

  private:
    int width_;
    std::vector<uint8_t> grey_;
};

// Draws one printed line (CP866 bytes) at the paper's current y.
void draw_line(Paper& paper, const Font& font, const std::string& cp866, int align, int wmul,
               int hmul) {
    const int cell_w = kCharW * wmul, cell_h = kCharH * hmul;
    const int text_w = static_cast<int>(cp866.size()) * cell_w;
    int x0 = 0;
    if (align == 1) x0 = std::max(0, (paper.width() - text_w) / 2);
    if (align == 2) x0 = std::max(0, paper.width() - text_w);
    paper.ensure(paper.y + cell_h + kLineGap);
    if (font.ok) {
        // Scale so the font's glyphs fill font A's cell: 12 dots wide, 24 high, per multiplier.
        const float scale =
            stbtt_ScaleForPixelHeight(&font.info, static_cast<float>(cell_h) * 0.92f);
        int ascent = 0;
        stbtt_GetFontVMetrics(&font.info, &ascent, nullptr, nullptr);
        const int baseline = paper.y + static_cast<int>(ascent * scale);
        int col = 0;
        for (const char32_t cp : utf8::decode(cp866_to_utf8(cp866))) {
            int w = 0, h = 0, xoff = 0, yoff = 0;
            const float sx = scale * static_cast<float>(wmul) / static_cast<float>(hmul);
            unsigned char* bmp =
                stbtt_GetCodepointBitmap(&font.info, sx, scale, cp, &w, &h, &xoff, &yoff);
            const int cx = x0 + col * cell_w;
            for (int yy = 0; yy < h; ++yy)
                for (int xx = 0; xx < w; ++xx)
                    if (bmp[yy * w + xx] > 96)  // thermal dots are on or off
                        paper.dot(cx + xoff + xx, baseline + yoff + yy, 0);
            stbtt_FreeBitmap(bmp, nullptr);
            ++col;
        }
    }
    paper.y += cell_h + kLineGap;
}

}  // namespace

Result<ReceiptPreview> render_escpos(std::string_view b, const PreviewOptions& o) {
    const Font regular(o.font_regular), bold_font(o.font_bold);
    if (!regular.ok)
        return make_error(ErrorCode::kNotFound, "receipt preview: cannot load " + o.font_regular);
    ReceiptPreview out;
    Paper paper(o.width_dots);
    int align = 0, wmul = 1, hmul = 1;
    bool bold = false;
    int qr_module = 6;
    std::string line, qr_data;
    auto flush = [&](bool force) {
        if (line.empty() && !force) return;
        // A line longer than the paper wraps where the printer wraps it: at the last column,
        // mid-word (EscPos::line wraps between words before it gets here).
        const size_t per_line = static_cast<size_t>(std::max(1, paper.width() / (kCharW * wmul)));
        std::string_view rest = line;
        do {
            const std::string part(rest.substr(0, per_line));
            rest.remove_prefix(part.size());
            draw_line(paper, bold && bold_font.ok ? bold_font : regular, part, align, wmul, hmul);
            out.lines.push_back(cp866_to_utf8(part));
        } while (!rest.empty());
        line.clear();
    };
    for (size_t i = 0; i < b.size() && !out.cut;) {
        const auto c = static_cast<unsigned char>(b[i]);
        auto arg = [&](size_t k) -> int {
            return i + k < b.size() ? static_cast<unsigned char>(b[i + k]) : -1;
        };
        if (c == '\n') {
            flush(true);
            ++i;
        } else if (c == 0x1B) {  // ESC
            const int cmd = arg(1);
            if (cmd == '@') {
                align = 0, wmul = hmul = 1, bold = false;
                i += 2;
            } else if (cmd == 't' || cmd == 'a' || cmd == 'E' || cmd == 'd') {
                const int n = arg(2);
                if (n < 0) break;
                if (cmd == 'a') align = std::clamp(n % 48, 0, 2);  // 0..2 or '0'..'2'
                if (cmd == 'E') bold = n & 1;
                if (cmd == 'd') {
                    flush(false);
                    paper.y += n * (kCharH + kLineGap);
                }
                i += 3;
            } else {
                out.unknown.push_back("ESC " + std::string(1, static_cast<char>(cmd)));
                i += 2;
            }
        } else if (c == 0x1D) {  // GS
            const int cmd = arg(1);
            if (cmd == '!') {
                const int n = arg(2);
                if (n < 0) break;
                wmul = ((n >> 4) & 7) + 1, hmul = (n & 7) + 1;
                i += 3;
            } else if (cmd == 'V') {
                flush(false);
                out.cut = true;
                i += arg(2) >= 65 ? 4 : 3;
            } else if (cmd == '(' && arg(2) == 'k') {
                const int pl = arg(3), ph = arg(4);
                if (pl < 0 || ph < 0) break;
                const size_t len = static_cast<size_t>(pl | ph << 8);
                if (i + 5 + len > b.size() || len < 2) break;
                const int fn = static_cast<unsigned char>(b[i + 6]);
                if (fn == 67 && len >= 3)
                    qr_module = std::clamp<int>(static_cast<unsigned char>(b[i + 7]), 1, 16);
                if (fn == 80 && len >= 3) qr_data.assign(b.substr(i + 8, len - 3));
                if (fn == 81) {
                    flush(false);
                    auto qr = image::encode_qr(qr_data);
                    if (qr) {
                        int side = 0;
                        auto px = image::rasterize_qr(*qr, qr_module, &side);
                        const int x0 = align == 1   ? (paper.width() - side) / 2
                                       : align == 2 ? paper.width() - side
                                                    : 0;
                        for (int yy = 0; yy < side; ++yy)
                            for (int xx = 0; xx < side; ++xx)
                                if (px[static_cast<size_t>(yy) * side + xx] == 0)
                                    paper.dot(x0 + xx, paper.y + yy, 0);
                        paper.y += side;
                        out.qr_payloads.push_back(qr_data);
                    }
                }
                i += 5 + len;
            } else {
                out.unknown.push_back("GS " + std::string(1, static_cast<char>(cmd)));
                i += 2;
            }
        } else if (c >= 0x20) {
            line += static_cast<char>(c);
            ++i;
        } else {
            ++i;  // other control bytes print nothing
        }
    }
    flush(false);
    if (out.cut) {
        paper.y += 12;
        for (int x = 0; x < paper.width(); x += 8)
            for (int k = 0; k < 4; ++k) paper.dot(x + k, paper.y, 120);  // the cut, dashed
        paper.y += 2;
    }
    paper.ensure(paper.y + 8);
    out.width = paper.width();
    out.height = static_cast<int>(paper.grey().size()) / paper.width();
    out.rgba.resize(static_cast<size_t>(out.width) * out.height * 4);
    for (size_t p = 0; p < paper.grey().size(); ++p) {
        out.rgba[p * 4] = out.rgba[p * 4 + 1] = out.rgba[p * 4 + 2] = paper.grey()[p];
        out.rgba[p * 4 + 3] = 255;
    }
    return out;
}

Result<void> save_png(const ReceiptPreview& p, const std::string& path) {
    if (!stbi_write_png(path.c_str(), p.width, p.height, 4, p.rgba.data(), p.width * 4))
        return make_error(ErrorCode::kIo, "cannot write " + path);
    return {};
}

}  // namespace vmeste::drivers
