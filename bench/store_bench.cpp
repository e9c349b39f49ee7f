// store_bench: what an accept costs on this disk, against the disk's own fsync floor measured in
// the same run, and how the store scales from 1,000 to 100,000 queued appeals.
//   accept: one appeal with 3 photos of 400 KB (a 2,048 px JPEG is 300–800 KB)
//   floor:  write 4 KiB + fsync, the least any durable write can cost here
// The accept does 7 fsyncs by design (3 photos × file + directory, 1 commit), so ~7× the floor is
// the expected ratio; more would mean wasted work.
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/bench_data.h"
#include "kiosk/core/appeal_store.h"

using namespace vmeste;
using Clock = std::chrono::steady_clock;

namespace {

struct Stats {
    double p50, p99;
};

Stats stats(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return {v[v.size() / 2], v[std::min(v.size() - 1, v.size() * 99 / 100)]};
}

double ms_since(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// The same bytes and syncs as an accept, with nothing else: 3 files of 400 KB each written and
// fsynced, a directory fsync after each, one 4 KiB write + fsync for the commit.
Stats data_floor(const std::string& dir, int n) {
    std::vector<double> t;
    const std::string data = bench::photo(7, 400'000), block(4096, 'x');
    auto put = [&](const std::string& path, const std::string& bytes) {
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (::write(fd, bytes.data(), bytes.size()) < 0 || ::fsync(fd) != 0) std::perror("floor");
        ::close(fd);
    };
    for (int i = 0; i < n; ++i) {
        const auto t0 = Clock::now();
        for (int p = 0; p < 3; ++p) {
            put(dir + "/floor-" + std::to_string(p), data);
            const int d = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
            ::fsync(d);
            ::close(d);
        }
        put(dir + "/floor-commit", block);
        t.push_back(ms_since(t0));
    }
    for (int p = 0; p < 3; ++p) std::filesystem::remove(dir + "/floor-" + std::to_string(p));
    std::filesystem::remove(dir + "/floor-commit");
    return stats(t);
}

Stats fsync_floor(const std::string& dir, int n) {
    std::vector<double> t;
    const std::string path = dir + "/floor";
    const std::string block(4096, 'x');
    for (int i = 0; i < n; ++i) {
        const auto t0 = Clock::now();
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (::write(fd, block.data(), block.size()) < 0 || ::fsync(fd) != 0) std::perror("floor");
        ::close(fd);
        t.push_back(ms_since(t0));
    }
    std::filesystem::remove(path);
    return stats(t);
}

core::StoreOptions options(const std::string& dir) {
    core::StoreOptions o;
    o.data_dir = dir;
    o.limits.max_queued_items = 1'000'000;
    o.limits.max_queued_bytes = 1ull << 40;
    return o;
}

// Grows the queue to `target` undelivered appeals by copying one real row inside SQLite (an accept
// per row would take minutes of fsyncs and measure nothing new).
void fill_queue(const std::string& dir, int target) {
    sqlite3* db = nullptr;
    sqlite3_open((dir + "/appeals.db").c_str(), &db);
    const std::string sql =
        "BEGIN;"
        "WITH RECURSIVE n(i) AS (SELECT (SELECT count(*) FROM appeals) UNION ALL SELECT i + 1 FROM "
        "n WHERE i < " +
        std::to_string(target - 1) +
        ")"
        " INSERT INTO appeals(uuid, receipt_number, category_id, kind, language, created_at, "
        "status, text_sealed,"
        "  bytes) SELECT 'fill-' || i, 'F' || printf('%07d', i), category_id, kind, language, "
        "created_at, status,"
        "  text_sealed, bytes FROM n, (SELECT * FROM appeals LIMIT 1);"
        "INSERT INTO receipts(receipt_number, appeal_uuid, category_id, created_at)"
        " SELECT receipt_number, uuid, category_id, created_at FROM appeals WHERE uuid LIKE "
        "'fill-%';"
        "INSERT INTO outbox(kind, appeal_uuid, idempotency_key, next_attempt_at, created_at)"
        " SELECT 'appeal', uuid, uuid, 9000000000000, created_at FROM appeals WHERE uuid LIKE "
        "'fill-%';"
        "UPDATE queue_stats SET items = (SELECT count(*) FROM appeals), bytes = (SELECT sum(bytes) "
        "FROM appeals);"
        "COMMIT;";
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK)
        std::fprintf(stderr, "fill: %s\n", err);
    sqlite3_close(db);
}

struct Scale {
    Stats next_due, accept;
};

Scale measure_at(const std::string& dir, int queued) {
    {
        auto s = core::AppealStore::open(options(dir));
        (void)(*s)->accept(bench::appeal_request(0, 0), 1);
    }
    fill_queue(dir, queued);
    auto s = core::AppealStore::open(options(dir));
    std::vector<double> due, acc;
    // Items are due in the far future except the ones accepted here: next_due must find them
    // among `queued` without scanning.
    for (int i = 0; i < 30; ++i) {
        auto t0 = Clock::now();
        (void)(*s)->accept(bench::appeal_request(i + 1, 0), 1);
        acc.push_back(ms_since(t0));
        t0 = Clock::now();
        auto item = (*s)->next_due(2);
        due.push_back(ms_since(t0));
        if (item) (void)(*s)->mark_delivered(item->id, "P", "registered", 2);
    }
    return {stats(due), stats(acc)};
}

}  // namespace

int main(int argc, char** argv) {
    const std::string base = argc > 1 ? argv[1] : "/tmp/vmeste-store-bench";
    std::filesystem::remove_all(base);
    std::filesystem::create_directories(base + "/accept");
    const int n = 40;
    const Stats floor = fsync_floor(base, 200);
    const Stats bytes_floor = data_floor(base, n);
    std::vector<double> acc;
    {
        auto s = core::AppealStore::open(options(base + "/accept"));
        for (int i = 0; i < n; ++i) {
            auto req = bench::appeal_request(i, 3);
            const auto t0 = Clock::now();
            if (!(*s)->accept(req, 1)) std::fprintf(stderr, "accept failed\n");
            acc.push_back(ms_since(t0));
        }
    }
    const Stats accept = stats(acc);
    const Scale small = measure_at(base + "/q1k", 1'000);
    const Scale large = measure_at(base + "/q100k", 100'000);
    std::printf("store_bench (data in %s)\n", base.c_str());
    std::printf("  fsync floor (4 KiB + fsync):        p50 %7.2f ms  p99 %7.2f ms\n", floor.p50,
                floor.p99);
    std::printf("  same bytes + 7 fsyncs, nothing else: p50 %7.2f ms  p99 %7.2f ms\n",
                bytes_floor.p50, bytes_floor.p99);
    std::printf(
        "  accept, 3 photos x 400 KB:          p50 %7.2f ms  p99 %7.2f ms  = %.2fx / %.2fx that "
        "floor\n",
        accept.p50, accept.p99, accept.p50 / bytes_floor.p50, accept.p99 / bytes_floor.p99);
    std::printf("  next_due,  1,000 queued:            p50 %7.3f ms  p99 %7.3f ms\n",
                small.next_due.p50, small.next_due.p99);
    std::printf(
        "  next_due,  100,000 queued:          p50 %7.3f ms  p99 %7.3f ms  ratio %.2f (goal <= "
        "1.5)\n",
        large.next_due.p50, large.next_due.p99, large.next_due.p50 / small.next_due.p50);
    std::printf("  accept (no photos), 1,000 queued:   p50 %7.2f ms  p99 %7.2f ms\n",
                small.accept.p50, small.accept.p99);
    std::printf(
        "  accept (no photos), 100,000 queued: p50 %7.2f ms  p99 %7.2f ms  ratio %.2f (goal <= "
        "1.5)\n",
        large.accept.p50, large.accept.p99, large.accept.p50 / small.accept.p50);
    std::filesystem::remove_all(base);
    return 0;
}
