#include "drivers/printer/printer_model.h"

namespace vmeste::drivers {

uint8_t PrinterModel::status_byte(int n) const {
    uint8_t b = 0x12;  // every status byte: bit 1 on, bits 0, 4 (here: 4 on), 7 off — 0xx1xx10
    if (n == 1 && offline) b |= 0x08;               // bit 3: offline
    if (n == 2 && cover_open) b |= 0x04;            // bit 2: cover open
    if (n == 2 && paper == Paper::kOut) b |= 0x20;  // bit 5: stopped, paper end
    if (n == 4 && paper != Paper::kOk) b |= 0x0C;   // bits 2, 3: roll near end
    if (n == 4 && paper == Paper::kOut) b |= 0x60;  // bits 5, 6: roll end
    return b;
}

uint8_t PrinterModel::paper_sensor_byte() const {
    uint8_t b = 0x00;  // GS r 1: bits 4 and 7 off (tells it from a DLE EOT answer)
    if (paper != Paper::kOk) b |= 0x03;   // bits 0, 1: near end
    if (paper == Paper::kOut) b |= 0x0C;  // bits 2, 3: end
    return b;
}

std::string PrinterModel::take(std::string_view bytes) {
    received_.append(bytes);
    std::string in = pending_ + std::string(bytes);
    pending_.clear();
    std::string out;
    for (size_t i = 0; i < in.size(); ++i) {
        const auto c = static_cast<unsigned char>(in[i]);
        if ((c == 0x10 || c == 0x1D) && i + 2 >= in.size()) {
            pending_ = in.substr(i);  // DLE EOT n / GS r n split across writes: wait for the rest
            break;
        }
        if (c == 0x10 && in[i + 1] == 0x04) {  // DLE EOT n: real-time, answered at once
            if (answers) out += static_cast<char>(status_byte(in[i + 2]));
            i += 2;
            continue;
        }
        if (paper_for_bytes) {
            if (*paper_for_bytes == 0)
                paper = Paper::kOut;
            else
                --*paper_for_bytes;
        }
        if (c == 0x1D && in[i + 1] == 'r') {  // GS r n: in order, after what came before it
            if (answers && confirms_jobs && printing()) {
                out += static_cast<char>(paper_sensor_byte());
                ++confirmed_;
            }
            i += 2;
        }
    }
    return out;
}

}  // namespace vmeste::drivers
