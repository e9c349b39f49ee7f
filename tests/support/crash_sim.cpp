#include "tests/support/crash_sim.h"

#include <sqlite3.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace vmeste::test {
namespace {

// ---------------------------------------------------------------------------------------------
// Shared state
// ---------------------------------------------------------------------------------------------

struct Write {
    int64_t offset;
    std::string data;  // empty with truncate_to >= 0: a truncate
    int64_t truncate_to = -1;
};

struct PendingDbFile {
    bool loaded = false;
    std::string shadow;      // what reads see: the real file plus unsynced writes
    std::vector<Write> log;  // unsynced writes, in order
};

struct State {
    std::recursive_mutex mu;
    int64_t ops = 0;
    int64_t crash_at = -1;
    bool crashed = false;
    int64_t quota = -1;  // bytes that may still be written; -1: unlimited
    std::mt19937_64 rng{1};
    std::map<std::string, PendingDbFile> db_files;       // by path
    std::map<std::string, std::string> spool_unsynced;   // path → content written
    std::map<std::string, uintmax_t> appended_unsynced;  // path → its size when last synced
    // Files unlinked since their directory's last fsync (path → content): after a cut the
    // directory entry may still be there, and the file with it.
    std::map<std::string, std::string> unlinked_unsynced;
    std::set<std::string> main_db_paths;  // databases opened: their -shm is garbled by a cut
    int64_t cuts_out_of_order = 0;
    std::vector<std::pair<std::string, std::string>> spool_renames;  // from → to, dir not synced
    sqlite3_vfs* real = nullptr;
};

State& st() {
    static State s;
    return s;
}

void power_cut_locked(State& s);

// Counts one operation; true if the power is (now) gone.
bool tick(State& s) {
    if (s.crashed) return true;
    ++s.ops;
    if (s.crash_at >= 0 && s.ops >= s.crash_at) {
        power_cut_locked(s);
        return true;
    }
    return false;
}

bool over_quota(State& s, size_t bytes) {
    if (s.quota < 0) return false;
    if (static_cast<int64_t>(bytes) > s.quota) return true;
    s.quota -= static_cast<int64_t>(bytes);
    return false;
}

void apply_to_real(const std::string& path, const Write& w, size_t keep_bytes) {
    FILE* f = std::fopen(path.c_str(), "r+b");
    if (!f) f = std::fopen(path.c_str(), "w+b");
    if (!f) return;
    if (w.truncate_to >= 0) {
        if (ftruncate(fileno(f), w.truncate_to) != 0) {
        }
    } else {
        std::fseek(f, w.offset, SEEK_SET);
        std::fwrite(w.data.data(), 1, std::min(keep_bytes, w.data.size()), f);
    }
    std::fclose(f);
}

void power_cut_locked(State& s) {
    s.crashed = true;
    // SQLite files: a random prefix of the unsynced writes reached the platter, the last one
    // possibly torn at a sector boundary; the rest never did.
    // Half the cuts keep the order (a prefix reached the platter); in the other half the disk
    // wrote in its own order since the last sync: any subset of those writes reached it, each
    // possibly torn. Truncates keep their place (a file system journals them).
    const bool in_order = s.rng() % 2 == 0;
    if (!in_order) ++s.cuts_out_of_order;
    for (auto& [path, pf] : s.db_files) {
        if (pf.log.empty()) continue;
        const size_t reached = s.rng() % (pf.log.size() + 1);
        for (size_t i = 0; i < pf.log.size(); ++i) {
            const Write& w = pf.log[i];
            const bool arrives = in_order ? i < reached : (w.truncate_to >= 0 || s.rng() % 2);
            if (!arrives) continue;
            size_t keep = w.data.size();
            const bool last = in_order ? i + 1 == reached : s.rng() % 3 == 0;
            if (last && w.truncate_to < 0 && s.rng() % 2)
                keep = (s.rng() % (w.data.size() / 512 + 1)) * 512;
            apply_to_real(path, w, keep);
        }
    }
    s.db_files.clear();
    // Unlinks whose directory was not fsynced: the file may be back.
    for (auto& [path, content] : s.unlinked_unsynced)
        if (s.rng() % 2 && !std::filesystem::exists(path)) {
            if (FILE* f = std::fopen(path.c_str(), "wb")) {
                std::fwrite(content.data(), 1, content.size(), f);
                std::fclose(f);
            }
        }
    s.unlinked_unsynced.clear();
    // Spool: renames not made durable by a directory fsync are undone, newest first; file contents
    // not fsynced are cut to a random length.
    for (auto it = s.spool_renames.rbegin(); it != s.spool_renames.rend(); ++it)
        std::rename(it->second.c_str(), it->first.c_str());
    s.spool_renames.clear();
    for (auto& [path, content] : s.spool_unsynced) {
        if (!std::filesystem::exists(path)) continue;
        std::filesystem::resize_file(path, content.empty() ? 0 : s.rng() % (content.size() + 1));
    }
    s.spool_unsynced.clear();
    // Appends not fsynced: the file keeps what it had at its last fsync plus a random part of the
    // rest (the kernel writes appended pages in any order; a prefix is the kind case we model).
    for (auto& [path, synced] : s.appended_unsynced) {
        std::error_code ec;
        const uintmax_t now = std::filesystem::file_size(path, ec);
        if (ec || now <= synced) continue;
        std::filesystem::resize_file(path, synced + s.rng() % (now - synced + 1), ec);
    }
    s.appended_unsynced.clear();
}

// ---------------------------------------------------------------------------------------------
// The SQLite VFS
// ---------------------------------------------------------------------------------------------

struct CrashFile {
    sqlite3_file base;   // must be first
    sqlite3_file* real;  // allocated right after this struct
    std::string path;
};

sqlite3_file* real_of(sqlite3_file* f) {
    return reinterpret_cast<CrashFile*>(f)->real;
}

int64_t real_size(sqlite3_file* real) {
    sqlite3_int64 n = 0;
    real->pMethods->xFileSize(real, &n);
    return n;
}

PendingDbFile& pending(State& s, CrashFile* f) {
    PendingDbFile& pf = s.db_files[f->path];
    if (!pf.loaded) {
        pf.shadow.assign(static_cast<size_t>(real_size(f->real)), '\0');
        if (!pf.shadow.empty())
            f->real->pMethods->xRead(f->real, pf.shadow.data(), static_cast<int>(pf.shadow.size()),
                                     0);
        pf.loaded = true;
    }
    return pf;
}

int x_close(sqlite3_file* f) {
    auto* cf = reinterpret_cast<CrashFile*>(f);
    const int rc = cf->real->pMethods ? cf->real->pMethods->xClose(cf->real) : SQLITE_OK;
    cf->path.~basic_string();
    return rc;
}

int x_read(sqlite3_file* f, void* buf, int amt, sqlite3_int64 off) {
    State& s = st();
    std::lock_guard lock(s.mu);
    auto* cf = reinterpret_cast<CrashFile*>(f);
    auto it = s.db_files.find(cf->path);
    if (it == s.db_files.end() || !it->second.loaded)
        return cf->real->pMethods->xRead(cf->real, buf, amt, off);
    const std::string& sh = it->second.shadow;
    std::memset(buf, 0, static_cast<size_t>(amt));
    if (off >= static_cast<int64_t>(sh.size())) return SQLITE_IOERR_SHORT_READ;
    const size_t n =
        std::min<size_t>(static_cast<size_t>(amt), sh.size() - static_cast<size_t>(off));
    std::memcpy(buf, sh.data() + off, n);
    return n < static_cast<size_t>(amt) ? SQLITE_IOERR_SHORT_READ : SQLITE_OK;
}

int x_write(sqlite3_file* f, const void* buf, int amt, sqlite3_int64 off) {
    State& s = st();
    std::lock_guard lock(s.mu);
    if (tick(s)) return SQLITE_IOERR_WRITE;
    if (over_quota(s, static_cast<size_t>(amt))) return SQLITE_FULL;
    auto* cf = reinterpret_cast<CrashFile*>(f);
    PendingDbFile& pf = pending(s, cf);
    if (pf.shadow.size() < static_cast<size_t>(off + amt))
        pf.shadow.resize(static_cast<size_t>(off + amt), '\0');
    std::memcpy(pf.shadow.data() + off, buf, static_cast<size_t>(amt));
    pf.log.push_back(
        Write{off, std::string(static_cast<const char*>(buf), static_cast<size_t>(amt))});
    return SQLITE_OK;
}

int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
    State& s = st();
    std::lock_guard lock(s.mu);
    if (tick(s)) return SQLITE_IOERR_TRUNCATE;
    auto* cf = reinterpret_cast<CrashFile*>(f);
    PendingDbFile& pf = pending(s, cf);
    pf.shadow.resize(static_cast<size_t>(size));
    pf.log.push_back(Write{0, {}, size});
    return SQLITE_OK;
}

