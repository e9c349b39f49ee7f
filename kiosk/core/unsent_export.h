// The technician's export of what is not yet on the platform (issue #8): every pending and
// quarantined appeal with its photos, and the ratings, votes and +1s waiting, written to a USB
// stick as one encrypted file, so a terminal can be reset or replaced without losing anything a
// citizen was told is accepted. `vmestectl deliver-export` sends the file's contents to the
// platform from any enrolled machine with the original idempotency keys: if the terminal itself
// delivers them later too, the platform still keeps one copy.
//
// File: "VMESTE-UNSENT-1\n", the argon2id salt and limits, then a libsodium secretstream
// (XChaCha20-Poly1305) of JSON records, the last one tagged FINAL (a cut file is detected). The key
// comes from a one-time passphrase of 16 digits that the screen shows the technician and nothing
// stores or logs: a lost stick gives away no one's appeal.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/base/result.h"
#include "kiosk/core/appeal_store.h"

namespace vmeste::core {

struct UnsentExport {
    std::string file;        // the full path written
    std::string passphrase;  // "1234-5678-9012-3456": shown once, never stored
    int appeals = 0, photos = 0, actions = 0;
    std::vector<std::string> keys;  // idempotency keys of everything exported
};

// Writes the export into `dir` (tmp → fsync → rename → fsync dir), then reads it back with the
// passphrase to prove the stick holds what was written. kNotFound: nothing is unsent;
// kUnauthorized: `dir` is a symbolic link. Everything goes through a handle of `dir`: a name on
// the stick linked elsewhere (to the terminal's own files) is never written through.
Result<UnsentExport> export_unsent(AppealStore& store, const std::string& dir,
                                   const std::string& device_id, int64_t now_unix_ms);

// One record of an export: a photo ("media", body = JPEG), an appeal (body = its JSON), or a
// citizen action ("vote", "support", "rating": body = JSON, path = where it is posted).
struct ExportedItem {
    std::string kind, key, receipt_number, body, sha256, path;
    bool quarantined = false;
};
struct ExportContents {
    std::string device_id;
    int64_t created_unix_ms = 0;
    std::vector<ExportedItem> items;  // photos before the appeal they belong to
};
// kUnauthorized for a wrong passphrase; kCorrupt for a damaged or cut file.
Result<ExportContents> read_unsent_export(const std::string& path, std::string_view passphrase);
// The same from an open file (`path` names it in messages).
Result<ExportContents> read_unsent_export_fd(int fd, const std::string& path,
                                             std::string_view passphrase);

// Where the export goes: the configured directory, or with "auto" the first writable removable
// medium mounted under /media or /run/media (a USB stick as udisks or usbmount mounts it).
Result<std::string> export_directory(const std::string& configured);

// What was exported is remembered (DATA_DIR/exported.json: keys only, no content), so a factory
// reset can tell whether everything unsent is safe on a stick.
Result<void> remember_export(const std::string& data_dir, const UnsentExport& e);
// The keys of `unsent` that no export holds (empty: all are exported).
std::vector<std::string> not_exported(const std::string& data_dir,
                                      const std::vector<std::string>& unsent);

}  // namespace vmeste::core
