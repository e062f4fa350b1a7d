// m6-workbench: the desktop program. Opens the last workspace (or the default one in the
// user's data directory) and, on a first start with an empty workspace, creates the demo
// dataset. `m6-workbench [WORKSPACE.m6ws]` opens that file instead.
#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

#include "app/bridge/app_services.h"
#include "app/bridge/bridge_types.h"
#include "ui/main_window.h"

int main(int argc, char** argv)
{
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("m6-workbench"));
  QApplication::setApplicationName(QStringLiteral("m6-workbench"));
  QApplication::setApplicationDisplayName(QStringLiteral("M6 Workbench"));
  QApplication::setApplicationVersion(QStringLiteral(PROJECT_VERSION_STRING));
  QApplication::setDesktopFileName(QStringLiteral("m6-workbench"));

  QCommandLineParser parser;
  parser.setApplicationDescription(
      QStringLiteral("Workbench for a multimodal attention recommender: import, browse, train."));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument(QStringLiteral("workspace"),
                               QStringLiteral("Workspace file to open (default: the last one)"));
  parser.process(app);

  m6::registerBridgeTypes();
  m6::MainWindowOptions options;
  // The composition root: the process's services (one snapshot store shared by every worker, the
  // dataset session, and the factory of each workspace's model-side services). No widget
  // constructs a bridge object.
  options.services = std::make_shared<m6::AppServices>();
  if (!parser.positionalArguments().isEmpty())
  {
    options.workspacePath = parser.positionalArguments().first();
  }
  m6::MainWindow window(options);
  window.show();
  return QApplication::exec();
}
