#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG236", "namespace-label-write", "rbac", RiskSeverity::kMedium,
                         "Updates or patches Namespaces, whose labels lift Pod Security and grant DRA admin "
                         "access"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    // k8s-rbac.md 15 (K11): DRA admin access (GA 1.36) is allowed only in namespaces labelled
    // resource.kubernetes.io/admin-access: "true", "not an RBAC field-level gate", and Pod Security admission
    // enforces the level a namespace's pod-security.kubernetes.io/enforce label names. Whoever may update or
    // patch a Namespace, even only its own (resourceNames, asked as listed names), sets both.
    static const std::vector<Probe> kProbes = probes({"update", "patch"}, {"namespaces"}, true);
    report_capabilities(context, kInfo, kProbes, out);
}

}  // namespace

extern const Rule namespace_label_write{kInfo, &check};

}  // namespace rbacgraph::rules
