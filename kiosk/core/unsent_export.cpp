#include "kiosk/core/unsent_export.h"
#include "kiosk/base/local_time.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "kiosk/base/log.h"
#include "kiosk/core/file_ops.h"

namespace vmeste::core {

using nlohmann::json;

namespace {

constexpr std::string_view kMagic = "VMESTE-UNSENT-1\n";
// argon2id at libsodium's "interactive" limits: a second or less on the terminal; the 16-digit
// passphrase (53 bits) is what makes guessing hopeless, not the hashing cost.
constexpr unsigned long long kOps = crypto_pwhash_OPSLIMIT_INTERACTIVE;
constexpr size_t kMem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
constexpr size_t kMaxRecord = 64u << 20;  // a record is one photo (≤ a few MB) or one appeal

void put_u64(std::string& out, uint64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}
uint64_t get_u64(const unsigned char* p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

std::string digits_only(std::string_view s) {
    std::string d;
    for (char c : s)
        if (c >= '0' && c <= '9') d += c;
    return d;
}

Result<std::array<unsigned char, crypto_secretstream_xchacha20poly1305_KEYBYTES>> derive(
    std::string_view passphrase, const unsigned char* salt, uint64_t ops, uint64_t mem) {
    std::array<unsigned char, crypto_secretstream_xchacha20poly1305_KEYBYTES> key{};
    const std::string d = digits_only(passphrase);
    if (ops > crypto_pwhash_OPSLIMIT_SENSITIVE || mem > crypto_pwhash_MEMLIMIT_SENSITIVE ||
        ops < crypto_pwhash_OPSLIMIT_MIN || mem < crypto_pwhash_MEMLIMIT_MIN)
        return make_error(ErrorCode::kCorrupt, "the file's key parameters are out of range");
    if (crypto_pwhash(key.data(), key.size(), d.data(), d.size(), salt, ops, mem,
                      crypto_pwhash_ALG_ARGON2ID13) != 0)
        return make_error(ErrorCode::kIo, "not enough memory to derive the export key");
    return key;
}

// The export's file on the stick, written only through a handle of the stick's directory: the
// directory itself is not a symlink, the file is created under a random name that must not exist
// (O_EXCL, O_NOFOLLOW), so a stick that links a name to a file of the terminal (device.key) gets
// nothing written through it; fsync, then renamed within the directory (a rename replaces a link
// at the final name, never follows it). Removed unless committed.
class StickFile {
  public:
    StickFile(std::string dir, std::string name) : dir_(std::move(dir)), name_(std::move(name)) {}
    ~StickFile() {
        if (fd_ >= 0) ::close(fd_);
        if (!committed_ && dirfd_ >= 0 && !tmp_.empty()) ::unlinkat(dirfd_, tmp_.c_str(), 0);
        if (dirfd_ >= 0) ::close(dirfd_);
    }
    Result<void> open() {
        dirfd_ = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dirfd_ < 0)
            return make_error(
                errno == ELOOP || errno == ENOTDIR ? ErrorCode::kUnauthorized : ErrorCode::kIo,
                dir_ + ": " +
                    (errno == ELOOP ? std::string("a symbolic link")
                                    : std::string(std::strerror(errno))));
        unsigned char r[8];
        randombytes_buf(r, sizeof r);
        char hex[17];
        sodium_bin2hex(hex, sizeof hex, r, sizeof r);
        tmp_ = ".vmeste-export-" + std::string(hex) + ".part";
        fd_ = ::openat(dirfd_, tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                       0600);
        if (fd_ < 0) {
            tmp_.clear();  // not ours: never unlinked
            return make_error(ErrorCode::kIo, path() + ": " + std::strerror(errno));
        }
        return {};
    }
    Result<void> write(std::string_view bytes) {
        while (!bytes.empty()) {
            const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0)
                return make_error(errno == ENOSPC ? ErrorCode::kNoSpace : ErrorCode::kIo,
                                  path() + ": " + std::strerror(errno));
            bytes.remove_prefix(static_cast<size_t>(n));
        }
        return {};
    }
    Result<void> commit() {
        if (::fsync(fd_) != 0 || ::close(fd_) != 0) {
            fd_ = -1;
            return make_error(ErrorCode::kIo, path() + ": " + std::strerror(errno));
        }
        fd_ = -1;
        if (::renameat(dirfd_, tmp_.c_str(), dirfd_, name_.c_str()) != 0)
            return make_error(ErrorCode::kIo, path() + ": " + std::strerror(errno));
        committed_ = true;
        ::fsync(dirfd_);
        return {};
    }
    // The committed file, opened again through the directory handle for the read-back.
    Result<int> open_back() const {
        const int fd = ::openat(dirfd_, name_.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) return make_error(ErrorCode::kIo, path() + ": " + std::strerror(errno));
        struct stat st {};
        if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            ::close(fd);
            return make_error(ErrorCode::kIo, path() + ": not a regular file");
        }
        return fd;
    }
    std::string path() const { return (std::filesystem::path(dir_) / name_).string(); }

