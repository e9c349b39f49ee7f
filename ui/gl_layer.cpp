#include "ui/gl_layer.h"

#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "ui/damage.h"
#include "ui/gl_fns.h"

namespace vmeste::ui {

namespace {

long floor_div(long a, long b) {
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

// `r` cut where the picture wraps (multiples of w across, h down): each part with the wrap's
// offset, the part's pixels at (x − kx, y − ky) in the picture.
template <typename F>
void for_each_wrapped(long x0, long y0, long x1, long y1, int w, int h, F&& f) {
    for (long y = y0; y < y1;) {
        const long ky = floor_div(y, h) * h, ye = std::min(y1, ky + h);
        for (long x = x0; x < x1;) {
            const long kx = floor_div(x, w) * w, xe = std::min(x1, kx + w);
            f(x, y, xe, ye, kx, ky);
            x = xe;
        }
        y = ye;
    }
}

void free_target(GLuint* fbo, GLuint* texture) {
    if (*fbo) gl_fbo.remove(1, fbo);
    if (*texture) glDeleteTextures(1, texture);
    *fbo = *texture = 0;
}

// A texture of w × h in the window's pixel format and a framebuffer object drawing into it; the
// old ones (if any) deleted first. False (both 0) if the driver will not.
bool make_target(int w, int h, GLuint* fbo, GLuint* texture) {
    free_target(fbo, texture);
    GLint last_texture = 0, last_draw = 0;
    glGetIntegerv(GL_TEXTURE_BINDING_2D, &last_texture);
    glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &last_draw);
    glGenTextures(1, texture);
    glBindTexture(GL_TEXTURE_2D, *texture);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    // Unsized RGBA given as BGRA bytes: Mesa then keeps it as B8G8R8A8, the window's own format,
    // which its blit copies as rows (a sized GL_RGBA8 is R8G8B8A8, and every pixel is shaded).
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, w, h, 0, GL_BGRA, GL_UNSIGNED_BYTE, nullptr);
    glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(last_texture));
    gl_fbo.gen(1, fbo);
    gl_fbo.bind(GL_DRAW_FRAMEBUFFER, *fbo);
    gl_fbo.texture(GL_DRAW_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, *texture, 0);
    const bool ok = gl_fbo.status(GL_DRAW_FRAMEBUFFER) == GL_FRAMEBUFFER_COMPLETE;
    gl_fbo.bind(GL_DRAW_FRAMEBUFFER, static_cast<GLuint>(last_draw));
    if (!ok) free_target(fbo, texture);
    return ok;
}

}  // namespace

GlRowClear::~GlRowClear() {
    free_target(&fbo_, &texture_);
}

bool GlRowClear::clear(const std::vector<PixelRect>& rects, int fb_w, int fb_h, float r, float g,
                       float b) {
    if (!gl_fbo.load()) return false;
    GLint last_draw = 0, last_read = 0;
    glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &last_draw);
    glGetIntegerv(GL_READ_FRAMEBUFFER_BINDING, &last_read);
    const GLboolean scissor = glIsEnabled(GL_SCISSOR_TEST);
    glDisable(GL_SCISSOR_TEST);
    if (!fbo_ || w_ < fb_w) {
        if (!make_target(fb_w, kRows, &fbo_, &texture_)) {
            if (scissor) glEnable(GL_SCISSOR_TEST);
            return false;
        }
        w_ = fb_w;
        rgb_[0] = -1;  // filled below
    }
    if (rgb_[0] != r || rgb_[1] != g || rgb_[2] != b) {
        // Unscissored, the whole strip: llvmpipe fills it as memory.
        gl_fbo.bind(GL_DRAW_FRAMEBUFFER, fbo_);
        glClearColor(r, g, b, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        gl_fbo.bind(GL_DRAW_FRAMEBUFFER, static_cast<GLuint>(last_draw));
        rgb_[0] = r;
        rgb_[1] = g;
        rgb_[2] = b;
    }
    gl_fbo.bind(GL_READ_FRAMEBUFFER, fbo_);
    for (const PixelRect& q : rects)
        for (int y = q.y; y < q.y + q.h; y += kRows) {
            const int rows = std::min(kRows, q.y + q.h - y);
            // Swapped ends, as the layers' copies (gl_layer.h): a copy of rows, not a flip.
            gl_fbo.blit(q.x, rows, q.x + q.w, 0, q.x, fb_h - y - rows, q.x + q.w, fb_h - y,
                        GL_COLOR_BUFFER_BIT, GL_NEAREST);
        }
    gl_fbo.bind(GL_READ_FRAMEBUFFER, static_cast<GLuint>(last_read));
    if (scissor) glEnable(GL_SCISSOR_TEST);
    return true;
}

