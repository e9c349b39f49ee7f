#include "kiosk/core/data_dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace vmeste::core {

Result<std::unique_ptr<DataDirLock>> DataDirLock::acquire(const std::string& data_dir,
                                                          const std::string& holder) {
    std::error_code ec;
    std::filesystem::create_directories(data_dir, ec);
    const std::string path = data_dir + "/.lock";
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return make_error(ErrorCode::kIo, "cannot open " + path + ": " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        std::string who(200, '\0');
        const ssize_t n = ::pread(fd, who.data(), who.size(), 0);
        who.resize(n > 0 ? static_cast<size_t>(n) : 0);
        while (!who.empty() && (who.back() == '\n' || who.back() == '\0')) who.pop_back();
        ::close(fd);
        if (err == EWOULDBLOCK)
            return make_error(ErrorCode::kConflict,
                              data_dir + " is in use by another process (" +
                                  (who.empty() ? std::string("unknown") : who) +
                                  "); only one may write it at a time");
        return make_error(ErrorCode::kIo, "cannot lock " + path + ": " + std::strerror(err));
    }
    // Who holds it, for the message the next one gets. Best effort: the lock is the flock.
    const std::string me = "pid " + std::to_string(::getpid()) + ", " + holder + "\n";
    if (::ftruncate(fd, 0) == 0 && ::pwrite(fd, me.data(), me.size(), 0) < 0) {
    }
    return std::unique_ptr<DataDirLock>(new DataDirLock(fd));
}

DataDirLock::~DataDirLock() {
    ::close(fd_);  // releases the flock
}

}  // namespace vmeste::core
