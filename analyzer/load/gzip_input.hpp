#pragma once

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace rbacgraph {

/// A file or standard input ("-") read through zlib: gzread reads gzip (and concatenated members) and passes
/// other bytes through unchanged, so CloudWatch Logs' S3 exports and CloudTrail's trail files need no option.
class GzipInput {
  public:
    explicit GzipInput(const std::string& path) {
        const int fd = path == "-" ? dup(STDIN_FILENO) : open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            error_ = std::strerror(errno);
            return;
        }
        file_ = gzdopen(fd, "rb");
        if (file_ == nullptr) {
            close(fd);
            error_ = "cannot read it";
            return;
        }
        gzbuffer(file_, 1U << 17);
    }
    ~GzipInput() {
        if (file_ != nullptr) {
            gzclose(file_);
        }
    }
    GzipInput(const GzipInput&) = delete;
    GzipInput& operator=(const GzipInput&) = delete;

    /// Why the file could not be opened or read ("" while all is well).
    const std::string& error() const { return error_; }
    /// Appends up to `count` bytes to `buffer`; 0 at the end (or on an error, then error() says which).
    std::size_t read(std::string& buffer, std::size_t count) {
        const std::size_t before = buffer.size();
        buffer.resize(before + count);
        const int got = gzread(file_, buffer.data() + before, static_cast<unsigned>(count));
        if (got < 0) {
            int code = 0;
            error_ = gzerror(file_, &code);
            buffer.resize(before);
            return 0;
        }
        buffer.resize(before + static_cast<std::size_t>(got));
        return static_cast<std::size_t>(got);
    }

  private:
    gzFile file_ = nullptr;
    std::string error_;
};

}  // namespace rbacgraph