std::unique_ptr<GlLayerCompositor> GlLayerCompositor::create(const DamageTracker* versions) {
    if (!gl_fbo.load()) return nullptr;
    return std::unique_ptr<GlLayerCompositor>(new GlLayerCompositor(versions));
}

GlLayerCompositor::~GlLayerCompositor() {
    release();
}

void GlLayerCompositor::release() {
    free_target(&fbo_, &texture_);
    w_ = h_ = 0;
    valid_ = false;
    kept_.clear();
}

void GlLayerCompositor::end_frame() {
    if (fbo_ && ++idle_frames_ > kIdleFrames) release();
}

long GlLayerCompositor::take_drawn_pixels() {
    const long n = drawn_pixels_;
    drawn_pixels_ = 0;
    return n;
}

bool GlLayerCompositor::ensure_picture(int w, int h) {
    if (fbo_ && w == w_ && h == h_) return true;
    valid_ = false;
    GLint max_texture = 0;
    glGetIntegerv(GL_MAX_TEXTURE_SIZE, &max_texture);
    if (w > std::min(max_side_, static_cast<int>(max_texture)) ||
        h > std::min(max_side_, static_cast<int>(max_texture))) {
        release();
        return false;
    }
    if (!make_target(w, h, &fbo_, &texture_)) return false;
    w_ = w;
    h_ = h;
    return true;
}

void GlLayerCompositor::update(const Layer& layer) {
    const WorldRect view{layer.origin_x(), layer.origin_y(), layer.origin_x() + w_,
                         layer.origin_y() + h_};
    std::vector<Kept> now;
    now.reserve(layer.pieces().size());
    for (const Layer::Piece& p : layer.pieces())
        now.push_back(Kept{p, p.texture && versions_ ? versions_->version_of(p.texture) : 0});
    std::vector<WorldRect> todo;
    const WorldRect old{view_x_, view_y_, view_x_ + w_, view_y_ + h_};
    const bool overlap =
        view.x0 < old.x1 && old.x0 < view.x1 && view.y0 < old.y1 && old.y0 < view.y1;
    if (!valid_ || layer.key() != key_ || layer.background() != background_ || !overlap) {
        todo.push_back(view);
    } else {
        // What the pan exposed: the rows above or below the old view, then the columns beside
        // it within the rows both share.
        if (view.y0 < old.y0) todo.push_back({view.x0, view.y0, view.x1, old.y0});
        if (view.y1 > old.y1) todo.push_back({view.x0, old.y1, view.x1, view.y1});
        const long y0 = std::max(view.y0, old.y0), y1 = std::min(view.y1, old.y1);
        if (view.x0 < old.x0) todo.push_back({view.x0, y0, old.x0, y1});
        if (view.x1 > old.x1) todo.push_back({old.x1, y0, view.x1, y1});
        // Pieces that came, went or changed (a tile loaded where its outline was): where they
        // are, a pixel and the outline's width around.
        auto changed_area = [&](const Kept& k) {
            const Layer::Piece& p = k.piece;
            const long m = 1 + static_cast<long>(std::ceil(p.thickness));
            WorldRect r{
                static_cast<long>(std::floor(p.x0)) - m, static_cast<long>(std::floor(p.y0)) - m,
                static_cast<long>(std::ceil(p.x1)) + m, static_cast<long>(std::ceil(p.y1)) + m};
            r.x0 = std::max(r.x0, view.x0);
            r.y0 = std::max(r.y0, view.y0);
            r.x1 = std::min(r.x1, view.x1);
            r.y1 = std::min(r.y1, view.y1);
            if (r.x0 < r.x1 && r.y0 < r.y1) todo.push_back(r);
        };
        for (const Kept& k : now)
            if (std::find(kept_.begin(), kept_.end(), k) == kept_.end()) changed_area(k);
        for (const Kept& k : kept_)
            if (std::find(now.begin(), now.end(), k) == now.end()) changed_area(k);
    }
    if (!todo.empty()) draw(layer, todo);
    valid_ = true;
    key_ = layer.key();
    background_ = layer.background();
    view_x_ = view.x0;
    view_y_ = view.y0;
    kept_ = std::move(now);
}

