// CrashSim: a power cut and a full disk, injected below the store, in the spirit of SQLite's own
// crash tests (test6.c). Two layers share one operation counter:
//  - a SQLite VFS ("crashsim") that keeps every write since the file's last xSync in memory;
//  - a FileOps for the photo spool that remembers unsynced file contents and unsynced renames.
// When the armed operation is reached, the "power goes": every unsynced SQLite write is dropped
// or partly applied (torn at 512-byte sectors), every unsynced spool file is truncated to a random
// length, every rename whose directory was not fsynced is undone; from then on every write and
// sync fails, as it would in a process that no longer runs. reset() is the reboot.
#pragma once

#include <cstdint>
#include <random>

#include "kiosk/core/file_ops.h"

namespace vmeste::test {

class CrashSim {
  public:
    static CrashSim& instance();
    static constexpr const char* kVfsName = "crashsim";

    void arm(int64_t crash_at_op, uint64_t seed);  // the op-th write/sync/rename from now
    void set_quota(int64_t bytes);                 // writes past this many bytes: disk full
    void clear_quota();
    bool crashed() const;
    int64_t ops() const;
    void reset();  // reboot: forget pending state, disarm

    core::FileOps& file_ops();

  private:
    CrashSim();
};

}  // namespace vmeste::test
