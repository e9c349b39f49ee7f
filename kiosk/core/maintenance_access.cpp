#include "kiosk/core/maintenance_access.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "kiosk/base/log.h"
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
    if (auto r = a.load(); !r) return r.error();
    return a;
}

Result<void> MaintenanceAccess::load() {
    std::ifstream in(data_dir_ + "/" + kFile, std::ios::binary);
    staff_hash_.clear();
    technician_hash_.clear();
    failures_ = 0;
    locked_until_ms_ = 0;
    if (!in) return {};  // nothing set yet
    std::stringstream ss;
    ss << in.rdbuf();
    auto j = nlohmann::json::parse(ss.str(), nullptr, false);
    if (!j.is_object())
        return make_error(ErrorCode::kCorrupt, data_dir_ + "/" + kFile + " is damaged");
    auto str = [&](const char* k) {
        return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
    };
    staff_hash_ = str("staff");
    technician_hash_ = str("technician");
    if (j.contains("failures") && j["failures"].is_number_integer())
        failures_ = std::max(0, j["failures"].get<int>());
    if (j.contains("locked_until") && j["locked_until"].is_number_integer())
        locked_until_ms_ = j["locked_until"].get<int64_t>();
    return {};
}

// The file as it is now (vmestectl may have changed a PIN while the kiosk runs), under an
// exclusive lock of DATA_DIR/access.json.lock held until the returned handle closes, so a
// read-modify-write here and one in vmestectl never interleave.
Result<MaintenanceAccess::FileLock> MaintenanceAccess::fresh() {
    FileLock lock;
    lock.fd = ::open((data_dir_ + "/" + kFile + ".lock").c_str(),
                     O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (lock.fd < 0)
        return make_error(ErrorCode::kIo,
                          data_dir_ + "/" + kFile + ".lock: " + std::strerror(errno));
    while (::flock(lock.fd, LOCK_EX) != 0)
        if (errno != EINTR)
            return make_error(ErrorCode::kIo, std::string("access lock: ") + std::strerror(errno));
    if (auto r = load(); !r) return r.error();
    return lock;
}

MaintenanceAccess::FileLock::~FileLock() {
    if (fd >= 0) ::close(fd);  // releases the lock
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
    auto lock = fresh();
    if (!lock) return lock.error();
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

std::optional<int64_t> MaintenanceAccess::locked_until() {
    if (auto r = load(); !r) log::error("maintenance access: %s", r.error().message.c_str());
    return lock_in_force();
}

std::optional<int64_t> MaintenanceAccess::lock_in_force() const {
    if (locked_until_ms_ > clock_->unix_millis()) return locked_until_ms_;
    return std::nullopt;
}

MaintenanceAccess::Attempt MaintenanceAccess::try_pin(std::string_view pin) {
    using R = Attempt::Result;
    auto lock = fresh();
    if (!lock) {
        log::error("maintenance access: %s", lock.error().message.c_str());
        return {R::kError};
    }
    if (auto until = lock_in_force()) return {R::kLocked, Role::kStaff, *until, 0};
    if (!has_pin(Role::kStaff) && !has_pin(Role::kTechnician)) return {R::kNoPins};
    // Counted as wrong before it is checked, on disk: pulling the plug mid-check does not
    // reset the count, and a count that cannot be written (a full or read-only disk) means no
    // PIN is checked at all — otherwise every guess would be free.
    ++failures_;
    if (auto r = save(); !r) {
        log::error("maintenance access: cannot count the attempt: %s", r.error().message.c_str());
        return {R::kError};
    }
    for (Role role : {Role::kTechnician, Role::kStaff}) {
        if (!verify(role == Role::kStaff ? staff_hash_ : technician_hash_, pin)) continue;
        failures_ = 0;
        locked_until_ms_ = 0;
        if (auto r = save(); !r)  // it opens; the count left on disk is one more than it was
            log::error("maintenance access: %s", r.error().message.c_str());
        return {R::kOk, role};
    }
    Attempt a{R::kWrong};
    if (failures_ >= kFreeAttempts) {
        // 30 s after the fifth, then doubling: 60 s after the sixth, … at most an hour.
        const int doublings = std::min(failures_ - kFreeAttempts, 7);
        locked_until_ms_ = clock_->unix_millis() + std::min(kFirstLockMs << doublings, kMaxLockMs);
        a.locked_until_ms = locked_until_ms_;
        if (auto r = save(); !r) {
            log::error("maintenance access: cannot lock the pad: %s", r.error().message.c_str());
            return {R::kError};
        }
    } else {
        a.attempts_left = kFreeAttempts - failures_;
    }
    return a;
}

}  // namespace vmeste::core