ImDrawList* GlLayerCompositor::begin_list(int w, int h) {
    if (!list_) list_ = std::make_unique<ImDrawList>(ImGui::GetDrawListSharedData());
    ImDrawList* dl = list_.get();
    dl->_Data = ImGui::GetDrawListSharedData();
    dl->_ResetForNewFrame();
    dl->PushTextureID(ImGui::GetIO().Fonts->TexID);  // fills sample the atlas's white texel
    dl->PushClipRect(ImVec2(0, 0), ImVec2(static_cast<float>(w), static_cast<float>(h)));
    return dl;
}

void GlLayerCompositor::draw(const Layer& layer, const std::vector<WorldRect>& rects) {
    ImDrawList* dl = begin_list(w_, h_);
    // Overlapping rectangles are drawn twice alike: the background under each is opaque.
    for (const WorldRect& r : rects)
        for_each_wrapped(r.x0, r.y0, r.x1, r.y1, w_, h_,
                         [&](long x0, long y0, long x1, long y1, long kx, long ky) {
                             layer.draw_world(dl, x0, y0, x1, y1, kx, ky, h_);
                             drawn_pixels_ += (x1 - x0) * (y1 - y0);
                         });
    render_list(fbo_, w_, h_);
}

void GlLayerCompositor::render_list(unsigned target, int w, int h) {
    ImDrawList* dl = list_.get();
    ImDrawData data;
    ImDrawList* lists[] = {dl};
    data.Valid = true;
    data.CmdLists = lists;
    data.CmdListsCount = 1;
    data.TotalVtxCount = dl->VtxBuffer.Size;
    data.TotalIdxCount = dl->IdxBuffer.Size;
    data.DisplayPos = ImVec2(0, 0);
    data.DisplaySize = ImVec2(static_cast<float>(w), static_cast<float>(h));
    data.FramebufferScale = ImVec2(1, 1);
    GLint last_draw = 0;
    glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &last_draw);
    if (target) gl_fbo.bind(GL_DRAW_FRAMEBUFFER, target);
    ImGui_ImplOpenGL3_RenderDrawData(&data);
    gl_fbo.bind(GL_DRAW_FRAMEBUFFER, static_cast<GLuint>(last_draw));
}

