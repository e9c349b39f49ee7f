// EscPos: builds the byte stream an 80 mm ESC/POS thermal printer prints (Epson TM-T20/T88 and
// the many compatible ones). Text is given in UTF-8 and sent in code page CP866 (Cyrillic), the
// QR code is printed by the printer itself (GS ( k), so it stays sharp at any module size.
// The commands and their bytes are in escpos.cpp, each with its reference.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vmeste::drivers {

enum class Align : uint8_t { kLeft = 0, kCenter = 1, kRight = 2 };

class EscPos {
  public:
    // `columns`: characters of font A across the paper at size 1 (48 on 80 mm paper, 576 dots;
    // 42 on printers with 512 dots; 32 on 58 mm paper). line() wraps to it.
    explicit EscPos(int columns = 48) : columns_(columns) {}
    int columns() const { return columns_; }
    EscPos& init();            // ESC @: reset modes
    EscPos& codepage_cp866();  // ESC t 17: PC866 Cyrillic
    EscPos& align(Align a);    // ESC a n
    EscPos& bold(bool on);     // ESC E n
    // GS ! n: character width and height multipliers, 1..8 each.
    EscPos& size(int width, int height);
    EscPos& text(std::string_view utf8);  // converted to CP866; unmappable → '?'
    // A line of text, wrapped between words to the columns at the current width multiplier (a
    // word longer than a line is split), so the printer never wraps it mid-word itself.
    EscPos& line(std::string_view utf8 = {});
    // GS ( k: model 2, module size 1..16 dots, error correction L/M/Q/H, store, print.
    EscPos& qr(std::string_view data, int module_dots = 6, char ec = 'M');
    EscPos& feed(int lines);  // ESC d n
    EscPos& cut();            // GS V 66 n: feed to the cutter and cut (partial)
    const std::string& bytes() const { return out_; }

  private:
    int columns_;
    int width_mul_ = 1;
    std::string out_;
};

// CP866 text (one byte, one column) cut into lines of at most `columns` between words; spaces at
// the breaks go, a word longer than a line is split. Empty text is one empty line.
std::vector<std::string> wrap_columns(std::string_view cp866, int columns);

// UTF-8 → CP866: ASCII, Cyrillic А–я, Ёё, №, box-free punctuation; everything else '?'.
std::string utf8_to_cp866(std::string_view utf8);
// CP866 → UTF-8 (the preview renderer reads what the printer would).
std::string cp866_to_utf8(std::string_view cp866);

// What a citizen's receipt shows (already in the citizen's language).
struct ReceiptContent {
    std::string title;                      // "Обращение принято"
    std::string site;                       // МФЦ name and address
    std::string datetime;                   // "29.11.2026 10:15"
    std::string number_label;               // "Номер обращения"
    std::string receipt_number;             // "7K3Q-9PXA"
    std::string category;                   // "Ремонт дорог · Яма на дороге"
    std::string answer_by;                  // "Ответ до: 11.12.2026"
    std::string tracking_url;               // the QR's payload (plain ASCII)
    std::vector<std::string> instructions;  // short lines under the QR
};

// The receipt as ESC/POS bytes for a printer of `columns` (48: 80 mm, 576 dots; 42; 32: 58 mm).
std::string receipt_escpos(const ReceiptContent& r, int columns = 48);

// The printer widths the technician can choose (config printer_columns).
inline bool valid_printer_columns(int c) {
    return c == 48 || c == 42 || c == 32;
}

}  // namespace vmeste::drivers
