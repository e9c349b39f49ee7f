#include "drivers/printer/transport.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace vmeste::drivers {

namespace {

std::string errno_text() {
    return std::strerror(errno);
}

// A file descriptor transport: device file, serial port and TCP socket all are one.
class FdTransport final : public PrinterTransport {
  public:
    FdTransport(int fd, std::string what) : fd_(fd), what_(std::move(what)) {}
    ~FdTransport() override {
        if (fd_ >= 0) ::close(fd_);
    }
    Result<void> write(std::string_view bytes, std::chrono::milliseconds timeout) override {
        size_t done = 0;
        while (done < bytes.size()) {
            // usblp: POLLOUT once the previous transfer completed (the printer took it).
            pollfd p{fd_, POLLOUT, 0};
            const int r = ::poll(&p, 1, static_cast<int>(timeout.count()));
            if (r < 0 && errno == EINTR) continue;
            if (r < 0) return failure(errno);
            if (r == 0)
                return make_error(ErrorCode::kRetryLater,
                                  what_ + ": the printer took no data for " +
                                      std::to_string(timeout.count()) + " ms (" +
                                      std::to_string(done) + " of " + std::to_string(bytes.size()) +
                                      " bytes)");
            const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
            if (n < 0) {
                if (errno == EINTR || errno == EAGAIN) continue;
                return failure(errno);
            }
            done += static_cast<size_t>(n);
        }
        return {};
    }
    Result<std::string> read(size_t max, std::chrono::milliseconds timeout) override {
        pollfd p{fd_, POLLIN, 0};
        const int r = ::poll(&p, 1, static_cast<int>(timeout.count()));
        if (r < 0 && errno == EINTR) return std::string();
        if (r < 0) return failure(errno);
        if (r == 0) return std::string();
        if (!(p.revents & POLLIN)) {
            if (p.revents & (POLLHUP | POLLERR | POLLNVAL)) return failure(ENODEV);
            return std::string();
        }
        std::string buf(max, '\0');
        const ssize_t n = ::read(fd_, buf.data(), max);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) return std::string();
        if (n < 0) return failure(errno);
        buf.resize(static_cast<size_t>(n));
        return buf;
    }
    std::string describe() const override { return what_; }

  private:
    Error failure(int err) const {
        // The device went away: usblp answers ENODEV once unplugged; a socket, EPIPE/ECONNRESET.
        const bool gone = err == ENODEV || err == ENXIO || err == EPIPE || err == ECONNRESET ||
                          err == ESHUTDOWN || err == EIO;
        return Error{gone ? ErrorCode::kNotFound : ErrorCode::kIo,
                     what_ + ": " + std::strerror(err)};
    }
    int fd_;
    std::string what_;
};

speed_t baud_constant(int baud) {
    switch (baud) {
        case 9600:
            return B9600;
        case 19200:
            return B19200;
        case 38400:
            return B38400;
        case 57600:
            return B57600;
        case 115200:
            return B115200;
    }
    return 0;
}

}  // namespace

Result<std::unique_ptr<PrinterTransport>> open_device_file(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0 && (errno == EACCES || errno == EINVAL))
        fd = ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return make_error(ErrorCode::kNotFound, "printer " + path + ": " + errno_text());
    return std::unique_ptr<PrinterTransport>(new FdTransport(fd, path));
}

Result<std::unique_ptr<PrinterTransport>> open_serial(const std::string& path, int baud) {
    const speed_t speed = baud_constant(baud);
    if (!speed)
        return make_error(ErrorCode::kInvalidInput, "serial speed " + std::to_string(baud) +
                                                        " is not 9600/19200/38400/57600/115200");
    const int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return make_error(ErrorCode::kNotFound, "printer " + path + ": " + errno_text());
    termios t{};
    if (tcgetattr(fd, &t) != 0) {
        ::close(fd);
        return make_error(ErrorCode::kIo, path + " is not a serial port: " + errno_text());
    }
    cfmakeraw(&t);
    cfsetispeed(&t, speed);
    cfsetospeed(&t, speed);
    t.c_cflag |= CLOCAL | CREAD | CRTSCTS;  // thermal printers use hardware flow control
    tcsetattr(fd, TCSANOW, &t);
    return std::unique_ptr<PrinterTransport>(new FdTransport(fd, path));
}

Result<std::unique_ptr<PrinterTransport>> open_tcp(const std::string& host, int port,
                                                   std::chrono::milliseconds timeout) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0 || !res)
        return make_error(ErrorCode::kNotFound, "printer host " + host + " not found");
    const int fd = ::socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int rc = fd < 0 ? -1 : ::connect(fd, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    const std::string what = "tcp:" + host + ":" + std::to_string(port);
    if (rc != 0 && errno == EINPROGRESS) {
        pollfd p{fd, POLLOUT, 0};
        int err = ETIMEDOUT;
        socklen_t len = sizeof err;
        if (::poll(&p, 1, static_cast<int>(timeout.count())) == 1)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        errno = err;
        rc = err == 0 ? 0 : -1;
    }
    if (rc != 0) {
        const std::string why = errno_text();
        if (fd >= 0) ::close(fd);
        return make_error(ErrorCode::kIo, what + ": " + why);
    }
    return std::unique_ptr<PrinterTransport>(new FdTransport(fd, what));
}

