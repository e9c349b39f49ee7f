#include "image/vector_tile.h"

#include <cairo.h>
#include <zlib.h>
#include <protozero/pbf_message.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <initializer_list>

namespace vmeste::image {

namespace {

// MVT 2.1's message and field numbers (vector_tile.proto).
enum class TileTag : protozero::pbf_tag_type { kLayers = 3 };
enum class LayerTag : protozero::pbf_tag_type {
    kName = 1,
    kFeatures = 2,
    kKeys = 3,
    kValues = 4,
    kExtent = 5,
    kVersion = 15
};
enum class FeatureTag : protozero::pbf_tag_type { kId = 1, kTags = 2, kType = 3, kGeometry = 4 };
enum class ValueTag : protozero::pbf_tag_type {
    kString = 1,
    kFloat = 2,
    kDouble = 3,
    kInt = 4,
    kUint = 5,
    kSint = 6,
    kBool = 7
};

// A gzip'd (or zlib'd) tile inflated; a raw one (it starts with the layers' field key 0x1A) as
// it is. At most 32 MiB out: a tile is tens of kilobytes, more is a broken or hostile file.
Result<std::string> inflate_tile(std::string_view in) {
    if (in.size() < 2 || !((static_cast<unsigned char>(in[0]) == 0x1f &&
                            static_cast<unsigned char>(in[1]) == 0x8b) ||
                           static_cast<unsigned char>(in[0]) == 0x78))
        return std::string(in);
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 32) != Z_OK) return make_error(ErrorCode::kInternal, "zlib");
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    std::string out;
    char buf[65536];
    int rc = Z_OK;
    while (rc == Z_OK) {
        zs.next_out = reinterpret_cast<Bytef*>(buf);
        zs.avail_out = sizeof buf;
        rc = inflate(&zs, Z_NO_FLUSH);
        out.append(buf, sizeof buf - zs.avail_out);
        if (out.size() > (32u << 20)) rc = Z_MEM_ERROR;
        if (rc == Z_BUF_ERROR && zs.avail_in == 0) break;
    }
    inflateEnd(&zs);
    if (rc != Z_STREAM_END)
        return make_error(ErrorCode::kCorrupt, "vector tile: gzip: " + std::to_string(rc));
    return out;
}

// Whether a field came as the wire type its number means (a wrong one is skipped, never read:
// protozero's readers assume it). The lists: fields that are length-delimited, varints, 32-bit,
// 64-bit.
bool wire_ok(protozero::pbf_wire_type type, int tag, std::initializer_list<int> delimited,
             std::initializer_list<int> varints, std::initializer_list<int> fixed32 = {},
             std::initializer_list<int> fixed64 = {}) {
    auto in = [tag](std::initializer_list<int> l) {
        return std::find(l.begin(), l.end(), tag) != l.end();
    };
    switch (type) {
        case protozero::pbf_wire_type::length_delimited:
            return in(delimited);
        case protozero::pbf_wire_type::varint:
            return in(varints);
        case protozero::pbf_wire_type::fixed32:
            return in(fixed32);
        case protozero::pbf_wire_type::fixed64:
            return in(fixed64);
        default:
            return false;
    }
}

int64_t zigzag(uint32_t n) {
    return static_cast<int64_t>(n >> 1) ^ -static_cast<int64_t>(n & 1);
}

// What a layer's feature means to the kiosk, from the layer and its "class"; empty: not drawn.
std::string kind_of(std::string_view layer, std::string_view cls) {
    if (layer == "water") return "water";
    if (layer == "waterway") return "waterway";
    if (layer == "building") return "building";
    if (layer == "housenumber") return "housenumber";
    if (layer == "place") return "place";
    if (layer == "transportation" || layer == "transportation_name") {
        if (cls == "major" || cls == "motorway" || cls == "trunk" || cls == "primary" ||
            cls == "secondary")
            return "major";
        if (cls == "minor" || cls == "tertiary" || cls == "residential" || cls == "unclassified" ||
            cls == "living_street")
            return "minor";
        if (cls == "service") return "service";
        if (cls == "path" || cls == "track" || cls == "pedestrian" || cls == "footway")
            return "path";
        return cls.empty() ? "minor" : "";
    }
    if (layer == "landuse" || layer == "landcover" || layer == "park") {
        if (cls == "residential") return "residential";
        if (cls == "industrial" || cls == "commercial" || cls == "retail") return "industrial";
        if (cls == "green" || cls == "park" || cls == "grass" || cls == "wood" || cls == "forest" ||
            cls == "cemetery" || cls == "garden" || cls == "meadow" || layer == "park")
            return "green";
    }
    return "";
}

