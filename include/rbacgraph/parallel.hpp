#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace rbacgraph {

/// The machine's cores, at least 1: how many threads "one per core" means.
inline unsigned core_count() {
    return std::max(1U, std::thread::hardware_concurrency());
}

/// Calls body(i) once for every i in [0, count) on up to `threads` threads, the caller's among them, each
/// taking the next index not yet taken; returns when every call has returned. The order of the calls is not
/// fixed, so body writes its result to slot i and the caller reads the slots in order.
template <typename Body>
void for_each_index(std::size_t count, unsigned threads, Body&& body) {
    std::atomic<std::size_t> next{0};
    const auto work = [&] {
        for (std::size_t i = next++; i < count; i = next++) {
            body(i);
        }
    };
    std::vector<std::jthread> helpers;
    for (unsigned t = 1; t < threads && t < count; ++t) {
        helpers.emplace_back(work);
    }
    work();
}

}  // namespace rbacgraph