Result<std::unique_ptr<PrinterTransport>> open_printer(const std::string& spec) {
    const auto colon = spec.find(':');
    const std::string kind = spec.substr(0, colon);
    const std::string rest = colon == std::string::npos ? "" : spec.substr(colon + 1);
    if (kind == "usb" && !rest.empty()) return open_device_file(rest);
    if (kind == "serial" && !rest.empty()) {
        const auto c = rest.rfind(':');
        if (c != std::string::npos && c > 0) try {
                return open_serial(rest.substr(0, c), std::stoi(rest.substr(c + 1)));
            } catch (...) {
            }
        return open_serial(rest);
    }
    if (kind == "tcp" && !rest.empty()) {
        const auto c = rest.rfind(':');
        try {
            return c == std::string::npos
                       ? open_tcp(rest)
                       : open_tcp(rest.substr(0, c), std::stoi(rest.substr(c + 1)));
        } catch (...) {
        }
    }
    return make_error(
        ErrorCode::kInvalidInput,
        "printer '" + spec + "': expected usb:PATH, serial:PATH[:BAUD] or tcp:HOST[:PORT]");
}

PrinterStatus decode_status(uint8_t printer, uint8_t offline, uint8_t paper) {
    PrinterStatus s;
    s.answered = true;
    s.online = !(printer & 0x08);                      // n=1 bit 3: offline
    s.cover_open = offline & 0x04;                     // n=2 bit 2: cover open
    s.paper_near_end = paper & 0x0C;                   // n=4 bits 2,3: roll near end
    s.paper_out = (paper & 0x60) || (offline & 0x20);  // n=4 bits 5,6; n=2 bit 5: stopped, no paper
    return s;
}

Result<PrinterStatus> read_status(PrinterTransport& t, std::chrono::milliseconds timeout) {
    uint8_t answers[3] = {};
    const char kinds[3] = {1, 2, 4};
    for (int i = 0; i < 3; ++i) {
        if (auto w = t.write(std::string{0x10, 0x04, kinds[i]}, timeout); !w) {
            if (w.error().code == ErrorCode::kRetryLater) return PrinterStatus{};  // silent
            return w.error();
        }
        auto r = t.read(1, timeout);
        if (!r) return r.error();
        // Every status byte has bit 1 set and bits 0, 4 and 7 clear (0xx1xx10 pattern).
        if (r->size() != 1 || (static_cast<uint8_t>((*r)[0]) & 0x93) != 0x12)
            return PrinterStatus{};
        answers[i] = static_cast<uint8_t>((*r)[0]);
    }
    return decode_status(answers[0], answers[1], answers[2]);
}

PrinterStatus query_status(PrinterTransport& t, std::chrono::milliseconds timeout) {
    auto s = read_status(t, timeout);
    return s ? *s : PrinterStatus{};
}

Result<void> FakePrinter::write(std::string_view bytes, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    if (!model_.takes_data && !unplugged_) {
        answered_.wait_for(lock, timeout, [&] { return unplugged_ || model_.takes_data; });
        if (!model_.takes_data && !unplugged_)
            return make_error(ErrorCode::kRetryLater, "fake printer: took no data");
    }
    if (unplugged_) return make_error(ErrorCode::kNotFound, "fake printer: unplugged");
    pending_ += model_.take(bytes);
    answered_.notify_all();
    return {};
}

Result<std::string> FakePrinter::read(size_t max, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    answered_.wait_for(lock, timeout, [&] { return unplugged_ || !pending_.empty(); });
    if (unplugged_) return make_error(ErrorCode::kNotFound, "fake printer: unplugged");
    std::string out = pending_.substr(0, max);
    pending_.erase(0, out.size());
    return out;
}

std::string FakePrinter::received() const {
    std::lock_guard lock(mu_);
    return model_.received();
}

int FakePrinter::jobs_confirmed() const {
    std::lock_guard lock(mu_);
    return model_.jobs_confirmed();
}

void FakePrinter::set_unplugged(bool u) {
    std::lock_guard lock(mu_);
    unplugged_ = u;
    answered_.notify_all();
}

std::vector<std::string> discover_printers() {
    std::vector<std::string> out;
    std::error_code ec;
    for (const char* dir : {"/dev/usb", "/dev"}) {
        for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
            const std::string name = e.path().filename().string();
            if (std::string(dir) == "/dev/usb" && name.starts_with("lp"))
                out.push_back("usb:" + e.path().string());
            else if (std::string(dir) == "/dev" &&
                     (name.starts_with("ttyUSB") || name.starts_with("ttyACM")))
                out.push_back("serial:" + e.path().string());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace vmeste::drivers
