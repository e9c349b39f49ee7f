// The Open311 mapping screen's work (issue #18, point 1): the technician sees which of the
// city's services each category of the catalogue reaches, changes any of them, the fallback and
// whether the server needs coordinates, reads the services again from the server, and saves.
// The draft lives in MaintState::mapping; the file (DATA_DIR/open311.json) changes only on save,
// on the worker, with an audit entry naming what changed. The uploader takes the saved file at
// once and the citizen's screens from the next visit (Options::on_open311_mapping_saved reloads
// the kiosk's Open311Snapshot and expedites the uploader's job).
#include <algorithm>

#include "kiosk/base/log.h"
#include "kiosk/core/maintenance.h"
#include "kiosk/core/open311_setup.h"
#include "kiosk/core/platform_jobs.h"

namespace vmeste::core {

namespace {

// What the technician changed, for the audit: "roads.road.pothole: 001 -> POT; fallback: - ->
// 099; coordinates: needed". Codes only; nothing of any citizen.
std::string mapping_changes(const sync::Open311Services& before, const sync::Open311Services& after,
                            const std::vector<sync::CategoryNames>& categories) {
    std::string out;
    auto add = [&](const std::string& what, const std::string& from, const std::string& to) {
        if (from == to) return;
        out += (out.empty() ? "" : "; ") + what + ": " + (from.empty() ? "-" : from) + " -> " +
               (to.empty() ? "-" : to);
    };
    for (const auto& c : categories) add(c.id, before.code_for(c.id), after.code_for(c.id));
    add("fallback", before.fallback, after.fallback);
    if (before.needs_coordinates != after.needs_coordinates)
        out += std::string(out.empty() ? "" : "; ") +
               "coordinates: " + (after.needs_coordinates ? "needed" : "not needed");
    return out;
}

}  // namespace

void Maintenance::open_mapping() {
    state_.mapping = MaintState::Mapping{};
    const std::string dir = options_.data_dir;
    post([this, dir](AppealStore*, MaintenanceAccess*) {
        auto services = load_open311_services(dir);
        const CategoryCatalog catalogue =
            PlatformJobs::load_synced_catalogue(dir).value_or(CategoryCatalog::bundled());
        auto categories = category_names(catalogue);
        std::string error;
        if (!services && services.error().code != ErrorCode::kNotFound)
            error = services.error().message;
        complete([s = services ? *services : sync::Open311Services{}, categories,
                  error](MaintState& st) {
            if (st.screen != MaintScreen::kMapping) return;
            st.mapping.services = s;
            st.mapping.categories = categories;
            st.mapping.error = error;
            st.mapping.loaded = true;
        });
    });
}

void Maintenance::edit_mapping(const MaintIntent& intent) {
    MaintState::Mapping& m = state_.mapping;
    if (!m.loaded || state_.busy) return;
    using K = MaintIntentKind;
    switch (intent.kind) {
        case K::kMappingChoose:
            if (intent.text != "*" &&
                std::none_of(m.categories.begin(), m.categories.end(),
                             [&](const auto& c) { return c.id == intent.text; }))
                return;
            m.choosing = intent.text;
            m.service_page = 0;
            state_.notice.clear();
            return;
        case K::kMappingSet: {
            if (m.choosing.empty()) return;
            const std::string& code = intent.text;
            if (!code.empty() && !m.services.service(code)) return;  // not one of the city's
            if (m.choosing == "*")
                m.services.fallback = code;
            else if (code.empty())
                m.services.map.erase(m.choosing);
            else
                m.services.map[m.choosing] = code;
            m.choosing.clear();
            m.dirty = true;
            state_.notice.clear();
            return;
        }
        case K::kMappingPage: {
            int& page = m.choosing.empty() ? m.page : m.service_page;
            page = std::max(0, page + (intent.index < 0 ? -1 : 1));
        }
            return;
        case K::kMappingCoordinates:
            m.services.needs_coordinates = !m.services.needs_coordinates;
            m.dirty = true;
            state_.notice.clear();
            return;
        case K::kMappingRefresh: {
            if (!options_.current_config) return;
            state_.busy = true;
            state_.notice.clear();
            const Config cfg = options_.current_config();
            post([this, cfg](AppealStore*, MaintenanceAccess*) {
                auto transport = sync::make_curl_transport(options_.transport);
                auto fresh = sync::discover_open311_services(
                    cfg.open311_url, cfg.open311_jurisdiction_id, *transport, clock_.unix_millis());
                if (!fresh) log::warn("open311 services: %s", fresh.error().message.c_str());
                complete([fresh = std::move(fresh)](MaintState& st) {
                    st.busy = false;
                    MaintState::Mapping& m = st.mapping;
                    if (!fresh) {
                        m.error = fresh.error().message;
                        st.notice = "mapping-refresh-failed";
                        return;
                    }
                    // The draft's entries stay where their service still exists; a category
                    // with none left gets the first guess, as at provisioning.
                    sync::Open311Services next = *fresh;
                    sync::Open311Services guessed = *fresh;
                    sync::guess_mapping(guessed, m.categories);
                    sync::keep_mapping(next, m.services);
                    for (const auto& [cat, code] : guessed.map) next.map.emplace(cat, code);
                    if (next.fallback.empty()) next.fallback = guessed.fallback;
                    m.services = std::move(next);
                    m.error.clear();
                    m.dirty = true;
                    st.notice = "mapping-refreshed";
                });
            });
            return;
        }
        case K::kMappingSave: {
            if (!m.dirty) return;
            state_.busy = true;
            const std::string actor = state_.role ? role_name(*state_.role) : "maintenance";
            const std::string dir = options_.data_dir;
            const int64_t now = clock_.unix_millis();
            post([this, actor, dir, now, draft = m.services, categories = m.categories](
                     AppealStore* s, MaintenanceAccess*) {
                auto loaded = load_open311_services(dir);
                const sync::Open311Services before = loaded ? *loaded : sync::Open311Services{};
                auto saved = save_open311_services(dir, draft);
                if (saved && s)
                    s->audit(actor, "open311-mapping", "",
                             mapping_changes(before, draft, categories), now);
                if (saved && options_.on_open311_mapping_saved) options_.on_open311_mapping_saved();
                if (!saved) log::error("open311 mapping: %s", saved.error().message.c_str());
                complete([saved](MaintState& st) {
                    st.busy = false;
                    if (saved) {
                        st.mapping.dirty = false;
                        st.notice = "mapping-saved";
                    } else {
                        st.mapping.error = saved.error().message;
                        st.notice = "mapping-save-failed";
                    }
                });
            });
            return;
        }
        default:
            return;
    }
}

}  // namespace vmeste::core
