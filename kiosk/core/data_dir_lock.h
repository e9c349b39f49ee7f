// DataDirLock: one process at a time writes a data directory. The kiosk and every vmestectl
// command that writes hold an exclusive flock(2) on DATA_DIR/.lock for as long as they run; the
// kernel drops it when the process dies, so a kill -9 never leaves a stale lock behind.
//
// Why: boot recovery moves aside spool files that no committed row names; a second kiosk started
// beside a running one saw the first one's photos between their write and their COMMIT and took
// them away from receipted appeals (issue #17, point 9).
#pragma once

#include <memory>
#include <string>

#include "kiosk/base/result.h"

namespace vmeste::core {

class DataDirLock {
  public:
    // kConflict, naming the holder's pid and what it is, when another process holds it.
    // `holder` says who we are ("vmeste-kiosk", "vmestectl retry") for the next one's message.
    static Result<std::unique_ptr<DataDirLock>> acquire(const std::string& data_dir,
                                                        const std::string& holder);
    ~DataDirLock();
    DataDirLock(const DataDirLock&) = delete;
    DataDirLock& operator=(const DataDirLock&) = delete;

  private:
    explicit DataDirLock(int fd) : fd_(fd) {}
    int fd_;
};

}  // namespace vmeste::core
