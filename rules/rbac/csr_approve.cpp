#include <fmt/format.h>

#include <algorithm>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG211", "csr-approve", "rbac", RiskSeverity::kHigh,
    "Approves (or signs) certificate signing requests, and so issues client certificates"};

std::string signer_text(const Capability& signer) {
    return signer.names.empty() ? "any signer" : fmt::format("signers {}", fmt::join(signer.names, ", "));
}

// The kube-apiserver trusts client certificates of the kubernetes.io/kube-apiserver-client* signers only
// (Kubernetes docs, "Certificate Signing Requests", Kubernetes signers); a grant limited to other signers
// (cert-manager's issuers.cert-manager.io/*) approves or signs certificates no cluster component accepts as
// a user. The certificates admission plugin matches resourceNames as the signerName or "<domain>/*".
bool reaches_kubernetes_signers(const Capability& signer) {
    return signer.names.empty() ||
           std::any_of(signer.names.begin(), signer.names.end(),
                       [](const std::string& name) { return name.starts_with("kubernetes.io/"); });
}

void check(const CheckContext& context, std::vector<Finding>& out) {
    // certificates admission: approving needs update on certificatesigningrequests/approval plus approve on
    // signers (named by signerName); signing needs update on .../status plus sign on signers.
    static const std::vector<Probe> kApproval =
        probes({"update", "patch"}, {"certificatesigningrequests.certificates.k8s.io/approval"}, true);
    static const std::vector<Probe> kApprove = probes({"approve"}, {"signers.certificates.k8s.io"}, true);
    static const std::vector<Probe> kStatus =
        probes({"update", "patch"}, {"certificatesigningrequests.certificates.k8s.io/status"}, true);
    static const std::vector<Probe> kSign = probes({"sign"}, {"signers.certificates.k8s.io"}, true);
    for (const auto& [approval, signer] : context.combined(kApproval, kApprove)) {
        if (!reaches_kubernetes_signers(signer)) {
            continue;
        }
        Finding finding =
            context.finding_for(approval, "approve certificate signing requests for " + signer_text(signer));
        finding.key = "approve";
        out.push_back(std::move(finding));
    }
    for (const auto& [status, signer] : context.combined(kStatus, kSign)) {
        if (!reaches_kubernetes_signers(signer)) {
            continue;
        }
        Finding finding =
            context.finding_for(status, "sign certificate signing requests for " + signer_text(signer));
        finding.key = "sign";
        out.push_back(std::move(finding));
    }
}

}  // namespace

extern const Rule csr_approve{kInfo, &check};

}  // namespace rbacgraph::rules
