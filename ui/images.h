// ImageSource: pictures the screens draw — the citizen's photos, the live camera and map tiles —
// as textures of whatever renders the UI. A real window provides one (texture_images.h); headless
// runs (the UI test driver) may pass none, and the screens then draw placeholders of the right
// size. Textures not asked for during a frame are released at its end, so when a visit is wiped
// its photos leave the GPU with the next frame.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <string>

#include "image/raster.h"

namespace vmeste::ui {

class LayerCompositor;

class ImageSource {
  public:
    virtual ~ImageSource() = default;
    // A texture of the JPEG, keyed by `id` (decoded once); null if it cannot be shown.
    // `size` receives the picture's size in pixels.
    virtual ImTextureID photo(uint64_t id, const std::string& jpeg, ImVec2* size) = 0;
    // The camera's newest preview frame; null while there is none.
    virtual ImTextureID camera(ImVec2* size) = 0;
    // A map tile (decoded by the tile cache), keyed by "z/x/y".
    virtual ImTextureID tile(const std::string& key, const image::Raster& pixels) = 0;
    // After a frame is built (before it is rendered): release what that frame does not use.
    virtual void end_frame() = 0;
    // Photo textures alive (tests check that a wipe leaves none).
    virtual size_t photo_textures() const = 0;
    // Where a layer (the map, layer.h) is kept between frames; null: it is drawn as pictures.
    virtual LayerCompositor* layers() { return nullptr; }
};

}  // namespace vmeste::ui
