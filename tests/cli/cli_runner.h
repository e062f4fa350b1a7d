// Runs the real m6-cli binary for the CLI tests and reads its JSON answer.
#pragma once

#include <QProcess>
#include <QStringList>
#include <QtTest>

#include "model/core/json.h"

namespace m6test
{

inline const QString kCli = QStringLiteral(M6_BINARY_DIR "/app/exe/m6-cli");

struct CliResult
{
  int code = -1;
  QString out;
  QString err;
  /// The last line of stderr (where a failure's "error: ..." is).
  QString lastErrorLine() const { return err.trimmed().split('\n').last(); }
};

/// m6-cli --workspace WS ARGS..., waiting up to `timeoutMs`.
inline CliResult runCli(const QString& workspace, const QStringList& args, int timeoutMs = 600000)
{
  QProcess p;
  p.start(kCli, QStringList{"--workspace", workspace} + args);
  if (!p.waitForFinished(timeoutMs))
  {
    p.kill();
    p.waitForFinished();
    qFatal("m6-cli did not finish: %s", qPrintable(args.join(' ')));
  }
  return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
          QString::fromUtf8(p.readAllStandardOutput()),
          QString::fromUtf8(p.readAllStandardError())};
}

/// The JSON object on the last line of stdout.
inline m6::Json lastJson(const CliResult& r)
{
  QStringList lines = r.out.split('\n', Qt::SkipEmptyParts);
  if (lines.isEmpty())
  {
    qFatal("no output; stderr: %s", qPrintable(r.err));
  }
  return m6::Json::parse(lines.last().toStdString());
}

}  // namespace m6test
