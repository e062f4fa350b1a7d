#include "app/bridge/bridge_types.h"

#include "app/bridge/inspect_types.h"
#include "app/bridge/train_types.h"

namespace m6
{

void registerBridgeTypes()
{
  // Queued connections copy arguments through the metatype system; registering by name also
  // lets QSignalSpy and string-based lookups (tests) see the types.
  qRegisterMetaType<m6::WorkProgress>("m6::WorkProgress");
  qRegisterMetaType<m6::ImportResult>("m6::ImportResult");
  qRegisterMetaType<m6::ImportSpec>("m6::ImportSpec");
  qRegisterMetaType<m6::ImportReport>("m6::ImportReport");
  qRegisterMetaType<m6::DemoOptions>("m6::DemoOptions");
  qRegisterMetaType<m6::DatasetInfo>("m6::DatasetInfo");
  qRegisterMetaType<m6::DatasetList>("m6::DatasetList");
  qRegisterMetaType<m6::DatasetStats>("m6::DatasetStats");
  qRegisterMetaType<m6::PrepareRecipe>("m6::PrepareRecipe");
  qRegisterMetaType<m6::PrepareSteps>("m6::PrepareSteps");
  qRegisterMetaType<m6::BrowseRequest>("m6::BrowseRequest");
  qRegisterMetaType<m6::BrowseRows>("m6::BrowseRows");
  qRegisterMetaType<m6::BrowseCount>("m6::BrowseCount");
  registerTrainTypes();
  registerInspectTypes();
}

WorkProgress toWorkProgress(const StorageProgress& p, double seconds)
{
  WorkProgress w;
  w.phase = QString::fromStdString(p.phase);
  w.done = p.done;
  w.total = p.total;
  w.rows = p.rows;
  w.rejected = p.rejected;
  w.seconds = seconds;
  w.rowsPerSecond = seconds > 0 ? static_cast<double>(p.rows) / seconds : 0.0;
  return w;
}

}  // namespace m6
