// Word wrapping for the description box and multi-line button labels. ImGui 1.86's multiline
// input does not wrap, and we need the caret at the end of the wrapped text, so lines are computed
// here with the font's own measurements (passed in, so tests can use a fixed-width measure).
#pragma once

#include <functional>
#include <string_view>
#include <vector>

namespace vmeste::ui {

using MeasureFn = std::function<float(std::string_view)>;

// Splits `text` into lines no wider than `width`: at '\n', else at the last space that fits, else
// (a word longer than a line) between code points. Spaces at a soft break are dropped.
std::vector<std::string_view> wrap_text(std::string_view text, float width,
                                        const MeasureFn& measure);

}  // namespace vmeste::ui
