// The parser's floor for audit logs: every line of a JSON-lines file parsed by simdjson's DOM parser and
// nothing else (no fields read, no request built), reading the file as `rbacgraph usage` does (gzread).
//   rbacgraph-audit-floor FILE      prints "floor SECONDS s" and "bytes N"
#include <fcntl.h>
#include <simdjson.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <string>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fputs("usage: rbacgraph-audit-floor FILE\n", stderr);
        return 2;
    }
    const auto start = std::chrono::steady_clock::now();
    gzFile file = gzopen(argv[1], "rb");
    if (file == nullptr) {
        std::perror(argv[1]);
        return 1;
    }
    gzbuffer(file, 1U << 17U);
    simdjson::dom::parser parser;
    std::string buffer;
    std::size_t bytes = 0;
    std::size_t documents = 0;
    std::size_t start_of_line = 0;
    for (;;) {
        buffer.erase(0, start_of_line);
        start_of_line = 0;
        const std::size_t before = buffer.size();
        buffer.resize(before + (1U << 20U) + simdjson::SIMDJSON_PADDING);
        const int got = gzread(file, buffer.data() + before, 1U << 20U);
        buffer.resize(before + static_cast<std::size_t>(got > 0 ? got : 0));
        if (got <= 0) {
            break;
        }
        bytes += static_cast<std::size_t>(got);
        for (std::size_t end = buffer.find('\n'); end != std::string::npos;
             end = buffer.find('\n', start_of_line)) {
            simdjson::dom::element element;
            if (parser.parse(buffer.data() + start_of_line, end - start_of_line, false).get(element) ==
                simdjson::SUCCESS) {
                ++documents;
            }
            start_of_line = end + 1;
        }
    }
    gzclose(file);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("floor %.3f s\nbytes %zu\ndocuments %zu\n", seconds, bytes, documents);
    return 0;
}
