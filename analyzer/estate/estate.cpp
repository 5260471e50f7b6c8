// The estate: clusters and the IAM dumps they share, and who reaches each IAM role by sts:AssumeRole.
#include "rbacgraph/estate.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "rbacgraph/parallel.hpp"

namespace rbacgraph {

Estate::Estate(std::vector<Cluster> clusters, std::vector<IamAccountDetails> iam)
    : clusters_(std::move(clusters)),
      iam_(std::make_unique<const std::vector<IamAccountDetails>>(std::move(iam))),
      iam_index_(std::make_unique<const IamIndex>(*iam_, diagnostics_)) {}

std::vector<IamHop> iam_hops(const Estate& estate, std::string_view arn) {
    std::vector<IamHop> hops;
    hops.push_back({std::string(arn), {}});
    if (!estate.has_iam()) {
        return hops;
    }
    const IamIndex& iam = estate.iam();
    for (IamRoute& route : iam.routes_from(iam.caller(arn))) {
        hops.push_back({iam.principals()[route.role()].arn, std::move(route)});
    }
    std::sort(hops.begin() + 1, hops.end(), [](const IamHop& a, const IamHop& b) { return a.arn < b.arn; });
    return hops;
}

std::string describe_route(const Estate& estate, std::string_view start_arn, const IamRoute& route) {
    std::string out(start_arn);
    for (const std::uint32_t role : route.roles) {
        out += " -> ";
        out += estate.iam().principals()[role].arn;
    }
    return out;
}

ReachIndex::ReachIndex(const IamIndex& iam) : iam_(&iam), by_role_(iam.principals().size()) {
    // Every principal's routes, on every core; then inverted, in principal order.
    const std::size_t count = iam.principals().size();
    std::vector<std::vector<IamRoute>> routes(count);
    for_each_index(count, std::min(core_count(), 8U),
                   [&](std::size_t i) { routes[i] = iam.routes_from(iam.caller(i)); });
    for (std::size_t i = 0; i < count; ++i) {
        for (IamRoute& route : routes[i]) {
            const std::size_t role = route.role();
            by_role_[role].push_back({i, std::move(route)});
        }
    }
}

const std::vector<Reacher>& ReachIndex::reachers(std::string_view role_arn) const {
    static const std::vector<Reacher> kNone;
    const auto found = iam_->find(role_arn);
    return found ? by_role_[*found] : kNone;
}

}  // namespace rbacgraph
