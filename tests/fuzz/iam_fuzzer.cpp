// Bytes as an `aws iam get-account-authorization-details` dump: indexed, every principal's assume-role routes
// explained, who reaches each role, and the IRSA and Pod Identity trusts, so hostile trust and identity
// policies meet the whole IAM side.
#include "fuzz_support.hpp"
#include "rbacgraph/estate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace rbacgraph;
    Export loaded;
    load_text(fuzz::as_text(data, size), "iam.json", loaded, fuzz::fuzz_options());
    finish_export(loaded);
    std::vector<Diagnostic> diagnostics;
    const IamIndex iam(loaded.iam, diagnostics);
    for (std::size_t i = 0; i < iam.principals().size(); ++i) {
        for (const IamRoute& route : iam.routes_from(iam.caller(i))) {
            (void)iam.explain(iam.caller(i), route);
        }
        (void)iam.identity_decision(i, "eks:CreateAccessEntry",
                                    {"arn:aws:eks:eu-west-1:1:access-entry/c/", true});
        (void)iam.administrator(i);
        if (const IamRole* role = iam.principals()[i].role) {
            // The workload trusts (IRSA conditions are parsed from the statement's Condition JSON).
            for (const WebIdentityTrust& trust : web_identity_trusts(*role)) {
                (void)trust.describe_subjects();
                (void)web_identity_trust(*role, trust.issuer, "system:serviceaccount:ci:deployer");
            }
            (void)pod_identity_trust(*role);
        }
    }
    (void)iam.routes_from(iam.caller("arn:aws:iam::111122223333:user/outsider"));
    const ReachIndex reach(iam);
    (void)reach.reachers("arn:aws:iam::111122223333:role/admin");
    return 0;
}