int x_sync(sqlite3_file* f, int flags) {
    State& s = st();
    std::lock_guard lock(s.mu);
    if (tick(s)) return SQLITE_IOERR_FSYNC;
    auto* cf = reinterpret_cast<CrashFile*>(f);
    auto it = s.db_files.find(cf->path);
    if (it != s.db_files.end()) {
        // Everything written so far reaches the disk, in order.
        for (const Write& w : it->second.log) apply_to_real(cf->path, w, w.data.size());
        s.db_files.erase(it);
    }
    return cf->real->pMethods->xSync(cf->real, flags);
}

int x_file_size(sqlite3_file* f, sqlite3_int64* size) {
    State& s = st();
    std::lock_guard lock(s.mu);
    auto* cf = reinterpret_cast<CrashFile*>(f);
    auto it = s.db_files.find(cf->path);
    if (it != s.db_files.end() && it->second.loaded) {
        *size = static_cast<sqlite3_int64>(it->second.shadow.size());
        return SQLITE_OK;
    }
    return cf->real->pMethods->xFileSize(cf->real, size);
}

int x_lock(sqlite3_file* f, int l) {
    return real_of(f)->pMethods->xLock(real_of(f), l);
}
int x_unlock(sqlite3_file* f, int l) {
    return real_of(f)->pMethods->xUnlock(real_of(f), l);
}
int x_check_reserved(sqlite3_file* f, int* out) {
    return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out);
}
int x_file_control(sqlite3_file* f, int op, void* arg) {
    return real_of(f)->pMethods->xFileControl(real_of(f), op, arg);
}
int x_sector_size(sqlite3_file* f) {
    return real_of(f)->pMethods->xSectorSize(real_of(f));
}
int x_device_characteristics(sqlite3_file* f) {
    return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f));
}
int x_shm_map(sqlite3_file* f, int pg, int sz, int extend, void volatile** pp) {
    return real_of(f)->pMethods->xShmMap(real_of(f), pg, sz, extend, pp);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
    return real_of(f)->pMethods->xShmLock(real_of(f), offset, n, flags);
}
void x_shm_barrier(sqlite3_file* f) {
    real_of(f)->pMethods->xShmBarrier(real_of(f));
}
int x_shm_unmap(sqlite3_file* f, int del) {
    return real_of(f)->pMethods->xShmUnmap(real_of(f), del);
}

