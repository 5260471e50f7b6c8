#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "rbacgraph/check.hpp"
#include "rbacgraph/evaluate.hpp"

namespace rbacgraph {

/// One capability of the takeover list (analyzer/check/takeover.cpp).
struct TakeoverEntry {
    std::string_view rule;  ///< the rule that rates this capability
    /// Every group must have a request the account is allowed (approving CSRs takes two grants); within a
    /// group, any one will do (a signer allowed by its name or by "<domain>/*").
    std::vector<std::vector<Request>> all_of;
    bool namespaced = false;  ///< asked in each namespace the account holds grants in, else cluster-wide
    RiskSeverity severity = RiskSeverity::kHigh;
    std::string what;  ///< with namespaced: "{}" is the namespace's text ("its namespace", "namespace x")
    bool workloads = false;  ///< creates pods: rated by the strongest account of the namespaces it reaches
    Ask ask;  ///< how its requests are read ("some namespace", "some ACK group"); the default: exactly
    /// A cluster-wide entry's all_of, each request normalized and compiled once: it is asked of every
    /// account.
    std::vector<std::vector<PreparedRequest>> prepared;
};

struct CheckContext::Takeovers {
    std::vector<TakeoverEntry> entries;
    std::mutex mutex;
    /// Every namespace's ServiceAccounts that hold anything, and its default account (kube-system's too).
    std::map<std::string, std::set<std::string>> accounts;
    std::map<std::string, std::optional<AccountTakeover>>
        strongest;  ///< per namespace, direct and cluster-wide
    std::optional<std::optional<AccountTakeover>> strongest_anywhere;
    /// The cluster-wide entries' requests, read as widely as any grant could serve them (some namespace, some
    /// listed name): a grant that allows none of them adds nothing to an account's direct rating.
    std::vector<CompiledRequest> direct_requests;
};

}  // namespace rbacgraph
