#include "ui/damage.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "ui/layer.h"

namespace vmeste::ui {

namespace {

constexpr uint64_t kMul = 0x9E3779B97F4A7C15ULL;

// Order matters: a tile's hash is its triangles folded in drawing order (overdraw blends).
inline uint64_t fold(uint64_t h, uint64_t x) {
    h = (h << 23 | h >> 41) ^ x;
    return h * kMul;
}

inline uint64_t bits(float a, float b) {
    uint32_t x, y;
    std::memcpy(&x, &a, 4);
    std::memcpy(&y, &b, 4);
    return static_cast<uint64_t>(x) << 32 | y;
}

}  // namespace

PixelRect DamageTracker::backend_clip(const ImVec4& clip, ImVec2 off, ImVec2 scale, ClipRule rule,
                                      int fb_w, int fb_h) {
    // As the renderer's backend turns the clip rectangle into pixels (imgui_impl_sdlrenderer.cpp
    // and imgui_impl_opengl3.cpp, Dear ImGui 1.86): truncations, not rounding.
    float minx = (clip.x - off.x) * scale.x, miny = (clip.y - off.y) * scale.y;
    float maxx = (clip.z - off.x) * scale.x, maxy = (clip.w - off.y) * scale.y;
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    if (rule == ClipRule::kSdlRenderer) {
        minx = std::max(minx, 0.0f);
        miny = std::max(miny, 0.0f);
        maxx = std::min(maxx, static_cast<float>(fb_w));
        maxy = std::min(maxy, static_cast<float>(fb_h));
        if (maxx <= minx || maxy <= miny) return {};
        x0 = static_cast<int>(minx);
        y0 = static_cast<int>(miny);
        x1 = x0 + static_cast<int>(maxx - minx);
        y1 = y0 + static_cast<int>(maxy - miny);
    } else {
        if (maxx <= minx || maxy <= miny) return {};
        x0 = static_cast<int>(minx);
        x1 = x0 + static_cast<int>(maxx - minx);
        const int yb = static_cast<int>(static_cast<float>(fb_h) - maxy);
        const int hh = static_cast<int>(maxy - miny);
        y0 = fb_h - yb - hh;
        y1 = fb_h - yb;
    }
    x0 = std::clamp(x0, 0, fb_w);
    x1 = std::clamp(x1, 0, fb_w);
    y0 = std::clamp(y0, 0, fb_h);
    y1 = std::clamp(y1, 0, fb_h);
    return {x0, y0, std::max(0, x1 - x0), std::max(0, y1 - y0)};
}

DamageTracker::IntRect DamageTracker::clip_of(const ImDrawData& d, const ImDrawCmd& cmd) const {
    const PixelRect r = backend_clip(cmd.ClipRect, d.DisplayPos, d.FramebufferScale, rule_, w_, h_);
    return {r.x, r.y, r.x + r.w, r.y + r.h};
}

DamageTracker::IntRect DamageTracker::box_of(const ImDrawData& d, const ImDrawVert* v,
                                             const ImDrawIdx* idx, const IntRect& clip) const {
    const ImVec2 off = d.DisplayPos, scale = d.FramebufferScale;
    float minx = 1e30f, miny = 1e30f, maxx = -1e30f, maxy = -1e30f;
    for (int k = 0; k < 3; ++k) {
        const ImVec2 p = v[idx[k]].pos;
        const float x = (p.x - off.x) * scale.x, y = (p.y - off.y) * scale.y;
        minx = std::min(minx, x);
        maxx = std::max(maxx, x);
        miny = std::min(miny, y);
        maxy = std::max(maxy, y);
    }
    // A pixel of margin: rasterisers differ on which pixel an edge on a pixel centre belongs to.
    IntRect r;
    r.x0 = std::max(clip.x0, static_cast<int>(std::floor(minx)) - 1);
    r.y0 = std::max(clip.y0, static_cast<int>(std::floor(miny)) - 1);
    r.x1 = std::min(clip.x1, static_cast<int>(std::ceil(maxx)) + 1);
    r.y1 = std::min(clip.y1, static_cast<int>(std::ceil(maxy)) + 1);
    return r;
}

uint64_t DamageTracker::version_of(ImTextureID t) const {
    auto it = versions_.find(t);
    return it == versions_.end() ? 0 : it->second;
}

uint64_t DamageTracker::layer_hash(const Layer& layer, const IntRect& clip) const {
    uint64_t h = fold(0x4C61796572ULL,
                      static_cast<uint64_t>(clip.x0) << 32 | static_cast<uint32_t>(clip.y0));
    h = fold(h, static_cast<uint64_t>(clip.x1) << 32 | static_cast<uint32_t>(clip.y1));
    h = fold(h, layer.key());
    h = fold(h, layer.background());
    h = fold(
        h, static_cast<uint64_t>(layer.screen_x()) << 32 | static_cast<uint32_t>(layer.screen_y()));
    h = fold(
        h, static_cast<uint64_t>(layer.screen_w()) << 32 | static_cast<uint32_t>(layer.screen_h()));
    h = fold(h, static_cast<uint64_t>(layer.origin_x()));
    h = fold(h, static_cast<uint64_t>(layer.origin_y()));
    for (const Layer::Piece& p : layer.pieces()) {
        h = fold(h, reinterpret_cast<uintptr_t>(p.texture));
        h = fold(h, p.texture ? version_of(p.texture) : 0);
        for (double v : {p.x0, p.y0, p.x1, p.y1}) {
            uint64_t b;
            std::memcpy(&b, &v, 8);
            h = fold(h, b);
        }
        h = fold(h, static_cast<uint64_t>(p.outline) << 32 | bits(p.thickness, 0) >> 32);
    }
    return h;
}

void DamageTracker::texture_changed(ImTextureID texture) {
    versions_[texture] = next_version_++;
}

void DamageTracker::texture_gone(ImTextureID texture) {
    // A texture made later under the same name gets a version never seen before.
    versions_[texture] = next_version_++;
}

void DamageTracker::merge_tiles(const std::vector<char>& damaged, const IntRect* within) {
    // Damaged tiles → runs along each row → runs of the same columns in consecutive rows merged:
    // disjoint rectangles (a pixel drawn twice would blend twice), cut to `within` if given.
    const size_t first = rects_.size();
    std::vector<int> open;  // rectangles that reach the previous row
    for (int ty = 0; ty < rows_; ++ty) {
        std::vector<int> still_open;
        for (int tx = 0; tx < cols_;) {
            const size_t t = static_cast<size_t>(ty) * cols_ + tx;
            if (!damaged[t]) {
                ++tx;
                continue;
            }
            int end = tx + 1;
            while (end < cols_ && damaged[static_cast<size_t>(ty) * cols_ + end]) ++end;
            const int px = tx * kTile, pw = std::min(end * kTile, w_) - px;
            int r = -1;
            for (int o : open)
                if (rects_[o].x == px && rects_[o].w == pw) r = o;
            if (r < 0) {
                r = static_cast<int>(rects_.size());
                rects_.push_back({px, ty * kTile, pw, 0});
            }
            rects_[r].h = std::min((ty + 1) * kTile, h_) - rects_[r].y;
            still_open.push_back(r);
            for (int k = tx; k < end; ++k) tile_rect_[static_cast<size_t>(ty) * cols_ + k] = r;
            tx = end;
        }
        open = std::move(still_open);
    }
    if (!within) return;
    for (size_t i = first; i < rects_.size(); ++i) {
        PixelRect& r = rects_[i];
        const int x0 = std::max(r.x, within->x0), y0 = std::max(r.y, within->y0);
        const int x1 = std::min(r.x + r.w, within->x1), y1 = std::min(r.y + r.h, within->y1);
        r = {x0, y0, std::max(0, x1 - x0), std::max(0, y1 - y0)};
    }
}

const std::vector<PixelRect>& DamageTracker::compare(const ImDrawData& d, int fb_w, int fb_h,
                                                     uint32_t clear_rgba) {
    occluder_found_ = false;
    if (fb_w != w_ || fb_h != h_) {
        w_ = fb_w;
        h_ = fb_h;
        cols_ = (w_ + kTile - 1) / kTile;
        rows_ = (h_ + kTile - 1) / kTile;
        last_.assign(static_cast<size_t>(cols_) * rows_, 0);
        layer_last_.assign(last_.size(), 0);
        all_ = true;
    }
    if (clear_rgba != clear_) all_ = true;
    clear_ = clear_rgba;
    if (++frames_ % kFullEvery == 0) all_ = true;
    now_.assign(last_.size(), 0);
    layer_now_.assign(last_.size(), 0);
    triangles_ = 0;
    int layers = 0;
    IntRect layer_clip{};
    for (int n = 0; n < d.CmdListsCount; ++n) {
        const ImDrawList* list = d.CmdLists[n];
        const ImDrawVert* vtx = list->VtxBuffer.Data;
        const ImDrawIdx* idx = list->IdxBuffer.Data;
        for (const ImDrawCmd& cmd : list->CmdBuffer) {
            if (cmd.UserCallback == &Layer::draw_command) {
                // A layer: its description stands for its pixels, over all of its clip.
                const IntRect clip = clip_of(d, cmd);
                if (clip.empty()) continue;
                ++triangles_;
                ++layers;
                layer_clip = clip;
                const uint64_t h =
                    layer_hash(*static_cast<const Layer*>(cmd.UserCallbackData), clip);
                // Where the layer stands among the rest goes with the rest; its picture apart.
                const uint64_t at = fold(0x4C61796572ULL, static_cast<uint64_t>(clip.x0) << 32 |
                                                              static_cast<uint32_t>(clip.y0));
                for (int ty = clip.y0 / kTile; ty <= (clip.y1 - 1) / kTile; ++ty)
                    for (int tx = clip.x0 / kTile; tx <= (clip.x1 - 1) / kTile; ++tx) {
                        const size_t t = static_cast<size_t>(ty) * cols_ + tx;
                        now_[t] = fold(now_[t], fold(at, static_cast<uint64_t>(clip.x1) << 32 |
                                                             static_cast<uint32_t>(clip.y1)));
                        layer_now_[t] = fold(layer_now_[t], h);
                    }
                continue;
            }
            if (cmd.UserCallback == ImDrawCallback_ResetRenderState) continue;  // draws nothing
            if (cmd.UserCallback) {
                all_ = true;  // what a callback draws is not known here
                continue;
            }
            const IntRect clip = clip_of(d, cmd);
            if (clip.empty()) continue;
            const ImTextureID tex = cmd.GetTexID();
            uint64_t base = fold(reinterpret_cast<uintptr_t>(tex), version_of(tex));
            base =
                fold(base, static_cast<uint64_t>(clip.x0) << 32 | static_cast<uint32_t>(clip.y0));
            base =
                fold(base, static_cast<uint64_t>(clip.x1) << 32 | static_cast<uint32_t>(clip.y1));
            const ImDrawVert* v = vtx + cmd.VtxOffset;
            for (unsigned i = 0; i + 2 < cmd.ElemCount; i += 3) {
                const ImDrawIdx* t = idx + cmd.IdxOffset + i;
                const IntRect box = box_of(d, v, t, clip);
                if (box.empty()) continue;
                ++triangles_;
                uint64_t h = base;
                for (int k = 0; k < 3; ++k) {
                    const ImDrawVert& p = v[t[k]];
                    h = fold(h, bits(p.pos.x, p.pos.y));
                    h = fold(h, bits(p.uv.x, p.uv.y));
                    h = fold(h, p.col);
                }
                const int tx0 = box.x0 / kTile, tx1 = (box.x1 - 1) / kTile;
                const int ty0 = box.y0 / kTile, ty1 = (box.y1 - 1) / kTile;
                for (int ty = ty0; ty <= ty1; ++ty)
                    for (int tx = tx0; tx <= tx1; ++tx) {
                        uint64_t& tile = now_[static_cast<size_t>(ty) * cols_ + tx];
                        tile = fold(tile, h);
                    }
            }
        }
    }
    // A tile is damaged when what is drawn there changed; when only a layer's picture did (the
    // map panned under a tile that reaches past it), only the layer's part of it is.
    std::vector<char> damaged(now_.size()), layer_only(now_.size());
    for (size_t t = 0; t < now_.size(); ++t) {
        const bool other = all_ || now_[t] != last_[t];
        const bool layer = layer_now_[t] != layer_last_[t];
        damaged[t] = other;
        layer_only[t] = !other && layer && layers == 1;
        if (!other && layer && layers != 1) damaged[t] = true;
    }
    rects_.clear();
    tile_rect_.assign(now_.size(), -1);
    merge_tiles(damaged, nullptr);
    merge_tiles(layer_only, &layer_clip);
    damaged_pixels_ = 0;
    for (const auto& r : rects_) damaged_pixels_ += r.area();
    all_ = false;
    last_.swap(now_);
    layer_last_.swap(layer_now_);
    return rects_;
}

void DamageTracker::subtract(const PixelRect& a, const PixelRect& b, std::vector<PixelRect>* out) {
    const int ax1 = a.x + a.w, ay1 = a.y + a.h, bx1 = b.x + b.w, by1 = b.y + b.h;
    const int ix0 = std::max(a.x, b.x), iy0 = std::max(a.y, b.y);
    const int ix1 = std::min(ax1, bx1), iy1 = std::min(ay1, by1);
    if (ix0 >= ix1 || iy0 >= iy1) {
        if (a.w > 0 && a.h > 0) out->push_back(a);
        return;
    }
    if (a.y < iy0) out->push_back({a.x, a.y, a.w, iy0 - a.y});        // above
    if (iy1 < ay1) out->push_back({a.x, iy1, a.w, ay1 - iy1});        // below
    if (a.x < ix0) out->push_back({a.x, iy0, ix0 - a.x, iy1 - iy0});  // left
    if (ix1 < ax1) out->push_back({ix1, iy0, ax1 - ix1, iy1 - iy0});  // right
}

const PixelRect& DamageTracker::find_occluder(const ImDrawData& d) {
    if (occluder_found_) return occluder_;
    occluder_found_ = true;
    occluder_ = {};
    occluding_cmd_ = nullptr;
    for (int n = 0; n < d.CmdListsCount && !occluding_cmd_; ++n)
        for (const ImDrawCmd& cmd : d.CmdLists[n]->CmdBuffer)
            if (cmd.UserCallback == &Layer::draw_command) {
                const IntRect c = clip_of(d, cmd);
                if (c.empty()) continue;
                occluder_ = {c.x0, c.y0, c.x1 - c.x0, c.y1 - c.y0};
                occluding_cmd_ = &cmd;
                break;
            }
    return occluder_;
}

ImDrawData* DamageTracker::restrict_to(const ImDrawData& d, const std::vector<PixelRect>& rects) {
    find_occluder(d);
    const ImDrawCmd* occluding_cmd = occluding_cmd_;
    bool layer_passed = false;
    std::vector<PixelRect> pieces;
    out_.Clear();
    list_ptrs_.clear();
    per_rect_.resize(rects.size());
    std::vector<int> touched;
    std::vector<long> tri_mark(rects.size(), -1), cmd_mark(rects.size(), -1);
    long cmd_serial = 0, tri_serial = 0;
    const ImVec2 off = d.DisplayPos, scale = d.FramebufferScale;
    int used = 0;
    for (int n = 0; n < d.CmdListsCount; ++n) {
        const ImDrawList* in = d.CmdLists[n];
        if (used == static_cast<int>(lists_.size()))
            lists_.push_back(std::make_unique<ImDrawList>(nullptr));
        ImDrawList* out = lists_[static_cast<size_t>(used)].get();
        out->CmdBuffer.resize(0);
        out->IdxBuffer.resize(0);
        out->Flags = in->Flags;
        const ImDrawVert* vtx = in->VtxBuffer.Data;
        const ImDrawIdx* idx = in->IdxBuffer.Data;
        for (const ImDrawCmd& cmd : in->CmdBuffer) {
            if (cmd.UserCallback == &Layer::draw_command) {
                // Once for each rectangle it reaches, clipped to it: the layer is copied there.
                const IntRect clip = clip_of(d, cmd);
                if (&cmd == occluding_cmd) layer_passed = true;
                for (const PixelRect& pr : rects) {
                    const int x0 = std::max(clip.x0, pr.x), y0 = std::max(clip.y0, pr.y);
                    const int x1 = std::min(clip.x1, pr.x + pr.w);
                    const int y1 = std::min(clip.y1, pr.y + pr.h);
                    if (x0 >= x1 || y0 >= y1) continue;
                    ImDrawCmd c = cmd;
                    c.ClipRect = ImVec4(x0 / scale.x + off.x, y0 / scale.y + off.y,
                                        x1 / scale.x + off.x, y1 / scale.y + off.y);
                    c.ElemCount = 0;
                    out->CmdBuffer.push_back(c);
                }
                continue;
            }
            if (cmd.UserCallback) {
                out->CmdBuffer.push_back(cmd);
                continue;
            }
            const IntRect clip = clip_of(d, cmd);
            if (clip.empty()) continue;
            // The command's triangles that touch a damage rectangle, drawn once for each
            // rectangle they touch, clipped to it (the rectangles are disjoint, so their order
            // does not matter; within one, the command's order is kept, which is what overdraw
            // needs).
            const ImDrawVert* v = vtx + cmd.VtxOffset;
            ++cmd_serial;
            touched.clear();
            for (unsigned i = 0; i + 2 < cmd.ElemCount; i += 3) {
                const ImDrawIdx* t = idx + cmd.IdxOffset + i;
                const IntRect box = box_of(d, v, t, clip);
                if (box.empty()) continue;
                const int tx0 = box.x0 / kTile, tx1 = (box.x1 - 1) / kTile;
                const int ty0 = box.y0 / kTile, ty1 = (box.y1 - 1) / kTile;
                ++tri_serial;
                for (int ty = ty0; ty <= ty1; ++ty)
                    for (int tx = tx0; tx <= tx1; ++tx) {
                        const int r = tile_rect_[static_cast<size_t>(ty) * cols_ + tx];
                        if (r < 0) continue;
                        const auto ru = static_cast<size_t>(r);
                        if (tri_mark[ru] == tri_serial) continue;  // in this one already
                        tri_mark[ru] = tri_serial;
                        if (cmd_mark[ru] != cmd_serial) {
                            cmd_mark[ru] = cmd_serial;
                            touched.push_back(r);
                            per_rect_[ru].clear();
                        }
                        per_rect_[ru].insert(per_rect_[ru].end(), t, t + 3);
                    }
            }
            // Under an opaque layer that comes later, nothing of this command shows.
            const bool under = !occluder_.empty() && !layer_passed;
            for (int r : touched) {
                const auto& list = per_rect_[static_cast<size_t>(r)];
                // The command's clip rectangle in pixels, narrowed to the rectangle, in whole
                // pixels: the backend turns those into the same pixels exactly.
                const PixelRect& pr = rects[static_cast<size_t>(r)];
                const int x0 = std::max(clip.x0, pr.x), y0 = std::max(clip.y0, pr.y);
                const int x1 = std::min(clip.x1, pr.x + pr.w);
                const int y1 = std::min(clip.y1, pr.y + pr.h);
                if (list.empty() || x0 >= x1 || y0 >= y1) continue;
                pieces.clear();
                if (under)
                    subtract({x0, y0, x1 - x0, y1 - y0}, occluder_, &pieces);
                else
                    pieces.push_back({x0, y0, x1 - x0, y1 - y0});
                if (pieces.empty()) continue;
                const auto first = static_cast<unsigned>(out->IdxBuffer.Size);
                for (ImDrawIdx i : list) out->IdxBuffer.push_back(i);
                for (const PixelRect& q : pieces) {
                    ImDrawCmd c = cmd;
                    c.ClipRect =
                        ImVec4(q.x / scale.x + off.x, q.y / scale.y + off.y,
                               (q.x + q.w) / scale.x + off.x, (q.y + q.h) / scale.y + off.y);
                    c.IdxOffset = first;
                    c.ElemCount = static_cast<unsigned>(list.size());
                    out->CmdBuffer.push_back(c);
                }
            }
        }
        if (out->CmdBuffer.empty()) continue;
        out->VtxBuffer = in->VtxBuffer;
        list_ptrs_.push_back(out);
        out_.TotalIdxCount += out->IdxBuffer.Size;
        out_.TotalVtxCount += out->VtxBuffer.Size;
        ++used;
    }
    out_.Valid = true;
    out_.CmdListsCount = static_cast<int>(list_ptrs_.size());
    out_.CmdLists = list_ptrs_.data();
    out_.DisplayPos = d.DisplayPos;
    out_.DisplaySize = d.DisplaySize;
    out_.FramebufferScale = d.FramebufferScale;
    return &out_;
}

}  // namespace vmeste::ui