const sqlite3_io_methods kMethods = {
    2,  // version 2: shared memory for WAL, no memory-mapped I/O (writes must pass through us)
    x_close,
    x_read,
    x_write,
    x_truncate,
    x_sync,
    x_file_size,
    x_lock,
    x_unlock,
    x_check_reserved,
    x_file_control,
    x_sector_size,
    x_device_characteristics,
    x_shm_map,
    x_shm_lock,
    x_shm_barrier,
    x_shm_unmap,
    nullptr,
    nullptr};

int v_open(sqlite3_vfs* vfs, const char* name, sqlite3_file* f, int flags, int* out_flags) {
    State& s = st();
    auto* cf = reinterpret_cast<CrashFile*>(f);
    cf->real = reinterpret_cast<sqlite3_file*>(cf + 1);
    new (&cf->path) std::string(name ? name : "");
    cf->base.pMethods = nullptr;
    const int rc = s.real->xOpen(s.real, name, cf->real, flags, out_flags);
    if (rc != SQLITE_OK) {
        cf->path.~basic_string();
        return rc;
    }
    if (name && (flags & SQLITE_OPEN_MAIN_DB)) {
        std::lock_guard lock(s.mu);
        s.main_db_paths.insert(name);
    }
    (void)vfs;
    cf->base.pMethods = &kMethods;
    return SQLITE_OK;
}

int v_delete(sqlite3_vfs*, const char* name, int sync_dir) {
    State& s = st();
    std::lock_guard lock(s.mu);
    if (tick(s)) return SQLITE_IOERR_DELETE;
    s.db_files.erase(name);
    return s.real->xDelete(s.real, name, sync_dir);
}

