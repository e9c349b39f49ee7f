// What the printer tests in the kernel VM share: the receipt they print, and how what a printer
// received is compared with the jobs sent (status requests left out; a 64-bit FNV-1a hash and
// the length where the bytes stay on the far side of a serial line).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "drivers/printer/escpos.h"

namespace vmeste::test {

// Receipt `i` of a series: full length, Cyrillic, a QR, the cut (issue #19's "50 in a row").
inline std::string vm_receipt(const std::string& prefix, int i) {
    drivers::ReceiptContent c;
    c.title = "Обращение принято";
    c.site = "МФЦ городского округа Подольск, Московская обл., ул. Кирова, дом 39а";
    c.datetime = "05.12.2026 10:15";
    c.number_label = "Номер обращения";
    c.receipt_number = prefix + std::to_string(1000 + i);
    c.category = "Благоустройство · Освещение";
    c.answer_by = "Ответ до 18.12.2026";
    c.tracking_url = "https://vmeste.example.ru/t/" + c.receipt_number;
    c.instructions = {"Наведите камеру телефона на код,", "чтобы узнать статус обращения."};
    return drivers::receipt_escpos(c);
}

// What the printer got, without the real-time status requests (DLE EOT n) between the jobs.
inline std::string jobs_only(std::string got) {
    for (const char n : {1, 2, 4}) {
        const std::string req{0x10, 0x04, n};
        for (size_t at; (at = got.find(req)) != std::string::npos;) got.erase(at, 3);
    }
    return got;
}

inline std::string fnv1a_hex(const std::string& s) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ull;
    }
    char out[17];
    std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
    return out;
}

}  // namespace vmeste::test
