#include <iostream>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
    return rbacgraph::cli::finish(rbacgraph::cli::run(argc, argv, std::cout, std::cerr));
}
