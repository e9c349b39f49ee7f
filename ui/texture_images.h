// TextureImages: the ImageSource of a real window, on the textures of its renderer (OpenGL or
// SDL's software renderer, ui/textures.h). Photos are decoded from their JPEG once and kept as
// textures while the screens ask for them; the camera's newest frame is one texture refreshed each
// frame; map tiles are uploaded from the tile cache's pixels. Whatever a frame did not ask for is
// deleted before the next one — so a wiped visit's photos leave the renderer at once. Render
// thread only.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "drivers/camera/camera.h"
#include "ui/camera_texture.h"
#include "ui/images.h"
#include "ui/textures.h"

namespace vmeste::ui {

class TextureImages final : public ImageSource {
  public:
    TextureImages(Textures& textures, const drivers::Camera* camera)
        : textures_(textures), camera_(camera) {}
    ~TextureImages() override;

    ImTextureID photo(uint64_t id, const std::string& jpeg, ImVec2* size) override;
    ImTextureID camera(ImVec2* size) override;
    ImTextureID tile(const std::string& key, const image::Raster& pixels) override;
    void end_frame() override;
    size_t photo_textures() const override { return photos_.size(); }
    LayerCompositor* layers() override { return textures_.layers(); }

  private:
    struct Texture {
        ImTextureID id = nullptr;
        int w = 0, h = 0;
        bool used = true;
    };
    Texture upload(const image::Raster& r);
    template <typename Map>
    void evict_unused(Map& m);
    Textures& textures_;
    const drivers::Camera* camera_;
    std::unique_ptr<CameraTexture> camera_texture_;
    bool camera_used_ = false;
    std::map<uint64_t, Texture> photos_;
    std::map<std::string, Texture> tiles_;
};

}  // namespace vmeste::ui
