#include "drivers/printer/escpos.h"

#include <algorithm>
#include <vector>

#include "kiosk/base/utf8.h"

namespace vmeste::drivers {

namespace {
constexpr char ESC = 0x1B, GS = 0x1D;

// CP866 0x80..0xFF → Unicode (IBM/MS code page 866).
const char32_t kCp866High[128] = {
    0x0410, 0x0411, 0x0412, 0x0413, 0x0414, 0x0415, 0x0416, 0x0417, 0x0418, 0x0419, 0x041A, 0x041B,
    0x041C, 0x041D, 0x041E, 0x041F, 0x0420, 0x0421, 0x0422, 0x0423, 0x0424, 0x0425, 0x0426, 0x0427,
    0x0428, 0x0429, 0x042A, 0x042B, 0x042C, 0x042D, 0x042E, 0x042F, 0x0430, 0x0431, 0x0432, 0x0433,
    0x0434, 0x0435, 0x0436, 0x0437, 0x0438, 0x0439, 0x043A, 0x043B, 0x043C, 0x043D, 0x043E, 0x043F,
    0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556, 0x2555, 0x2563, 0x2551, 0x2557,
    0x255D, 0x255C, 0x255B, 0x2510, 0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F,
    0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x2567, 0x2568, 0x2564, 0x2565, 0x2559,
    0x2558, 0x2552, 0x2553, 0x256B, 0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580,
    0x0440, 0x0441, 0x0442, 0x0443, 0x0444, 0x0445, 0x0446, 0x0447, 0x0448, 0x0449, 0x044A, 0x044B,
    0x044C, 0x044D, 0x044E, 0x044F, 0x0401, 0x0451, 0x0404, 0x0454, 0x0407, 0x0457, 0x040E, 0x045E,
    0x00B0, 0x2219, 0x00B7, 0x221A, 0x2116, 0x00A4, 0x25A0, 0x00A0};

char to_cp866(char32_t c) {
    if (c < 0x80) return static_cast<char>(c);
    // Typographic characters a citizen's text or a catalogue may hold, to their plain forms.
    switch (c) {
        case 0x00AB:
        case 0x00BB:
        case 0x201C:
        case 0x201D:
        case 0x201E:
            return '"';
        case 0x2013:
        case 0x2014:
        case 0x2212:
            return '-';
        case 0x2018:
        case 0x2019:
            return '\'';
        case 0x2026:
            return '.';
    }
    for (int i = 0; i < 128; ++i)
        if (kCp866High[i] == c) return static_cast<char>(0x80 + i);
    return '?';
}

}  // namespace

std::string utf8_to_cp866(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (const char32_t c : utf8::decode(s)) {
        if (c == 0x2026) {
            out += "...";
            continue;
        }
        out += to_cp866(c);
    }
    return out;
}

std::string cp866_to_utf8(std::string_view s) {
    std::u32string cps;
    cps.reserve(s.size());
    for (unsigned char c : s) cps += c < 0x80 ? c : kCp866High[c - 0x80];
    return utf8::encode(cps);
}

EscPos& EscPos::init() {
    out_ += {ESC, '@'};  // ESC @ — Initialize printer
    return *this;
}
EscPos& EscPos::codepage_cp866() {
    out_ += {ESC, 't', 17};  // ESC t n — character code table; 17 = PC866 (Cyrillic #2)
    return *this;
}
EscPos& EscPos::align(Align a) {
    out_ += {ESC, 'a', static_cast<char>(a)};  // ESC a n — justification 0/1/2
    return *this;
}
EscPos& EscPos::bold(bool on) {
    out_ += {ESC, 'E', static_cast<char>(on ? 1 : 0)};  // ESC E n — emphasized mode
    return *this;
}
EscPos& EscPos::size(int w, int h) {
    w = std::clamp(w, 1, 8);
    h = std::clamp(h, 1, 8);
    out_ += {GS, '!', static_cast<char>(((w - 1) << 4) | (h - 1))};  // GS ! n — character size
    width_mul_ = w;
    return *this;
}
EscPos& EscPos::text(std::string_view utf8) {
    for (char c : utf8_to_cp866(utf8))
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\n') out_ += c;  // no stray commands
    return *this;
}
EscPos& EscPos::line(std::string_view utf8) {
    std::string cp866;
    for (char c : utf8_to_cp866(utf8))
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\n') cp866 += c;  // no stray commands
    const int width = std::max(1, columns_ / width_mul_);
    size_t start = 0;
    for (;;) {  // a '\n' in the text starts a line of its own
        const size_t nl = cp866.find('\n', start);
        const auto para =
            std::string_view(cp866).substr(start, nl == std::string::npos ? nl : nl - start);
        for (const auto& l : wrap_columns(para, width)) {
            out_ += l;
            out_ += '\n';  // LF — print and line feed
        }
        if (nl == std::string::npos) break;
        start = nl + 1;
    }
    return *this;
}

std::vector<std::string> wrap_columns(std::string_view s, int columns) {
    const size_t width = static_cast<size_t>(std::max(1, columns));
    std::vector<std::string> out;
    std::string cur;
    size_t i = 0;
    while (i < s.size()) {
        if (s[i] == ' ') {
            ++i;
            continue;
        }
        size_t end = s.find(' ', i);
        if (end == std::string_view::npos) end = s.size();
        std::string_view word = s.substr(i, end - i);
        i = end;
        if (!cur.empty() && cur.size() + 1 + word.size() <= width) {
            cur += ' ';
            cur += word;
            continue;
        }
        if (!cur.empty()) out.push_back(std::move(cur));
        cur.clear();
        while (word.size() > width) {  // longer than a line: split, the only mid-word break
            out.emplace_back(word.substr(0, width));
            word.remove_prefix(width);
        }
        cur = word;
    }
    if (!cur.empty() || out.empty()) out.push_back(std::move(cur));
    return out;
}
EscPos& EscPos::qr(std::string_view data, int module, char ec) {
    // GS ( k pL pH cn fn [params]: cn = 49 (QR). Lengths count cn, fn and the parameters.
    auto fn = [&](char f, std::string_view params) {
        const size_t len = params.size() + 2;
        out_ += {GS, '(', 'k', static_cast<char>(len & 0xFF), static_cast<char>(len >> 8), 49, f};
        out_ += params;
    };
    fn(65, std::string{50, 0});                                            // fn 165: model 2
    fn(67, std::string(1, static_cast<char>(std::clamp(module, 1, 16))));  // fn 167: module size
    const char level = ec == 'L' ? 48 : ec == 'Q' ? 50 : ec == 'H' ? 51 : 49;
    fn(69, std::string(1, level));                   // fn 169: error correction
    fn(80, std::string(1, 48) + std::string(data));  // fn 180: store the data
    fn(81, std::string(1, 48));                      // fn 181: print it
    return *this;
}
EscPos& EscPos::feed(int lines) {
    out_ += {ESC, 'd', static_cast<char>(std::clamp(lines, 0, 255))};  // ESC d n — feed n lines
    return *this;
}
EscPos& EscPos::cut() {
    out_ += {GS, 'V', 66, 3};  // GS V m n, m = 66: feed n dots past the cutter, partial cut
    return *this;
}

std::string receipt_escpos(const ReceiptContent& r, int columns) {
    EscPos p(columns);
    p.init().codepage_cp866().align(Align::kCenter);
    p.bold(true).line(r.title).bold(false);
    p.line(r.site).line(r.datetime).line();
    p.line(r.number_label);
    p.size(2, 2).bold(true).line(r.receipt_number).bold(false).size(1, 1).line();
    p.line(r.category).bold(true).line(r.answer_by).bold(false).line();
    p.qr(r.tracking_url, 6, 'M').line();
    for (const auto& s : r.instructions) p.line(s);
    p.feed(3).cut();
    return p.bytes();
}

}  // namespace vmeste::drivers
