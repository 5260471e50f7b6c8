#include <iostream>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
    // Only iostreams write here; unsynchronized, they buffer, and a pipe on stdin reports what it holds,
    // which can-i --batch uses to answer as soon as no more input is waiting.
    std::ios::sync_with_stdio(false);
    return rbacgraph::cli::finish(rbacgraph::cli::run(argc, argv, std::cout, std::cerr));
}
