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
// libsodium's MODERATE: the floor for a PIN that guards the terminal's settings.
unsigned long long ops_limit(PinHashCost c) {
    return c == PinHashCost::kModerate ? crypto_pwhash_OPSLIMIT_MODERATE
                                       : crypto_pwhash_OPSLIMIT_MIN;
}
size_t mem_limit(PinHashCost c) {
    return c == PinHashCost::kModerate ? crypto_pwhash_MEMLIMIT_MODERATE
                                       : crypto_pwhash_MEMLIMIT_MIN;
}

bool verify(const std::string& hash, std::string_view pin) {
    return !hash.empty() && crypto_pwhash_str_verify(hash.c_str(), pin.data(), pin.size()) == 0;
}

}  // namespace

Result<std::string> MaintenanceAccess::hash_pin(std::string_view pin) const {
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, pin.data(), pin.size(), ops_limit(cost_), mem_limit(cost_)) != 0)
        return make_error(ErrorCode::kIo, "out of memory hashing the PIN");
    return std::string(out);
}

const char* role_name(Role r) {
    return r == Role::kStaff ? "staff" : "technician";
}

size_t min_pin_digits(Role r) {
    return r == Role::kStaff ? 4 : 6;
}

Result<MaintenanceAccess> MaintenanceAccess::open(const std::string& data_dir, const Clock& clock,
                                                  PinHashCost cost) {
    if (sodium_init() < 0) return make_error(ErrorCode::kIo, "libsodium failed to initialise");
    MaintenanceAccess a(data_dir, clock, cost);
    if (auto r = a.load(); !r) return r.error();
    return a;
}

Result<void> MaintenanceAccess::load() {
    std::ifstream in(data_dir_ + "/" + kFile, std::ios::binary);
    staff_hash_.clear();
    technician_hash_.clear();
    staff_lock_ = technician_lock_ = Lockout{};
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
    for (Role r : {Role::kStaff, Role::kTechnician}) {
        Lockout& l = lockout(r);
        if (j.contains("lockout") && j["lockout"].is_object() &&
            j["lockout"].contains(role_name(r)) && j["lockout"][role_name(r)].is_object()) {
            const auto& o = j["lockout"][role_name(r)];
            if (o.contains("failures") && o["failures"].is_array())
                for (const auto& f : o["failures"])
                    if (f.is_number_integer()) l.failures.push_back(f.get<int64_t>());
            if (o.contains("locked_until") && o["locked_until"].is_number_integer())
                l.locked_until_ms = o["locked_until"].get<int64_t>();
        } else if (j.contains("locked_until") && j["locked_until"].is_number_integer()) {
            // An older version's one lock for both roles stays in force for both.
            l.locked_until_ms = j["locked_until"].get<int64_t>();
        }
    }
    forget_old_failures();
    return {};
}

void MaintenanceAccess::forget_old_failures() {
    const int64_t since = clock_->unix_millis() - kFailureWindowMs;
    for (Role r : {Role::kStaff, Role::kTechnician}) {
        auto& f = lockout(r).failures;
        // A clock set back leaves "future" failures: they count until the window passes them.
        f.erase(std::remove_if(f.begin(), f.end(), [&](int64_t t) { return t <= since; }), f.end());
    }
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
    nlohmann::json lockouts = nlohmann::json::object();
    for (Role r : {Role::kStaff, Role::kTechnician})
        lockouts[role_name(r)] = {{"failures", lockout(r).failures},
                                  {"locked_until", lockout(r).locked_until_ms}};
    const nlohmann::json j = {
        {"staff", staff_hash_}, {"technician", technician_hash_}, {"lockout", lockouts}};
    return write_durably(posix_file_ops(), data_dir_, kFile, j.dump(), 0600);
}

bool MaintenanceAccess::has_pin(Role role) const {
    return !hash(role).empty();
}

