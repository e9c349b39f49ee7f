// SocketPrinter: a network receipt printer on 127.0.0.1 (TCP, as on port 9100), the far side a
// PrinterModel: it keeps the bytes, answers DLE EOT at once and GS r once "printed". For the
// real TCP transport, vmestectl and the kiosk configured with `printer = "tcp:…"`.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>

#include "drivers/printer/printer_model.h"

namespace vmeste::test {

class SocketPrinter {
  public:
    SocketPrinter() {
        listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a);
        socklen_t len = sizeof a;
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        ::listen(listener_, 4);
        thread_ = std::thread([this] { serve(); });
    }
    ~SocketPrinter() {
        stop_ = true;
        thread_.join();
        ::close(listener_);
    }
    int port() const { return port_; }
    std::string spec() const { return "tcp:127.0.0.1:" + std::to_string(port_); }
    template <class F>
    void set(F f) {
        std::lock_guard lock(mu_);
        f(model_);
    }
    std::string received() const {
        std::lock_guard lock(mu_);
        return model_.received();
    }
    int jobs_confirmed() const {
        std::lock_guard lock(mu_);
        return model_.jobs_confirmed();
    }

  private:
    void serve() {
        while (!stop_) {
            pollfd p{listener_, POLLIN, 0};
            if (::poll(&p, 1, 50) != 1) continue;
            const int c = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
            if (c < 0) continue;
            char buf[4096];
            while (!stop_) {
                pollfd q{c, POLLIN, 0};
                if (::poll(&q, 1, 50) != 1) continue;
                const ssize_t n = ::read(c, buf, sizeof buf);
                if (n <= 0) break;
                std::string answer;
                {
                    std::lock_guard lock(mu_);
                    answer = model_.take(std::string_view(buf, static_cast<size_t>(n)));
                }
                if (!answer.empty()) (void)!::write(c, answer.data(), answer.size());
            }
            ::close(c);
        }
    }
    int listener_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    mutable std::mutex mu_;
    drivers::PrinterModel model_;
    std::thread thread_;
};

}  // namespace vmeste::test
