// CameraTexture: the camera's newest frame as an OpenGL texture for the photo screens. refresh()
// is called once per UI frame; it takes the newest frame only if the camera has a new one
// (Camera::latest never waits) and uploads it, so a slow or stalled camera never holds up the UI
// thread. GL thread only.
#pragma once

#include <cstdint>

#include "drivers/camera/camera.h"

namespace vmeste::ui {

class CameraTexture {
  public:
    CameraTexture() = default;
    CameraTexture(const CameraTexture&) = delete;
    CameraTexture& operator=(const CameraTexture&) = delete;
    ~CameraTexture();

    // True when a new frame was uploaded.
    bool refresh(const drivers::Camera& camera);
    unsigned int id() const { return texture_; }
    void* imgui_id() const { return reinterpret_cast<void*>(static_cast<uintptr_t>(texture_)); }
    int width() const { return width_; }
    int height() const { return height_; }
    int64_t sequence() const { return sequence_; }

  private:
    unsigned int texture_ = 0;
    int width_ = 0, height_ = 0;
    int64_t sequence_ = 0;
};

}  // namespace vmeste::ui