int rank_of(const VectorFeature& f) {
    static const char* const kOrder[] = {"residential", "industrial", "green",       "water",
                                         "building",    "waterway",   "path",        "service",
                                         "minor",       "major",      "housenumber", "place"};
    for (int i = 0; i < static_cast<int>(std::size(kOrder)); ++i)
        if (f.kind == kOrder[i]) return i;
    return 99;
}

}  // namespace

Result<std::shared_ptr<const VectorTile>> parse_vector_tile(std::string_view bytes) {
    auto raw = inflate_tile(bytes);
    if (!raw) return raw.error();
    auto tile = std::make_shared<VectorTile>();
    try {
        protozero::pbf_message<TileTag> msg(*raw);
        while (msg.next(TileTag::kLayers, protozero::pbf_wire_type::length_delimited)) {
            protozero::pbf_message<LayerTag> layer = msg.get_message();
            std::string name;
            std::vector<std::string> keys, values;
            std::vector<protozero::data_view> features;
            uint32_t extent = 4096;
            while (layer.next()) {
                if (!wire_ok(layer.wire_type(), static_cast<int>(layer.tag()), {1, 2, 3, 4},
                             {5, 15})) {
                    layer.skip();
                    continue;
                }
                switch (layer.tag()) {
                    case LayerTag::kName:
                        name = layer.get_string();
                        break;
                    case LayerTag::kFeatures:
                        features.push_back(layer.get_view());
                        break;
                    case LayerTag::kKeys:
                        keys.push_back(layer.get_string());
                        break;
                    case LayerTag::kValues: {
                        protozero::pbf_message<ValueTag> v = layer.get_message();
                        std::string s;
                        while (v.next()) {
                            if (!wire_ok(v.wire_type(), static_cast<int>(v.tag()), {1},
                                         {4, 5, 6, 7}, {2}, {3})) {
                                v.skip();
                                continue;
                            }
                            switch (v.tag()) {
                                case ValueTag::kString:
                                    s = v.get_string();
                                    break;
                                case ValueTag::kFloat:
                                    s = std::to_string(v.get_float());
                                    break;
                                case ValueTag::kDouble:
                                    s = std::to_string(v.get_double());
                                    break;
                                case ValueTag::kInt:
                                    s = std::to_string(v.get_int64());
                                    break;
                                case ValueTag::kUint:
                                    s = std::to_string(v.get_uint64());
                                    break;
                                case ValueTag::kSint:
                                    s = std::to_string(v.get_sint64());
                                    break;
                                case ValueTag::kBool:
                                    s = v.get_bool() ? "true" : "false";
                                    break;
                                default:
                                    v.skip();
                            }
                        }
                        values.push_back(std::move(s));
                        break;
                    }
                    case LayerTag::kExtent:
                        extent = layer.get_uint32();
                        break;
                    default:
                        layer.skip();
                }
            }
            if (extent == 0 || extent > (1u << 20))
                return make_error(ErrorCode::kCorrupt,
                                  "vector tile: extent " + std::to_string(extent));
            tile->extent = static_cast<int>(extent);
            for (protozero::data_view fv : features) {
                protozero::pbf_message<FeatureTag> fm(fv);
                VectorFeature f;
                std::string cls, label;
                int type = 0;
                while (fm.next()) {
                    if (!wire_ok(fm.wire_type(), static_cast<int>(fm.tag()), {2, 4}, {1, 3})) {
                        fm.skip();
                        continue;
                    }
                    switch (fm.tag()) {
                        case FeatureTag::kTags: {
                            auto range = fm.get_packed_uint32();
                            for (auto it = range.begin(); it != range.end();) {
                                const uint32_t k = *it++;
                                if (it == range.end()) break;
                                const uint32_t v = *it++;
                                if (k >= keys.size() || v >= values.size()) continue;
                                const std::string& key = keys[k];
                                if (key == "class") cls = values[v];
                                if (key == "name" || key == "name:ru") {
                                    if (label.empty() || key == "name:ru") label = values[v];
                                }
                                if (key == "number" || key == "housenumber") label = values[v];
                            }
                            break;
                        }
                        case FeatureTag::kType:
                            type = static_cast<int>(fm.get_enum());
                            break;
                        case FeatureTag::kGeometry: {
                            auto range = fm.get_packed_uint32();
                            int64_t cx = 0, cy = 0;
                            for (auto it = range.begin(); it != range.end();) {
                                const uint32_t cmd = *it++;
                                const uint32_t id = cmd & 7, count = cmd >> 3;
                                if (id == 7) {  // ClosePath: back to the part's start
                                    if (!f.parts.empty() && f.parts.back().size() >= 2) {
                                        auto& p = f.parts.back();
                                        const float sx = p[0], sy = p[1];
                                        p.push_back(sx);
                                        p.push_back(sy);
                                    }
                                    continue;
                                }
                                if (id != 1 && id != 2)
                                    return make_error(
                                        ErrorCode::kCorrupt,
                                        "vector tile: geometry command " + std::to_string(id));
                                for (uint32_t i = 0; i < count; ++i) {
                                    if (it == range.end()) break;
                                    const uint32_t dx = *it++;
                                    if (it == range.end()) break;
                                    const uint32_t dy = *it++;
                                    cx += zigzag(dx);
                                    cy += zigzag(dy);
                                    if (id == 1) f.parts.emplace_back();
                                    if (f.parts.empty()) f.parts.emplace_back();
                                    f.parts.back().push_back(static_cast<float>(cx));
                                    f.parts.back().push_back(static_cast<float>(cy));
                                }
                            }
                            break;
                        }
                        default:
                            fm.skip();
                    }
                }
                f.kind = kind_of(name, cls);
                if (f.kind.empty() || f.parts.empty() || type < 1 || type > 3) continue;
                f.type = type == 1   ? VectorFeature::Type::kPoint
                         : type == 2 ? VectorFeature::Type::kLine
                                     : VectorFeature::Type::kPolygon;
                f.name = std::move(label);
                f.x0 = f.y0 = 1e30f;
                f.x1 = f.y1 = -1e30f;
                for (const auto& part : f.parts)
                    for (size_t i = 0; i + 1 < part.size(); i += 2) {
                        f.x0 = std::min(f.x0, part[i]);
                        f.x1 = std::max(f.x1, part[i]);
                        f.y0 = std::min(f.y0, part[i + 1]);
                        f.y1 = std::max(f.y1, part[i + 1]);
                    }
                tile->features.push_back(std::move(f));
            }
        }
    } catch (const protozero::exception& e) {
        return make_error(ErrorCode::kCorrupt, std::string("vector tile: ") + e.what());
    }
    std::stable_sort(
        tile->features.begin(), tile->features.end(),
        [](const VectorFeature& a, const VectorFeature& b) { return rank_of(a) < rank_of(b); });
    return std::shared_ptr<const VectorTile>(std::move(tile));
}

