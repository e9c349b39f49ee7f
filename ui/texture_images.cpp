#include "ui/texture_images.h"

#include "image/jpeg.h"

namespace vmeste::ui {

TextureImages::~TextureImages() {
    for (auto& [k, t] : photos_) textures_.destroy(t.id);
    for (auto& [k, t] : tiles_) textures_.destroy(t.id);
}

TextureImages::Texture TextureImages::upload(const image::Raster& r) {
    return Texture{textures_.create(r.width, r.height, r.rgb.data()), r.width, r.height, true};
}

ImTextureID TextureImages::photo(uint64_t id, const std::string& jpeg, ImVec2* size) {
    auto it = photos_.find(id);
    if (it == photos_.end()) {
        // A preview-sized JPEG (≤ 960 px) decodes in a few milliseconds, once per photo.
        auto raster = image::decode_jpeg(jpeg);
        if (!raster) return nullptr;
        Texture t = upload(*raster);
        if (!t.id) return nullptr;
        it = photos_.emplace(id, t).first;
    }
    it->second.used = true;
    if (size) *size = ImVec2(static_cast<float>(it->second.w), static_cast<float>(it->second.h));
    return it->second.id;
}

ImTextureID TextureImages::camera(ImVec2* size) {
    if (!camera_) return nullptr;
    if (!camera_texture_) camera_texture_ = std::make_unique<CameraTexture>(textures_);
    camera_texture_->refresh(*camera_);
    camera_used_ = true;
    if (!camera_texture_->imgui_id()) return nullptr;
    if (size)
        *size = ImVec2(static_cast<float>(camera_texture_->width()),
                       static_cast<float>(camera_texture_->height()));
    return camera_texture_->imgui_id();
}

ImTextureID TextureImages::tile(const std::string& key, const image::Raster& pixels) {
    auto it = tiles_.find(key);
    if (it == tiles_.end()) {
        Texture t = upload(pixels);
        if (!t.id) return nullptr;
        it = tiles_.emplace(key, t).first;
    }
    it->second.used = true;
    return it->second.id;
}

template <typename Map>
void TextureImages::evict_unused(Map& m) {
    for (auto it = m.begin(); it != m.end();) {
        if (!it->second.used) {
            textures_.destroy(it->second.id);
            it = m.erase(it);
        } else {
            it->second.used = false;
            ++it;
        }
    }
}

void TextureImages::end_frame() {
    evict_unused(photos_);
    evict_unused(tiles_);
    // The camera's texture (and its last frame) goes when the photo step is left.
    if (!camera_used_) camera_texture_.reset();
    camera_used_ = false;
}

}  // namespace vmeste::ui
