// The receipt printer: ESC/POS bytes checked command by command against the spec, CP866 text,
// the preview renderer reading the same bytes back (its QR decodes with zbar), and the TCP 9100
// transport against a local listener that answers status requests as a printer does.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "drivers/printer/escpos.h"
#include "drivers/printer/preview.h"
#include "drivers/printer/transport.h"
#include "kiosk/base/utf8.h"
#include "tests/support/qr_decode.h"
#include "tests/support/temp_dir.h"

using namespace vmeste;
using namespace vmeste::drivers;

namespace {

std::string bytes(std::initializer_list<int> b) {
    std::string s;
    for (int v : b) s += static_cast<char>(v);
    return s;
}

ReceiptContent sample(const std::string& url) {
    return {"Обращение принято",
            "МФЦ «Подольск», ул. Кирова, 39",
            "29.11.2026 10:15",
            "Номер обращения",
            "7K3Q-9PXA",
            "Ремонт дорог · Яма на дороге",
            "Ответ до 11.12.2026",
            url,
            {"Наведите камеру телефона на код,", "чтобы узнать статус обращения."}};
}

const char* kUrl = "http://127.0.0.1:8080/t/7K3Q-9PXA";

}  // namespace

TEST(EscPos, EachCommandIsTheSpecsBytes) {
    EXPECT_EQ(EscPos().init().bytes(), bytes({0x1B, 0x40}));
    EXPECT_EQ(EscPos().codepage_cp866().bytes(), bytes({0x1B, 0x74, 17}));
    EXPECT_EQ(EscPos().align(Align::kCenter).bytes(), bytes({0x1B, 0x61, 1}));
    EXPECT_EQ(EscPos().align(Align::kRight).bytes(), bytes({0x1B, 0x61, 2}));
    EXPECT_EQ(EscPos().bold(true).bold(false).bytes(), bytes({0x1B, 0x45, 1, 0x1B, 0x45, 0}));
    EXPECT_EQ(EscPos().size(2, 2).bytes(), bytes({0x1D, 0x21, 0x11}));
    EXPECT_EQ(EscPos().size(1, 3).bytes(), bytes({0x1D, 0x21, 0x02}));
    EXPECT_EQ(EscPos().size(9, 0).bytes(), bytes({0x1D, 0x21, 0x70}));  // clamped to 8 × 1
    EXPECT_EQ(EscPos().feed(3).bytes(), bytes({0x1B, 0x64, 3}));
    EXPECT_EQ(EscPos().cut().bytes(), bytes({0x1D, 0x56, 66, 3}));
    EXPECT_EQ(EscPos().line("A").bytes(), "A\n");
    // GS ( k: model 2, module 6, level M, store "AB", print.
    EXPECT_EQ(EscPos().qr("AB", 6, 'M').bytes(),
              bytes({0x1D, 0x28, 0x6B, 4, 0, 49, 65, 50, 0,         // fn 165
                     0x1D, 0x28, 0x6B, 3, 0, 49, 67, 6,             // fn 167
                     0x1D, 0x28, 0x6B, 3, 0, 49, 69, 49,            // fn 169: M
                     0x1D, 0x28, 0x6B, 5, 0, 49, 80, 48, 'A', 'B',  // fn 180
                     0x1D, 0x28, 0x6B, 3, 0, 49, 81, 48}));         // fn 181
    // A long payload's length goes into pL and pH.
    const std::string big(300, 'x');
    const std::string q = EscPos().qr(big).bytes();
    EXPECT_NE(q.find(bytes({0x1D, 0x28, 0x6B, (303 & 0xFF), (303 >> 8), 49, 80, 48})),
              std::string::npos);
}

TEST(EscPos, TextGoesOutInCp866AndCannotInjectCommands) {
    EXPECT_EQ(utf8_to_cp866("Яма №5 Ёж"),
              bytes({0x9F, 0xAC, 0xA0, ' ', 0xFC, '5', ' ', 0xF0, 0xA6}));
    EXPECT_EQ(cp866_to_utf8(utf8_to_cp866("Привет, мир! АБВГДЕЁЖЗ абвгдеёжз")),
              "Привет, мир! АБВГДЕЁЖЗ абвгдеёжз");
    EXPECT_EQ(cp866_to_utf8(utf8_to_cp866("«Да» — 😀")), "\"Да\" - ?");
    // A citizen's text holding ESC @ or GS V prints as text, never as a command.
    const std::string out = EscPos().text("a\x1B@b\x1DV").bytes();
    EXPECT_EQ(out, "a@bV");
}

