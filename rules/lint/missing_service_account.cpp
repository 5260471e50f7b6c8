#include <fmt/format.h>

#include <set>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG304", "missing-service-account", "lint", RiskSeverity::kLow,
    "A binding names a ServiceAccount that the export's namespace does not have (whoever "
    "creates it inherits the grant)"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    std::set<std::string> accounts;
    std::set<std::string> namespaces_with_accounts;
    for (const ServiceAccount& account : context.source().service_accounts) {
        accounts.insert(account.ns + "/" + account.name);
        namespaces_with_accounts.insert(account.ns);
    }
    // Only namespaces whose ServiceAccounts were exported can be judged (every namespace has "default").
    for (const auto& [key, held] : context.grants().holders(HolderKind::kServiceAccount)) {
        const std::string ns = key.substr(0, key.find('/'));
        if (accounts.contains(key) || !namespaces_with_accounts.contains(ns)) {
            continue;
        }
        for (const GrantId id : held) {
            const Binding& binding = *context.grants().grant(id).binding;
            Finding finding = context.finding_for(binding, "");
            finding.subjects = {"ServiceAccount " + key};
            finding.key = key;
            finding.message = fmt::format(
                "{} grants to ServiceAccount {}, which namespace {} does not have in the "
                "export: anyone who can create ServiceAccounts there inherits the grant",
                binding.display(), key, ns);
            out.push_back(std::move(finding));
        }
    }
}

}  // namespace

extern const Rule missing_service_account{kInfo, &check};

}  // namespace rbacgraph::rules
