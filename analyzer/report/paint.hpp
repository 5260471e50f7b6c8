#pragma once
// ANSI colours for terminal text (SGR codes, ECMA-48 8.3.117): only where TextOptions::color asks for them.

#include <string>
#include <string_view>

#include "rbacgraph/check.hpp"

namespace rbacgraph {

enum class Paint { kCritical, kHigh, kMedium, kLow, kInfo, kGood, kBad };

inline Paint paint_of(RiskSeverity severity) {
    switch (severity) {
        case RiskSeverity::kCritical:
            return Paint::kCritical;
        case RiskSeverity::kHigh:
            return Paint::kHigh;
        case RiskSeverity::kMedium:
            return Paint::kMedium;
        case RiskSeverity::kLow:
            return Paint::kLow;
        case RiskSeverity::kInfo:
            break;
    }
    return Paint::kInfo;
}

/// `text` wrapped in the colour of `paint` and a reset, or unchanged without colour.
inline std::string paint(std::string_view text, Paint paint, bool color) {
    if (!color) {
        return std::string(text);
    }
    std::string_view code = "2";  // info: dim
    switch (paint) {
        case Paint::kCritical:
            code = "1;35";  // bold magenta
            break;
        case Paint::kHigh:
            code = "1;31";  // bold red
            break;
        case Paint::kMedium:
            code = "33";  // yellow
            break;
        case Paint::kLow:
            code = "36";  // cyan
            break;
        case Paint::kGood:
            code = "32";  // green
            break;
        case Paint::kBad:
            code = "31";  // red
            break;
        case Paint::kInfo:
            break;
    }
    return "\x1b[" + std::string(code) + "m" + std::string(text) + "\x1b[0m";
}

}  // namespace rbacgraph
