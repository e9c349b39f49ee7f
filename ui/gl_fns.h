// OpenGL 3.0's framebuffer objects and buffer uploads, from the driver (GL/gl.h declares 1.x
// only). Loaded once a context is current; load() says whether the driver has them all.
#pragma once

#include <GL/gl.h>
#include <GL/glext.h>
#include <SDL.h>

namespace vmeste::ui {

struct GlFramebufferFns {
    PFNGLGENFRAMEBUFFERSPROC gen = nullptr;
    PFNGLDELETEFRAMEBUFFERSPROC remove = nullptr;
    PFNGLBINDFRAMEBUFFERPROC bind = nullptr;
    PFNGLFRAMEBUFFERTEXTURE2DPROC texture = nullptr;
    PFNGLCHECKFRAMEBUFFERSTATUSPROC status = nullptr;
    PFNGLBLITFRAMEBUFFERPROC blit = nullptr;
    PFNGLBUFFERSUBDATAPROC buffer_sub_data = nullptr;
    bool load() {
        if (gen) return true;
        gen =
            reinterpret_cast<PFNGLGENFRAMEBUFFERSPROC>(SDL_GL_GetProcAddress("glGenFramebuffers"));
        remove = reinterpret_cast<PFNGLDELETEFRAMEBUFFERSPROC>(
            SDL_GL_GetProcAddress("glDeleteFramebuffers"));
        bind =
            reinterpret_cast<PFNGLBINDFRAMEBUFFERPROC>(SDL_GL_GetProcAddress("glBindFramebuffer"));
        texture = reinterpret_cast<PFNGLFRAMEBUFFERTEXTURE2DPROC>(
            SDL_GL_GetProcAddress("glFramebufferTexture2D"));
        status = reinterpret_cast<PFNGLCHECKFRAMEBUFFERSTATUSPROC>(
            SDL_GL_GetProcAddress("glCheckFramebufferStatus"));
        blit =
            reinterpret_cast<PFNGLBLITFRAMEBUFFERPROC>(SDL_GL_GetProcAddress("glBlitFramebuffer"));
        buffer_sub_data =
            reinterpret_cast<PFNGLBUFFERSUBDATAPROC>(SDL_GL_GetProcAddress("glBufferSubData"));
        const bool ok = gen && remove && bind && texture && status && blit && buffer_sub_data;
        if (!ok) gen = nullptr;
        return ok;
    }
};

inline GlFramebufferFns gl_fbo;

}  // namespace vmeste::ui
