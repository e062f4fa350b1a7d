// The progress panel of long jobs (import, prepare): a long phase line — the wait for another
// process's write names that process and its command line — wraps instead of widening the panel.
#include <QLabel>
#include <QtTest>

#include "ui/job_progress_widget.h"

using namespace m6;

class TestJobProgress : public QObject
{
  Q_OBJECT
 private Q_SLOTS:
  void aLongPhaseWrapsInsteadOfWideningThePanel()
  {
    JobProgressWidget w;
    w.start(QStringLiteral("Importing ratings.csv"));
    w.resize(420, w.sizeHint().height());
    w.show();
    const int before = w.minimumSizeHint().width();
    WorkProgress p;
    p.phase = QStringLiteral(
        "Waiting for the workspace: process 4242 (/usr/bin/m6-cli --workspace "
        "/home/analyst/data/workspace.m6ws train --dataset movielens-25m --preset thorough) is "
        "writing to it; this goes on when it is done (Cancel stops waiting)");
    w.showProgress(p);
    QVERIFY(w.findChildren<QLabel*>().size() >= 2);
    QVERIFY2(w.minimumSizeHint().width() <= std::max(before, 500),
             qPrintable(QString::number(w.minimumSizeHint().width())));
    const QString shot = qEnvironmentVariable("M6_SCREENSHOT_DIR");
    if (!shot.isEmpty())
    {
      w.adjustSize();
      w.grab().save(shot + "/job_progress_waiting.png");
    }
  }
};

QTEST_MAIN(TestJobProgress)
#include "test_job_progress.moc"
