#include "ui/camera_texture.h"

#include <GL/gl.h>

namespace vmeste::ui {

CameraTexture::~CameraTexture() {
    if (texture_) glDeleteTextures(1, &texture_);
}

bool CameraTexture::refresh(const drivers::Camera& camera) {
    auto frame = camera.latest(sequence_);
    if (!frame || frame->rgb.empty()) return false;
    if (!texture_) {
        glGenTextures(1, &texture_);
        glBindTexture(GL_TEXTURE_2D, texture_);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    }
    glBindTexture(GL_TEXTURE_2D, texture_);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);  // RGB rows are not 4-byte aligned
    const auto& r = frame->rgb;
    if (r.width != width_ || r.height != height_) {
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGB, r.width, r.height, 0, GL_RGB, GL_UNSIGNED_BYTE,
                     r.rgb.data());
        width_ = r.width;
        height_ = r.height;
    } else {
        glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, r.width, r.height, GL_RGB, GL_UNSIGNED_BYTE,
                        r.rgb.data());
    }
    sequence_ = frame->sequence;
    return true;
}

}  // namespace vmeste::ui