  private:
    std::string dir_, name_, tmp_;
    int dirfd_ = -1, fd_ = -1;
    bool committed_ = false;
};

// Exactly n bytes from a file descriptor, or false (end of file, an error).
class FdReader {
  public:
    explicit FdReader(int fd) : fd_(fd) {}
    bool read(char* out, std::streamsize n) {
        while (n > 0) {
            const ssize_t got = ::read(fd_, out, static_cast<size_t>(n));
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) return false;
            out += got;
            n -= got;
        }
        return true;
    }

  private:
    int fd_;
};

std::string new_passphrase() {
    std::string p;
    for (int i = 0; i < 16; ++i) {
        if (i && i % 4 == 0) p += '-';
        p += static_cast<char>('0' + randombytes_uniform(10));
    }
    return p;
}

std::string base64(std::string_view bin) {
    std::string out(sodium_base64_encoded_len(bin.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bin.data()),
                      bin.size(), sodium_base64_VARIANT_ORIGINAL);
    out.resize(std::strlen(out.c_str()));
    return out;
}

std::optional<std::string> unbase64(const std::string& b64) {
    std::string out(b64.size(), '\0');
    size_t len = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), b64.data(),
                          b64.size(), nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
        return std::nullopt;
    out.resize(len);
    return out;
}

std::string safe_name(std::string s) {
    for (char& c : s)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') c = '_';
    return s.empty() ? std::string("unenrolled") : s;
}

}  // namespace

Result<UnsentExport> export_unsent(AppealStore& store, const std::string& dir,
                                   const std::string& device_id, int64_t now) {
    if (sodium_init() < 0) return make_error(ErrorCode::kIo, "libsodium did not start");
    UnsentExport e;
    e.passphrase = new_passphrase();
    StickFile out(dir, "vmeste-unsent-" + safe_name(device_id) + "-" +
                           local_time::format(now, "%Y%m%d-%H%M%S") + ".vmx");
    e.file = out.path();
    if (auto r = out.open(); !r) return r.error();

    std::string head(kMagic);
    unsigned char salt[crypto_pwhash_SALTBYTES];
    randombytes_buf(salt, sizeof salt);
    head.append(reinterpret_cast<const char*>(salt), sizeof salt);
    put_u64(head, kOps);
    put_u64(head, kMem);
    auto key = derive(e.passphrase, salt, kOps, kMem);
    if (!key) return key.error();
    crypto_secretstream_xchacha20poly1305_state st;
    unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
    crypto_secretstream_xchacha20poly1305_init_push(&st, header, key->data());
    sodium_memzero(key->data(), key->size());
    head.append(reinterpret_cast<const char*>(header), sizeof header);
    if (auto r = out.write(head); !r) return r.error();

    int records = 0;
    auto record = [&](const json& j, bool last) -> Result<void> {
        const std::string plain = j.dump();
        std::string c(plain.size() + crypto_secretstream_xchacha20poly1305_ABYTES + 4, '\0');
        unsigned long long clen = 0;
        crypto_secretstream_xchacha20poly1305_push(
            &st, reinterpret_cast<unsigned char*>(c.data()) + 4, &clen,
            reinterpret_cast<const unsigned char*>(plain.data()), plain.size(), nullptr, 0,
            last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
        for (int i = 0; i < 4; ++i) c[i] = static_cast<char>(clen >> (8 * i));
        ++records;
        return out.write(std::string_view(c.data(), clen + 4));
    };
    if (auto r = record({{"type", "manifest"},
                         {"device_id", device_id},
                         {"created_unix_ms", now},
                         {"format", 1}},
                        false);
        !r)
        return r.error();
    auto items = store.each_unsent([&](const AppealStore::UnsentItem& u) -> Result<void> {
        const bool media = u.item.kind == "media";
        e.photos += media;
        e.appeals += !media;
        e.keys.push_back(u.item.idempotency_key);
        return record({{"type", "item"},
                       {"kind", u.item.kind},
                       {"key", u.item.idempotency_key},
                       {"receipt_number", u.receipt_number},
                       {"quarantined", u.quarantined},
                       {"sha256", u.item.content_sha256},
                       {"body", media ? base64(u.item.body) : u.item.body}},
                      false);
    });
    if (!items) return items.error();
    auto actions = store.pending_actions(1'000'000);
    if (!actions) return actions.error();
    for (const CitizenAction& a : *actions) {
        ++e.actions;
        e.keys.push_back(a.uuid);
        if (auto r = record({{"type", "item"},
                             {"kind", a.kind},
                             {"key", a.uuid},
                             {"receipt_number", a.kind == "support" ? a.target : ""},
                             {"path", action_path(a)},
                             {"body", a.body}},
                            false);
            !r)
            return r.error();
    }
    if (e.keys.empty()) return make_error(ErrorCode::kNotFound, "nothing is unsent");
    if (auto r = record({{"type", "end"}, {"items", e.keys.size()}}, true); !r) return r.error();
    if (auto r = out.commit(); !r) return r.error();
    // Read back from the stick, through the same directory handle: the reset that follows
    // relies on this file.
    auto fd = out.open_back();
    if (!fd) return fd.error();
    auto back = read_unsent_export_fd(*fd, e.file, e.passphrase);
    ::close(*fd);
    if (!back)
        return make_error(ErrorCode::kIo, "the export does not read back: " + back.error().message);
    if (back->items.size() != e.keys.size())
        return make_error(ErrorCode::kIo, "the export reads back with a different count");
    log::info("export: %d appeal(s), %d photo(s), %d action(s) to %s", e.appeals, e.photos,
              e.actions, e.file.c_str());
    return e;
}

Result<ExportContents> read_unsent_export(const std::string& path, std::string_view passphrase) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return make_error(ErrorCode::kNotFound, path + ": cannot open");
    auto r = read_unsent_export_fd(fd, path, passphrase);
    ::close(fd);
    return r;
}

