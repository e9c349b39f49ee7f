// libFuzzer target: every parser of the gateway's answers (sync/replies.h) and Retry-After. The
// first byte picks the parser, the rest is the body. Parsers must never crash, hang or read out
// of bounds, and what they accept must be self-consistent.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sync/replies.h"
#include "sync/retry_policy.h"

using namespace vmeste::sync;

namespace {
void check(bool ok) {
    if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
    switch (data[0] % 13) {
        case 0:
            if (auto c = replies::created(body)) check(!c->id.empty());
            break;
        case 1:
            if (auto u = replies::upload_state(body)) {
                check(u->offset >= 0 && u->offset <= u->length && u->length > 0);
                check(u->complete ? !u->media_id.empty() : !u->upload_id.empty());
            }
            break;
        case 2:
            if (auto o = replies::upload_offset(body, 3'000'000)) check(*o >= 0 && *o <= 3'000'000);
            break;
        case 3:
            if (auto p = replies::status_page(body))
                for (const auto& c : p->changes) check(!c.platform_id.empty() && !c.status.empty());
            break;
        case 4:
            if (auto e = replies::enrolment(body))
                check(!e->token.empty() && e->token.size() <= 512);
            break;
        case 5:
            if (auto h = replies::heartbeat_reply(body))
                for (const auto& c : h->commands) check(!c.id.empty() && !c.name.empty());
            break;
        case 6:
            if (auto d = replies::device_authorization(body))
                check(d->interval_s >= 1 && d->interval_s <= 60 && d->expires_in_s > 0 &&
                      !d->verification_uri_complete.empty());
            break;
        case 7:
            for (long status : {200L, 400L})
                if (auto t = replies::token_reply(status, body))
                    check(status == 200 ? !t->subject.empty() : !t->error.empty());
            break;
        case 8:
            if (auto l = replies::lookup(body)) check(!l->receipt_number.empty());
            break;
        case 9:
            if (auto p = replies::polls(body))
                for (const auto& poll : *p) check(!poll.id.empty() && !poll.title_ru.empty());
            break;
        case 10:
            check(replies::problem_summary(503, body).size() <= 200);
            check(replies::problem_detail(body).size() <= 200);
            break;
        case 11:
            if (auto ms = parse_retry_after(body, 1'790'000'000'000)) check(ms->count() >= 0);
            break;
        case 12:
            check(classify_status(static_cast<long>(size) * 7 % 700) <= Verdict::kQuarantine);
            break;
    }
    return 0;
}
