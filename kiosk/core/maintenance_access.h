// MaintenanceAccess: who may open the maintenance screens. Two roles, staff and technician, each
// with its own PIN stored only as an argon2id hash (libsodium crypto_pwhash_str) in
// DATA_DIR/access.json (0600, written durably). Five wrong PINs in a row lock the PIN pad, for
// 30 s and then twice as long after each further wrong PIN (at most an hour); the count and the
// lock are on disk, so a restart does not lift them. A right PIN resets the count. Every check
// and change reads the file afresh under a lock (vmestectl set-pin takes effect in a running
// kiosk, and a stale copy is never written back).
//
// Hashing costs about 0.1 s and 64 MiB by design: call try_pin() off the UI thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "kiosk/base/clock.h"
#include "kiosk/base/result.h"

namespace vmeste::core {

enum class Role { kStaff, kTechnician };
const char* role_name(Role r);

class MaintenanceAccess {
  public:
    static constexpr int kFreeAttempts = 5;
    static constexpr int64_t kFirstLockMs = 30'000;
    static constexpr int64_t kMaxLockMs = 3'600'000;

    // Reads DATA_DIR/access.json (none yet: no PINs, no failures). A damaged file is an error:
    // the kiosk must not fall back to "no PINs" because a file was broken.
    static Result<MaintenanceAccess> open(const std::string& data_dir, const Clock& clock);

    // 4 to 12 digits. Replaces the role's PIN; the same PIN for both roles is refused.
    Result<void> set_pin(Role role, std::string_view pin);
    bool has_pin(Role role) const;

    struct Attempt {
        // kError: the access file cannot be read, locked or the wrong PIN counted — no PIN is
        // checked then (an uncounted guess is a free guess).
        enum class Result { kOk, kWrong, kLocked, kNoPins, kError } result;
        Role role = Role::kStaff;     // kOk: which PIN it was
        int64_t locked_until_ms = 0;  // kLocked (and kWrong that started a lock)
        int attempts_left = 0;        // kWrong: before the lock
    };
    // The technician's PIN first, then the staff one. Every wrong PIN is counted on disk
    // before the answer; while locked, nothing is checked.
    Attempt try_pin(std::string_view pin);
    // Unix ms until which the pad is locked (as the file says now); nullopt when it is not.
    std::optional<int64_t> locked_until();
    int failures() const { return failures_; }

  private:
    MaintenanceAccess(std::string data_dir, const Clock& clock)
        : data_dir_(std::move(data_dir)), clock_(&clock) {}
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
    std::optional<int64_t> lock_in_force() const;

    std::string data_dir_;
    const Clock* clock_;
    std::string staff_hash_, technician_hash_;
    int failures_ = 0;
    int64_t locked_until_ms_ = 0;
};

}  // namespace vmeste::core
