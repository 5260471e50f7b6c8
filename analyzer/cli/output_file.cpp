#include "cli/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ext/stdio_filebuf.h>
#include <filesystem>

namespace rbacgraph::cli {
namespace {

namespace fs = std::filesystem;

// The temporary file being written, for the signal handler (async-signal-safe: a fixed buffer and unlink).
std::array<char, 4096> temporary_path{};
std::atomic<bool> temporary_exists{false};

extern "C" void remove_temporary_and_die(int signal_number) {
    if (temporary_exists.load()) {
        ::unlink(temporary_path.data());
    }
    std::signal(signal_number, SIG_DFL);
    std::raise(signal_number);
}

void install_handlers() {
    static const bool kInstalled = [] {
        for (const int signal_number : {SIGINT, SIGTERM, SIGHUP, SIGXFSZ}) {
            struct sigaction action {};
            action.sa_handler = remove_temporary_and_die;
            sigemptyset(&action.sa_mask);
            struct sigaction previous {};
            ::sigaction(signal_number, nullptr, &previous);
            // An ignored signal stays ignored (nohup's SIGHUP; SIGXFSZ, which then gives EFBIG).
            if (previous.sa_handler != SIG_IGN) {
                ::sigaction(signal_number, &action, nullptr);
            }
        }
        return true;
    }();
    (void)kInstalled;
}

mode_t file_mode() {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    return 0666 & ~mask;
}

// Writes through `fd` and closes it; `before_close` (fchmod, fsync) runs only when every write succeeded.
// Returns 0 or the errno of what failed.
int write_and_close(int fd, const std::function<void(std::ostream&)>& write,
                    const std::function<int(int)>& before_close = {}) {
    int failure = 0;
    {
        __gnu_cxx::stdio_filebuf<char> buffer(fd, std::ios::out | std::ios::binary);
        std::ostream stream(&buffer);
        write(stream);
        stream.flush();
        if (!stream) {
            failure = errno != 0 ? errno : EIO;
        }
        if (failure == 0 && before_close) {
            failure = before_close(fd);
        }
        // ~stdio_filebuf closes the descriptor; a failure there is the last write's, seen by flush above.
    }
    return failure;
}

// A device, FIFO or terminal (/dev/stdout, a pipe a reader waits on): written in place, since renaming a file
// over it would replace the device node itself; every write is still checked.
std::string write_in_place(const std::string& path, const std::function<void(std::ostream&)>& write) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        return std::strerror(errno);
    }
    const int failure = write_and_close(fd, write);
    return failure == 0 ? std::string() : std::string(std::strerror(failure));
}

}  // namespace

std::string write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
    std::error_code code;
    const fs::file_status status = fs::status(path, code);
    if (!code && fs::exists(status) && !fs::is_regular_file(status)) {
        if (fs::is_directory(status)) {
            return "it is a directory";
        }
        return write_in_place(path, write);
    }
    // Through a symbolic link, the file it names is replaced, and the link stays.
    fs::path target(path);
    if (fs::is_symlink(fs::symlink_status(target, code))) {
        target = fs::weakly_canonical(target, code);
    }
    const fs::path directory = target.has_parent_path() ? target.parent_path() : fs::path(".");
    // Built in steps: GCC 12 at -O3 reports a false -Wrestrict on "." + a string.
    std::string name(1, '.');
    name += target.filename().string();
    name += ".rbacgraph-XXXXXX";
    std::string pattern = (directory / name).string();
    if (pattern.size() >= temporary_path.size()) {
        return "the path is too long";
    }
    install_handlers();
    // Signals wait while the name is recorded and the file made, so the handler never sees half a name.
    sigset_t blocked;
    sigset_t previous;
    sigemptyset(&blocked);
    for (const int signal_number : {SIGINT, SIGTERM, SIGHUP, SIGXFSZ}) {
        sigaddset(&blocked, signal_number);
    }
    ::pthread_sigmask(SIG_BLOCK, &blocked, &previous);
    const int fd = ::mkstemp(pattern.data());
    const int open_errno = errno;
    if (fd >= 0) {
        std::memcpy(temporary_path.data(), pattern.c_str(), pattern.size() + 1);
        temporary_exists = true;
    }
    ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    if (fd < 0) {
        return std::strerror(open_errno);
    }
    const auto discard = [&](int failure) {
        ::unlink(pattern.c_str());
        temporary_exists = false;
        return std::string(std::strerror(failure != 0 ? failure : EIO));
    };
    const int failure = write_and_close(fd, write, [](int descriptor) {
        return ::fchmod(descriptor, file_mode()) != 0 || ::fsync(descriptor) != 0 ? errno : 0;
    });
    if (failure != 0) {
        return discard(failure);
    }
    if (::rename(pattern.c_str(), target.c_str()) != 0) {
        return discard(errno);
    }
    temporary_exists = false;
    return {};
}

}  // namespace rbacgraph::cli
