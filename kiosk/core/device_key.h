// DeviceKey and Sealer: personal data at rest is sealed with XChaCha20-Poly1305 (libsodium) under a
// 32-byte device key kept in a 0600 file beside the store. Every sealed value is bound to what it
// belongs to (associated data: the appeal's UUID and the field's name), so a value copied into
// another row or field does not open. Keys are never logged.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "kiosk/base/result.h"

namespace vmeste::core {

class FileOps;

using DeviceKey = std::array<uint8_t, 32>;

// Reads the key at `path`, or creates it (random, 0600, written durably) if there is none.
// A file of the wrong size or with group/other permissions is an error, never silently replaced:
// a new key would make every sealed value unreadable.
Result<DeviceKey> load_or_create_device_key(const std::string& path, FileOps& fs);

class Sealer {
  public:
    explicit Sealer(const DeviceKey& key) : key_(key) {}
    // nonce (24 bytes) || ciphertext || tag (16 bytes)
    std::string seal(std::string_view plaintext, std::string_view associated) const;
    Result<std::string> open(std::string_view sealed, std::string_view associated) const;
    static constexpr size_t kOverhead = 24 + 16;

  private:
    DeviceKey key_;
};

// Lower-case hex SHA-256.
std::string sha256_hex(std::string_view data);

}  // namespace vmeste::core
