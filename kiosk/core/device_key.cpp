#include "kiosk/core/device_key.h"

#include <sodium.h>
#include <sys/stat.h>

#include <filesystem>

#include "kiosk/core/file_ops.h"

namespace vmeste::core {
namespace {

void ensure_sodium() {
    static const bool ok = sodium_init() >= 0;
    (void)ok;
}

}  // namespace

Result<DeviceKey> load_or_create_device_key(const std::string& path, FileOps& fs) {
    ensure_sodium();
    DeviceKey key{};
    auto existing = fs.read(path);
    if (existing) {
        if (existing->size() != key.size())
            return make_error(ErrorCode::kCorrupt, "device key " + path + " has " +
                                                       std::to_string(existing->size()) +
                                                       " bytes, not 32; refusing to replace it");
        struct stat st {};
        if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0)
            return make_error(ErrorCode::kInvalidInput,
                              "device key " + path + " is readable by others (chmod 600 it)");
        std::copy(existing->begin(), existing->end(), key.begin());
        sodium_memzero(existing->data(), existing->size());
        return key;
    }
    if (existing.error().code != ErrorCode::kNotFound) return existing.error();
    randombytes_buf(key.data(), key.size());
    const std::filesystem::path p(path);
    // Created once, never replaced: if another process made it meanwhile, its key is the key
    // (whatever either sealed with a key of its own would otherwise never open again).
    auto written = create_durably(
        fs, p.parent_path().string(), p.filename().string(),
        std::string_view(reinterpret_cast<const char*>(key.data()), key.size()), 0600);
    sodium_memzero(key.data(), key.size());
    if (!written && written.error().code == ErrorCode::kConflict)
        return load_or_create_device_key(path, fs);
    if (!written) return written.error();
    auto again = fs.read(path);
    if (!again || again->size() != key.size())
        return make_error(ErrorCode::kIo, "device key " + path + " did not read back whole");
    std::copy(again->begin(), again->end(), key.begin());
    sodium_memzero(again->data(), again->size());
    return key;
}

std::string Sealer::seal(std::string_view plaintext, std::string_view ad) const {
    ensure_sodium();
    std::string out(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + plaintext.size() +
                        crypto_aead_xchacha20poly1305_ietf_ABYTES,
                    '\0');
    auto* nonce = reinterpret_cast<unsigned char*>(out.data());
    randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    unsigned long long clen = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &clen,
        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
        reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr, nonce, key_.data());
    out.resize(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + clen);
    return out;
}

Result<std::string> Sealer::open(std::string_view sealed, std::string_view ad) const {
    ensure_sodium();
    constexpr size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
    if (sealed.size() < kOverhead) return make_error(ErrorCode::kCorrupt, "sealed value too short");
    std::string out(sealed.size() - kOverhead, '\0');
    unsigned long long mlen = 0;
    const auto* nonce = reinterpret_cast<const unsigned char*>(sealed.data());
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            reinterpret_cast<unsigned char*>(out.data()), &mlen, nullptr, nonce + kNonce,
            sealed.size() - kNonce, reinterpret_cast<const unsigned char*>(ad.data()), ad.size(),
            nonce, key_.data()) != 0)
        return make_error(ErrorCode::kCorrupt,
                          "sealed value does not open (wrong key, place or damaged)");
    out.resize(mlen);
    return out;
}

std::string sha256_hex(std::string_view data) {
    ensure_sodium();
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    return hex;
}

}  // namespace vmeste::core
