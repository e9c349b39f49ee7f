// MaintenanceAccess: who may open the maintenance screens. Two roles, staff and technician, each
// with its own PIN stored only as an argon2id hash (libsodium crypto_pwhash_str at its MODERATE
// limits: about 0.9 s and 256 MiB per check on the reference machine, docs/performance.md) in
// DATA_DIR/access.json (0600, written durably). The PIN pad says whose PIN is typed, and each role
// has its own count of wrong PINs: a passer-by who knows the gesture can lock the staff role for a
// while, never the technician's as well. Five wrong PINs within an hour lock that role's pad, for
// 30 s and then twice as long after each further one, at most 15 minutes; a wrong PIN older than
// an hour no longer counts (a guesser gets about 13 tries an hour). The counts and locks are on
// disk (a restart does not lift them); a right PIN clears its role's; the technician (settings)
// and `vmestectl unlock-pin` clear them by hand. Every check
// and change reads the file afresh under a lock (vmestectl set-pin takes effect in a running
// kiosk, and a stale copy is never written back).
//
// Hashing is slow by design: call try_pin() and set_pin() off the UI thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kiosk/base/clock.h"
#include "kiosk/base/result.h"

namespace vmeste::core {

enum class Role { kStaff, kTechnician };
// What a PIN hash costs: libsodium's MODERATE limits, or — for tests that check a hundred PINs
// and would otherwise take minutes — its minimum. Nothing but tests asks for kTestsOnly.
enum class PinHashCost { kModerate, kTestsOnly };
const char* role_name(Role r);
// The shortest PIN a role may have: 4 digits for staff, 6 for the technician (whose PIN opens
// the settings, the network and the factory reset). At most 12 for either.
size_t min_pin_digits(Role r);
constexpr size_t kMaxPinDigits = 12;

class MaintenanceAccess {
  public:
    static constexpr int kFreeAttempts = 5;
    static constexpr int64_t kFailureWindowMs = 60 * 60'000;  // older wrong PINs do not count
    static constexpr int64_t kFirstLockMs = 30'000;
    static constexpr int64_t kMaxLockMs = 15 * 60'000;

    // Reads DATA_DIR/access.json (none yet: no PINs, no failures). A damaged file is an error:
    // the kiosk must not fall back to "no PINs" because a file was broken.
    static Result<MaintenanceAccess> open(const std::string& data_dir, const Clock& clock,
                                          PinHashCost cost = PinHashCost::kModerate);

    // min_pin_digits(role) to 12 digits. Replaces the role's PIN; the same PIN for both roles is
    // refused.
    Result<void> set_pin(Role role, std::string_view pin);
    bool has_pin(Role role) const;

    struct Attempt {
        // kError: the access file cannot be read, locked or the wrong PIN counted — no PIN is
        // checked then (an uncounted guess is a free guess).
        // kNoPin: the role has no PIN set.
        enum class Result { kOk, kWrong, kLocked, kNoPin, kError } result;
        Role role = Role::kStaff;
        int64_t locked_until_ms = 0;  // kLocked (and kWrong that started a lock)
        int attempts_left = 0;        // kWrong: before the lock
    };
    // The role's PIN. Every attempt is counted on disk before the PIN is checked; while the
    // role is locked nothing is checked. A right PIN hashed at weaker limits than today's is
    // hashed again (an access file from an older version).
    Attempt try_pin(Role role, std::string_view pin);
    // Unix ms until which the role's pad is locked (as the file says now); nullopt when not.
    std::optional<int64_t> locked_until(Role role);
    // The role's wrong PINs that count now (the last hour's), as last read.
    int failures(Role role) const;
    // Clears the role's count and lock (`vmestectl unlock-pin`).
    Result<void> unlock(Role role);

  private:
    MaintenanceAccess(std::string data_dir, const Clock& clock, PinHashCost cost)
        : data_dir_(std::move(data_dir)), clock_(&clock), cost_(cost) {}
    Result<std::string> hash_pin(std::string_view pin) const;
    struct FileLock {
        int fd = -1;
        FileLock() = default;
        FileLock(FileLock&& o) noexcept : fd(std::exchange(o.fd, -1)) {}
        FileLock& operator=(FileLock&&) = delete;
        ~FileLock();
    };
    Result<FileLock> fresh();
    Result<void> load();
    Result<void> save();
    struct Lockout {
        std::vector<int64_t> failures;  // unix ms of the wrong PINs still counted
        int64_t locked_until_ms = 0;
    };
    Lockout& lockout(Role r) { return r == Role::kStaff ? staff_lock_ : technician_lock_; }
    const Lockout& lockout(Role r) const {
        return r == Role::kStaff ? staff_lock_ : technician_lock_;
    }
    std::string& hash(Role r) { return r == Role::kStaff ? staff_hash_ : technician_hash_; }
    const std::string& hash(Role r) const {
        return r == Role::kStaff ? staff_hash_ : technician_hash_;
    }
    std::optional<int64_t> lock_in_force(Role r) const;
    void forget_old_failures();

    std::string data_dir_;
    const Clock* clock_;
    PinHashCost cost_;
    std::string staff_hash_, technician_hash_;
    Lockout staff_lock_, technician_lock_;
};

}  // namespace vmeste::core
