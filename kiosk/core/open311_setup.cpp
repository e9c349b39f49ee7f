#include "kiosk/core/open311_setup.h"

#include <fstream>
#include <sstream>

#include "kiosk/base/log.h"
#include "kiosk/core/file_ops.h"

namespace vmeste::core {

std::string open311_services_path(const std::string& data_dir) {
    return data_dir + "/open311.json";
}

Result<sync::Open311Services> load_open311_services(const std::string& data_dir) {
    std::ifstream in(open311_services_path(data_dir), std::ios::binary);
    if (!in)
        return make_error(ErrorCode::kNotFound, open311_services_path(data_dir) + ": none yet");
    std::stringstream ss;
    ss << in.rdbuf();
    return sync::parse_open311_services(ss.str());
}

Result<void> save_open311_services(const std::string& data_dir, const sync::Open311Services& s) {
    return write_durably(posix_file_ops(), data_dir, "open311.json", sync::open311_services_json(s),
                         0644);
}

std::vector<sync::CategoryNames> category_names(const CategoryCatalog& catalog) {
    std::vector<sync::CategoryNames> out;
    for (const auto& leaf : catalog.leaves()) {
        const Category* top = catalog.find(leaf.top_id);
        out.push_back({leaf.id, leaf.name_ru, leaf.name_en,
                       leaf.group_ru + " " + (top ? top->name_ru : std::string()),
                       leaf.group_en + " " + (top ? top->name_en : std::string())});
    }
    return out;
}

Result<sync::Open311Services> refresh_open311_services(const Config& cfg,
                                                       const CategoryCatalog& catalog,
                                                       sync::HttpTransport& transport,
                                                       int64_t now) {
    auto fresh = sync::discover_open311_services(cfg.open311_url, cfg.open311_jurisdiction_id,
                                                 transport, now);
    if (!fresh) return fresh.error();
    sync::Open311Services guessed = *fresh;
    sync::guess_mapping(guessed, category_names(catalog));
    auto old = load_open311_services(cfg.data_dir);
    if (old) {
        sync::keep_mapping(*fresh, *old);
        for (const auto& [cat, code] : guessed.map) fresh->map.emplace(cat, code);  // new ones
        if (fresh->fallback.empty()) fresh->fallback = guessed.fallback;
    } else {
        fresh->map = guessed.map;
        fresh->fallback = guessed.fallback;
    }
    if (auto r = save_open311_services(cfg.data_dir, *fresh); !r) return r.error();
    return fresh;
}

std::vector<std::string> unmapped_categories(const sync::Open311Services& s,
                                             const CategoryCatalog& catalog) {
    std::vector<std::string> out;
    for (const auto& leaf : catalog.leaves())
        if (s.code_for(leaf.id).empty()) out.push_back(leaf.id);
    return out;
}

std::vector<ProvisioningStep> provision_open311(const Config& cfg, const CategoryCatalog& catalog,
                                                sync::HttpTransport& transport, int64_t now,
                                                std::vector<std::string>* mapping) {
    std::vector<ProvisioningStep> steps;
    auto s = refresh_open311_services(cfg, catalog, transport, now);
    if (!s) log::error("provisioning: open311 services: %s", s.error().message.c_str());
    steps.push_back({"open311-services", bool(s)});
    bool mapped = false;
    if (s) {
        mapped = unmapped_categories(*s, catalog).empty();
        if (mapping)
            for (const auto& leaf : catalog.leaves()) {
                const std::string code = s->code_for(leaf.id);
                mapping->push_back(leaf.id + " -> " + (code.empty() ? "-" : code));
            }
    }
    steps.push_back({"open311-mapping", mapped});
    // 0,0 is the shipped value, in the Gulf of Guinea: never an МФЦ.
    steps.push_back({"site", cfg.site_lat != 0 || cfg.site_lon != 0});
    return steps;
}

std::shared_ptr<const sync::Open311Services> Open311Snapshot::get() const {
    std::lock_guard lock(mu_);
    return current_;
}

void Open311Snapshot::publish(sync::Open311Services s) {
    auto next = std::make_shared<const sync::Open311Services>(std::move(s));
    std::lock_guard lock(mu_);
    current_ = std::move(next);
}

Result<void> Open311Snapshot::reload(const std::string& data_dir) {
    auto s = load_open311_services(data_dir);
    if (!s) return s.error();
    publish(std::move(s).value());
    return {};
}

QuestionSource open311_questions(std::shared_ptr<const Open311Snapshot> services) {
    return [services = std::move(services)](const std::string& category) {
        std::vector<ServiceQuestion> out;
        auto s = services->get();
        if (!s) return out;
        for (const auto& a : s->questions(s->code_for(category))) {
            ServiceQuestion q;
            q.code = a.code;
            q.datatype = a.datatype;
            q.required = a.required;
            q.text = a.description.empty() ? a.code : a.description;
            q.hint = a.datatype_description;
            for (const auto& v : a.values) q.options.emplace_back(v.key, v.name);
            out.push_back(std::move(q));
        }
        return out;
    };
}

std::function<bool()> open311_needs_pin(std::shared_ptr<const Open311Snapshot> services) {
    return [services = std::move(services)] {
        auto s = services->get();
        return s && s->needs_coordinates;
    };
}

sync::Open311Config open311_config(const Config& cfg, sync::Open311Services services) {
    sync::Open311Config c;
    c.base_url = cfg.open311_url;
    c.api_key = cfg.open311_api_key;
    c.jurisdiction_id = cfg.open311_jurisdiction_id;
    c.site_address = cfg.site_address;
    c.site_lat = cfg.site_lat;
    c.site_lon = cfg.site_lon;
    c.media_field = cfg.open311_media_field;
    c.services = std::move(services);
    return c;
}

}  // namespace vmeste::core
