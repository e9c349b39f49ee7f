// libFuzzer target: the category catalogue the platform sends (CategoryCatalog::parse) and the
// technician's config file (parse_config). The first byte picks which.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kiosk/core/catalog.h"
#include "kiosk/core/config.h"

using namespace vmeste::core;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
    if (data[0] & 1) {
        if (auto c = CategoryCatalog::parse(text)) {
            if (c->categories().empty()) std::abort();
            for (const auto& l : c->leaves()) {
                if (l.deadline_working_days < 1 || l.deadline_working_days > 60) std::abort();
                if (!c->find(l.top_id)) std::abort();
                (void)l.in_season(2, 29);
            }
        }
    } else {
        if (auto cfg = parse_config(text)) {
            if (cfg->text_min_chars > cfg->text_max_chars) std::abort();
            if (cfg->retry_base_ms > cfg->retry_cap_ms) std::abort();
        }
    }
    return 0;
}
