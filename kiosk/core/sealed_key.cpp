#include "kiosk/core/sealed_key.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "kiosk/base/subprocess.h"
#include "kiosk/core/file_ops.h"

namespace vmeste::core {
namespace {

std::string key_bytes(const DeviceKey& key) {
    return {reinterpret_cast<const char*>(key.data()), key.size()};
}

Result<DeviceKey> decrypt(const std::string& cred_file, const SealOptions& o) {
    Ran r = run_piped(
        {o.systemd_creds, "decrypt", std::string("--name=") + kKeyCredentialName, cred_file, "-"},
        {});
    if (r.status != 0 || r.out.size() != DeviceKey{}.size()) {
        sodium_memzero(r.out.data(), r.out.size());
        return make_error(
            ErrorCode::kUnauthorized,
            "the sealed device key " + cred_file +
                " does not open on this terminal (systemd-creds: " + last_line(r.err) + ")");
    }
    DeviceKey key{};
    std::copy(r.out.begin(), r.out.end(), key.begin());
    sodium_memzero(r.out.data(), r.out.size());
    return key;
}

// Zeros over the plaintext key, synced, then the name removed: a disk read block by block
// later finds no key (a flash disk may keep the old block elsewhere: docs/storage.md).
Result<void> shred(const std::string& path, const std::string& dir) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return make_error(ErrorCode::kIo, path + ": " + std::strerror(errno));
    struct stat st {};
    ::fstat(fd, &st);
    const std::string zeros(static_cast<size_t>(st.st_size), '\0');
    const bool ok =
        ::pwrite(fd, zeros.data(), zeros.size(), 0) == static_cast<ssize_t>(zeros.size()) &&
        ::fsync(fd) == 0;
    const int saved = errno;
    ::close(fd);
    if (!ok) return make_error(ErrorCode::kIo, "overwriting " + path + ": " + std::strerror(saved));
    if (auto r = posix_file_ops().remove(path); !r) return r;
    return posix_file_ops().fsync_dir(dir);
}

}  // namespace

Result<void> seal_device_key(const std::string& data_dir, const SealOptions& o) {
    namespace fs = std::filesystem;
    const std::string plain = data_dir + "/device.key", sealed = data_dir + "/" + kSealedKeyFile;
    std::error_code ec;
    if (fs::exists(sealed, ec))
        return make_error(ErrorCode::kConflict,
                          "the device key is sealed already (" + sealed + ")");
    DeviceKey key{};
    const bool had_plain = fs::exists(plain, ec);
    if (had_plain) {
        auto k = load_or_create_device_key(plain, posix_file_ops());
        if (!k) return k.error();
        key = *k;
    } else {
        if (sodium_init() < 0) return make_error(ErrorCode::kIo, "libsodium did not start");
        randombytes_buf(key.data(), key.size());
    }
    const std::string tmp = data_dir + "/." + kSealedKeyFile + ".tmp";
    fs::remove(tmp, ec);
    std::string bytes = key_bytes(key);
    Ran r =
        run_piped({o.systemd_creds, "encrypt", "--with-key=" + o.with_key, "--tpm2-pcrs=" + o.pcrs,
                   std::string("--name=") + kKeyCredentialName, "-", tmp},
                  bytes);
    sodium_memzero(bytes.data(), bytes.size());
    if (r.status != 0) {
        fs::remove(tmp, ec);
        return make_error(ErrorCode::kIo, "systemd-creds could not seal the key with " +
                                              o.with_key + ": " + last_line(r.err));
    }
    // Opened again before anything is removed: a credential this TPM cannot open would cost
    // every undelivered appeal.
    auto back = decrypt(tmp, o);
    const bool same = back && sodium_memcmp(back->data(), key.data(), key.size()) == 0;
    sodium_memzero(key.data(), key.size());
    if (back) sodium_memzero(back->data(), back->size());
    if (!same) {
        fs::remove(tmp, ec);
        return make_error(ErrorCode::kIo, "the sealed key did not open back to the same key" +
                                              (back ? std::string() : ": " + back.error().message));
    }
    ::chmod(tmp.c_str(), 0600);
    if (auto f = posix_file_ops().fsync_file(tmp); !f) return f;
    if (auto m = posix_file_ops().rename(tmp, sealed); !m) return m;
    if (auto d = posix_file_ops().fsync_dir(data_dir); !d) return d;
    if (had_plain) return shred(plain, data_dir);
    return {};
}

Result<DeviceKey> unseal_device_key(const std::string& data_dir, const SealOptions& o) {
    return decrypt(data_dir + "/" + kSealedKeyFile, o);
}

Result<void> unseal_to_file(const std::string& data_dir, uid_t uid, gid_t gid,
                            const SealOptions& o) {
    auto key = unseal_device_key(data_dir, o);
    if (!key) return key.error();
    std::string bytes = key_bytes(*key);
    sodium_memzero(key->data(), key->size());
    auto w = create_durably(posix_file_ops(), data_dir, "device.key", bytes, 0600);
    sodium_memzero(bytes.data(), bytes.size());
    if (!w) return w;
    const std::string plain = data_dir + "/device.key";
    if (::geteuid() == 0 && ::chown(plain.c_str(), uid, gid) != 0)
        return make_error(ErrorCode::kIo, plain + ": chown: " + std::strerror(errno));
    if (auto r = posix_file_ops().remove(data_dir + "/" + kSealedKeyFile); !r) return r;
    return posix_file_ops().fsync_dir(data_dir);
}

Result<std::optional<DeviceKey>> credential_device_key(const std::string& credentials_dir) {
    if (credentials_dir.empty()) return std::optional<DeviceKey>{};
    const std::string path = credentials_dir + "/" + kKeyCredentialName;
    auto bytes = posix_file_ops().read(path);
    if (!bytes) {
        if (bytes.error().code == ErrorCode::kNotFound) return std::optional<DeviceKey>{};
        return bytes.error();
    }
    DeviceKey key{};
    if (bytes->size() != key.size()) {
        sodium_memzero(bytes->data(), bytes->size());
        return make_error(
            ErrorCode::kCorrupt,
            "the device-key credential has " + std::to_string(bytes->size()) + " bytes, not 32");
    }
    std::copy(bytes->begin(), bytes->end(), key.begin());
    sodium_memzero(bytes->data(), bytes->size());
    return std::optional<DeviceKey>{key};
}

}  // namespace vmeste::core
