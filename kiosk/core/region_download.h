// RegionDownload: the region pack a heartbeat's answer names (docs/protocol.md "Region pack"),
// fetched in the background on the uploader's thread a few megabytes a step, so appeals keep
// going out between steps. The bytes go to DATA_DIR/region/.download-<sha256>.part: a restart, a
// power cut or a broken connection resumes at the file's length (a Range request). It starts
// only when the disk keeps `keep_free_bytes` for appeals after the whole pack; the finished file
// is checked against the offer's SHA-256 and installed by install_region_pack (renamed, not
// copied). An offer older than the active pack is refused (a gateway rolls back by publishing a
// newer version); a pack that fails its check three times, or does not open, is not fetched
// again until the gateway names another one.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "kiosk/core/region_pack.h"
#include "sync/gateway_client.h"

namespace vmeste::core {

class RegionDownload {
  public:
    struct Options {
        std::string data_dir;
        int64_t chunk_bytes = 512 * 1024;         // one Range request (under the transport's cap)
        int64_t step_bytes = 16 << 20;            // a step, then the uploader goes back to appeals
        uint64_t keep_free_bytes = 512ull << 20;  // left for appeals after the whole pack
        std::function<uint64_t()> free_bytes{};   // default: statvfs of the data directory
        // A new pack is active (on the uploader's thread): the kiosk swaps it in.
        std::function<void(const RegionPackInfo&)> installed{};
    };
    enum class Step {
        kIdle,       // nothing to fetch (no offer, or the terminal has it, or it is refused)
        kMore,       // part of it fetched: step again soon
        kWaiting,    // not enough disk: step again later
        kFailed,     // the gateway or the disk failed this step: again later
        kInstalled,  // the pack is active now
    };
    struct Progress {
        std::string state = "idle";   // idle | downloading | waiting_for_disk | failed | refused
        std::string version, sha256;  // the offer's
        int64_t have = 0, size = 0;
        uint64_t need_free = 0, free = 0;  // waiting_for_disk: bytes it needs free, and has
        bool corrupt = false;              // refused: it did not match its hash or did not open
        std::string error;  // why it waits or failed (no personal data: figures and reasons)
    };

    explicit RegionDownload(Options options);

    // From every heartbeat answer: the pack the gateway wants (nullopt: keep what is here).
    void offer(std::optional<sync::replies::RegionPackOffer> offer);
    // One step: as many chunks as step_bytes allows, then the check and the install when the
    // file is whole.
    Step step(sync::GatewayClient& gateway);
    Progress status() const;                             // any thread
    bool offered() const { return offer_.has_value(); }  // the uploader's thread

  private:
    Step fail(const std::string& why, bool drop_file);
    void set_status(Progress s);
    std::string part_path() const;

    Options options_;
    std::optional<sync::replies::RegionPackOffer> offer_;
    std::set<std::string> refused_;  // SHA-256s not to fetch again
    int check_failures_ = 0;
    mutable std::mutex mu_;
    Progress status_;
};

}  // namespace vmeste::core