int v_access(sqlite3_vfs*, const char* name, int flags, int* out) {
    State& s = st();
    std::lock_guard lock(s.mu);
    if (s.db_files.count(name)) {  // written but not synced: it exists for the living process
        *out = 1;
        return SQLITE_OK;
    }
    return s.real->xAccess(s.real, name, flags, out);
}

int v_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
    return st().real->xFullPathname(st().real, name, n, out);
}
void* v_dl_open(sqlite3_vfs*, const char* p) {
    return st().real->xDlOpen(st().real, p);
}
void v_dl_error(sqlite3_vfs*, int n, char* m) {
    st().real->xDlError(st().real, n, m);
}
void (*v_dl_sym(sqlite3_vfs*, void* h, const char* s))(void) {
    return st().real->xDlSym(st().real, h, s);
}
void v_dl_close(sqlite3_vfs*, void* h) {
    st().real->xDlClose(st().real, h);
}
int v_randomness(sqlite3_vfs*, int n, char* out) {
    return st().real->xRandomness(st().real, n, out);
}
int v_sleep(sqlite3_vfs*, int us) {
    return st().real->xSleep(st().real, us);
}
int v_current_time(sqlite3_vfs*, double* t) {
    return st().real->xCurrentTime(st().real, t);
}
int v_last_error(sqlite3_vfs*, int n, char* m) {
    return st().real->xGetLastError(st().real, n, m);
}
int v_current_time_int64(sqlite3_vfs*, sqlite3_int64* t) {
    return st().real->xCurrentTimeInt64(st().real, t);
}

// ---------------------------------------------------------------------------------------------
// The spool's FileOps
// ---------------------------------------------------------------------------------------------

class CrashFileOps final : public core::FileOps {
  public:
    Result<void> write(const std::string& path, std::string_view data, int mode) override {
        State& s = st();
        std::lock_guard lock(s.mu);
        if (tick(s)) return dead();
        if (over_quota(s, data.size()))
            return make_error(ErrorCode::kNoSpace, "write " + path + ": No space left");
        auto r = core::posix_file_ops().write(path, data, mode);
        if (r) s.spool_unsynced[path] = std::string(data);
        return r;
    }
    Result<void> fsync_file(const std::string& path) override {
        State& s = st();
        std::lock_guard lock(s.mu);
        if (tick(s)) return dead();
        s.spool_unsynced.erase(path);
        s.appended_unsynced.erase(path);
        return core::posix_file_ops().fsync_file(path);
    }
    Result<void> rename(const std::string& from, const std::string& to) override {
        return renamed(from, to, false);
    }
    Result<void> rename_new(const std::string& from, const std::string& to) override {
        return renamed(from, to, true);
    }
    Result<void> renamed(const std::string& from, const std::string& to, bool exclusive) {
        State& s = st();
        std::lock_guard lock(s.mu);
        if (tick(s)) return dead();
        auto r = exclusive ? core::posix_file_ops().rename_new(from, to)
                           : core::posix_file_ops().rename(from, to);
        if (r) {
            s.spool_renames.emplace_back(from, to);
            if (auto it = s.spool_unsynced.find(from); it != s.spool_unsynced.end()) {
                s.spool_unsynced[to] = it->second;
                s.spool_unsynced.erase(it);
            }
        }
        return r;
    }
    Result<void> append(const std::string& path, std::string_view data, int mode) override {
        State& s = st();
        std::lock_guard lock(s.mu);
        if (tick(s)) return dead();
        if (over_quota(s, data.size()))
            return make_error(ErrorCode::kNoSpace, "append " + path + ": No space left");
        if (!s.appended_unsynced.count(path)) {
            std::error_code ec;
            const uintmax_t size = std::filesystem::file_size(path, ec);
            s.appended_unsynced[path] = ec ? 0 : size;
        }
        return core::posix_file_ops().append(path, data, mode);
    }
    Result<void> fsync_dir(const std::string& dir) override {
        State& s = st();
        std::lock_guard lock(s.mu);
        if (tick(s)) return dead();
        std::erase_if(s.spool_renames, [&](const auto& r) {
            return std::filesystem::path(r.second).parent_path() == std::filesystem::path(dir);
        });
        std::erase_if(s.unlinked_unsynced, [&](const auto& u) {
            return std::filesystem::path(u.first).parent_path() == std::filesystem::path(dir);
        });
        return core::posix_file_ops().fsync_dir(dir);
    }
    Result<void> remove(const std::string& path) override {
        State& s = st();
        std::lock_guard lock(s.mu);
        if (s.crashed) return dead();
        // A durable file unlinked: until its directory is fsynced a cut may bring it back.
        if (!s.spool_unsynced.count(path))
            if (auto content = core::posix_file_ops().read(path); content)
                s.unlinked_unsynced[path] = std::move(content).value();
        s.spool_unsynced.erase(path);
        return core::posix_file_ops().remove(path);
    }
    Result<std::string> read(const std::string& path) override {
        return core::posix_file_ops().read(path);
    }
    Result<std::vector<std::string>> list(const std::string& dir) override {
        return core::posix_file_ops().list(dir);
    }
    Result<void> make_dir(const std::string& dir) override {
        return core::posix_file_ops().make_dir(dir);
    }

