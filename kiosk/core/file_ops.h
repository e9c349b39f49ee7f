// FileOps: the file-system calls the store makes for photos and the device key, behind one seam so
// tests can inject a power cut (unsynced writes dropped or torn) or a full disk, as SQLite's own
// crash tests do with a VFS. PosixFileOps is the real one.
#pragma once

#include <string>
#include <vector>

#include "kiosk/base/result.h"

namespace vmeste::core {

class FileOps {
  public:
    virtual ~FileOps() = default;
    // Creates or truncates `path` and writes `data` (not yet durable).
    virtual Result<void> write(const std::string& path, std::string_view data, int mode = 0600) = 0;
    virtual Result<void> fsync_file(const std::string& path) = 0;
    virtual Result<void> rename(const std::string& from, const std::string& to) = 0;
    // Like rename, but never replaces: kConflict when `to` exists (renameat2 RENAME_NOREPLACE,
    // or link + unlink where the file system lacks it). Two creators of one file: one wins.
    virtual Result<void> rename_new(const std::string& from, const std::string& to) = 0;
    // Appends `data` to `path`, creating it (not yet durable: fsync_file makes it so).
    virtual Result<void> append(const std::string& path, std::string_view data,
                                int mode = 0600) = 0;
    virtual Result<void> fsync_dir(const std::string& dir) = 0;
    virtual Result<void> remove(const std::string& path) = 0;
    virtual Result<std::string> read(const std::string& path) = 0;
    virtual Result<std::vector<std::string>> list(const std::string& dir) = 0;  // file names
    virtual Result<void> make_dir(const std::string& dir) = 0;
};

FileOps& posix_file_ops();

// The durable write sequence: <dir>/.<name>.<random>.tmp → write → fsync → rename → fsync(dir).
// Once it returns, the file survives a power cut under its final name, whole or not at all. The
// temporary's name is new each time, so two writers never share (and truncate) one temporary.
Result<void> write_durably(FileOps& fs, const std::string& dir, const std::string& name,
                           std::string_view data, int mode = 0600);
// The same, but kConflict (and nothing written) when <dir>/<name> exists already: for files
// made once and never replaced, such as the device key.
Result<void> create_durably(FileOps& fs, const std::string& dir, const std::string& name,
                            std::string_view data, int mode = 0600);
// Appends and fsyncs: once it returns, `data` is on the disk after what was there.
Result<void> append_durably(FileOps& fs, const std::string& path, std::string_view data);
// Whether a spool or data file name is a temporary of write_durably (".<name>.<random>.tmp").
bool is_temporary_name(std::string_view name);

}  // namespace vmeste::core
