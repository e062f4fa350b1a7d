#include "app/bridge/import_worker.h"

#include "app/bridge/worker_support.h"

namespace m6
{

ImportWorker::ImportWorker(QString workspacePath) : path_(std::move(workspacePath)) {}

void ImportWorker::run(quint64 token, m6::ImportSpec spec, QString name)
{
  runWritingJob(this, token, path_, true, cancel_,
                [&](Workspace& ws, ProgressThrottle& throttle)
                {
                  StorageProgress reading;  // the last reading figures, carried into writing
                  ImportCallbacks callbacks;
                  callbacks.cancel = &cancel_;
                  callbacks.progress = [&](const StorageProgress& p)
                  {
                    StorageProgress shown = p;
                    if (p.rows > 0 || p.rejected > 0)
                    {
                      reading = p;
                    }
                    else
                    {
                      shown.rows = reading.rows;  // writing reports rows written in done/total
                      shown.rejected = reading.rejected;
                    }
                    throttle(shown);
                  };
                  return importDataset(ws, spec, name.toStdString(), callbacks);
                });
}

}  // namespace m6
