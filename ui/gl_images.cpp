#include "ui/gl_images.h"

#include <GL/gl.h>

#include "image/jpeg.h"

namespace vmeste::ui {

namespace {

ImTextureID as_id(unsigned int tex) {
    return reinterpret_cast<ImTextureID>(static_cast<uintptr_t>(tex));
}

}  // namespace

GlImages::~GlImages() {
    for (auto& [k, t] : photos_) glDeleteTextures(1, &t.id);
    for (auto& [k, t] : tiles_) glDeleteTextures(1, &t.id);
}

GlImages::Texture GlImages::upload(const image::Raster& r) {
    Texture t;
    glGenTextures(1, &t.id);
    glBindTexture(GL_TEXTURE_2D, t.id);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);  // RGB rows are not 4-byte aligned
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGB, r.width, r.height, 0, GL_RGB, GL_UNSIGNED_BYTE,
                 r.rgb.data());
    t.w = r.width;
    t.h = r.height;
    return t;
}

ImTextureID GlImages::photo(uint64_t id, const std::string& jpeg, ImVec2* size) {
    auto it = photos_.find(id);
    if (it == photos_.end()) {
        // A preview-sized JPEG (≤ 960 px) decodes in a few milliseconds, once per photo.
        auto raster = image::decode_jpeg(jpeg);
        if (!raster) return nullptr;
        it = photos_.emplace(id, upload(*raster)).first;
    }
    it->second.used = true;
    if (size) *size = ImVec2(static_cast<float>(it->second.w), static_cast<float>(it->second.h));
    return as_id(it->second.id);
}

ImTextureID GlImages::camera(ImVec2* size) {
    if (!camera_) return nullptr;
    if (!camera_texture_) camera_texture_ = std::make_unique<CameraTexture>();
    camera_texture_->refresh(*camera_);
    camera_used_ = true;
    if (!camera_texture_->id()) return nullptr;
    if (size)
        *size = ImVec2(static_cast<float>(camera_texture_->width()),
                       static_cast<float>(camera_texture_->height()));
    return camera_texture_->imgui_id();
}

ImTextureID GlImages::tile(const std::string& key, const image::Raster& pixels) {
    auto it = tiles_.find(key);
    if (it == tiles_.end()) it = tiles_.emplace(key, upload(pixels)).first;
    it->second.used = true;
    return as_id(it->second.id);
}

template <typename Map>
void GlImages::evict_unused(Map& m) {
    for (auto it = m.begin(); it != m.end();) {
        if (!it->second.used) {
            glDeleteTextures(1, &it->second.id);
            it = m.erase(it);
        } else {
            it->second.used = false;
            ++it;
        }
    }
}

void GlImages::end_frame() {
    evict_unused(photos_);
    evict_unused(tiles_);
    // The camera's texture (and its last frame) goes when the photo step is left.
    if (!camera_used_) camera_texture_.reset();
    camera_used_ = false;
}

}  // namespace vmeste::ui
