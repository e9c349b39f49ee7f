#include "kiosk/core/region_download.h"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "kiosk/base/log.h"

namespace fs = std::filesystem;

namespace vmeste::core {

namespace {

constexpr const char* kPartPrefix = ".download-";
constexpr int kCheckFailuresAllowed = 3;

uint64_t statvfs_free(const std::string& dir) {
    struct statvfs v {};
    if (statvfs(dir.c_str(), &v) != 0) return 0;
    return static_cast<uint64_t>(v.f_bavail) * static_cast<uint64_t>(v.f_frsize);
}

// "104 KiB", "63 MiB", "2.4 GiB": for logs, staff and the gateway.
std::string mib(uint64_t bytes) {
    if (bytes < (1u << 20)) return std::to_string((bytes + 1023) >> 10) + " KiB";
    if (bytes < (uint64_t(10) << 30)) return std::to_string(bytes >> 20) + " MiB";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f GiB", double(bytes) / double(uint64_t(1) << 30));
    return buf;
}

// Appends `bytes` to the open file; false with errno set on failure.
bool write_all(int fd, const std::string& bytes) {
    for (size_t done = 0; done < bytes.size();) {
        const ssize_t w = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) return false;
        done += static_cast<size_t>(w);
    }
    return true;
}

}  // namespace

RegionDownload::RegionDownload(Options options) : options_(std::move(options)) {
    if (!options_.free_bytes)
        options_.free_bytes = [dir = options_.data_dir] { return statvfs_free(dir); };
    if (options_.chunk_bytes <= 0) options_.chunk_bytes = 512 * 1024;
    if (options_.step_bytes < options_.chunk_bytes) options_.step_bytes = options_.chunk_bytes;
}

void RegionDownload::offer(std::optional<sync::replies::RegionPackOffer> offer) {
    if (offer && offer_ && offer->sha256 == offer_->sha256) return;
    if (offer)
        log::info("region pack %s offered by the gateway (%s)", offer->version.c_str(),
                  mib(uint64_t(offer->size)).c_str());
    offer_ = std::move(offer);
    check_failures_ = 0;
}

std::string RegionDownload::part_path() const {
    return region_pack_dir(options_.data_dir) + "/" + kPartPrefix + offer_->sha256 + ".part";
}

void RegionDownload::set_status(Progress s) {
    std::lock_guard lock(mu_);
    status_ = std::move(s);
}

RegionDownload::Progress RegionDownload::status() const {
    std::lock_guard lock(mu_);
    return status_;
}

RegionDownload::Step RegionDownload::fail(const std::string& why, bool drop_file) {
    std::error_code ec;
    if (drop_file) fs::remove(part_path(), ec);
    Progress s = status();
    s.state = "failed";
    s.error = why;
    if (drop_file) s.have = 0;
    set_status(std::move(s));
    log::warn("region pack %s: %s", offer_->version.c_str(), why.c_str());
    return Step::kFailed;
}

RegionDownload::Step RegionDownload::step(sync::GatewayClient& gateway) {
    const std::string dir = region_pack_dir(options_.data_dir);
    std::error_code ec;
    // Downloads of packs no longer offered go (an offer replaced midway).
    if (fs::is_directory(dir, ec))
        for (const auto& e : fs::directory_iterator(dir, ec)) {
            const std::string n = e.path().filename().string();
            if (n.starts_with(kPartPrefix) && (!offer_ || e.path().string() != part_path()))
                fs::remove(e.path(), ec);
        }
    if (!offer_) {
        set_status({});
        return Step::kIdle;
    }
    const auto& o = *offer_;
    Progress s;
    s.version = o.version;
    s.sha256 = o.sha256;
    s.size = o.size;
    const auto active = active_region_pack(options_.data_dir);
    if (active && active->sha256 == o.sha256) {
        set_status({});
        return Step::kIdle;
    }
    if (refused_.count(o.sha256)) return Step::kIdle;
    if (active && compare_pack_versions(o.version, active->version) < 0) {
        refused_.insert(o.sha256);
        s.state = "refused";
        s.error = "version " + o.version + " is older than the terminal's " + active->version;
        log::warn("region pack: %s; not installed", s.error.c_str());
        set_status(std::move(s));
        return Step::kIdle;
    }
    fs::create_directories(dir, ec);
    const std::string part = part_path();
    int64_t have = fs::exists(part, ec) ? static_cast<int64_t>(fs::file_size(part, ec)) : 0;
    if (ec || have > o.size) {
        fs::remove(part, ec);
        have = 0;
    }
    s.have = have;
    // Room for the rest of it and for the appeals to come; the pack it replaces is not counted
    // (it goes only once the new one is active).
    const uint64_t need = uint64_t(o.size - have) + options_.keep_free_bytes;
    const uint64_t free = options_.free_bytes();
    if (free < need) {
        s.state = "waiting_for_disk";
        s.need_free = need;
        s.free = free;
        s.error = "needs " + mib(need) + " free (the rest of the pack and " +
                  mib(options_.keep_free_bytes) + " kept for appeals), has " + mib(free);
        if (status().state != "waiting_for_disk")
            log::warn("region pack %s: %s", o.version.c_str(), s.error.c_str());
        set_status(std::move(s));
        return Step::kWaiting;
    }
    s.state = "downloading";
    set_status(s);
    if (have < o.size) {
        const int fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd < 0) return fail(part + ": " + std::strerror(errno), false);
        int64_t fetched = 0;
        std::string problem;
        while (have < o.size && fetched < options_.step_bytes) {
            auto bytes = gateway.fetch_range(o.path, have, options_.chunk_bytes, o.size);
            if (!bytes) {
                problem = bytes.error().message;
                if (bytes.error().code == ErrorCode::kConflict) {
                    ::close(fd);
                    return fail(problem + "; starting again", true);
                }
                break;
            }
            if (bytes->empty()) {
                problem = "the gateway sent no bytes";
                break;
            }
            if (!write_all(fd, *bytes)) {
                problem = part + ": " + std::strerror(errno);
                break;
            }
            have += static_cast<int64_t>(bytes->size());
            fetched += static_cast<int64_t>(bytes->size());
            s.have = have;
            set_status(s);
        }
        // What is on the disk is what the next step resumes from.
        const bool synced = ::fsync(fd) == 0;
        ::close(fd);
        if (!synced && problem.empty()) problem = part + ": fsync failed";
        if (!problem.empty()) return fail(problem, false);
        if (have < o.size) return Step::kMore;
    }
    auto info = install_region_pack(options_.data_dir, part, o.sha256, false, true);
    if (!info) {
        const bool corrupt = info.error().code == ErrorCode::kCorrupt;
        if (info.error().code == ErrorCode::kNoSpace) return fail(info.error().message, false);
        // A file that does not match its hash is fetched again, a few times; one that does
        // and still does not open as a pack is the gateway's mistake: not fetched again.
        if (!corrupt || ++check_failures_ >= kCheckFailuresAllowed) refused_.insert(o.sha256);
        fail(info.error().message, true);
        if (refused_.count(o.sha256)) {
            Progress r = status();
            r.state = "refused";
            r.corrupt = true;
            set_status(std::move(r));
        }
        return Step::kFailed;
    }
    log::info("region pack %s installed from the gateway", info->version.c_str());
    set_status({});
    if (options_.installed) options_.installed(*info);
    return Step::kInstalled;
}

}  // namespace vmeste::core
