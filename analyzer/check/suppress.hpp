#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "rbacgraph/check.hpp"

namespace rbacgraph::check {

/// The annotation that suppresses findings on the object carrying it: "RULE[,RULE...]: reason".
inline constexpr std::string_view kSuppressAnnotation = "rbacgraph.io/suppress";

/// Parses suppression annotations once per object and reports malformed ones.
class AnnotationSuppressions {
  public:
    AnnotationSuppressions(std::span<const Rule> rules, std::vector<Diagnostic>& diagnostics)
        : rules_(rules), diagnostics_(diagnostics) {}

    std::optional<Suppression> find(const Finding& finding, const RuleInfo& rule);

  private:
    struct Parsed {
        std::vector<std::string> rules;
        std::string reason;
    };
    const Parsed& parse(const std::map<std::string, std::string>& annotations, const Finding& finding);

    std::span<const Rule> rules_;
    std::vector<Diagnostic>& diagnostics_;
    std::unordered_map<const std::map<std::string, std::string>*, Parsed> parsed_;
};

/// The first config suppression that matches the finding; `used`, when given (one flag per suppression),
/// marks it.
std::optional<Suppression> config_suppression(const CheckConfig& config, const Finding& finding,
                                              const RuleInfo& rule, std::vector<bool>* used = nullptr);

/// Shell-style match where '*' is any run of characters (the only wildcard).
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace rbacgraph::check
