// Speech through the real espeak-ng (written to a WAV file: the test machine has no speakers):
// Russian and English prompts produce audio, speak() returns at once, stop() interrupts.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "drivers/speech/speech.h"
#include "tests/support/temp_dir.h"

using namespace vmeste;
using namespace vmeste::drivers;
using namespace std::chrono_literals;

namespace {
bool wait_done(Speaker& s, std::chrono::milliseconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (s.speaking())
        if (std::chrono::steady_clock::now() > end)
            return false;
        else
            std::this_thread::sleep_for(10ms);
    return true;
}
std::string head(const std::string& path, size_t n) {
    std::ifstream in(path, std::ios::binary);
    std::string s(n, '\0');
    in.read(s.data(), static_cast<std::streamsize>(n));
    return s;
}
}  // namespace

TEST(Speech, RussianAndEnglishPromptsBecomeAudio) {
    test::TempDir dir;
    for (const char* lang : {"ru", "en"}) {
        const std::string wav = dir.file(std::string(lang) + ".wav");
        auto s = make_espeak_speaker({"espeak-ng", 150, wav});
        ASSERT_TRUE(s->speak(
            std::string(lang) == "ru" ? "Опишите проблему" : "Describe the problem", lang));
        ASSERT_TRUE(wait_done(*s, 10s));
        ASSERT_TRUE(std::filesystem::exists(wav)) << lang;
        EXPECT_EQ(head(wav, 4), "RIFF");
        EXPECT_GT(std::filesystem::file_size(wav), 10'000u) << lang;  // about a second of speech
    }
}

TEST(Speech, SpeakReturnsAtOnceAndStopInterrupts) {
    test::TempDir dir;
    auto s = make_espeak_speaker({"espeak-ng", 80, dir.file("long.wav")});
    std::string text;
    for (int i = 0; i < 200; ++i) text += "Уважаемый гражданин, пожалуйста, подождите. ";
    const auto t0 = std::chrono::steady_clock::now();
    ASSERT_TRUE(s->speak(text, "ru"));
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 500ms) << "speak() blocked the caller";
    EXPECT_TRUE(s->speaking());
    const auto t1 = std::chrono::steady_clock::now();
    s->stop();
    EXPECT_LT(std::chrono::steady_clock::now() - t1, 1s);
    EXPECT_FALSE(s->speaking());
}

TEST(Speech, BadLanguageMissingProgramAndOptionLikeTextAreHandled) {
    test::TempDir dir;
    auto s = make_espeak_speaker({"espeak-ng", 150, dir.file("x.wav")});
    EXPECT_FALSE(s->speak("text", "de"));
    // Text starting with a dash is spoken, not taken as an option.
    ASSERT_TRUE(s->speak("--version", "en"));
    ASSERT_TRUE(wait_done(*s, 10s));
    EXPECT_GT(std::filesystem::file_size(dir.file("x.wav")), 1'000u);
    auto missing = make_espeak_speaker({"/nonexistent/espeak", 150, ""});
    EXPECT_FALSE(missing->speak("text", "ru"));
    SilentSpeaker fake;
    ASSERT_TRUE(fake.speak("Привет", "ru"));
    EXPECT_EQ(fake.said, std::vector<std::string>{"ru: Привет"});
}
