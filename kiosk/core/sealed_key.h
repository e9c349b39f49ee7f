// The device key sealed to the terminal's TPM 2.0 (issue #20, point 7; docs/storage.md).
//
// The sealing is systemd's: `systemd-creds encrypt --with-key=tpm2` turns DATA_DIR/device.key
// into DATA_DIR/device.key.cred, which only this terminal's TPM opens. The units' drop-in
// `LoadCredentialEncrypted=device-key:…` (written by `vmestectl seal-key`) has PID 1 open it at
// each start and hand the plaintext to the service in $CREDENTIALS_DIRECTORY, a per-service
// ramfs: the key never rests on the disk again. A disk taken out of the terminal carries the
// sealed file and the sealed data, and nothing that opens either.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "kiosk/base/result.h"
#include "kiosk/core/device_key.h"

namespace vmeste::core {

inline constexpr const char* kSealedKeyFile = "device.key.cred";
inline constexpr const char* kKeyCredentialName = "device-key";

struct SealOptions {
    // systemd-creds --with-key: the TPM alone. Tests on a machine without one use "host" (a
    // secret file named by $SYSTEMD_CREDENTIAL_SECRET), which protects nothing on a terminal.
    std::string with_key = "tpm2";
    // --tpm2-pcrs: PCR 7, the Secure Boot state, systemd's default. systemd 252 seals to no PCR
    // at all but then cannot open what it sealed ("PCR bank invalid"), tried in the VM test.
    std::string pcrs = "7";
    std::string systemd_creds = "systemd-creds";
};

// DATA_DIR/device.key → DATA_DIR/device.key.cred (0600): sealed, opened again and compared,
// written durably under a temporary name and renamed; only then is the plaintext file
// overwritten with zeros, synced and removed. Without a device.key (a fresh install) a new key
// is made in memory and sealed: it never touches the disk. Refused when already sealed.
Result<void> seal_device_key(const std::string& data_dir, const SealOptions& = {});

// The sealed key, opened with the TPM (whose device only root may use).
Result<DeviceKey> unseal_device_key(const std::string& data_dir, const SealOptions& = {});

// Back to a plaintext device.key owned by uid:gid (before a Secure Boot change would leave the
// TPM unable to open it), and the sealed file removed.
Result<void> unseal_to_file(const std::string& data_dir, uid_t uid, gid_t gid,
                            const SealOptions& = {});

// What systemd handed the service: CREDENTIALS_DIR/device-key. nullopt when no directory is
// given or it holds no such credential; an error when it is not 32 bytes.
Result<std::optional<DeviceKey>> credential_device_key(const std::string& credentials_dir);

}  // namespace vmeste::core
