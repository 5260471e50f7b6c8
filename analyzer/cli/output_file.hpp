#pragma once
// Reports written to files (-o FORMAT=PATH, --write-baseline): whole or not at all.

#include <functional>
#include <ostream>
#include <string>

namespace rbacgraph::cli {

/// Writes a file as a reader must see it: the whole new content or the old file, never half of either. The
/// content goes to a temporary file beside PATH (same directory, so the rename cannot cross file systems),
/// is flushed and synced, and is renamed over PATH only when every write succeeded (rename(2) is atomic; two
/// runs writing one PATH each leave one whole report). On SIGINT, SIGTERM, SIGHUP or SIGXFSZ the temporary
/// file is removed. A PATH that is a device or FIFO (/dev/stdout, a named pipe) is written in place, never
/// replaced; through a symbolic link, the file it names is replaced. Returns "" or what failed ("No space
/// left on device").
std::string write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write);

}  // namespace rbacgraph::cli
