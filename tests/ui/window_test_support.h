// The main window as the model-page tests open it: on a workspace the test wrote, one dataset
// selected, and the Configure page's form ready (the dataset's schema has arrived).
#pragma once

#include <QtTest>
#include <memory>

#include "app/bridge/app_services.h"
#include "app/bridge/snapshot_store.h"
#include "ui/config_form.h"
#include "ui/configure_page.h"
#include "ui/dataset_list_panel.h"
#include "ui/main_window.h"
#include "ui/model_pages.h"

namespace m6test
{

/// Opens a 1360 x 860 main window on the workspace at `path` (no demo is created), selects
/// `dataset` and waits for the Configure page's form. A failure is logged; check
/// QTest::currentTestFailed() when the test goes on after it.
inline void openWindowOn(std::unique_ptr<m6::MainWindow>& window, const QString& path,
                         const QString& dataset)
{
  m6::MainWindowOptions o;
  o.services = std::make_shared<m6::AppServices>();
  o.workspacePath = path;
  o.createDemoWhenEmpty = false;
  window = std::make_unique<m6::MainWindow>(o);
  window->resize(1360, 860);
  window->show();
  QTRY_VERIFY(window->datasetList()->model()->rowOf(dataset) >= 0);
  window->datasetList()->select(dataset);
  QTRY_VERIFY_WITH_TIMEOUT(window->modelPages()->configurePage()->form()->hasSchema(), 60000);
}

}  // namespace m6test
