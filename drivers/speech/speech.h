// Speech: voice prompts for citizens who cannot read the screen well. The real speaker runs
// espeak-ng as a child process (crash-isolated, nothing loaded into the kiosk), started and
// stopped without blocking the caller; a new prompt interrupts the one playing. The silent fake
// records what would have been said.
#pragma once

#include <sys/types.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kiosk/base/result.h"

namespace vmeste::drivers {

class Speaker {
  public:
    virtual ~Speaker() = default;
    // `language`: "ru" or "en". Returns at once; the prompt plays in the background.
    virtual Result<void> speak(const std::string& text, const std::string& language) = 0;
    virtual void stop() = 0;
    virtual bool speaking() = 0;
};

struct EspeakOptions {
    std::string program = "espeak-ng";
    int words_per_minute = 150;  // slower than espeak's 175: clearer for older listeners
    std::string wav_file;        // non-empty: write the audio here instead of playing it (tests)
};

std::unique_ptr<Speaker> make_espeak_speaker(EspeakOptions options = {});

class SilentSpeaker final : public Speaker {
  public:
    // A prompt "plays" until stopped or the next one starts, as espeak-ng's would for a while.
    Result<void> speak(const std::string& text, const std::string& language) override {
        std::lock_guard lock(mu_);
        said.push_back(language + ": " + text);
        speaking_ = true;
        return {};
    }
    void stop() override {
        std::lock_guard lock(mu_);
        if (speaking_) ++stopped;
        speaking_ = false;
    }
    bool speaking() override {
        std::lock_guard lock(mu_);
        return speaking_;
    }
    std::vector<std::string> said;
    int stopped = 0;  // prompts cut short

  private:
    std::mutex mu_;
    bool speaking_ = false;
};

}  // namespace vmeste::drivers
