// libFuzzer target: the Open311 GeoReport v2 answers (created/token, requests, error arrays).
#include <cstdint>
#include <cstdlib>
#include <string_view>

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
    if (replies::problem_summary(400, body).size() > 200) std::abort();
    return 0;
}
