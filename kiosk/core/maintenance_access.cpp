#include "kiosk/core/maintenance_access.h"

#include <sodium.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "kiosk/core/file_ops.h"

namespace vmeste::core {

namespace {

constexpr const char* kFile = "access.json";

bool verify(const std::string& hash, std::string_view pin) {
    return !hash.empty() && crypto_pwhash_str_verify(hash.c_str(), pin.data(), pin.size()) == 0;
}

}  // namespace

const char* role_name(Role r) {
    return r == Role::kStaff ? "staff" : "technician";
}

Result<MaintenanceAccess> MaintenanceAccess::open(const std::string& data_dir, const Clock& clock) {
    if (sodium_init() < 0) return make_error(ErrorCode::kIo, "libsodium failed to initialise");
    MaintenanceAccess a(data_dir, clock);
    std::ifstream in(data_dir + "/" + kFile, std::ios::binary);
    if (!in) return a;  // nothing set yet
    std::stringstream ss;
    ss << in.rdbuf();
    auto j = nlohmann::json::parse(ss.str(), nullptr, false);
    if (!j.is_object())
        return make_error(ErrorCode::kCorrupt, data_dir + "/" + kFile + " is damaged");
    auto str = [&](const char* k) {
        return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
    };
    a.staff_hash_ = str("staff");
    a.technician_hash_ = str("technician");
    if (j.contains("failures") && j["failures"].is_number_integer())
        a.failures_ = std::max(0, j["failures"].get<int>());
    if (j.contains("locked_until") && j["locked_until"].is_number_integer())
        a.locked_until_ms_ = j["locked_until"].get<int64_t>();
    return a;
}

Result<void> MaintenanceAccess::save() {
    const nlohmann::json j = {{"staff", staff_hash_},
                              {"technician", technician_hash_},
                              {"failures", failures_},
                              {"locked_until", locked_until_ms_}};
    return write_durably(posix_file_ops(), data_dir_, kFile, j.dump(), 0600);
}

bool MaintenanceAccess::has_pin(Role role) const {
    return !(role == Role::kStaff ? staff_hash_ : technician_hash_).empty();
}

Result<void> MaintenanceAccess::set_pin(Role role, std::string_view pin) {
    if (pin.size() < 4 || pin.size() > 12 ||
        !std::all_of(pin.begin(), pin.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return make_error(ErrorCode::kInvalidInput, "a PIN is 4 to 12 digits");
    const Role other = role == Role::kStaff ? Role::kTechnician : Role::kStaff;
    if (verify(other == Role::kStaff ? staff_hash_ : technician_hash_, pin))
        return make_error(ErrorCode::kInvalidInput,
                          std::string("the ") + role_name(other) + " PIN is the same");
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, pin.data(), pin.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return make_error(ErrorCode::kIo, "out of memory hashing the PIN");
    (role == Role::kStaff ? staff_hash_ : technician_hash_) = hash;
    return save();
}

std::optional<int64_t> MaintenanceAccess::locked_until() const {
    if (locked_until_ms_ > clock_->unix_millis()) return locked_until_ms_;
    return std::nullopt;
}

MaintenanceAccess::Attempt MaintenanceAccess::try_pin(std::string_view pin) {
    using R = Attempt::Result;
    if (auto until = locked_until()) return {R::kLocked, Role::kStaff, *until, 0};
    if (!has_pin(Role::kStaff) && !has_pin(Role::kTechnician)) return {R::kNoPins};
    for (Role role : {Role::kTechnician, Role::kStaff}) {
        if (!verify(role == Role::kStaff ? staff_hash_ : technician_hash_, pin)) continue;
        if (failures_ != 0 || locked_until_ms_ != 0) {
            failures_ = 0;
            locked_until_ms_ = 0;
            (void)save();
        }
        return {R::kOk, role};
    }
    ++failures_;
    Attempt a{R::kWrong};
    if (failures_ >= kFreeAttempts) {
        // 30 s after the fifth, then doubling: 60 s after the sixth, … at most an hour.
        const int doublings = std::min(failures_ - kFreeAttempts, 7);
        locked_until_ms_ = clock_->unix_millis() + std::min(kFirstLockMs << doublings, kMaxLockMs);
        a.locked_until_ms = locked_until_ms_;
    } else {
        a.attempts_left = kFreeAttempts - failures_;
    }
    (void)save();  // counted before the answer: pulling the plug does not reset it
    return a;
}

}  // namespace vmeste::core
