// Writing LibTorch archives to disk without letting LibTorch touch the file (private to model/).
//
// LibTorch's own file writer throws from its destructor when a write fails (a full disk), which
// terminates the process. Here the archive streams into an AtomicFile through a write function
// that never fails towards LibTorch: the first error is kept, the rest of the stream discarded,
// and the error is thrown after LibTorch has finished, with the temporary file removed.
//
// Thread affinity: any thread; one archive per call.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <string>

namespace m6
{

/// Saves `archive` as `path` (replacing it only when the whole file was written). Throws
/// std::runtime_error(what + " " + path + ": cannot be written: <reason>").
void saveArchiveFile(torch::serialize::OutputArchive& archive, const std::string& path,
                     const std::string& what);

/// Runs `produce` with a byte sink that writes `path` atomically; throws like saveArchiveFile.
/// For writers that take a write function (caffe2::serialize::PyTorchStreamWriter).
void writeArchiveFile(
    const std::string& path, const std::string& what,
    const std::function<void(const std::function<size_t(const void*, size_t)>&)>& produce);

}  // namespace m6
