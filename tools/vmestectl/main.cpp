// vmestectl: inspect a kiosk's data directory. Issue #8 grows it (provisioning, retry, export);
// today: `status` (queue figures) and `find RECEIPT` (one appeal's state, without its text).
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "kiosk/core/appeal_store.h"

namespace {

const char* kHelp =
    "Usage: vmestectl [--data-dir DIR] COMMAND\n"
    "  status            queue depth, delivered, quarantined, oldest pending, last success,\n"
    "                    next attempt, last error\n"
    "  find RECEIPT      the state of one appeal (no personal data is printed)\n"
    "Default data dir: /var/lib/vmeste. Exit codes: 0 ok, 1 failure, 2 usage.\n";

}  // namespace

int main(int argc, char** argv) {
    using namespace vmeste;
    std::vector<std::string> args(argv + 1, argv + argc);
    std::string data_dir = "/var/lib/vmeste";
    std::vector<std::string> rest;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--help" || args[i] == "-h") {
            std::fputs(kHelp, stdout);
            return 0;
        }
        if (args[i] == "--data-dir") {
            if (i + 1 >= args.size()) {
                std::fputs("vmestectl: --data-dir needs a value\n", stderr);
                return 2;
            }
            data_dir = args[++i];
        } else {
            rest.push_back(args[i]);
        }
    }
    if (rest.empty()) {
        std::fputs(kHelp, stderr);
        return 2;
    }
    core::StoreOptions options;
    options.data_dir = data_dir;
    auto store = core::AppealStore::open(options);
    if (!store) {
        std::fprintf(stderr, "vmestectl: %s\n", store.error().message.c_str());
        return 1;
    }
    if (rest[0] == "status") {
        auto f = (*store)->queue_figures();
        if (!f) {
            std::fprintf(stderr, "vmestectl: %s\n", f.error().message.c_str());
            return 1;
        }
        std::printf("queued appeals: %lld (%lld KiB)\n", static_cast<long long>(f->queued_appeals),
                    static_cast<long long>(f->queued_bytes / 1024));
        std::printf("pending:     %lld\ndelivered:   %lld\nquarantined: %lld\n",
                    static_cast<long long>(f->pending), static_cast<long long>(f->delivered),
                    static_cast<long long>(f->quarantined));
        const long long now_ms = static_cast<long long>(std::time(nullptr)) * 1000;
        auto ago = [&](int64_t t) { return std::to_string((now_ms - t) / 1000) + " s ago"; };
        std::printf("oldest pending:  %s\n",
                    f->oldest_pending_unix_ms ? ago(*f->oldest_pending_unix_ms).c_str() : "-");
        std::printf("last success:    %s\n",
                    f->last_success_unix_ms ? ago(*f->last_success_unix_ms).c_str() : "never");
        if (f->next_attempt_unix_ms) {
            const long long in_s =
                std::max<long long>(0, (*f->next_attempt_unix_ms - now_ms) / 1000);
            std::printf("next attempt:    in %lld s\n", in_s);
        } else {
            std::printf("next attempt:    - (nothing pending)\n");
        }
        std::printf("last error:      %s\n", f->last_error.empty() ? "-" : f->last_error.c_str());
        return 0;
    }
    if (rest[0] == "find" && rest.size() == 2) {
        auto a = (*store)->find_by_receipt(rest[1]);
        if (!a) {
            std::fprintf(stderr, "vmestectl: %s\n", a.error().message.c_str());
            return 1;
        }
        if (!*a) {
            std::fprintf(stderr, "vmestectl: no appeal with receipt %s\n", rest[1].c_str());
            return 1;
        }
        std::printf("receipt:   %s\ncategory:  %s\nstatus:    %s\nplatform:  %s\n",
                    (*a)->appeal.receipt_number.c_str(), (*a)->appeal.category_id.c_str(),
                    (*a)->status.c_str(),
                    (*a)->platform_id.empty() ? "-" : (*a)->platform_id.c_str());
        return 0;
    }
    std::fprintf(stderr, "vmestectl: unknown command '%s'\n%s", rest[0].c_str(), kHelp);
    return 2;
}
