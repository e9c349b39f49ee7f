// CameraTexture: the camera's newest frame as a texture for the photo screens. refresh() is called
// once per UI frame; it takes the newest frame only if the camera has a new one (Camera::latest
// never waits) and uploads it, so a slow or stalled camera never holds up the UI thread. Render
// thread only.
#pragma once

#include <cstdint>

#include "drivers/camera/camera.h"
#include "ui/textures.h"

namespace vmeste::ui {

class CameraTexture {
  public:
    explicit CameraTexture(Textures& textures) : textures_(textures) {}
    CameraTexture(const CameraTexture&) = delete;
    CameraTexture& operator=(const CameraTexture&) = delete;
    ~CameraTexture();

    // True when a new frame was uploaded.
    bool refresh(const drivers::Camera& camera);
    ImTextureID imgui_id() const { return texture_; }
    int width() const { return width_; }
    int height() const { return height_; }
    int64_t sequence() const { return sequence_; }

  private:
    Textures& textures_;
    ImTextureID texture_ = nullptr;
    int width_ = 0, height_ = 0;
    int64_t sequence_ = 0;
};

}  // namespace vmeste::ui
