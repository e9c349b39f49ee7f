#include "sync/handoff.h"

#include <algorithm>

namespace vmeste::sync {

HandoffSession::HandoffSession(GatewayClient& gateway, const Clock& clock)
    : gateway_(gateway), clock_(clock) {}

Result<void> HandoffSession::start() {
    auto codes = gateway_.start_handoff();
    if (!codes) {
        state_ = State::kFailed;
        last_error_ = codes.error().message;
        return codes.error();
    }
    codes_ = std::move(codes).value();
    interval_s_ = codes_.interval_s;
    const int64_t now = clock_.unix_millis();
    expires_ = now + codes_.expires_in_s * 1000ll;
    next_poll_ = now + interval_s_ * 1000ll;
    state_ = State::kWaiting;
    return {};
}

int HandoffSession::seconds_left() const {
    return static_cast<int>(std::max<int64_t>(0, (expires_ - clock_.unix_millis()) / 1000));
}

HandoffSession::State HandoffSession::poll() {
    if (state_ != State::kWaiting) return state_;
    const int64_t now = clock_.unix_millis();
    if (now >= expires_) return state_ = State::kExpired;
    if (now < next_poll_) return state_;
    auto r = gateway_.poll_handoff(codes_.device_code);
    if (!r) {
        // No answer (network, 5xx): keep waiting at the same pace; the code's lifetime bounds it.
        last_error_ = r.error().message;
        next_poll_ = now + interval_s_ * 1000ll;
        return state_;
    }
    if (r->error.empty()) {
        identity_ = std::move(r).value();
        return state_ = State::kApproved;
    }
    if (r->error == "slow_down") interval_s_ += 5;  // RFC 8628 §3.5
    next_poll_ = now + interval_s_ * 1000ll;
    if (r->error == "authorization_pending" || r->error == "slow_down") return state_;
    last_error_ = r->error;
    if (r->error == "access_denied") return state_ = State::kDenied;
    if (r->error == "expired_token") return state_ = State::kExpired;
    return state_ = State::kFailed;
}

}  // namespace vmeste::sync