Result<ExportContents> read_unsent_export_fd(int fd, const std::string& path,
                                             std::string_view passphrase) {
    if (sodium_init() < 0) return make_error(ErrorCode::kIo, "libsodium did not start");
    FdReader in(fd);
    const size_t head_len = kMagic.size() + crypto_pwhash_SALTBYTES + 16 +
                            crypto_secretstream_xchacha20poly1305_HEADERBYTES;
    std::string head(head_len, '\0');
    if (!in.read(head.data(), static_cast<std::streamsize>(head_len)) ||
        !std::string_view(head).starts_with(kMagic))
        return make_error(ErrorCode::kCorrupt, path + ": not a Vmeste export");
    auto* h = reinterpret_cast<const unsigned char*>(head.data()) + kMagic.size();
    auto key = derive(passphrase, h, get_u64(h + crypto_pwhash_SALTBYTES),
                      get_u64(h + crypto_pwhash_SALTBYTES + 8));
    if (!key) return key.error();
    crypto_secretstream_xchacha20poly1305_state st;
    const int bad = crypto_secretstream_xchacha20poly1305_init_pull(
        &st, h + crypto_pwhash_SALTBYTES + 16, key->data());
    sodium_memzero(key->data(), key->size());
    if (bad) return make_error(ErrorCode::kCorrupt, path + ": damaged header");
    ExportContents out;
    bool first = true, ended = false;
    std::string c, plain;
    while (!ended) {
        unsigned char len_bytes[4];
        if (!in.read(reinterpret_cast<char*>(len_bytes), 4))
            return make_error(ErrorCode::kCorrupt, path + ": the file is cut short");
        const size_t len = len_bytes[0] | len_bytes[1] << 8 | len_bytes[2] << 16 |
                           static_cast<size_t>(len_bytes[3]) << 24;
        if (len < crypto_secretstream_xchacha20poly1305_ABYTES || len > kMaxRecord)
            return make_error(ErrorCode::kCorrupt, path + ": a damaged record");
        c.resize(len);
        if (!in.read(c.data(), static_cast<std::streamsize>(len)))
            return make_error(ErrorCode::kCorrupt, path + ": the file is cut short");
        plain.resize(len);
        unsigned long long plen = 0;
        unsigned char tag = 0;
        if (crypto_secretstream_xchacha20poly1305_pull(
                &st, reinterpret_cast<unsigned char*>(plain.data()), &plen, &tag,
                reinterpret_cast<const unsigned char*>(c.data()), len, nullptr, 0) != 0)
            return first ? make_error(ErrorCode::kUnauthorized, "wrong passphrase")
                         : make_error(ErrorCode::kCorrupt, path + ": a damaged record");
        json j = json::parse(plain.data(), plain.data() + plen, nullptr, false);
        if (!j.is_object()) return make_error(ErrorCode::kCorrupt, path + ": a damaged record");
        const std::string type = j.value("type", "");
        if (first) {
            if (type != "manifest") return make_error(ErrorCode::kCorrupt, path + ": no manifest");
            out.device_id = j.value("device_id", "");
            out.created_unix_ms = j.value("created_unix_ms", int64_t{0});
            first = false;
        } else if (type == "item") {
            ExportedItem it{j.value("kind", ""),           j.value("key", ""),
                            j.value("receipt_number", ""), j.value("body", ""),
                            j.value("sha256", ""),         j.value("path", ""),
                            j.value("quarantined", false)};
            if (it.kind == "media") {
                auto bin = unbase64(it.body);
                if (!bin) return make_error(ErrorCode::kCorrupt, path + ": a damaged photo");
                it.body = std::move(*bin);
            }
            out.items.push_back(std::move(it));
        } else if (type == "end") {
            if (tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL ||
                j.value("items", size_t{0}) != out.items.size())
                return make_error(ErrorCode::kCorrupt, path + ": the end does not match");
            ended = true;
        }
        if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL && !ended)
            return make_error(ErrorCode::kCorrupt, path + ": ends early");
    }
    return out;
}

