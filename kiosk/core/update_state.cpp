#include "kiosk/core/update_state.h"

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

namespace vmeste::core {

std::optional<UpdateState> read_update_state(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::string text;
    // A record is a few hundred bytes; a bigger file is not one.
    text.assign(std::istreambuf_iterator<char>(in), {});
    UpdateState s;
    const auto j =
        text.size() > 4096 ? nlohmann::json() : nlohmann::json::parse(text, nullptr, false);
    auto str = [&](const char* k) {
        auto it = j.find(k);
        return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    if (!j.is_object() || str("state").empty()) {
        s.state = "unreadable";
        return s;
    }
    s.state = str("state");
    s.version = str("version");
    s.from = str("from");
    s.to = str("to");
    s.reason = str("reason");
    if (auto it = j.find("at"); it != j.end() && it->is_number_integer())
        s.at_unix_s = it->get<int64_t>();
    return s;
}

nlohmann::json update_state_to_json(const std::optional<UpdateState>& s) {
    if (!s) return nlohmann::json::object();
    return {{"state", s->state}, {"version", s->version}, {"from", s->from},
            {"to", s->to},       {"reason", s->reason},   {"at", s->at_unix_s}};
}

bool update_failed(const UpdateState& s) {
    return s.state == "health-failed" || s.state == "install-failed" || s.state == "rolled-back" ||
           s.state == "rollback-failed" || s.state == "unreadable";
}

}  // namespace vmeste::core
