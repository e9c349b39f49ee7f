// Diagnostics for the technician and the platform's support (issue #8): a tar.gz of the status,
// store statistics, the audit log, the configuration without secrets, the synced documents'
// versions and the kiosk's recent journal. No appeal text, no contact, no photo, no PIN hash, no
// token: what could identify a citizen stays on the kiosk. `vmestectl export-diagnostics` writes
// it to a file; the gateway's "upload_diagnostics" command sends it (PlatformJobs).
#pragma once

#include <string>
#include <string_view>

#include "kiosk/base/result.h"
#include "kiosk/core/appeal_store.h"

namespace vmeste::core {

Result<void> write_diagnostics(AppealStore& store, const std::string& data_dir,
                               const std::string& out_file);
// A config file's text for the bundle: parsed, every secret (a key naming a token, an API key, a
// password, a passphrase or a secret, in any table or inline table) replaced by "<removed>", and
// written out again. A file that does not parse is described, never copied.
std::string redacted_config(std::string_view toml_text);
// The same bundle as bytes (written through a private temporary file).
Result<std::string> diagnostics_bundle(AppealStore& store, const std::string& data_dir);

}  // namespace vmeste::core
