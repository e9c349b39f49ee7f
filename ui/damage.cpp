#include "ui/damage.h"

#include <algorithm>
#include <cmath>
#include <cstring>

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

DamageTracker::IntRect DamageTracker::clip_of(const ImDrawData& d, const ImDrawCmd& cmd) const {
    // As the renderer's backend turns the clip rectangle into pixels (imgui_impl_sdlrenderer.cpp
    // and imgui_impl_opengl3.cpp, Dear ImGui 1.86): truncations, not rounding.
    const ImVec2 off = d.DisplayPos, scale = d.FramebufferScale;
    float minx = (cmd.ClipRect.x - off.x) * scale.x, miny = (cmd.ClipRect.y - off.y) * scale.y;
    float maxx = (cmd.ClipRect.z - off.x) * scale.x, maxy = (cmd.ClipRect.w - off.y) * scale.y;
    IntRect r{};
    if (rule_ == ClipRule::kSdlRenderer) {
        minx = std::max(minx, 0.0f);
        miny = std::max(miny, 0.0f);
        maxx = std::min(maxx, static_cast<float>(w_));
        maxy = std::min(maxy, static_cast<float>(h_));
        if (maxx <= minx || maxy <= miny) return r;
        r.x0 = static_cast<int>(minx);
        r.y0 = static_cast<int>(miny);
        r.x1 = r.x0 + static_cast<int>(maxx - minx);
        r.y1 = r.y0 + static_cast<int>(maxy - miny);
    } else {
        if (maxx <= minx || maxy <= miny) return r;
        r.x0 = static_cast<int>(minx);
        r.x1 = r.x0 + static_cast<int>(maxx - minx);
        const int yb = static_cast<int>(static_cast<float>(h_) - maxy);
        const int hh = static_cast<int>(maxy - miny);
        r.y0 = h_ - yb - hh;
        r.y1 = h_ - yb;
    }
    r.x0 = std::clamp(r.x0, 0, w_);
    r.x1 = std::clamp(r.x1, 0, w_);
    r.y0 = std::clamp(r.y0, 0, h_);
    r.y1 = std::clamp(r.y1, 0, h_);
    return r;
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

bool DamageTracker::whole(ImTextureID tex, const ImDrawData& d, const ImDrawVert* v,
                          const ImDrawIdx* idx) const {
    // OpenGL's scissor cuts nothing but pixels: only SDL's software renderer needs this.
    if (!tex || rule_ != ClipRule::kSdlRenderer) return false;
    float u0 = 1e30f, u1 = -1e30f, w0 = 1e30f, w1 = -1e30f;
    float x0 = 1e30f, x1 = -1e30f, y0 = 1e30f, y1 = -1e30f;
    for (int k = 0; k < 3; ++k) {
        const ImDrawVert& p = v[idx[k]];
        u0 = std::min(u0, p.uv.x);
        u1 = std::max(u1, p.uv.x);
        w0 = std::min(w0, p.uv.y);
        w1 = std::max(w1, p.uv.y);
        x0 = std::min(x0, p.pos.x);
        x1 = std::max(x1, p.pos.x);
        y0 = std::min(y0, p.pos.y);
        y1 = std::max(y1, p.pos.y);
    }
    if (tex != atlas_.texture) return true;  // a picture
    if (u0 == u1 && w0 == w1) return false;  // a solid shape: one texel stretched
    // A glyph: whole when the atlas's texels are not the screen's pixels one to one.
    const float sx = d.FramebufferScale.x, sy = d.FramebufferScale.y;
    return std::fabs((x1 - x0) * sx - (u1 - u0) * atlas_.w) > 0.01f ||
           std::fabs((y1 - y0) * sy - (w1 - w0) * atlas_.h) > 0.01f;
}

uint64_t DamageTracker::version_of(ImTextureID t) const {
    auto it = versions_.find(t);
    return it == versions_.end() ? 0 : it->second;
}

void DamageTracker::texture_changed(ImTextureID texture) {
    versions_[texture] = next_version_++;
}

void DamageTracker::texture_gone(ImTextureID texture) {
    // A texture made later under the same name gets a version never seen before.
    versions_[texture] = next_version_++;
}

const std::vector<PixelRect>& DamageTracker::compare(const ImDrawData& d, int fb_w, int fb_h,
                                                     uint32_t clear_rgba, const Atlas& atlas) {
    atlas_ = atlas;
    pictures_.clear();
    if (fb_w != w_ || fb_h != h_) {
        w_ = fb_w;
        h_ = fb_h;
        cols_ = (w_ + kTile - 1) / kTile;
        rows_ = (h_ + kTile - 1) / kTile;
        last_.assign(static_cast<size_t>(cols_) * rows_, 0);
        all_ = true;
    }
    if (clear_rgba != clear_) all_ = true;
    clear_ = clear_rgba;
    if (++frames_ % kFullEvery == 0) all_ = true;
    now_.assign(last_.size(), 0);
    triangles_ = 0;
    for (int n = 0; n < d.CmdListsCount; ++n) {
        const ImDrawList* list = d.CmdLists[n];
        const ImDrawVert* vtx = list->VtxBuffer.Data;
        const ImDrawIdx* idx = list->IdxBuffer.Data;
        for (const ImDrawCmd& cmd : list->CmdBuffer) {
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
                if (whole(tex, d, v, t)) pictures_.push_back({tx0, ty0, tx1 + 1, ty1 + 1});
                for (int ty = ty0; ty <= ty1; ++ty)
                    for (int tx = tx0; tx <= tx1; ++tx) {
                        uint64_t& tile = now_[static_cast<size_t>(ty) * cols_ + tx];
                        tile = fold(tile, h);
                    }
            }
        }
    }
    std::vector<char> damaged(now_.size());
    for (size_t t = 0; t < now_.size(); ++t) damaged[t] = all_ || now_[t] != last_[t];
    // A picture touched by damage is damaged whole (see compare()'s comment), until no more
    // spreads from one picture to the next.
    for (bool spread = true; spread;) {
        spread = false;
        for (const IntRect& p : pictures_) {
            bool any = false, every = true;
            for (int ty = p.y0; ty < p.y1; ++ty)
                for (int tx = p.x0; tx < p.x1; ++tx) {
                    const bool dm = damaged[static_cast<size_t>(ty) * cols_ + tx];
                    any |= dm;
                    every &= dm;
                }
            if (!any || every) continue;
            for (int ty = p.y0; ty < p.y1; ++ty)
                for (int tx = p.x0; tx < p.x1; ++tx)
                    damaged[static_cast<size_t>(ty) * cols_ + tx] = 1;
            spread = true;
        }
    }

    // Damaged tiles → runs along each row → runs of the same columns in consecutive rows merged:
    // disjoint rectangles (a pixel drawn twice would blend twice).
    rects_.clear();
    tile_rect_.assign(now_.size(), -1);
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
    if (rule_ == ClipRule::kSdlRenderer && !pictures_.empty()) join_around_wholes();
    damaged_pixels_ = 0;
    for (const auto& r : rects_) damaged_pixels_ += r.area();
    all_ = false;
    last_.swap(now_);
    return rects_;
}

