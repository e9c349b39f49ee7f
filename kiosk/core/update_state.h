// What the terminal's updater says about the kiosk's package (docs/image.md "Updates"): the
// image's vmeste-update keeps its last outcome in a small JSON file on the data partition
// ({"state", "version", "from", "to", "at", "reason"}); the kiosk shows it on «О терминале»,
// sends it in the heartbeat and answers it to `vmestectl status`. A terminal installed from
// the .deb by hand has no such file: no update state, nothing said.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

namespace vmeste::core {

struct UpdateState {
    // "installing", "verifying" (installed, the health check runs), "committed",
    // "health-failed", "install-failed", "rolled-back", "rollback-failed".
    std::string state;
    std::string version;   // the package that runs (or ran when the state was written)
    std::string from, to;  // the update's two versions
    std::string reason;    // why it did not commit, if it did not
    int64_t at_unix_s = 0;
};

// The file's record; nullopt when there is no file. A file that is not such a record (cut short,
// hand-edited) reads as state "unreadable", so staff see that something is off, not nothing.
std::optional<UpdateState> read_update_state(const std::string& path);

// The record as the heartbeat and `vmestectl status` carry it (a JSON object; {} for none).
nlohmann::json update_state_to_json(const std::optional<UpdateState>& s);

// Whether the state means an update did not go through (staff look at the terminal).
bool update_failed(const UpdateState& s);

}  // namespace vmeste::core
