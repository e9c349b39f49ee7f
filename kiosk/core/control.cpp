#include "kiosk/core/control.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "kiosk/base/log.h"
#include "kiosk/core/kiosk.h"
#include "kiosk/core/sealed_key.h"

namespace vmeste::core {

std::string control_socket_path(const std::string& data_dir) {
    return data_dir + "/control.sock";
}

Result<std::string> status_report(AppealStore& store, const std::string& data_dir,
                                  const std::string& live_json) {
    auto f = store.queue_figures();
    if (!f) return f.error();
    auto opt = [](const std::optional<int64_t>& v) {
        return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
    };
    auto actions = store.pending_actions(10000);
    const std::string device_id = read_device_id(data_dir);
    nlohmann::json j = {
        {"data_dir", data_dir},
        {"device_id", device_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(device_id)},
        {"enrolled", !read_device_token(data_dir).empty()},
        // Where the key that seals personal data rests (docs/storage.md): "tpm" when sealed to
        // the terminal's TPM, "file" when in DATA_DIR/device.key, next to the data.
        {"device_key", std::filesystem::exists(data_dir + "/" + kSealedKeyFile) ? "tpm" : "file"},
        {"queued_appeals", f->queued_appeals},
        {"queued_bytes", f->queued_bytes},
        {"pending", f->pending},
        {"delivered", f->delivered},
        {"quarantined", f->quarantined},
        {"pending_citizen_actions", actions ? static_cast<int64_t>(actions->size()) : -1},
        {"oldest_pending_unix_ms", opt(f->oldest_pending_unix_ms)},
        {"last_success_unix_ms", opt(f->last_success_unix_ms)},
        {"next_attempt_unix_ms", opt(f->next_attempt_unix_ms)},
        {"last_error", f->last_error},
        {"now_unix_ms", static_cast<int64_t>(std::time(nullptr)) * 1000},
        {"running", !live_json.empty()}};
    if (!live_json.empty()) {
        auto live = nlohmann::json::parse(live_json, nullptr, false);
        if (live.is_object()) j["live"] = live;
    }
    return j.dump();
}

namespace {

bool fill_address(const std::string& path, sockaddr_un* addr) {
    std::memset(addr, 0, sizeof *addr);
    addr->sun_family = AF_UNIX;
    if (path.size() >= sizeof addr->sun_path) return false;
    std::memcpy(addr->sun_path, path.c_str(), path.size() + 1);
    return true;
}

}  // namespace

Result<std::unique_ptr<ControlServer>> ControlServer::start(const std::string& data_dir,
                                                            Handler handler) {
    std::unique_ptr<ControlServer> s(new ControlServer());
    s->path_ = control_socket_path(data_dir);
    s->handler_ = std::move(handler);
    sockaddr_un addr{};
    if (!fill_address(s->path_, &addr))
        return make_error(ErrorCode::kInvalidInput, "control socket path too long: " + s->path_);
    s->listen_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s->listen_fd_ < 0) return make_error(ErrorCode::kIo, "control socket: socket()");
    ::unlink(s->path_.c_str());  // a stale one from a crash
    // Created 0600 from the start (no window in which another user could connect).
    const mode_t old = umask(0177);
    const int rc = bind(s->listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    umask(old);
    if (rc != 0 || listen(s->listen_fd_, 4) != 0)
        return make_error(ErrorCode::kIo,
                          "control socket " + s->path_ + ": " + std::strerror(errno));
    if (pipe2(s->wake_pipe_, O_CLOEXEC) != 0)
        return make_error(ErrorCode::kIo, "control socket: pipe");
    s->thread_ = std::thread([raw = s.get()] { raw->loop(); });
    return s;
}

ControlServer::~ControlServer() {
    if (wake_pipe_[1] >= 0) (void)!::write(wake_pipe_[1], "x", 1);
    if (thread_.joinable()) thread_.join();
    for (int fd : {listen_fd_, wake_pipe_[0], wake_pipe_[1]})
        if (fd >= 0) ::close(fd);
    if (!path_.empty()) ::unlink(path_.c_str());
}

void ControlServer::loop() {
    for (;;) {
        pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            return;
        }
        if (fds[1].revents) return;
        if (!(fds[0].revents & POLLIN)) continue;
        const int c = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0) continue;
        // One short line, read within 2 s: a client that says nothing cannot hold the thread.
        std::string line;
        char buf[256];
        for (;;) {
            pollfd p{c, POLLIN, 0};
            if (poll(&p, 1, 2000) <= 0) break;
            const ssize_t n = ::read(c, buf, sizeof buf);
            if (n <= 0) break;
            line.append(buf, static_cast<size_t>(n));
            if (line.find('\n') != std::string::npos || line.size() > 200) break;
        }
        line = line.substr(0, line.find('\n'));
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const std::string answer = handler_(line) + "\n";
        size_t off = 0;
        while (off < answer.size()) {
            const ssize_t n = ::send(c, answer.data() + off, answer.size() - off, MSG_NOSIGNAL);
            if (n <= 0) break;
            off += static_cast<size_t>(n);
        }
        ::close(c);
    }
}

std::optional<std::string> control_request(const std::string& data_dir,
                                           const std::string& command) {
    sockaddr_un addr{};
    if (!fill_address(control_socket_path(data_dir), &addr)) return std::nullopt;
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return std::nullopt;
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return std::nullopt;  // no kiosk running (or a stale socket)
    }
    const std::string line = command + "\n";
    (void)!::send(fd, line.data(), line.size(), MSG_NOSIGNAL);
    std::string answer;
    char buf[4096];
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, 5000) <= 0) break;
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) break;
        answer.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    while (!answer.empty() && answer.back() == '\n') answer.pop_back();
    return answer;
}

}  // namespace vmeste::core