namespace {

struct Rgb {
    double r, g, b;
};
constexpr Rgb hex(uint32_t c) {
    return {((c >> 16) & 0xFF) / 255.0, ((c >> 8) & 0xFF) / 255.0, (c & 0xFF) / 255.0};
}
// The palette of the usual OpenStreetMap look, a little calmer.
constexpr Rgb kLand = hex(0xF2EFE9), kResidential = hex(0xE8E4DE), kIndustrial = hex(0xE9DFE6),
              kGreen = hex(0xCDEBC0), kWater = hex(0xAAD3DF), kBuilding = hex(0xD9D0C9),
              kBuildingEdge = hex(0xC4B6AB), kMajor = hex(0xFCD6A4), kMajorEdge = hex(0xD9A86C),
              kMinor = hex(0xFFFFFF), kMinorEdge = hex(0xC6BFB5), kPath = hex(0xE0806A),
              kText = hex(0x333333), kHouseText = hex(0x6B5E55), kWaterText = hex(0x3E6E8E);

void set(cairo_t* cr, Rgb c) {
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

// A street's width in pixels of a 256-pixel tile at `zoom` (about its real width from z16).
double road_width(const std::string& kind, int zoom) {
    const double base = kind == "major" ? 10 : kind == "minor" ? 7 : kind == "service" ? 3.5 : 1.5;
    const double w = base * std::pow(2.0, zoom - 16);
    if (kind == "path") return std::clamp(w, 1.0, 2.5);
    return std::clamp(w, kind == "major" ? 2.0 : 1.0, base * 4);
}

struct Box {
    double x0, y0, x1, y1;
    bool overlaps(const Box& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
};

}  // namespace

// Names and numbers. Placed over the whole of the file's tile at this zoom, the same for each of
// its sub-tiles, so a label across two of them is drawn in halves that meet; none over another,
// none across the file's tile's edge (its neighbour has other data). Street and river names
// along the longest straight piece, again every 512 pixels of it; house numbers from z17;
// place names.
void draw_labels(cairo_t* cr, const VectorTile& tile, int dz, int sub_x, int sub_y, int zoom,
                 int size) {
    const double px = size / 256.0;
    const double full = static_cast<double>(size) * (1 << dz);  // the file's tile, in pixels
    const double s = full / tile.extent;
    struct Label {
        const std::string* text;
        double x, y, angle, font;
        Rgb colour;
        Box box;
    };
    std::vector<Label> placed;
    cairo_select_font_face(cr, "PT Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    auto fits = [&](const Box& b) {
        if (b.x0 < 1 || b.y0 < 1 || b.x1 > full - 1 || b.y1 > full - 1) return false;
        for (const Label& o : placed)
            if (o.box.overlaps(b)) return false;
        return true;
    };
    // Town names first, then the streets by rank, the rivers, house numbers last.
    std::vector<const VectorFeature*> named;
    for (const VectorFeature& f : tile.features)
        if (!f.name.empty()) named.push_back(&f);
    auto priority = [](const VectorFeature* f) {
        static const char* const kOrder[] = {"place", "major", "minor", "waterway", "service"};
        for (int i = 0; i < 5; ++i)
            if (f->kind == kOrder[i]) return i;
        return 5;
    };
    std::stable_sort(
        named.begin(), named.end(),
        [&](const VectorFeature* a, const VectorFeature* b) { return priority(a) < priority(b); });
    for (const VectorFeature* fp : named) {
        const VectorFeature& f = *fp;
        const bool street = f.type == VectorFeature::Type::kLine &&
                            (f.kind == "major" || f.kind == "minor" || f.kind == "service");
        const bool river = f.type == VectorFeature::Type::kLine && f.kind == "waterway";
        if ((street || river) && zoom >= 15) {
            const double font = (zoom >= 17 ? 19 : 17) * px;
            cairo_set_font_size(cr, font);
            cairo_text_extents_t te;
            cairo_text_extents(cr, f.name.c_str(), &te);
            // The longest segment, clipped to the file's tile.
            double best = 0, ax = 0, ay = 0, bx = 0, by = 0;
            for (const auto& part : f.parts)
                for (size_t i = 2; i + 1 < part.size(); i += 2) {
                    double x0 = part[i - 2] * s, y0 = part[i - 1] * s;
                    double x1 = part[i] * s, y1 = part[i + 1] * s;
                    double t0 = 0, t1 = 1;
                    const double dx = x1 - x0, dy = y1 - y0;
                    bool inside = true;
                    for (const auto& [p, q] : {std::pair{-dx, x0}, std::pair{dx, full - x0},
                                               std::pair{-dy, y0}, std::pair{dy, full - y0}}) {
                        if (p == 0) {
                            inside = inside && q >= 0;
                            continue;
                        }
                        if (p < 0)
                            t0 = std::max(t0, q / p);
                        else
                            t1 = std::min(t1, q / p);
                    }
                    if (!inside || t0 >= t1) continue;
                    const double len = std::hypot(dx, dy) * (t1 - t0);
                    if (len > best) {
                        best = len;
                        ax = x0 + t0 * dx, ay = y0 + t0 * dy;
                        bx = x0 + t1 * dx, by = y0 + t1 * dy;
                    }
                }
            if (best < te.x_advance + 12 * px) continue;
            double angle = std::atan2(by - ay, bx - ax);
            if (angle > M_PI / 2) angle -= M_PI;  // read left to right
            if (angle < -M_PI / 2) angle += M_PI;
            const double hw = te.x_advance / 2, hh = font * 0.65;
            const double ex = std::abs(std::cos(angle)) * hw + std::abs(std::sin(angle)) * hh;
            const double ey = std::abs(std::sin(angle)) * hw + std::abs(std::cos(angle)) * hh;
            const int n = std::max(1, static_cast<int>(best / (512 * px)));
            for (int k = 0; k < n; ++k) {
                const double t = (k + 0.5) / n;
                const double cx = ax + (bx - ax) * t, cy = ay + (by - ay) * t;
                const Box b{cx - ex, cy - ey, cx + ex, cy + ey};
                if (!fits(b)) continue;
                placed.push_back({&f.name, cx, cy, angle, font, river ? kWaterText : kText, b});
            }
            continue;
        }
        if (f.type != VectorFeature::Type::kPoint) continue;
        const bool house = f.kind == "housenumber";
        if ((house && zoom < 17) || (!house && f.kind != "place")) continue;
        const double font = (house ? 15 : 22) * px;
        cairo_set_font_size(cr, font);
        cairo_text_extents_t te;
        cairo_text_extents(cr, f.name.c_str(), &te);
        for (const auto& part : f.parts)
            for (size_t i = 0; i + 1 < part.size(); i += 2) {
                double x = part[i] * s, y = part[i + 1] * s;
                const double hw = te.x_advance / 2 + 2, hh = te.height / 2 + 2;
                if (!house) {
                    // A place's name is wider than tilemaker's buffer: its neighbour has not
                    // got the point to draw the other half. The tile the point is in draws it
                    // whole, moved inside its edge (a town's name a little off its node reads
                    // better than half of it); a point in the buffer is the neighbour's.
                    if (x < 0 || y < 0 || x >= full || y >= full) continue;
                    x = std::clamp(x, std::min(hw + 1, full / 2),
                                   std::max(full - hw - 1, full / 2));
                    y = std::clamp(y, std::min(hh + 1, full / 2),
                                   std::max(full - hh - 1, full / 2));
                }
                const Box b{x - hw, y - hh, x + hw, y + hh};
                // By the file's tile's edge a house number's point is in both tiles
                // (tilemaker's buffer): each draws its half where the point is, so they meet.
                if (b.x1 < 0 || b.y1 < 0 || b.x0 > full || b.y0 > full) continue;
                bool clear = true;
                for (const Label& o : placed) clear = clear && !o.box.overlaps(b);
                if (!clear) continue;
                placed.push_back({&f.name, x, y, 0, font, house ? kHouseText : kText, b});
            }
    }
    // This sub-tile's share of them.
    const double left = static_cast<double>(sub_x) * size, top = static_cast<double>(sub_y) * size;
    const Box here{left, top, left + size, top + size};
    for (const Label& l : placed) {
        if (!l.box.overlaps(here)) continue;
        cairo_set_font_size(cr, l.font);
        cairo_text_extents_t te;
        cairo_text_extents(cr, l.text->c_str(), &te);
        cairo_save(cr);
        cairo_translate(cr, l.x - left, l.y - top);
        cairo_rotate(cr, l.angle);
        cairo_move_to(cr, -te.x_advance / 2, -te.y_bearing - te.height / 2);
        cairo_text_path(cr, l.text->c_str());
        cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
        cairo_set_line_width(cr, 3 * px);
        cairo_stroke_preserve(cr);
        set(cr, l.colour);
        cairo_fill(cr);
        cairo_restore(cr);
    }
}

Raster render_vector_tile(const VectorTile& tile, int dz, int sub_x, int sub_y, int zoom, int size,
                          bool labels) {
    cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, size, size);
    cairo_t* cr = cairo_create(surface);
    const double px = size / 256.0;  // the map's scale: pixels of this tile a pixel of 256
    const double span = static_cast<double>(tile.extent) / (1 << dz);
    const double s = size / span, ox = sub_x * span, oy = sub_y * span;
    // Features beyond the window by more than a wide street or a label are not drawn at all.
    const double margin = 48 * px / s;
    set(cr, kLand);
    cairo_paint(cr);
    auto path = [&](const VectorFeature& f) {
        cairo_new_path(cr);
        for (const auto& part : f.parts) {
            for (size_t i = 0; i + 1 < part.size(); i += 2) {
                const double x = (part[i] - ox) * s, y = (part[i + 1] - oy) * s;
                if (i == 0)
                    cairo_move_to(cr, x, y);
                else
                    cairo_line_to(cr, x, y);
            }
            if (f.type == VectorFeature::Type::kPolygon) cairo_close_path(cr);
        }
    };
    auto visible = [&](const VectorFeature& f) {
        return f.x1 >= ox - margin && f.x0 <= ox + span + margin && f.y1 >= oy - margin &&
               f.y0 <= oy + span + margin;
    };
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    // Areas.
    for (const VectorFeature& f : tile.features) {
        if (f.type != VectorFeature::Type::kPolygon || !visible(f)) continue;
        path(f);
        if (f.kind == "building") {
            if (zoom < 14) continue;
            set(cr, kBuilding);
            cairo_fill_preserve(cr);
            set(cr, kBuildingEdge);
            cairo_set_line_width(cr, std::max(0.5, 0.7 * px));
            cairo_stroke(cr);
            continue;
        }
        set(cr, f.kind == "water"         ? kWater
                : f.kind == "green"       ? kGreen
                : f.kind == "industrial"  ? kIndustrial
                : f.kind == "residential" ? kResidential
                                          : kLand);
        cairo_fill(cr);
    }
    // Lines: rivers, then streets, each class cased under its fill (the casings of all
    // streets of a class first, so crossings join).
    for (const VectorFeature& f : tile.features)
        if (f.type == VectorFeature::Type::kLine && f.kind == "waterway" && visible(f)) {
            path(f);
            set(cr, kWater);
            cairo_set_line_width(cr, std::clamp(4.0 * std::pow(2.0, zoom - 15), 1.5, 24.0) * px);
            cairo_stroke(cr);
        }
    for (const char* kind : {"path", "service", "minor", "major"}) {
        const std::string k = kind;
        const double w = road_width(k, zoom) * px;
        for (int pass = 0; pass < 2; ++pass) {
            if (k == "path" && pass == 0) continue;
            for (const VectorFeature& f : tile.features) {
                if (f.type != VectorFeature::Type::kLine || f.kind != k || !visible(f)) continue;
                path(f);
                if (k == "path") {
                    const double dash[] = {3 * px, 2 * px};
                    cairo_set_dash(cr, dash, 2, 0);
                    set(cr, kPath);
                    cairo_set_line_width(cr, w);
                    cairo_stroke(cr);
                    cairo_set_dash(cr, nullptr, 0, 0);
                    continue;
                }
                set(cr, pass == 0 ? (k == "major" ? kMajorEdge : kMinorEdge)
                                  : (k == "major" ? kMajor : kMinor));
                cairo_set_line_width(cr, pass == 0 ? w + 2 * std::max(0.6, 0.8 * px) : w);
                cairo_stroke(cr);
            }
        }
    }
    if (labels) draw_labels(cr, tile, dz, sub_x, sub_y, zoom, size);
    cairo_destroy(cr);
    cairo_surface_flush(surface);
    Raster out;
    out.width = out.height = size;
    out.rgb.resize(static_cast<size_t>(size) * size * 3);
    const unsigned char* data = cairo_image_surface_get_data(surface);
    const int stride = cairo_image_surface_get_stride(surface);
    for (int y = 0; y < size; ++y) {
        const uint32_t* row =
            reinterpret_cast<const uint32_t*>(data + static_cast<size_t>(y) * stride);
        uint8_t* o = out.at(0, y);
        for (int x = 0; x < size; ++x) {
            o[0] = static_cast<uint8_t>(row[x] >> 16);
            o[1] = static_cast<uint8_t>(row[x] >> 8);
            o[2] = static_cast<uint8_t>(row[x]);
            o += 3;
        }
    }
    cairo_surface_destroy(surface);
    return out;
}

}  // namespace vmeste::image