TEST(ReceiptPreview, TheReceiptPrintsItsNumberAndAQrThatScans) {
    const std::string escpos = receipt_escpos(sample(kUrl));
    EXPECT_TRUE(escpos.starts_with(bytes({0x1B, 0x40, 0x1B, 0x74, 17})));
    EXPECT_TRUE(escpos.ends_with(bytes({0x1D, 0x56, 66, 3})));
    auto p = render_escpos(escpos);
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_TRUE(p->unknown.empty());
    EXPECT_TRUE(p->cut);
    EXPECT_EQ(p->width, 576);
    ASSERT_EQ(p->qr_payloads.size(), 1u);
    EXPECT_EQ(p->qr_payloads[0], kUrl);
    bool number = false, cyrillic = false;
    for (const auto& l : p->lines) {
        number |= l == "7K3Q-9PXA";
        cyrillic |= l == "Обращение принято";
    }
    EXPECT_TRUE(number);
    EXPECT_TRUE(cyrillic);
    EXPECT_EQ(test::decode_qr_rgba(p->rgba, p->width, p->height), kUrl);
    // Ink where the number is printed double size: the preview is not blank.
    size_t dark = 0;
    for (size_t i = 0; i < p->rgba.size(); i += 4) dark += p->rgba[i] < 128;
    EXPECT_GT(dark, 20'000u);
    // Kept for docs/screenshots and for a person to look at.
    const std::string dir = VMESTE_SCREENSHOT_DIR;
    std::filesystem::create_directories(dir);
    ASSERT_TRUE(save_png(*p, dir + "/receipt-print-ru.png"));
    ReceiptContent en = {"Appeal received",
                         "MFC Podolsk, 39 Kirova St",
                         "29.11.2026 10:15",
                         "Appeal number",
                         "7K3Q-9PXA",
                         "Road repair · Pothole",
                         "Answer by 11.12.2026",
                         kUrl,
                         {"Point your phone's camera at the code", "to follow your appeal."}};
    auto pe = render_escpos(receipt_escpos(en));
    ASSERT_TRUE(save_png(*pe, dir + "/receipt-print-en.png"));
}

TEST(ReceiptPreview, UnknownCommandsAreSkippedAndReported) {
    auto p = render_escpos(bytes({0x1B, 0x40, 0x1B, 'p', 'H', 'i', '\n'}));
    ASSERT_TRUE(p);
    ASSERT_EQ(p->unknown.size(), 1u);
    EXPECT_EQ(p->unknown[0], "ESC p");
    EXPECT_FALSE(render_escpos("x", {576, "/nonexistent.ttf", ""}));
    // Truncated commands end the preview, never read past the bytes.
    EXPECT_TRUE(render_escpos(bytes({0x1D, 0x28, 0x6B, 0x50})));
    EXPECT_TRUE(render_escpos(bytes({0x1B})));
}

TEST(PrinterTransport, Tcp9100CarriesTheBytesAndTheStatus) {
    const int srv = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(srv, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    socklen_t len = sizeof a;
    getsockname(srv, reinterpret_cast<sockaddr*>(&a), &len);
    listen(srv, 1);
    std::string got;
    std::thread printer([&] {
        const int c = accept(srv, nullptr, nullptr);
        char buf[4096];
        for (ssize_t n; (n = ::read(c, buf, sizeof buf)) > 0;) {
            got.append(buf, static_cast<size_t>(n));
            // Answer each DLE EOT n in the data just read: paper out on n = 4.
            for (ssize_t i = 0; i + 2 < n; ++i)
                if (buf[i] == 0x10 && buf[i + 1] == 0x04) {
                    const char answer = buf[i + 2] == 4 ? static_cast<char>(0x72) : 0x12;
                    (void)::write(c, &answer, 1);
                }
        }
        ::close(c);
    });
    const std::string receipt = receipt_escpos(sample(kUrl));
    {
        auto t = open_printer("tcp:127.0.0.1:" + std::to_string(ntohs(a.sin_port)));
        ASSERT_TRUE(t) << t.error().message;
        ASSERT_TRUE((*t)->write(receipt));
        const PrinterStatus s = query_status(**t);
        EXPECT_TRUE(s.answered);
        EXPECT_TRUE(s.online);
        EXPECT_TRUE(s.paper_out);
    }
    printer.join();
    ::close(srv);
    EXPECT_TRUE(got.starts_with(receipt));
    // A port nobody listens on is a clear error.
    auto refused = open_tcp("127.0.0.1", ntohs(a.sin_port));
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("tcp:127.0.0.1"), std::string::npos);
}

TEST(PrinterTransport, DeviceFileSpecsStatusBitsAndTheFake) {
    test::TempDir dir;
    {
        auto t = open_printer("usb:" + dir.file("lp0"));
        EXPECT_FALSE(t);  // no such device
        std::ofstream(dir.file("lp0")).put('\0');
        auto u = open_printer("usb:" + dir.file("lp0"));
        ASSERT_TRUE(u);
        ASSERT_TRUE((*u)->write("hello"));
        EXPECT_FALSE(
            query_status(**u, std::chrono::milliseconds(50)).answered);  // a file never answers
    }
    EXPECT_FALSE(open_printer("bluetooth:xx"));
    EXPECT_FALSE(open_printer("serial:" + dir.file("lp0") + ":12345"));  // bad speed
    EXPECT_FALSE(open_serial(dir.file("lp0")));                          // not a tty

    const PrinterStatus ok = decode_status(0x12, 0x12, 0x12);
    EXPECT_TRUE(ok.online && !ok.paper_out && !ok.paper_near_end && !ok.cover_open);
    EXPECT_FALSE(decode_status(0x1A, 0x12, 0x12).online);
    EXPECT_TRUE(decode_status(0x12, 0x16, 0x12).cover_open);
    EXPECT_TRUE(decode_status(0x12, 0x12, 0x1E).paper_near_end);
    EXPECT_TRUE(decode_status(0x12, 0x32, 0x12).paper_out);

    FakePrinter fake;
    fake.set([](PrinterModel& m) { m.paper = PrinterModel::Paper::kNearEnd; });
    ASSERT_TRUE(fake.write("x"));
    const PrinterStatus s = query_status(fake);
    EXPECT_TRUE(s.answered && s.paper_near_end && !s.paper_out);
    fake.set_unplugged(true);
    EXPECT_FALSE(fake.write("x"));
    EXPECT_FALSE(query_status(fake).answered);
    auto gone = read_status(fake, std::chrono::milliseconds(50));
    ASSERT_FALSE(gone);
    EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
}

TEST(EscPos, WrapColumnsBreaksBetweenWordsAndSplitsOnlyAWordLongerThanALine) {
    EXPECT_EQ(wrap_columns("aaa bbb ccc", 7), (std::vector<std::string>{"aaa bbb", "ccc"}));
    EXPECT_EQ(wrap_columns("aaa  bbb", 3), (std::vector<std::string>{"aaa", "bbb"}));
    EXPECT_EQ(wrap_columns("abcdefgh xy", 3), (std::vector<std::string>{"abc", "def", "gh", "xy"}));
    EXPECT_EQ(wrap_columns("", 48), (std::vector<std::string>{""}));
    EXPECT_EQ(wrap_columns("exactly ten", 11), (std::vector<std::string>{"exactly ten"}));
}

// The three lines that overflowed a real 80 mm printer (issue #19, point 3): the МФЦ's address
// (68 characters), a category (61) and the answer-date line (82). On every width a technician can
// choose, no line is longer than the paper, no word is split, the preview shows the same lines
// the bytes hold and every word of the content is on the paper.
TEST(EscPos, AFullReceiptFitsThePaperBetweenWordsOnEveryWidth) {
    ReceiptContent c = sample(kUrl);
    c.site = "МФЦ городского округа Подольск, Московская обл., ул. Кирова, дом 39а";
    c.category = "Благоустройство · Предпринимательство и торговля, объекты рядом";
    c.answer_by =
        "Ответ до 11.12.2026 (срок по закону: 30 дней, считая все рабочие дни с 01.12.2026)";
    ASSERT_EQ(utf8::decode(c.site).size(), 68u);
    ASSERT_EQ(utf8::decode(c.answer_by).size(), 82u);
    for (const int columns : {48, 42, 32}) {
        SCOPED_TRACE(columns);
        const std::string escpos = receipt_escpos(c, columns);
        auto preview = render_escpos(escpos, preview_for_columns(columns));
        ASSERT_TRUE(preview) << preview.error().message;
        std::string all;
        for (const auto& l : preview->lines) {
            // The receipt number is printed double width: half the columns.
            const size_t limit = l == c.receipt_number ? columns / 2 : columns;
            EXPECT_LE(utf8::decode(l).size(), limit) << l;
            all += l + "\n";
        }
        // Each word whole on one line (a word split at a line end would not be found).
        for (const std::string& text : {c.site, c.category, c.answer_by}) {
            size_t at = 0;
            while (at < text.size()) {
                size_t end = text.find(' ', at);
                if (end == std::string::npos) end = text.size();
                const std::string word = text.substr(at, end - at);
                at = end + 1;
                if (word.empty() || word == "·") continue;
                EXPECT_NE(all.find(word), std::string::npos) << "«" << word << "» split or lost";
            }
        }
        EXPECT_EQ(test::decode_qr_rgba(preview->rgba, preview->width, preview->height), kUrl);
    }
}

// A line the printer gets too long (from a program that does not wrap) is drawn as the printer
// prints it, wrapped at the last column: the preview never hides what the paper shows.
TEST(ReceiptPreview, ALineLongerThanThePaperWrapsAsThePrinterWrapsIt) {
    const std::string sixty(60, 'x');
    auto p = render_escpos(sixty + "\n");
    ASSERT_TRUE(p);
    ASSERT_EQ(p->lines.size(), 2u);
    EXPECT_EQ(p->lines[0], std::string(48, 'x'));
    EXPECT_EQ(p->lines[1], std::string(12, 'x'));
    auto narrow = render_escpos(sixty + "\n", preview_for_columns(32));
    ASSERT_TRUE(narrow);
    EXPECT_EQ(narrow->lines.size(), 2u);
    EXPECT_EQ(narrow->width, 384);
}
