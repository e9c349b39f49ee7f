#include "kiosk/core/file_ops.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <stdio.h>

#include <cerrno>
#include <cstring>

namespace vmeste::core {
namespace {

Error sys_error(const std::string& what, int err) {
    const ErrorCode code = (err == ENOSPC || err == EDQUOT) ? ErrorCode::kNoSpace : ErrorCode::kIo;
    return make_error(code, what + ": " + std::strerror(err));
}

Result<void> fsync_path(const std::string& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) return sys_error("open " + path, errno);
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0) return sys_error("fsync " + path, err);
    return {};
}

// Opens `path` (created with `mode`, `how` = O_TRUNC or O_APPEND) and writes all of `data`.
Result<void> write_to(const std::string& path, int how, std::string_view data, int mode,
                      const char* what) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | how | O_CLOEXEC, mode);
    if (fd < 0) return sys_error("create " + path, errno);
    size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int err = errno;
            ::close(fd);
            return sys_error(what + path, err);
        }
        done += static_cast<size_t>(n);
    }
    if (::close(fd) != 0) return sys_error("close " + path, errno);
    return {};
}

class PosixFileOps final : public FileOps {
  public:
    Result<void> write(const std::string& path, std::string_view data, int mode) override {
        return write_to(path, O_TRUNC, data, mode, "write ");
    }
    Result<void> append(const std::string& path, std::string_view data, int mode) override {
        return write_to(path, O_APPEND, data, mode, "append ");
    }
    Result<void> rename_new(const std::string& from, const std::string& to) override {
        if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0)
            return {};
        if (errno == EEXIST) return make_error(ErrorCode::kConflict, to + " exists already");
        if (errno != EINVAL && errno != ENOSYS) return sys_error("rename " + from, errno);
        // No RENAME_NOREPLACE here: link() never replaces either.
        if (::link(from.c_str(), to.c_str()) != 0) {
            if (errno == EEXIST) return make_error(ErrorCode::kConflict, to + " exists already");
            return sys_error("link " + from, errno);
        }
        ::unlink(from.c_str());
        return {};
    }
    Result<void> fsync_file(const std::string& path) override { return fsync_path(path, O_RDONLY); }
    Result<void> rename(const std::string& from, const std::string& to) override {
        if (::rename(from.c_str(), to.c_str()) != 0) return sys_error("rename " + from, errno);
        return {};
    }
    Result<void> fsync_dir(const std::string& dir) override {
        return fsync_path(dir, O_RDONLY | O_DIRECTORY);
    }
    Result<void> remove(const std::string& path) override {
        if (::unlink(path.c_str()) != 0 && errno != ENOENT)
            return sys_error("unlink " + path, errno);
        return {};
    }
    Result<std::string> read(const std::string& path) override {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            const int err = errno;
            if (err == ENOENT) return make_error(ErrorCode::kNotFound, path + " does not exist");
            return sys_error("open " + path, err);
        }
        std::string out;
        char buf[65536];
        for (;;) {
            const ssize_t n = ::read(fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                const int err = errno;
                ::close(fd);
                return sys_error("read " + path, err);
            }
            if (n == 0) break;
            out.append(buf, static_cast<size_t>(n));
        }
        ::close(fd);
        return out;
    }
    Result<std::vector<std::string>> list(const std::string& dir) override {
        DIR* d = ::opendir(dir.c_str());
        if (!d) return sys_error("opendir " + dir, errno);
        std::vector<std::string> out;
        while (dirent* e = ::readdir(d)) {
            const std::string name = e->d_name;
            if (name != "." && name != "..") out.push_back(name);
        }
        ::closedir(d);
        return out;
    }
    Result<void> make_dir(const std::string& dir) override {
        if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
            return sys_error("mkdir " + dir, errno);
        return {};
    }
};

}  // namespace

FileOps& posix_file_ops() {
    static PosixFileOps ops;
    return ops;
}

namespace {

std::string temporary_name(const std::string& dir, const std::string& name) {
    static const bool sodium_ready = sodium_init() >= 0;
    (void)sodium_ready;
    char suffix[17];
    std::snprintf(suffix, sizeof suffix, "%08x%08x", randombytes_random(), randombytes_random());
    return dir + "/." + name + "." + suffix + ".tmp";
}

Result<void> write_then_publish(FileOps& fs, const std::string& dir, const std::string& name,
                                std::string_view data, int mode, bool replace) {
    const std::string tmp = temporary_name(dir, name);
    const std::string final_path = dir + "/" + name;
    auto fail = [&](Error e) {
        (void)fs.remove(tmp);
        return e;
    };
    if (auto r = fs.write(tmp, data, mode); !r) return fail(r.error());
    if (auto r = fs.fsync_file(tmp); !r) return fail(r.error());
    if (auto r = replace ? fs.rename(tmp, final_path) : fs.rename_new(tmp, final_path); !r)
        return fail(r.error());
    if (auto r = fs.fsync_dir(dir); !r) return r.error();
    return {};
}

}  // namespace

Result<void> write_durably(FileOps& fs, const std::string& dir, const std::string& name,
                           std::string_view data, int mode) {
    return write_then_publish(fs, dir, name, data, mode, true);
}

Result<void> create_durably(FileOps& fs, const std::string& dir, const std::string& name,
                            std::string_view data, int mode) {
    return write_then_publish(fs, dir, name, data, mode, false);
}

Result<void> append_durably(FileOps& fs, const std::string& path, std::string_view data) {
    if (auto r = fs.append(path, data); !r) return r;
    return fs.fsync_file(path);
}

bool is_temporary_name(std::string_view name) {
    return name.starts_with(".") && name.ends_with(".tmp");
}

}  // namespace vmeste::core
