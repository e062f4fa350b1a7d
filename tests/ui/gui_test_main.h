// main() for GUI tests: settings and XDG data inside a sandbox folder (never the user's own),
// then the usual Qt Test run with a QApplication (offscreen under ctest).
#pragma once

#include <QApplication>

#include "gui_test_support.h"

/// main() for GUI tests: settings and XDG data inside a sandbox, then the usual Qt Test run.
#define M6_GUI_TEST_MAIN(TestClass)                                          \
  int main(int argc, char** argv)                                            \
  {                                                                          \
    QDir().mkpath(qEnvironmentVariable("M6_TEST_TMP", QDir::tempPath()));    \
    const QString box = m6test::sandbox();                                   \
    qputenv("XDG_CONFIG_HOME", (box + "/config").toUtf8());                  \
    qputenv("XDG_DATA_HOME", (box + "/data").toUtf8());                      \
    QApplication app(argc, argv);                                            \
    QApplication::setOrganizationName(QStringLiteral("m6-workbench-tests")); \
    QApplication::setApplicationName(QStringLiteral(#TestClass));            \
    m6::registerBridgeTypes();                                               \
    TestClass test;                                                          \
    return QTest::qExec(&test, argc, argv);                                  \
  }
