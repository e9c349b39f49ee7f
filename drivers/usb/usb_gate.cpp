#include "drivers/usb/usb_gate.h"

#include <algorithm>
#include <optional>
#include <sstream>

#include "kiosk/base/subprocess.h"

namespace vmeste::drivers {

bool UsbDevice::has_class(std::string_view cls) const {
    return std::any_of(interfaces.begin(), interfaces.end(),
                       [&](const std::string& i) { return i.starts_with(cls); });
}

bool UsbDevice::plain_storage() const {
    return !interfaces.empty() &&
           std::all_of(interfaces.begin(), interfaces.end(),
                       [](const std::string& i) { return i.starts_with("08:"); });
}

namespace {

// One token of a rule: a word, a "quoted string" (with \" and \\ escapes) or { a set }.
class RuleReader {
  public:
    explicit RuleReader(std::string_view s) : s_(s) {}
    bool next(std::string& word) {
        while (i_ < s_.size() && s_[i_] == ' ') ++i_;
        if (i_ >= s_.size()) return false;
        word.clear();
        if (s_[i_] == '"') {
            for (++i_; i_ < s_.size() && s_[i_] != '"'; ++i_) {
                if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
                word += s_[i_];
            }
            ++i_;
            return true;
        }
        while (i_ < s_.size() && s_[i_] != ' ') word += s_[i_++];
        return true;
    }
    // After a word that takes values: one value, or each one of "{ a b }".
    std::vector<std::string> values() {
        std::vector<std::string> out;
        std::string w;
        if (!next(w)) return out;
        if (w != "{") return {w};
        while (next(w) && w != "}") out.push_back(w);
        return out;
    }

  private:
    std::string_view s_;
    size_t i_ = 0;
};

class UsbguardGate : public UsbGate {
  public:
    explicit UsbguardGate(std::string client) : client_(std::move(client)) {}
    Result<std::vector<UsbDevice>> blocked() override {
        Ran r = run_piped({client_, "list-devices", "--blocked"});
        if (r.status != 0) return failed("list-devices", r);
        return parse_usbguard_devices(r.out);
    }
    Result<void> allow(uint32_t id) override { return act("allow-device", id); }
    Result<void> block(uint32_t id) override { return act("block-device", id); }

  private:
    Result<void> act(const char* verb, uint32_t id) {
        Ran r = run_piped({client_, verb, std::to_string(id)});
        if (r.status != 0) return failed(verb, r);
        return {};
    }
    Error failed(const char* verb, const Ran& r) const {
        return {ErrorCode::kIo,
                "usbguard " + std::string(verb) + ": " +
                    (r.status < 0 && r.err.empty() ? "did not run" : last_line(r.err))};
    }
    std::string client_;
};

}  // namespace

std::vector<UsbDevice> parse_usbguard_devices(std::string_view listing) {
    std::vector<UsbDevice> out;
    std::istringstream in{std::string(listing)};
    for (std::string line; std::getline(in, line);) {
        const size_t colon = line.find(": ");
        if (colon == std::string::npos || colon == 0 ||
            line.find_first_not_of("0123456789") != colon)
            continue;
        UsbDevice d;
        d.id = static_cast<uint32_t>(std::stoul(line.substr(0, colon)));
        RuleReader r(std::string_view(line).substr(colon + 2));
        std::string word;
        r.next(word);  // the target: allow, block, reject
        while (r.next(word)) {
            if (word == "id") {
                r.next(d.vid_pid);
            } else if (word == "name") {
                r.next(d.name);
            } else if (word == "with-interface") {
                d.interfaces = r.values();
            } else {
                r.values();  // serial, hash, via-port, … : not needed
            }
        }
        out.push_back(std::move(d));
    }
    return out;
}

std::unique_ptr<UsbGate> make_usbguard_gate(std::string client) {
    return std::make_unique<UsbguardGate>(std::move(client));
}

uint32_t FakeUsbGate::plug(UsbDevice d) {
    std::lock_guard lock(mu_);
    d.id = next_++;
    plugged_.push_back({std::move(d), false});
    return plugged_.back().device.id;
}

void FakeUsbGate::unplug(uint32_t id) {
    std::lock_guard lock(mu_);
    std::erase_if(plugged_, [&](const Plugged& p) { return p.device.id == id; });
}

bool FakeUsbGate::is_allowed(uint32_t id) const {
    std::lock_guard lock(mu_);
    for (const auto& p : plugged_)
        if (p.device.id == id) return p.allowed;
    return false;
}

Result<std::vector<UsbDevice>> FakeUsbGate::blocked() {
    std::lock_guard lock(mu_);
    std::vector<UsbDevice> out;
    for (const auto& p : plugged_)
        if (!p.allowed) out.push_back(p.device);
    return out;
}

Result<void> FakeUsbGate::allow(uint32_t id) {
    return set(id, true);
}

Result<void> FakeUsbGate::block(uint32_t id) {
    return set(id, false);
}

Result<void> FakeUsbGate::set(uint32_t id, bool allowed) {
    std::optional<UsbDevice> found;
    {
        std::lock_guard lock(mu_);
        for (auto& p : plugged_)
            if (p.device.id == id) {
                p.allowed = allowed;
                log_.push_back((allowed ? "allow " : "block ") + std::to_string(id));
                found = p.device;
            }
    }
    if (!found) return make_error(ErrorCode::kNotFound, "no device " + std::to_string(id));
    if (const auto& hook = allowed ? on_allow : on_block) hook(*found);
    return {};
}

std::vector<std::string> FakeUsbGate::log() const {
    std::lock_guard lock(mu_);
    return log_;
}

}  // namespace vmeste::drivers