  private:
    static Error dead() { return make_error(ErrorCode::kIo, "power cut (simulated)"); }
};

}  // namespace

CrashSim::CrashSim() {
    State& s = st();
    s.real = sqlite3_vfs_find(nullptr);
    static sqlite3_vfs vfs{};
    vfs.iVersion = 2;
    vfs.szOsFile = static_cast<int>(sizeof(CrashFile)) + s.real->szOsFile;
    vfs.mxPathname = s.real->mxPathname;
    vfs.zName = kVfsName;
    vfs.xOpen = v_open;
    vfs.xDelete = v_delete;
    vfs.xAccess = v_access;
    vfs.xFullPathname = v_full_pathname;
    vfs.xDlOpen = v_dl_open;
    vfs.xDlError = v_dl_error;
    vfs.xDlSym = v_dl_sym;
    vfs.xDlClose = v_dl_close;
    vfs.xRandomness = v_randomness;
    vfs.xSleep = v_sleep;
    vfs.xCurrentTime = v_current_time;
    vfs.xGetLastError = v_last_error;
    vfs.xCurrentTimeInt64 = v_current_time_int64;
    sqlite3_vfs_register(&vfs, 0);
}

CrashSim& CrashSim::instance() {
    static CrashSim sim;
    return sim;
}

void CrashSim::arm(int64_t crash_at_op, uint64_t seed) {
    State& s = st();
    std::lock_guard lock(s.mu);
    s.crash_at = s.ops + crash_at_op;
    s.rng.seed(seed);
}

void CrashSim::set_quota(int64_t bytes) {
    std::lock_guard lock(st().mu);
    st().quota = bytes;
}

void CrashSim::clear_quota() {
    set_quota(-1);
}

bool CrashSim::crashed() const {
    std::lock_guard lock(st().mu);
    return st().crashed;
}

int64_t CrashSim::ops() const {
    std::lock_guard lock(st().mu);
    return st().ops;
}

void CrashSim::reset() {
    State& s = st();
    std::lock_guard lock(s.mu);
    if (s.crashed) {
        // The -shm is SQLite's shared memory, never synced: after a power cut its file holds
        // whatever the kernel last wrote back, or nothing. Deleted, cut or scribbled over.
        for (const auto& db : s.main_db_paths) {
            const std::string shm = db + "-shm";
            std::error_code ec;
            if (!std::filesystem::exists(shm, ec)) continue;
            switch (s.rng() % 3) {
                case 0:
                    std::filesystem::remove(shm, ec);
                    break;
                case 1:
                    std::filesystem::resize_file(shm, s.rng() % 4096, ec);
                    break;
                default:
                    if (FILE* f = std::fopen(shm.c_str(), "r+b")) {
                        for (int i = 0; i < 64; ++i) {
                            std::fseek(f, static_cast<long>(s.rng() % 32768), SEEK_SET);
                            std::fputc(static_cast<int>(s.rng() & 0xFF), f);
                        }
                        std::fclose(f);
                    }
            }
        }
    }
    s.main_db_paths.clear();
    s.unlinked_unsynced.clear();
    s.crashed = false;
    s.crash_at = -1;
    s.quota = -1;
    s.db_files.clear();
    s.spool_unsynced.clear();
    s.appended_unsynced.clear();
    s.spool_renames.clear();
}

core::FileOps& CrashSim::file_ops() {
    static CrashFileOps ops;
    return ops;
}

}  // namespace vmeste::test