Result<std::string> export_directory(const std::string& configured) {
    namespace fs = std::filesystem;
    if (configured != "auto") {
        std::error_code ec;
        if (!fs::is_directory(configured, ec))
            return make_error(ErrorCode::kNotFound, configured + " is not a directory");
        if (::access(configured.c_str(), W_OK) != 0)
            return make_error(ErrorCode::kUnauthorized, configured + " is not writable");
        return configured;
    }
    // /proc/mounts: device, mount point (octal escapes for spaces), type, options.
    std::ifstream mounts("/proc/mounts");
    std::string line;
    while (std::getline(mounts, line)) {
        std::istringstream f(line);
        std::string dev, point, type, opts;
        f >> dev >> point >> type >> opts;
        const bool removable_place =
            point.starts_with("/media/") || point.starts_with("/run/media/");
        const bool stick_fs = type == "vfat" || type == "exfat" || type == "ntfs" ||
                              type == "ntfs3" || type == "fuseblk" || type.starts_with("ext");
        if (!removable_place || !stick_fs || ("," + opts + ",").find(",ro,") != std::string::npos)
            continue;
        std::string unescaped;
        for (size_t i = 0; i < point.size(); ++i) {
            if (point[i] == '\\' && i + 3 < point.size()) {
                unescaped += static_cast<char>(std::stoi(point.substr(i + 1, 3), nullptr, 8));
                i += 3;
            } else {
                unescaped += point[i];
            }
        }
        if (::access(unescaped.c_str(), W_OK) == 0) return unescaped;
    }
    return make_error(ErrorCode::kNotFound, "no USB stick is mounted (under /media or /run/media)");
}

Result<void> remember_export(const std::string& data_dir, const UnsentExport& e) {
    json j = json::object();
    {
        std::ifstream in(std::filesystem::path(data_dir) / "exported.json");
        if (in) j = json::parse(in, nullptr, false);
        if (!j.is_object()) j = json::object();
    }
    json& keys = j["keys"];
    if (!keys.is_array()) keys = json::array();
    for (const auto& k : e.keys) keys.push_back(k);
    j["last_file"] = std::filesystem::path(e.file).filename().string();
    return write_durably(posix_file_ops(), data_dir, "exported.json", j.dump() + "\n", 0600);
}

std::vector<std::string> not_exported(const std::string& data_dir,
                                      const std::vector<std::string>& unsent) {
    std::set<std::string> done;
    std::ifstream in(std::filesystem::path(data_dir) / "exported.json");
    if (in) {
        json j = json::parse(in, nullptr, false);
        if (j.is_object() && j["keys"].is_array())
            for (const auto& k : j["keys"])
                if (k.is_string()) done.insert(k.get<std::string>());
    }
    std::vector<std::string> out;
    for (const auto& k : unsent)
        if (!done.count(k)) out.push_back(k);
    return out;
}

}  // namespace vmeste::core
