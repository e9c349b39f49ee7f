#include "ui/camera_texture.h"

namespace vmeste::ui {

CameraTexture::~CameraTexture() {
    if (texture_) textures_.destroy(texture_);
}

bool CameraTexture::refresh(const drivers::Camera& camera) {
    auto frame = camera.latest(sequence_);
    if (!frame || frame->rgb.empty()) return false;
    const auto& r = frame->rgb;
    if (texture_ && r.width == width_ && r.height == height_) {
        textures_.update(texture_, r.width, r.height, r.rgb.data());
    } else {
        if (texture_) textures_.destroy(texture_);
        texture_ = textures_.create(r.width, r.height, r.rgb.data());
        if (!texture_) return false;
        width_ = r.width;
        height_ = r.height;
    }
    sequence_ = frame->sequence;
    return true;
}

}  // namespace vmeste::ui
