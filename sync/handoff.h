// HandoffSession: the kiosk's side of the citizen hand-off (RFC 8628 device authorization).
// start() gets the codes to show (user_code, and verification_uri_complete as the QR); poll()
// asks the token endpoint no more often than the interval, and adds 5 seconds to the interval
// on every `slow_down` (§3.5); it ends approved (with the identity), denied, or expired. Runs on
// a worker thread; time comes from an injected clock.
#pragma once

#include <string>

#include "kiosk/base/clock.h"
#include "sync/gateway_client.h"

namespace vmeste::sync {

class HandoffSession {
  public:
    enum class State { kIdle, kWaiting, kApproved, kDenied, kExpired, kFailed };

    HandoffSession(GatewayClient& gateway, const Clock& clock);

    Result<void> start();
    // One poll if the interval has passed since the last one (else nothing). Returns the state.
    State poll();
    State state() const { return state_; }
    const replies::DeviceAuthorization& codes() const { return codes_; }
    int interval_s() const { return interval_s_; }
    int64_t next_poll_unix_ms() const { return next_poll_; }
    int64_t expires_unix_ms() const { return expires_; }
    int seconds_left() const;
    const replies::TokenReply& identity() const { return identity_; }
    const std::string& last_error() const { return last_error_; }

  private:
    GatewayClient& gateway_;
    const Clock& clock_;
    State state_ = State::kIdle;
    replies::DeviceAuthorization codes_;
    replies::TokenReply identity_;
    int interval_s_ = 5;
    int64_t next_poll_ = 0;
    int64_t expires_ = 0;
    std::string last_error_;
};

}  // namespace vmeste::sync