// SDL's software renderer: no whole item (picture, scaled glyph) may cross from one rectangle to
// another, where each would clip it. Rectangles that share one are replaced by their bounding box,
// and boxes that then overlap by theirs, until they are disjoint again (the tiles a box takes in
// are redrawn as well: more work, the same pixels).
void DamageTracker::join_around_wholes() {
    struct Box {
        int x0, y0, x1, y1;  // tiles, half-open
    };
    std::vector<Box> boxes;
    boxes.reserve(rects_.size());
    for (const PixelRect& r : rects_)
        boxes.push_back({r.x / kTile, r.y / kTile, (r.x + r.w + kTile - 1) / kTile,
                         (r.y + r.h + kTile - 1) / kTile});
    auto overlap = [](const Box& a, const Box& b) {
        return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
    };
    auto join = [](Box& a, const Box& b) {
        a = {std::min(a.x0, b.x0), std::min(a.y0, b.y0), std::max(a.x1, b.x1),
             std::max(a.y1, b.y1)};
    };
    bool changed = false;
    for (const IntRect& p : pictures_) {
        const Box pb{p.x0, p.y0, p.x1, p.y1};
        int first = -1;
        for (size_t i = 0; i < boxes.size(); ++i) {
            if (!overlap(boxes[i], pb)) continue;
            if (first < 0) {
                first = static_cast<int>(i);
                continue;
            }
            join(boxes[static_cast<size_t>(first)], boxes[i]);
            boxes.erase(boxes.begin() + static_cast<long>(i));
            --i;
            changed = true;
        }
    }
    if (!changed) return;
    for (bool again = true; again;) {
        again = false;
        for (size_t i = 0; i < boxes.size() && !again; ++i)
            for (size_t j = i + 1; j < boxes.size(); ++j)
                if (overlap(boxes[i], boxes[j])) {
                    join(boxes[i], boxes[j]);
                    boxes.erase(boxes.begin() + static_cast<long>(j));
                    again = true;
                    break;
                }
    }
    rects_.clear();
    std::fill(tile_rect_.begin(), tile_rect_.end(), -1);
    for (const Box& b : boxes) {
        const int id = static_cast<int>(rects_.size());
        rects_.push_back({b.x0 * kTile, b.y0 * kTile, std::min(b.x1 * kTile, w_) - b.x0 * kTile,
                          std::min(b.y1 * kTile, h_) - b.y0 * kTile});
        for (int ty = b.y0; ty < b.y1; ++ty)
            for (int tx = b.x0; tx < b.x1; ++tx)
                tile_rect_[static_cast<size_t>(ty) * cols_ + tx] = id;
    }
}

