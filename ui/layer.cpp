#include "ui/layer.h"

namespace vmeste::ui {

void Layer::begin(uint64_t key, uint32_t background, int screen_x, int screen_y, int screen_w,
                  int screen_h, long origin_x, long origin_y) {
    key_ = key;
    background_ = background;
    sx_ = screen_x;
    sy_ = screen_y;
    sw_ = screen_w;
    sh_ = screen_h;
    ox_ = origin_x;
    oy_ = origin_y;
    pieces_.clear();
}

void Layer::image(ImTextureID texture, double x0, double y0, double x1, double y1) {
    pieces_.push_back(Piece{texture, x0, y0, x1, y1, 0, 0});
}

void Layer::outline(double x0, double y0, double x1, double y1, uint32_t color, float thickness) {
    pieces_.push_back(Piece{nullptr, x0, y0, x1, y1, color, thickness});
}

void Layer::submit(ImDrawList* dl, LayerCompositor* compositor) {
    compositor_ = compositor;
    dl->PushClipRect(ImVec2(static_cast<float>(sx_), static_cast<float>(sy_)),
                     ImVec2(static_cast<float>(sx_ + sw_), static_cast<float>(sy_ + sh_)), true);
    dl->AddCallback(&Layer::draw_command, this);
    // A compositor may draw with the renderer's own state (the projection of its picture): the
    // commands after this one get the frame's back.
    dl->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
    dl->PopClipRect();
}

void Layer::draw_command(const ImDrawList* parent, const ImDrawCmd* cmd) {
    const auto* layer = static_cast<const Layer*>(cmd->UserCallbackData);
    if (layer->compositor_) layer->compositor_->compose(*layer, parent, cmd);
}

void Layer::draw_world(ImDrawList* dl, long x0, long y0, long x1, long y1, long shift_x,
                       long shift_y, int flip_h) const {
    // World (x, y) → picture (x − shift_x, y − shift_y) → draw list (same x, mirrored y).
    auto px = [&](double x) { return static_cast<float>(x - static_cast<double>(shift_x)); };
    auto py = [&](double y) {
        const double r = y - static_cast<double>(shift_y);
        return static_cast<float>(flip_h > 0 ? flip_h - r : r);
    };
    const float cy0 = flip_h > 0 ? py(static_cast<double>(y1)) : py(static_cast<double>(y0));
    const float cy1 = flip_h > 0 ? py(static_cast<double>(y0)) : py(static_cast<double>(y1));
    const ImVec2 c0(px(static_cast<double>(x0)), cy0), c1(px(static_cast<double>(x1)), cy1);
    dl->PushClipRect(c0, c1, false);
    dl->AddRectFilled(c0, c1, background_);
    for (const Piece& p : pieces_) {
        if (p.x1 <= static_cast<double>(x0) || p.x0 >= static_cast<double>(x1) ||
            p.y1 <= static_cast<double>(y0) || p.y0 >= static_cast<double>(y1))
            continue;
        const float top = flip_h > 0 ? py(p.y1) : py(p.y0);
        const float bottom = flip_h > 0 ? py(p.y0) : py(p.y1);
        const ImVec2 a(px(p.x0), top), b(px(p.x1), bottom);
        if (p.texture) {
            if (flip_h > 0)
                dl->AddImage(p.texture, a, b, ImVec2(0, 1), ImVec2(1, 0));
            else
                dl->AddImage(p.texture, a, b);
        }
        if (p.outline) dl->AddRect(a, b, p.outline, 0, 0, p.thickness);
    }
    dl->PopClipRect();
}

}  // namespace vmeste::ui
