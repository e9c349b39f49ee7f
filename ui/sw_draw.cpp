#include "ui/sw_draw.h"

#include <SDL.h>

#include <algorithm>
#include <cmath>

namespace vmeste::ui {

namespace {

SDL_Color color_of(uint32_t col) {
    // ImGui's colours are R, G, B, A bytes in memory, as SDL_Color.
    return {static_cast<Uint8>(col), static_cast<Uint8>(col >> 8), static_cast<Uint8>(col >> 16),
            static_cast<Uint8>(col >> 24)};
}

}  // namespace

size_t SoftwareDrawer::KeyHash::operator()(const Key& k) const {
    size_t h = std::hash<const void*>()(k.tex);
    for (int v : {k.sx, k.sy, k.sw, k.sh, k.w, k.h, k.flip})
        h = (h ^ static_cast<size_t>(v)) * 0x100000001B3ULL;
    return h;
}

SoftwareDrawer::~SoftwareDrawer() {
    for (auto& [key, copy] : copies_) SDL_DestroyTexture(copy.texture);
}

void SoftwareDrawer::texture_changed(ImTextureID texture) {
    for (auto& [key, copy] : copies_)
        if (key.tex == texture) copy.stale = true;
}

void SoftwareDrawer::texture_gone(ImTextureID texture) {
    for (auto it = copies_.begin(); it != copies_.end();) {
        if (it->first.tex != texture) {
            ++it;
            continue;
        }
        bytes_ -= it->second.bytes;
        SDL_DestroyTexture(it->second.texture);
        it = copies_.erase(it);
    }
}

// SDL_SW_RenderGeometryRaw's reading of a command (SDL 2.26 src/render/SDL_render.c), step for
// step: each triangle against the one before it; two that share exactly two vertices, whose
// corners make an axis-aligned rectangle and whose four vertices have one colour, are a
// rectangle; a triangle that pairs with neither neighbour is drawn alone.
void SoftwareDrawer::split(const ImDrawList& list, const ImDrawCmd& cmd, SDL_Texture* tex) {
    units_.clear();
    const ImDrawVert* v = list.VtxBuffer.Data + cmd.VtxOffset;
    const ImDrawIdx* idx = list.IdxBuffer.Data + cmd.IdxOffset;
    int texw = 0, texh = 0;
    if (tex) SDL_QueryTexture(tex, nullptr, nullptr, &texw, &texh);
    auto pixels = [](Unit& u, float x0, float y0, float x1, float y1) {
        // A pixel of margin: only for leaving the unit out where it cannot reach.
        u.x0 = static_cast<int>(std::floor(x0)) - 1;
        u.y0 = static_cast<int>(std::floor(y0)) - 1;
        u.x1 = static_cast<int>(std::ceil(x1)) + 1;
        u.y1 = static_cast<int>(std::ceil(y1)) + 1;
    };
    const ImVec2 white = white_;
    const bool atlas = tex && tex == atlas_;
    auto single = [&](unsigned first) {
        Unit u;
        u.kind = Unit::kTriangles;
        u.first = first;
        u.solid = atlas;
        for (unsigned k = 0; k < 3; ++k) {
            const ImVec2 uv = v[idx[first + k]].uv;
            u.solid = u.solid && uv.x == white.x && uv.y == white.y;
        }
        float x0 = 1e30f, y0 = 1e30f, x1 = -1e30f, y1 = -1e30f;
        for (unsigned k = 0; k < 3; ++k) {
            const ImVec2 p = v[idx[first + k]].pos;
            x0 = std::min(x0, p.x);
            y0 = std::min(y0, p.y);
            x1 = std::max(x1, p.x);
            y1 = std::max(y1, p.y);
        }
        pixels(u, x0, y0, x1, y1);
        units_.push_back(u);
    };
    int prev[3] = {-1, -1, -1};
    unsigned prev_first = 0;
    for (unsigned i = 0; i + 2 < cmd.ElemCount; i += 3) {
        const int k0 = idx[i], k1 = idx[i + 1], k2 = idx[i + 2];
        if (prev[0] == -1) {
            prev[0] = k0;
            prev[1] = k1;
            prev[2] = k2;
            prev_first = i;
            continue;
        }
        int shared = 0;
        for (int p : prev) shared += p == k0 || p == k1 || p == k2;
        bool quad = shared == 2;
        int a = -1, b = -1;
        if (quad) {
            const ImVec2 p0 = v[k0].pos, p1 = v[k1].pos, p2 = v[k2].pos;
            if (p0.x <= p1.x && p0.y <= p1.y)  // top-left
                a = p0.x <= p2.x && p0.y <= p2.y ? k0 : k2;
            else
                a = p1.x <= p2.x && p1.y <= p2.y ? k1 : k2;
            if (p0.x >= p1.x && p0.y >= p1.y)  // bottom-right
                b = p0.x >= p2.x && p0.y >= p2.y ? k0 : k2;
            else
                b = p1.x >= p2.x && p1.y >= p2.y ? k1 : k2;
            const int c = k0 != a && k0 != b ? k0 : k1 != a && k1 != b ? k1 : k2;
            const int c2 = prev[0] != a && prev[0] != b   ? prev[0]
                           : prev[1] != a && prev[1] != b ? prev[1]
                                                          : prev[2];
            const ImVec2 pa = v[a].pos, pb = v[b].pos;
            for (int corner : {c, c2}) {
                const ImVec2 pc = v[corner].pos;
                if (!((pa.x == pc.x && pb.y == pc.y) || (pa.y == pc.y && pb.x == pc.x)))
                    quad = false;
            }
            const ImU32 col = v[a].col;
            if (v[b].col != col || v[c].col != col || v[c2].col != col) quad = false;
        }
        if (!quad) {
            single(prev_first);
            prev[0] = k0;
            prev[1] = k1;
            prev[2] = k2;
            prev_first = i;
            continue;
        }
        Unit u;
        const ImDrawVert &va = v[a], &vb = v[b];
        u.col = v[k0].col;
        u.dx = va.pos.x;
        u.dy = va.pos.y;
        u.dw = vb.pos.x - u.dx;
        u.dh = vb.pos.y - u.dy;
        if (tex) {
            u.sx = static_cast<int>(va.uv.x * static_cast<float>(texw));
            u.sy = static_cast<int>(va.uv.y * static_cast<float>(texh));
            u.sw = static_cast<int>(vb.uv.x * static_cast<float>(texw) - static_cast<float>(u.sx));
            u.sh = static_cast<int>(vb.uv.y * static_cast<float>(texh) - static_cast<float>(u.sy));
        }
        prev[0] = -1;
        if (tex && u.sw != 0 && u.sh != 0) {
            u.kind = Unit::kCopy;
            if (u.sw < 0) {
                u.flip |= SDL_FLIP_HORIZONTAL;
                u.sw = -u.sw;
                u.sx -= u.sw;
            }
            if (u.sh < 0) {
                u.flip |= SDL_FLIP_VERTICAL;
                u.sh = -u.sh;
                u.sy -= u.sh;
            }
        } else if (u.dw != 0.0f && u.dh != 0.0f) {
            u.kind = Unit::kFill;
        } else {
            continue;  // SDL draws nothing for it
        }
        pixels(u, u.dx, u.dy, u.dx + u.dw, u.dy + u.dh);
        units_.push_back(u);
    }
    if (prev[0] != -1) single(prev_first);
}

SDL_Texture* SoftwareDrawer::scaled(SDL_Texture* tex, int sx, int sy, int sw, int sh, int w, int h,
                                    int flip) {
    const Key key{tex, sx, sy, sw, sh, w, h, flip};
    auto it = copies_.find(key);
    if (it != copies_.end() && !it->second.stale) {
        it->second.used = frame_;
        return it->second.texture;
    }
    SDL_Texture* copy = it != copies_.end() ? it->second.texture : nullptr;
    SDL_BlendMode blend = SDL_BLENDMODE_NONE;
    SDL_GetTextureBlendMode(tex, &blend);
    if (!copy) {
        // An opaque picture's copy in the picture's own format (the window's: copied by rows);
        // anything blended keeps its alpha.
        Uint32 format = SDL_PIXELFORMAT_ARGB8888;
        if (blend == SDL_BLENDMODE_NONE) SDL_QueryTexture(tex, &format, nullptr, nullptr, nullptr);
        copy = SDL_CreateTexture(renderer_, format, SDL_TEXTUREACCESS_TARGET, w, h);
        if (!copy) return nullptr;
    }
    // Scaled whole, as it is, with nothing blended and nothing tinted: what SDL does for a blit
    // that crosses the screen's edge (SW_RunCommandQueue), into a texture of its own.
    Uint8 a = 255, r = 255, g = 255, b = 255;
    SDL_GetTextureAlphaMod(tex, &a);
    SDL_GetTextureColorMod(tex, &r, &g, &b);
    SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_NONE);
    SDL_SetTextureAlphaMod(tex, 255);
    SDL_SetTextureColorMod(tex, 255, 255, 255);
    SDL_Texture* target = SDL_GetRenderTarget(renderer_);
    SDL_SetRenderTarget(renderer_, copy);
    const SDL_Rect src{sx, sy, sw, sh};
    if (flip)
        SDL_RenderCopyEx(renderer_, tex, &src, nullptr, 0.0, nullptr,
                         static_cast<SDL_RendererFlip>(flip));
    else
        SDL_RenderCopy(renderer_, tex, &src, nullptr);
    SDL_SetRenderTarget(renderer_, target);  // also gives back the viewport and the clip
    SDL_SetTextureBlendMode(tex, blend);
    SDL_SetTextureAlphaMod(tex, a);
    SDL_SetTextureColorMod(tex, r, g, b);
    SDL_SetTextureBlendMode(copy, blend);
    if (it == copies_.end()) {
        const size_t bytes = static_cast<size_t>(w) * h * 4;
        it = copies_.emplace(key, Copy{copy, frame_, false, bytes}).first;
        bytes_ += bytes;
    }
    it->second.stale = false;
    it->second.used = frame_;
    return copy;
}

