#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "drivers/speech/speech.h"

extern char** environ;

namespace vmeste::drivers {
namespace {

class EspeakSpeaker final : public Speaker {
  public:
    explicit EspeakSpeaker(EspeakOptions o) : options_(std::move(o)) {}
    ~EspeakSpeaker() override { stop(); }

    Result<void> speak(const std::string& text, const std::string& language) override {
        if (language != "ru" && language != "en")
            return make_error(ErrorCode::kInvalidInput, "speech: language must be ru or en");
        stop();  // a new prompt interrupts the old one
        std::vector<std::string> args = {options_.program, "-v", language, "-s",
                                         std::to_string(options_.words_per_minute)};
        if (!options_.wav_file.empty()) {
            args.push_back("-w");
            args.push_back(options_.wav_file);
        }
        args.push_back("--");  // the text is never taken for an option
        args.push_back(text);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawnattr_t attr;
        posix_spawnattr_init(&attr);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);  // its own group: stop() kills all
        posix_spawnattr_setpgroup(&attr, 0);
        pid_t pid = -1;
        const int rc =
            posix_spawnp(&pid, options_.program.c_str(), nullptr, &attr, argv.data(), environ);
        posix_spawnattr_destroy(&attr);
        if (rc != 0)
            return make_error(ErrorCode::kNotFound, "speech: cannot start " + options_.program +
                                                        ": " + std::strerror(rc));
        std::lock_guard lock(mu_);
        pid_ = pid;
        return {};
    }

    void stop() override {
        std::lock_guard lock(mu_);
        if (pid_ <= 0) return;
        ::kill(-pid_, SIGTERM);
        ::waitpid(pid_, nullptr, 0);  // espeak-ng exits at once on SIGTERM
        pid_ = -1;
    }

    bool speaking() override {
        std::lock_guard lock(mu_);
        if (pid_ <= 0) return false;
        if (::waitpid(pid_, nullptr, WNOHANG) == pid_) pid_ = -1;  // reaped: finished
        return pid_ > 0;
    }

  private:
    EspeakOptions options_;
    std::mutex mu_;
    pid_t pid_ = -1;
};

}  // namespace

std::unique_ptr<Speaker> make_espeak_speaker(EspeakOptions options) {
    return std::make_unique<EspeakSpeaker>(std::move(options));
}

}  // namespace vmeste::drivers