int MaintenanceAccess::failures(Role role) const {
    const int64_t since = clock_->unix_millis() - kFailureWindowMs;
    const auto& f = lockout(role).failures;
    return static_cast<int>(
        std::count_if(f.begin(), f.end(), [&](int64_t t) { return t > since; }));
}

Result<void> MaintenanceAccess::set_pin(Role role, std::string_view pin) {
    if (pin.size() < min_pin_digits(role) || pin.size() > kMaxPinDigits ||
        !std::all_of(pin.begin(), pin.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return make_error(ErrorCode::kInvalidInput,
                          std::string("a ") + role_name(role) + " PIN is " +
                              std::to_string(min_pin_digits(role)) + " to 12 digits");
    auto lock = fresh();
    if (!lock) return lock.error();
    const Role other = role == Role::kStaff ? Role::kTechnician : Role::kStaff;
    if (verify(hash(other), pin))
        return make_error(ErrorCode::kInvalidInput,
                          std::string("the ") + role_name(other) + " PIN is the same");
    auto h = hash_pin(pin);
    if (!h) return h.error();
    hash(role) = std::move(h).value();
    lockout(role) = Lockout{};  // guesses at the old PIN say nothing about the new one
    return save();
}

Result<void> MaintenanceAccess::unlock(Role role) {
    auto lock = fresh();
    if (!lock) return lock.error();
    lockout(role) = Lockout{};
    return save();
}

std::optional<int64_t> MaintenanceAccess::locked_until(Role role) {
    if (auto r = load(); !r) log::error("maintenance access: %s", r.error().message.c_str());
    return lock_in_force(role);
}

std::optional<int64_t> MaintenanceAccess::lock_in_force(Role role) const {
    const int64_t until = lockout(role).locked_until_ms;
    if (until > clock_->unix_millis()) return until;
    return std::nullopt;
}

MaintenanceAccess::Attempt MaintenanceAccess::try_pin(Role role, std::string_view pin) {
    using R = Attempt::Result;
    auto lock = fresh();
    if (!lock) {
        log::error("maintenance access: %s", lock.error().message.c_str());
        return {R::kError, role};
    }
    if (auto until = lock_in_force(role)) return {R::kLocked, role, *until, 0};
    if (!has_pin(role)) return {R::kNoPin, role};
    // Counted as wrong before it is checked, on disk: pulling the plug mid-check does not
    // reset the count, and a count that cannot be written (a full or read-only disk) means no
    // PIN is checked at all — otherwise every guess would be free.
    Lockout& l = lockout(role);
    const int64_t now = clock_->unix_millis();
    l.failures.push_back(now);
    if (auto r = save(); !r) {
        log::error("maintenance access: cannot count the attempt: %s", r.error().message.c_str());
        return {R::kError, role};
    }
    if (verify(hash(role), pin)) {
        l = Lockout{};
        if (crypto_pwhash_str_needs_rehash(hash(role).c_str(), ops_limit(cost_),
                                           mem_limit(cost_)) != 0) {
            if (auto h = hash_pin(pin)) hash(role) = std::move(h).value();
            log::info("maintenance access: the %s PIN hashed again at today's limits",
                      role_name(role));
        }
        if (auto r = save(); !r)  // it opens; the count left on disk is one more than it was
            log::error("maintenance access: %s", r.error().message.c_str());
        return {R::kOk, role};
    }
    Attempt a{R::kWrong, role};
    const int counted = static_cast<int>(l.failures.size());
    if (counted >= kFreeAttempts) {
        // 30 s after the fifth, then doubling: 60 s after the sixth, … at most 15 minutes.
        const int doublings = std::min(counted - kFreeAttempts, 10);
        l.locked_until_ms = now + std::min(kFirstLockMs << doublings, kMaxLockMs);
        a.locked_until_ms = l.locked_until_ms;
        if (auto r = save(); !r) {
            log::error("maintenance access: cannot lock the pad: %s", r.error().message.c_str());
            return {R::kError, role};
        }
    } else {
        a.attempts_left = kFreeAttempts - counted;
    }
    return a;
}

}  // namespace vmeste::core
