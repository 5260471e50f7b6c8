#include <iostream>
#include <new>

#include "cli/commands.hpp"
#include "rbacgraph/output_text.hpp"

int main(int argc, char** argv) {
    // Only iostreams write here; unsynchronized, they buffer, and a pipe on stdin reports what it holds,
    // which can-i --batch uses to answer as soon as no more input is waiting.
    std::ios::sync_with_stdio(false);
    // Every byte to the terminal goes through the net for control characters (names are the input's bytes).
    rbacgraph::TerminalSafeBuffer out_buffer(std::cout.rdbuf());
    rbacgraph::TerminalSafeBuffer err_buffer(std::cerr.rdbuf());
    std::ostream out(&out_buffer);
    std::ostream err(&err_buffer);
    rbacgraph::cli::set_standard_output(&out);
    int code = 0;
    try {
        code = rbacgraph::cli::run(argc, argv, out, err);
    } catch (const std::bad_alloc&) {
        err << "rbacgraph: out of memory; the report is incomplete (split the input, or raise the memory "
               "limit)\n";
        code = 2;
    } catch (const std::exception& error) {
        err << "rbacgraph: internal error: " << error.what()
            << "; the report is incomplete (please report this with the input that caused it)\n";
        code = 2;
    }
    return rbacgraph::cli::finish(code, out, err);
}