ImDrawData* DamageTracker::restrict_to(const ImDrawData& d, const std::vector<PixelRect>& rects) {
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
            if (cmd.UserCallback) {
                out->CmdBuffer.push_back(cmd);
                continue;
            }
            const IntRect clip = clip_of(d, cmd);
            if (clip.empty()) continue;
            if (rule_ == ClipRule::kSdlRenderer) {
                // SDL's software renderer pairs a command's triangles into rectangles it blits;
                // leaving some out would pair them differently. So each command whole, once for
                // each rectangle its triangles reach, clipped to it.
                IntRect reach{w_, h_, 0, 0};
                const ImDrawVert* cv = vtx + cmd.VtxOffset;
                for (unsigned i = 0; i + 2 < cmd.ElemCount; i += 3) {
                    const IntRect b = box_of(d, cv, idx + cmd.IdxOffset + i, clip);
                    if (b.empty()) continue;
                    reach = {std::min(reach.x0, b.x0), std::min(reach.y0, b.y0),
                             std::max(reach.x1, b.x1), std::max(reach.y1, b.y1)};
                }
                for (const PixelRect& pr : rects) {
                    const int x0 = std::max({clip.x0, pr.x, reach.x0});
                    const int y0 = std::max({clip.y0, pr.y, reach.y0});
                    const int x1 = std::min({clip.x1, pr.x + pr.w, reach.x1});
                    const int y1 = std::min({clip.y1, pr.y + pr.h, reach.y1});
                    if (x0 >= x1 || y0 >= y1) continue;
                    // The clip as before, narrowed to the rectangle only (not to `reach`: the
                    // same clip as a full redraw wherever the rectangle does not cut it).
                    const int cx0 = std::max(clip.x0, pr.x), cy0 = std::max(clip.y0, pr.y);
                    const int cx1 = std::min(clip.x1, pr.x + pr.w);
                    const int cy1 = std::min(clip.y1, pr.y + pr.h);
                    ImDrawCmd c = cmd;
                    c.ClipRect = ImVec4(cx0 / scale.x + off.x, cy0 / scale.y + off.y,
                                        cx1 / scale.x + off.x, cy1 / scale.y + off.y);
                    c.IdxOffset = static_cast<unsigned>(out->IdxBuffer.Size);
                    for (unsigned i = 0; i < cmd.ElemCount; ++i)
                        out->IdxBuffer.push_back(idx[cmd.IdxOffset + i]);
                    out->CmdBuffer.push_back(c);
                }
                continue;
            }
            // The command's triangles in order, in runs: a run of ordinary ones is drawn once
            // for each damage rectangle it touches, clipped to it (the rectangles are disjoint,
            // so their order does not matter); a run of whole ones (pictures, scaled glyphs) once,
            // with the command's own clip rectangle — compare() damaged every tile they cover.
            // Runs keep the command's order, which is what overdraw needs.
            const ImTextureID tex = cmd.GetTexID();
            const ImDrawVert* v = vtx + cmd.VtxOffset;
            int run_whole = -1;  // the kind of the open run: -1 none, 0 ordinary, 1 whole
            unsigned whole_first = 0;
            auto flush = [&] {
                if (run_whole == 1) {
                    const auto n = static_cast<unsigned>(out->IdxBuffer.Size) - whole_first;
                    if (n) {
                        ImDrawCmd c = cmd;
                        c.IdxOffset = whole_first;
                        c.ElemCount = n;
                        out->CmdBuffer.push_back(c);
                    }
                } else if (run_whole == 0) {
                    for (int r : touched) {
                        const auto& list = per_rect_[static_cast<size_t>(r)];
                        if (list.empty()) continue;
                        // The command's clip rectangle in pixels, narrowed to the rectangle, in
                        // whole pixels: both backends turn those into the same pixels exactly.
                        const PixelRect& pr = rects[static_cast<size_t>(r)];
                        const int x0 = std::max(clip.x0, pr.x), y0 = std::max(clip.y0, pr.y);
                        const int x1 = std::min(clip.x1, pr.x + pr.w);
                        const int y1 = std::min(clip.y1, pr.y + pr.h);
                        if (x0 >= x1 || y0 >= y1) continue;
                        ImDrawCmd c = cmd;
                        c.ClipRect = ImVec4(x0 / scale.x + off.x, y0 / scale.y + off.y,
                                            x1 / scale.x + off.x, y1 / scale.y + off.y);
                        c.IdxOffset = static_cast<unsigned>(out->IdxBuffer.Size);
                        c.ElemCount = static_cast<unsigned>(list.size());
                        for (ImDrawIdx i : list) out->IdxBuffer.push_back(i);
                        out->CmdBuffer.push_back(c);
                    }
                }
                run_whole = -1;
            };
            for (unsigned i = 0; i + 2 < cmd.ElemCount; i += 3) {
                const ImDrawIdx* t = idx + cmd.IdxOffset + i;
                const IntRect box = box_of(d, v, t, clip);
                if (box.empty()) continue;
                const int tx0 = box.x0 / kTile, tx1 = (box.x1 - 1) / kTile;
                const int ty0 = box.y0 / kTile, ty1 = (box.y1 - 1) / kTile;
                bool hit = false;
                for (int ty = ty0; !hit && ty <= ty1; ++ty)
                    for (int tx = tx0; !hit && tx <= tx1; ++tx)
                        hit = tile_rect_[static_cast<size_t>(ty) * cols_ + tx] >= 0;
                if (!hit) continue;
                const int kind = whole(tex, d, v, t) ? 1 : 0;
                if (kind != run_whole) {
                    flush();
                    run_whole = kind;
                    if (kind == 1) {
                        whole_first = static_cast<unsigned>(out->IdxBuffer.Size);
                    } else {
                        ++cmd_serial;
                        touched.clear();
                    }
                }
                if (kind == 1) {
                    for (int k = 0; k < 3; ++k) out->IdxBuffer.push_back(t[k]);
                    continue;
                }
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
            flush();
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
