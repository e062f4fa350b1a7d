#include "app/bridge/demo_worker.h"

#include "app/bridge/worker_support.h"
#include "storage/demo_dataset.h"

namespace m6
{

DemoWorker::DemoWorker(QString workspacePath) : path_(std::move(workspacePath)) {}

void DemoWorker::run(quint64 token, m6::DemoOptions options)
{
  runWritingJob(this, token, path_, true, cancel_,
                [&](Workspace& ws, ProgressThrottle& onProgress)
                { return writeDemoDataset(ws, options, onProgress, &cancel_); });
}

}  // namespace m6
