// Diagnostics for the technician and the platform's support (issue #8): a tar.gz of the status,
// store statistics, the audit log, the configuration without secrets, the synced documents'
// versions and the kiosk's recent journal. No appeal text, no contact, no photo, no PIN hash, no
// token: what could identify a citizen stays on the kiosk. `vmestectl export-diagnostics` writes
// it to a file; the gateway's "upload_diagnostics" command sends it (PlatformJobs).
#pragma once

#include <string>

#include "kiosk/base/result.h"
#include "kiosk/core/appeal_store.h"

namespace vmeste::core {

Result<void> write_diagnostics(AppealStore& store, const std::string& data_dir,
                               const std::string& out_file);
// The same bundle as bytes (written through a private temporary file).
Result<std::string> diagnostics_bundle(AppealStore& store, const std::string& data_dir);

}  // namespace vmeste::core