void SoftwareDrawer::submit(const ImDrawList& list, const ImDrawCmd& cmd, SDL_Texture* tex,
                            const Unit* units, size_t n) {
    const ImDrawVert* v = list.VtxBuffer.Data + cmd.VtxOffset;
    const ImDrawIdx* idx = list.IdxBuffer.Data + cmd.IdxOffset;
    const int vertices = list.VtxBuffer.Size - static_cast<int>(cmd.VtxOffset);
    for (size_t i = 0; i < n; ++i) {
        const Unit& u = units[i];
        if (u.kind == Unit::kTriangles) {
            // Neighbours in the command go together (SDL pairs them as it did there).
            size_t end = i + 1;
            while (end < n && units[end].kind == Unit::kTriangles &&
                   units[end].first == units[end - 1].first + 3 && units[end].solid == u.solid)
                ++end;
            // A shape's triangles without the texture: SDL blends them by the draw blend mode.
            if (u.solid) SDL_SetRenderDrawBlendMode(renderer_, SDL_BLENDMODE_BLEND);
            SDL_RenderGeometryRaw(renderer_, u.solid ? nullptr : tex, &v->pos.x, sizeof(ImDrawVert),
                                  reinterpret_cast<const SDL_Color*>(&v->col), sizeof(ImDrawVert),
                                  u.solid ? nullptr : &v->uv.x, sizeof(ImDrawVert), vertices,
                                  idx + u.first, static_cast<int>((end - i) * 3),
                                  sizeof(ImDrawIdx));
            i = end - 1;
            continue;
        }
        const SDL_Color c = color_of(u.col);
        const SDL_FRect d{u.dx, u.dy, u.dw, u.dh};
        if (u.kind == Unit::kFill) {
            // SDL blends even an opaque colour pixel by pixel; an opaque one blended gives its own
            // value exactly (c × 255 / 255), so it is simply filled.
            SDL_SetRenderDrawBlendMode(renderer_,
                                       c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
            SDL_SetRenderDrawColor(renderer_, c.r, c.g, c.b, c.a);
            SDL_RenderFillRectF(renderer_, &d);
            continue;
        }
        // As SDL_RenderCopyF and SW_QueueCopy take it: the texels within the texture, the
        // rectangle on screen truncated to whole pixels.
        int tw = 0, th = 0;
        SDL_QueryTexture(tex, nullptr, nullptr, &tw, &th);
        SDL_Rect s{u.sx, u.sy, u.sw, u.sh};
        const SDL_Rect bounds{0, 0, tw, th};
        if (!SDL_IntersectRect(&s, &bounds, &s)) continue;
        const int w = static_cast<int>(u.dw), h = static_cast<int>(u.dh);
        if (w <= 0 || h <= 0) continue;
        SDL_Texture* t = tex;
        const SDL_Rect* sp = &s;
        if (u.flip || s.w != w || s.h != h) {
            t = scaled(tex, s.x, s.y, s.w, s.h, w, h, u.flip);
            if (!t) continue;
            sp = nullptr;
        }
        SDL_SetTextureAlphaMod(t, c.a);
        SDL_SetTextureColorMod(t, c.r, c.g, c.b);
        SDL_RenderCopyF(renderer_, t, sp, &d);
    }
}

void SoftwareDrawer::draw(const ImDrawData& data, const std::vector<PixelRect>* rects) {
    // The clip rectangles as the backend makes them (imgui_impl_sdlrenderer.cpp, Dear ImGui 1.86).
    float rsx = 1.0f, rsy = 1.0f;
    SDL_RenderGetScale(renderer_, &rsx, &rsy);
    const ImVec2 scale(rsx == 1.0f ? data.FramebufferScale.x : 1.0f,
                       rsy == 1.0f ? data.FramebufferScale.y : 1.0f);
    const int fb_w = static_cast<int>(data.DisplaySize.x * scale.x);
    const int fb_h = static_cast<int>(data.DisplaySize.y * scale.y);
    if (fb_w == 0 || fb_h == 0) return;
    const ImVec2 off = data.DisplayPos;
    SDL_RenderSetViewport(renderer_, nullptr);
    SDL_RenderSetClipRect(renderer_, nullptr);
    for (int n = 0; n < data.CmdListsCount; ++n) {
        const ImDrawList& list = *data.CmdLists[n];
        for (const ImDrawCmd& cmd : list.CmdBuffer) {
            if (cmd.UserCallback) {
                if (cmd.UserCallback == ImDrawCallback_ResetRenderState) {
                    SDL_RenderSetViewport(renderer_, nullptr);
                    SDL_RenderSetClipRect(renderer_, nullptr);
                } else {
                    cmd.UserCallback(&list, &cmd);
                }
                continue;
            }
            const PixelRect pc = DamageTracker::backend_clip(
                cmd.ClipRect, off, scale, DamageTracker::ClipRule::kSdlRenderer, fb_w, fb_h);
            if (pc.empty()) continue;
            const SDL_Rect clip{pc.x, pc.y, pc.w, pc.h};
            auto* tex = static_cast<SDL_Texture*>(cmd.GetTexID());
            split(list, cmd, tex);
            if (!rects) {
                SDL_RenderSetClipRect(renderer_, &clip);
                submit(list, cmd, tex, units_.data(), units_.size());
                continue;
            }
            for (const PixelRect& pr : *rects) {
                const SDL_Rect area{pr.x, pr.y, pr.w, pr.h};
                SDL_Rect c;
                if (!SDL_IntersectRect(&clip, &area, &c)) continue;
                picked_.clear();
                for (const Unit& u : units_)
                    if (u.x0 < c.x + c.w && c.x < u.x1 && u.y0 < c.y + c.h && c.y < u.y1)
                        picked_.push_back(u);
                if (picked_.empty()) continue;
                SDL_RenderSetClipRect(renderer_, &c);
                submit(list, cmd, tex, picked_.data(), picked_.size());
            }
        }
    }
    SDL_RenderSetClipRect(renderer_, nullptr);
    ++frame_;
    evict();
}

void SoftwareDrawer::evict() {
    for (auto it = copies_.begin(); it != copies_.end();) {
        if (frame_ - 1 - it->second.used <= kKeepFrames) {  // frames drawn since it was
            ++it;
            continue;
        }
        bytes_ -= it->second.bytes;
        SDL_DestroyTexture(it->second.texture);
        it = copies_.erase(it);
    }
    while (bytes_ > kMaxBytes && !copies_.empty()) {
        auto oldest = std::min_element(
            copies_.begin(), copies_.end(),
            [](const auto& a, const auto& b) { return a.second.used < b.second.used; });
        if (oldest->second.used == frame_ - 1) break;  // all drawn in this frame: kept
        bytes_ -= oldest->second.bytes;
        SDL_DestroyTexture(oldest->second.texture);
        copies_.erase(oldest);
    }
}

}  // namespace vmeste::ui
