// libFuzzer target: what Open311 GeoReport v2 servers answer (created/token/echo, request lists
// with string or numeric ids, both error shapes, service lists and definitions, HTML pages).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sync/open311_replies.h"
#include "sync/replies.h"

using namespace vmeste::sync;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    if (auto c = replies::open311_created(body))
        if (c->service_request_id.empty() && c->token.empty()) std::abort();
    if (auto r = replies::open311_requests(body))
        for (const auto& q : *r)
            if (q.service_request_id.empty() || (q.status != "open" && q.status != "closed"))
                std::abort();
    if (auto s = replies::open311_services(body))
        for (const auto& svc : *s)
            if (svc.code.empty() || svc.name.empty()) std::abort();
    if (auto d = replies::open311_definition(body))
        for (const auto& a : *d)
            if (a.code.empty() || (a.datatype.ends_with("valuelist") && a.values.empty()))
                std::abort();
    if (replies::open311_error_reason(400, "text/html", body).size() > 300) std::abort();
    (void)replies::open311_key_refused(400, body);
    if (replies::problem_summary(400, body).size() > 200) std::abort();
    return 0;
}
