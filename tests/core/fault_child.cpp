// The fault-injection child (tests/core/fault_injection_test.cpp), run under libfiu's fiu-run:
// it opens the store, accepts one appeal, then makes every fdatasync(2) — SQLite's sync of its log
// at COMMIT, and nothing of the spool's, which uses fsync — fail with EIO, accepts one appeal with
// the id and receipt number it was given, prints "ACCEPTED" or "REFUSED <code>", and ends at once
// without closing anything, as a crash right after would.
//   vmeste-store-fault-child DATA_DIR UUID RECEIPT
#include <fiu-control.h>
#include <fiu.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>

#include "kiosk/core/appeal_store.h"
#include "tests/support/store_fixture.h"

int main(int argc, char** argv) {
    using namespace vmeste;
    if (argc != 4) {
        std::fprintf(stderr, "usage: %s DATA_DIR UUID RECEIPT\n", argv[0]);
        return 2;
    }
    core::StoreOptions o;
    o.data_dir = argv[1];
    o.free_bytes = [] { return uint64_t{1} << 40; };
    auto store = core::AppealStore::open(o);
    if (!store || !(*store)->recover()) {
        std::fprintf(stderr, "child: the store does not open\n");
        return 1;
    }
    // One appeal first, so the log is in use and the next COMMIT appends to it (the first
    // commit after a checkpoint syncs the log's new header instead).
    if (!(*store)->accept(test::appeal_request("WARM-0001", "до сбоя", 0), 1'790'000'000'000)) {
        std::fprintf(stderr, "child: the first accept failed\n");
        return 1;
    }
    auto req = test::appeal_request(argv[3], "fdatasync подвёл при COMMIT", 1, 77);
    req.appeal.uuid = argv[2];
    fiu_init(0);
    fiu_enable("posix/io/sync/fdatasync", 1, reinterpret_cast<void*>(static_cast<intptr_t>(EIO)),
               0);
    auto r = (*store)->accept(req, 1'790'000'000'000);
    if (r)
        std::printf("ACCEPTED\n");
    else
        std::printf("REFUSED %s %s\n", to_string(r.error().code), r.error().message.c_str());
    std::fflush(stdout);
    _exit(0);
}