void GlLayerCompositor::compose(const Layer& layer, const ImDrawList* parent,
                                const ImDrawCmd* cmd) {
    if (layer.screen_w() <= 0 || layer.screen_h() <= 0) return;
    idle_frames_ = 0;
    const long before = drawn_pixels_;
    if (ensure_picture(layer.screen_w(), layer.screen_h())) {
        update(layer);
    } else {
        // No picture to keep (the driver refused one): drawn where it shows, every time —
        // nothing under it was drawn or cleared (the damage tracker counts on the layer).
        GLint viewport[4] = {0, 0, 0, 0};
        glGetIntegerv(GL_VIEWPORT, viewport);
        ImDrawList* dl = begin_list(viewport[2], viewport[3]);
        const long dx = layer.origin_x() - layer.screen_x(),
                   dy = layer.origin_y() - layer.screen_y();
        const long x0 = std::max<long>(layer.screen_x(), static_cast<long>(cmd->ClipRect.x));
        const long y0 = std::max<long>(layer.screen_y(), static_cast<long>(cmd->ClipRect.y));
        const long x1 = std::min<long>(layer.screen_x() + layer.screen_w(),
                                       static_cast<long>(std::ceil(cmd->ClipRect.z)));
        const long y1 = std::min<long>(layer.screen_y() + layer.screen_h(),
                                       static_cast<long>(std::ceil(cmd->ClipRect.w)));
        if (x0 < x1 && y0 < y1) {
            layer.draw_world(dl, x0 + dx, y0 + dy, x1 + dx, y1 + dy, dx, dy, 0);
            drawn_pixels_ += (x1 - x0) * (y1 - y0);
            render_list(0, viewport[2], viewport[3]);
        }
    }
    if (drawn_pixels_ != before && parent) {
        // The backend drew the layer with its own vertex buffers, which held `parent`'s
        // vertices for the commands after this one: they go back.
        gl_fbo.buffer_sub_data(GL_ARRAY_BUFFER, 0,
                               static_cast<GLsizeiptr>(parent->VtxBuffer.Size) *
                                   static_cast<GLsizeiptr>(sizeof(ImDrawVert)),
                               parent->VtxBuffer.Data);
        gl_fbo.buffer_sub_data(GL_ELEMENT_ARRAY_BUFFER, 0,
                               static_cast<GLsizeiptr>(parent->IdxBuffer.Size) *
                                   static_cast<GLsizeiptr>(sizeof(ImDrawIdx)),
                               parent->IdxBuffer.Data);
    }
    if (!fbo_) return;
    // Copied to the framebuffer within the command's clip rectangle (the layer's screen
    // rectangle, or a damaged part of it): whole pixels, as the damage tracker gives them.
    GLint viewport[4] = {0, 0, 0, 0};
    glGetIntegerv(GL_VIEWPORT, viewport);
    const int fb_h = viewport[3];
    const long cx0 = std::max<long>(layer.screen_x(), static_cast<long>(cmd->ClipRect.x));
    const long cy0 = std::max<long>(layer.screen_y(), static_cast<long>(cmd->ClipRect.y));
    const long cx1 =
        std::min<long>(layer.screen_x() + w_, static_cast<long>(std::ceil(cmd->ClipRect.z)));
    const long cy1 =
        std::min<long>(layer.screen_y() + h_, static_cast<long>(std::ceil(cmd->ClipRect.w)));
    if (cx0 >= cx1 || cy0 >= cy1) return;
    // Screen → world: + (origin − screen position).
    const long dx = layer.origin_x() - layer.screen_x(), dy = layer.origin_y() - layer.screen_y();
    const GLboolean scissor = glIsEnabled(GL_SCISSOR_TEST);
    if (scissor) glDisable(GL_SCISSOR_TEST);  // a scissored blit is shaded, not copied
    GLint last_read = 0;
    glGetIntegerv(GL_READ_FRAMEBUFFER_BINDING, &last_read);
    gl_fbo.bind(GL_READ_FRAMEBUFFER, fbo_);
    for_each_wrapped(
        cx0 + dx, cy0 + dy, cx1 + dx, cy1 + dy, w_, h_,
        [&](long x0, long y0, long x1, long y1, long kx, long ky) {
            // The picture's rows are top first (GL's y up from its bottom), the
            // framebuffer's bottom first: the rows swap ends in GL's terms and
            // not in memory.
            const auto sx0 = static_cast<GLint>(x0 - kx), sx1 = static_cast<GLint>(x1 - kx);
            const auto t0 = static_cast<GLint>(y0 - ky), t1 = static_cast<GLint>(y1 - ky);
            const auto d0 = static_cast<GLint>(x0 - dx), d1 = static_cast<GLint>(x1 - dx);
            const auto s0 = static_cast<GLint>(y0 - dy), s1 = static_cast<GLint>(y1 - dy);
            gl_fbo.blit(sx0, t1, sx1, t0, d0, fb_h - s1, d1, fb_h - s0, GL_COLOR_BUFFER_BIT,
                        GL_NEAREST);
        });
    gl_fbo.bind(GL_READ_FRAMEBUFFER, static_cast<GLuint>(last_read));
    if (scissor) glEnable(GL_SCISSOR_TEST);
}

}  // namespace vmeste::ui
