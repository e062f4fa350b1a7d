#include "storage/demo_dataset.h"

#include <chrono>

namespace m6
{

Result<ImportOutcome> writeDemoDataset(Workspace& ws, const DemoOptions& options,
                                       const ProgressFn& progress, const std::atomic<bool>* cancel)
{
  const std::string problem = validateDemoOptions(options);
  if (!problem.empty())
  {
    return makeError(problem);
  }
  if (auto ok = ws.checkDatasetName(options.name); !ok)
  {
    return errorOf(ok);
  }
  auto t0 = std::chrono::steady_clock::now();
  if (progress)
  {
    progress({"Generating " + std::to_string(options.interactions) + " interactions", 0, 0, 0, 0});
  }
  DatasetSnapshot snapshot = generateDemoDataset(options);
  if (cancel && cancel->load())
  {
    return cancelledError();
  }
  ImportReport report;
  report.format = "demo";
  report.source = "generated";
  report.rowsRead = snapshot.numInteractions();
  report.warnings.push_back(
      "generated with seed " + std::to_string(options.seed) +
      ": taste clusters, hour-of-day context and trigger -> follow category pairs are planted "
      "(the ground truth is stored with the dataset)");
  DatasetOrigin origin{"demo", "", "Synthetic demo data, seed " + std::to_string(options.seed)};
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto id = ws.writeDataset(snapshot, origin, &report, progress, cancel);
  if (!id)
  {
    return errorOf(id);
  }
  auto info = ws.datasetById(*id);
  if (!info)
  {
    return errorOf(info);
  }
  ImportOutcome out;
  out.dataset = *info;
  out.report = std::move(report);
  out.report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace m6
