// The control socket: how vmestectl talks to the running kiosk (issue #8). A Unix stream socket
// in the data directory, 0600 (the service's user and root only). One line in, one answer out:
//   status → the status report as JSON, with the uploader's live state
//   retry  → the uploader looks at the queue now ("ok")
// Without a running kiosk vmestectl works on the data directory itself.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <thread>

#include "kiosk/base/result.h"
#include "kiosk/core/appeal_store.h"

namespace vmeste::core {

std::string control_socket_path(const std::string& data_dir);

// What `vmestectl status` shows, as JSON text: the store's queue figures, ratings/votes/+1s
// waiting, enrolment. `live` (a JSON object, may be empty) is merged in by the running kiosk.
// No personal data.
Result<std::string> status_report(AppealStore& store, const std::string& data_dir,
                                  const std::string& live_json = "");

class ControlServer {
  public:
    using Handler = std::function<std::string(const std::string& command)>;
    // Binds DATA_DIR/control.sock (a stale one from a crash is replaced) and serves on a thread.
    static Result<std::unique_ptr<ControlServer>> start(const std::string& data_dir,
                                                        Handler handler);
    ~ControlServer();

  private:
    ControlServer() = default;
    void loop();
    std::string path_;
    Handler handler_;
    int listen_fd_ = -1;
    int wake_pipe_[2] = {-1, -1};
    std::thread thread_;
};

// vmestectl's side: the answer of the running kiosk, or nullopt when none listens.
std::optional<std::string> control_request(const std::string& data_dir, const std::string& command);

}  // namespace vmeste::core
