// The bridge workers on real threads and real SQLite files: ImportWorker reports progress and
// can be cancelled mid-import leaving no trace, waits for another writer saying who it is (and a
// cancel ends that wait), and so do a rename and a demo generation; a write that gives up names the
// holder; DemoWorker writes the demo; BrowseWorker pages
// equal storage's own and stale requests are dropped; DatasetWorker renames, deletes, reads
// statistics and checks names. WorkerThread starts its thread with the first job only, and a
// worker that never started is deleted with it.
//
// Over 500 lines: the contract every bridge worker keeps (cancel, stale tokens, failures), on one
// workspace fixture.
#include <QProcess>
#include <QtTest>
#include <memory>

#include "../ui/gui_test_support.h"
#include "app/bridge/browse_worker.h"
#include "app/bridge/dataset_worker.h"
#include "app/bridge/demo_worker.h"
#include "app/bridge/import_worker.h"
#include "app/bridge/worker_thread.h"
#include "app/bridge/workspace_session.h"
#include "storage/formats.h"
#include "storage/sqlite.h"

using namespace m6;

/// Lives on the test thread: worker signals connected to its signals arrive queued here, so
/// QSignalSpy only ever sees the test thread.
class Relay : public QObject
{
  Q_OBJECT
 Q_SIGNALS:
  void progress(quint64 token, m6::WorkProgress progress);
  void finished(quint64 token, m6::ImportResult result);
  void failed(quint64 token, QString message);
  void page(m6::BrowseRows rows);
  void count(m6::BrowseCount count);
};

/// The smallest worker: records the thread its job ran on and tells when it is destroyed.
class ProbeWorker : public QObject
{
 public:
  explicit ProbeWorker(std::shared_ptr<std::atomic<bool>> destroyed)
      : destroyed_(std::move(destroyed))
  {
  }
  ~ProbeWorker() override { *destroyed_ = true; }
  void cancel() {}
  void run() { ranOn = QThread::currentThread(); }
  std::atomic<QThread*> ranOn{nullptr};

 private:
  std::shared_ptr<std::atomic<bool>> destroyed_;
};

class TestWorkers : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  QString bigFolder_;

  QString wsPath(const char* name) const { return dir_.filePath(QString::fromLatin1(name)); }

  // Another process (Debian's sqlite3 shell) holding the workspace's write lock until release().
  static std::unique_ptr<QProcess> holdWriteLock(const QString& path)
  {
    auto p = std::make_unique<QProcess>();
    p->start(QStringLiteral("sqlite3"), {path});
    if (!p->waitForStarted())
    {
      return nullptr;
    }
    p->write("BEGIN IMMEDIATE;\n");
    QElapsedTimer clock;
    clock.start();
    while (sql::writeLockHolder(path.toStdString()).empty() && clock.elapsed() < 10000)
    {
      QTest::qWait(20);
    }
    return p;
  }

  static void release(QProcess& holder)
  {
    holder.write("ROLLBACK;\n.quit\n");
    holder.closeWriteChannel();
    holder.waitForFinished(10000);
  }

  template <typename W>
  void relay(W* w, Relay* r)
  {
    connect(w, &W::progress, r, &Relay::progress);
    connect(w, &W::finished, r, &Relay::finished);
    connect(w, &W::failed, r, &Relay::failed);
  }

 private Q_SLOTS:
  void initTestCase()
  {
    QVERIFY(dir_.isValid());
    // 200,000 rows: storage reports reading progress every 65,536 rows.
    bigFolder_ = m6test::writeBigMovieLensCsv(dir_.filePath("big"), 200000);
  }

  void workerThreadStartsWithTheFirstJob()
  {
    auto destroyed = std::make_shared<std::atomic<bool>>(false);
    {
      WorkerThread<ProbeWorker> idle(QStringLiteral("m6-probe"), destroyed);
      QVERIFY(!idle.started());
      QCOMPARE(idle.worker()->thread(), QThread::currentThread());
    }
    QVERIFY(*destroyed);  // never started: deleted with its owner, on the owner's thread

    *destroyed = false;
    {
      WorkerThread<ProbeWorker> busy(QStringLiteral("m6-probe"), destroyed);
      ProbeWorker* w = busy.worker();
      busy.invoke([w] { w->run(); });
      QVERIFY(busy.started());
      QTRY_VERIFY(w->ranOn.load() != nullptr);
      QVERIFY(w->ranOn.load() != QThread::currentThread());
      QCOMPARE(w->thread(), w->ranOn.load());
      busy.invoke([w] { w->run(); });  // a second job reuses the thread
    }
    QVERIFY(*destroyed);  // deleted on its thread as the thread finished
  }

  void importReportsProgressAndCounts()
  {
    const QString path = wsPath("import.m6ws");
    m6test::openWorkspace(path);  // create it
    auto spec = specForFormat("movielens-csv", bigFolder_.toStdString());
    QVERIFY(spec.ok());
    Relay r;
    QSignalSpy progress(&r, &Relay::progress);
    QSignalSpy finished(&r, &Relay::finished);
    QSignalSpy failed(&r, &Relay::failed);
    {
      WorkerThread<ImportWorker> job(QStringLiteral("import"), path);
      relay(job.worker(), &r);
      job.invoke([w = job.worker(), s = *spec] { w->run(7, s, QStringLiteral("big")); });
      QTRY_COMPARE_WITH_TIMEOUT(finished.size() + failed.size(), 1, 120000);
    }
    QCOMPARE(failed.size(), 0);
    QVERIFY2(progress.size() >= 3, qPrintable(QString::number(progress.size())));
    QCOMPARE(progress.first().at(0).toULongLong(), quint64(7));
    QVERIFY(progress.first().at(1).value<WorkProgress>().phase.startsWith("Reading"));
    // Reading reports bytes done of a known total, never backwards; writing follows and keeps
    // the rows read so far.
    qint64 lastDone = -1;
    bool wrote = false;
    for (const auto& args : progress)
    {
      const auto p = args.at(1).value<WorkProgress>();
      if (p.phase.startsWith("Reading"))
      {
        QVERIFY(!wrote);
        QVERIFY(p.total > 0);
        QVERIFY(p.done >= lastDone && p.done <= p.total);
        lastDone = p.done;
      }
      else if (p.phase.startsWith("Writing"))
      {
        wrote = true;
        QVERIFY(p.rows >= 196608);  // the last reading report came after 3 x 65,536 rows
      }
    }
    QVERIFY(wrote);
    const auto result = finished.first().at(1).value<ImportResult>();
    QVERIFY(!result.cancelled);
    QCOMPARE(result.outcome.dataset.interactions, int64_t(200000));
    QCOMPARE(result.outcome.dataset.users, int64_t(500));
    QCOMPARE(result.outcome.dataset.items, int64_t(200));
  }

  void cancelMidImportLeavesNoTrace()
  {
    const QString path = wsPath("cancel.m6ws");
    m6test::openWorkspace(path);
    auto spec = specForFormat("movielens-csv", bigFolder_.toStdString());
    QVERIFY(spec.ok());
    Relay r;
    QSignalSpy progress(&r, &Relay::progress);
    QSignalSpy finished(&r, &Relay::finished);
    QSignalSpy failed(&r, &Relay::failed);
    {
      WorkerThread<ImportWorker> job(QStringLiteral("import"), path);
      ImportWorker* w = job.worker();
      relay(w, &r);
      // Cancel from inside the first progress report (on the worker thread): the import is then
      // certainly mid-way, and the flag is honoured at the next check.
      connect(
          w, &ImportWorker::progress, w, [w] { w->cancel(); }, Qt::DirectConnection);
      job.invoke([w, s = *spec] { w->run(1, s, QStringLiteral("cancelled")); });
      QTRY_COMPARE_WITH_TIMEOUT(finished.size() + failed.size(), 1, 120000);
    }
    QCOMPARE(failed.size(), 0);
    QVERIFY(progress.size() >= 1);
    QVERIFY(finished.first().at(1).value<ImportResult>().cancelled);
    auto ws = m6test::openWorkspace(path);
    QVERIFY(!ws->dataset("cancelled").ok());
    QCOMPARE(ws->datasets()->size(), size_t(0));
    QCOMPARE(m6test::integrity(path), QString("ok"));
  }

  // Another connection holds the write lock (as an import or a training run in another process
  // would): the import waits past SQLite's old 5 s, says who holds it, and goes on when it ends.
  void importWaitsForAnotherWriterAndSaysWho()
  {
    const QString path = wsPath("busy.m6ws");
    m6test::openWorkspace(path);
    auto spec = specForFormat("movielens-csv", bigFolder_.toStdString());
    QVERIFY(spec.ok());
    auto holder = holdWriteLock(path);
    QVERIFY(holder);
    QVERIFY(!sql::writeLockHolder(path.toStdString()).empty());
    Relay r;
    QSignalSpy progress(&r, &Relay::progress);
    QSignalSpy finished(&r, &Relay::finished);
    QSignalSpy failed(&r, &Relay::failed);
    WorkerThread<ImportWorker> job(QStringLiteral("import"), path);
    relay(job.worker(), &r);
    QElapsedTimer clock;
    clock.start();
    job.invoke([w = job.worker(), s = *spec] { w->run(4, s, QStringLiteral("waited")); });
    const QString waiting =
        "Waiting for the workspace: process " + QString::number(holder->processId());
    auto said = [&]
    {
      for (const auto& args : progress)
      {
        const QString phase = args.at(1).value<WorkProgress>().phase;
        if (phase.startsWith(waiting))
        {
          return phase;
        }
      }
      return QString();
    };
    QTRY_VERIFY_WITH_TIMEOUT(!said().isEmpty(), 60000);
    QVERIFY2(said().contains("sqlite3 " + path), qPrintable(said()));  // its command line
    QTest::qWait(static_cast<int>(std::max<qint64>(0, 6500 - clock.elapsed())));
    QCOMPARE(finished.size() + failed.size(), 0);  // still waiting, not failed as "locked"
    release(*holder);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size() + failed.size(), 1, 120000);
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(1).toString()));
    const auto result = finished.first().at(1).value<ImportResult>();
    QVERIFY(!result.cancelled);
    QCOMPARE(result.outcome.dataset.interactions, int64_t(200000));
  }

  void cancelEndsTheWaitForAnotherWriter()
  {
    const QString path = wsPath("busy-cancel.m6ws");
    m6test::openWorkspace(path);
    auto spec = specForFormat("movielens-csv", bigFolder_.toStdString());
    QVERIFY(spec.ok());
    auto holder = holdWriteLock(path);
    QVERIFY(holder);
    Relay r;
    QSignalSpy progress(&r, &Relay::progress);
    QSignalSpy finished(&r, &Relay::finished);
    QSignalSpy failed(&r, &Relay::failed);
    WorkerThread<ImportWorker> job(QStringLiteral("import"), path);
    relay(job.worker(), &r);
    job.invoke([w = job.worker(), s = *spec] { w->run(5, s, QStringLiteral("given up")); });
    QTRY_VERIFY_WITH_TIMEOUT(
        std::any_of(progress.begin(), progress.end(),
                    [](const QList<QVariant>& args)
                    { return args.at(1).value<WorkProgress>().phase.startsWith("Waiting"); }),
        60000);
    QElapsedTimer clock;
    clock.start();
    job.worker()->cancel();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size() + failed.size(), 1, 10000);
    qInfo("the wait ended %lld ms after the cancel", static_cast<long long>(clock.elapsed()));
    QCOMPARE(failed.size(), 0);
    QVERIFY(finished.first().at(1).value<ImportResult>().cancelled);
    release(*holder);
    auto ws = m6test::openWorkspace(path);
    QCOMPARE(ws->datasets()->size(), size_t(0));
  }

  // A rename (the short edits of the dataset list and the run library) waits for another
  // process's write instead of failing after SQLite's 5 s, and says who holds the workspace.
  void aRenameWaitsForAnotherWriterAndSaysWho()
  {
    const QString path = wsPath("busy-rename.m6ws");
    {
      auto ws = m6test::openWorkspace(path);
      m6test::addDemo(*ws, m6test::smallDemo("before"));
    }
    WorkspaceSession session;
    QSignalSpy opened(&session, &WorkspaceSession::opened);
    QSignalSpy renamed(&session, &WorkspaceSession::renamed);
    QSignalSpy failed(&session, &WorkspaceSession::requestFailed);
    QSignalSpy waiting(&session, &WorkspaceSession::waiting);
    session.open(path);
    QTRY_COMPARE(opened.size(), 1);
    auto holder = holdWriteLock(path);
    QVERIFY(holder);
    QElapsedTimer clock;
    clock.start();
    session.renameDataset(QStringLiteral("before"), QStringLiteral("after"));
    QTRY_COMPARE_WITH_TIMEOUT(waiting.size(), 1, 30000);
    const QString message = waiting.first().at(0).toString();
    QVERIFY2(message.startsWith("Waiting for the workspace: process " +
                                QString::number(holder->processId())),
             qPrintable(message));
    QVERIFY2(message.contains("sqlite3 " + path), qPrintable(message));
    QTest::qWait(static_cast<int>(std::max<qint64>(0, 6500 - clock.elapsed())));
    QCOMPARE(renamed.size() + failed.size(), 0);  // still waiting, not failed as "locked"
    release(*holder);
    QTRY_COMPARE_WITH_TIMEOUT(renamed.size() + failed.size(), 1, 30000);
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(1).toString()));
    QCOMPARE(renamed.first().at(2).toString(), QString("after"));
  }

  // A write that gives up on a busy workspace says who holds it and what to do, not SQLite's
  // "database is locked" alone; a demo generation waits like an import.
  void aWriteThatGivesUpNamesTheHolder()
  {
    const QString path = wsPath("busy-give-up.m6ws");
    auto ws = m6test::openWorkspace(path);
    auto holder = holdWriteLock(path);
    QVERIFY(holder);
    ws->setBusyTimeout(300);
    auto r = ws->setSetting("key", "value");
    QVERIFY(!r.ok());
    const QString error = QString::fromStdString(r.error());
    QVERIFY2(error.contains("the workspace is busy: process " +
                            QString::number(holder->processId()) + " ("),
             qPrintable(error));
    QVERIFY2(error.contains("sqlite3 " + path + ")"), qPrintable(error));  // its command line
    QVERIFY2(error.contains("try again when it is done"), qPrintable(error));

    Relay relayed;
    QSignalSpy progress(&relayed, &Relay::progress);
    QSignalSpy finished(&relayed, &Relay::finished);
    QSignalSpy failed(&relayed, &Relay::failed);
    WorkerThread<DemoWorker> job(QStringLiteral("demo"), path);
    relay(job.worker(), &relayed);
    job.invoke([w = job.worker()] { w->run(7, m6test::smallDemo("waited")); });
    QTRY_VERIFY_WITH_TIMEOUT(std::any_of(progress.begin(), progress.end(),
                                         [](const QList<QVariant>& args)
                                         {
                                           return args.at(1).value<WorkProgress>().phase.startsWith(
                                               "Waiting for the workspace: process");
                                         }),
                             30000);
    QCOMPARE(finished.size() + failed.size(), 0);
    release(*holder);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size() + failed.size(), 1, 60000);
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(1).toString()));
  }

  void importOfAForeignFileFails()
  {
    const QString path = wsPath("foreign.m6ws");
    const QString folder = dir_.filePath("foreign");
    m6test::writeFile(folder + "/u.data", "this is\nnot movielens\nat all\n");
    m6test::writeFile(folder + "/u.user", "");
    m6test::writeFile(folder + "/u.item", "");
    auto spec = specForFormat("movielens-100k", folder.toStdString());
    QVERIFY(spec.ok());
    Relay r;
    QSignalSpy finished(&r, &Relay::finished);
    QSignalSpy failed(&r, &Relay::failed);
    WorkerThread<ImportWorker> job(QStringLiteral("import"), path);
    relay(job.worker(), &r);
    job.invoke([w = job.worker(), s = *spec] { w->run(3, s, QStringLiteral("foreign")); });
    QTRY_COMPARE(finished.size() + failed.size(), 1);
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().at(0).toULongLong(), quint64(3));
    QVERIFY(!failed.first().at(1).toString().isEmpty());
  }

  void demoWorkerWritesTheDemo()
  {
    const QString path = wsPath("demo.m6ws");
    Relay r;
    QSignalSpy progress(&r, &Relay::progress);
    QSignalSpy finished(&r, &Relay::finished);
    QSignalSpy failed(&r, &Relay::failed);
    WorkerThread<DemoWorker> job(QStringLiteral("demo"), path);
    relay(job.worker(), &r);
    DemoOptions bad = m6test::smallDemo();
    bad.users = 0;
    job.invoke([w = job.worker(), bad] { w->run(1, bad); });
    job.invoke([w = job.worker()] { w->run(2, m6test::smallDemo("tiny")); });
    QTRY_COMPARE_WITH_TIMEOUT(finished.size() + failed.size(), 2, 60000);
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().at(0).toULongLong(), quint64(1));
    QCOMPARE(finished.size(), 1);
    const auto result = finished.first().at(1).value<ImportResult>();
    QCOMPARE(QString::fromStdString(result.outcome.dataset.name), QString("tiny"));
    QCOMPARE(result.outcome.dataset.interactions, int64_t(12000));
    QVERIFY(progress.size() >= 1);
  }

  void browsePagesEqualStorage()
  {
    const QString path = wsPath("browse.m6ws");
    auto ws = m6test::openWorkspace(path);
    const int64_t id = m6test::addDemo(*ws, m6test::smallDemo());
    BrowseQuery direct(*ws, id, BrowseTable::Interactions, {}, 4, true);
    auto expected = direct.fetch(1000, 50);
    QVERIFY(expected.ok());

    Relay r;
    QSignalSpy pages(&r, &Relay::page);
    QSignalSpy counts(&r, &Relay::count);
    WorkerThread<BrowseWorker> worker(QStringLiteral("browse"), path);
    connect(worker.worker(), &BrowseWorker::pageReady, &r, &Relay::page);
    connect(worker.worker(), &BrowseWorker::countReady, &r, &Relay::count);
    BrowseRequest req;
    req.token = 11;
    req.generation = 1;
    req.datasetId = id;
    req.sortColumn = 4;
    req.descending = true;
    req.offset = 1000;
    req.limit = 50;
    worker.invoke([w = worker.worker(), req] { w->count(req); });
    worker.invoke([w = worker.worker(), req] { w->fetchPage(req); });
    QTRY_COMPARE(pages.size(), 1);
    QCOMPARE(counts.size(), 1);
    const auto count = counts.first().at(0).value<BrowseCount>();
    QCOMPARE(count.rows, qint64(12000));
    QCOMPARE(count.columns.size(), size_t(6));
    const auto page = pages.first().at(0).value<BrowseRows>();
    QCOMPARE(page.token, quint64(11));
    QCOMPARE(page.rows.size(), expected->size());
    for (size_t k = 0; k < page.rows.size(); ++k)
    {
      QCOMPARE(page.rows[k].key, (*expected)[k].key);
    }

    // Requests of a superseded generation are dropped without a reply.
    const int droppedBefore = worker.worker()->staleDropped();
    worker.worker()->supersede(5);
    BrowseRequest stale = req;
    stale.token = 12;
    stale.generation = 4;
    BrowseRequest fresh = req;
    fresh.token = 13;
    fresh.generation = 5;
    worker.invoke([w = worker.worker(), stale] { w->fetchPage(stale); });
    worker.invoke([w = worker.worker(), fresh] { w->fetchPage(fresh); });
    QTRY_COMPARE(pages.size(), 2);
    QCOMPARE(pages.last().at(0).value<BrowseRows>().token, quint64(13));
    QCOMPARE(worker.worker()->staleDropped(), droppedBefore + 1);
  }

  // Opening a workspace of an older schema says, before the wait, that it is being upgraded
  // (the status bar shows it), then lists its datasets as usual.
  void openingAnOlderWorkspaceSaysItUpgrades()
  {
    const QString path = wsPath("schema7.m6ws");
    {
      auto ws = m6test::openWorkspace(path);
      m6test::addDemo(*ws, m6test::smallDemo("old"));
    }
    {
      // Back to schema 7 as that version wrote it: one item-index row per interaction.
      m6::sql::Db db;
      db.open(path.toStdString(), false);
      db.exec(
          "CREATE TABLE item_interactions(dataset_id INTEGER NOT NULL, item_idx INTEGER NOT NULL, "
          "seq INTEGER NOT NULL, PRIMARY KEY(dataset_id, item_idx, seq)) WITHOUT ROWID;"
          "INSERT INTO item_interactions SELECT dataset_id, item_idx, seq FROM interactions "
          "ORDER BY 1, 2, 3; DROP TABLE item_seqs; PRAGMA user_version=7;");
    }
    WorkspaceSession session;
    QSignalSpy opened(&session, &WorkspaceSession::opened);
    QSignalSpy waiting(&session, &WorkspaceSession::waiting);
    session.open(path);
    QTRY_COMPARE(opened.size(), 1);
    QCOMPARE(waiting.size(), 1);
    QVERIFY2(waiting.first().at(0).toString().startsWith(
                 QString("Upgrading the workspace from schema 7 to %1")
                     .arg(m6::Workspace::latestSchemaVersion())),
             qPrintable(waiting.first().at(0).toString()));
    QCOMPARE(opened.first().at(1).value<DatasetList>().size(), size_t(1));
  }

  void datasetOperationsThroughTheSession()
  {
    const QString path = wsPath("datasets.m6ws");
    {
      auto ws = m6test::openWorkspace(path);
      m6test::addDemo(*ws, m6test::smallDemo("one"));
      m6test::addDemo(*ws, m6test::smallDemo("two"));
    }
    // The session lives on this thread and relays the DatasetWorker's replies (queued).
    WorkspaceSession session;
    QSignalSpy opened(&session, &WorkspaceSession::opened);
    QSignalSpy changed(&session, &WorkspaceSession::datasetsChanged);
    QSignalSpy renamed(&session, &WorkspaceSession::renamed);
    QSignalSpy deleted(&session, &WorkspaceSession::deleted);
    QSignalSpy stats(&session, &WorkspaceSession::statsReady);
    QSignalSpy names(&session, &WorkspaceSession::nameChecked);
    QSignalSpy failed(&session, &WorkspaceSession::requestFailed);
    session.open(path);
    QTRY_COMPARE(opened.size(), 1);
    QVERIFY(session.isOpen());
    QCOMPARE(opened.first().at(1).value<DatasetList>().size(), size_t(2));
    const quint64 nameToken = session.checkName(QStringLiteral("ONE"));
    QTRY_COMPARE(names.size(), 1);
    QCOMPARE(names.first().at(0).toULongLong(), nameToken);
    QVERIFY(!names.first().at(2).toString().isEmpty());  // taken (case-insensitively)
    session.checkName(QStringLiteral("three"));
    QTRY_COMPARE(names.size(), 2);
    QVERIFY(names.last().at(2).toString().isEmpty());
    const int lists = changed.size();
    session.renameDataset(QStringLiteral("one"), QStringLiteral("uno"));
    QTRY_COMPARE(changed.size(), lists + 1);
    QCOMPARE(renamed.size(), 1);
    const quint64 badRename = session.renameDataset(QStringLiteral("uno"), QStringLiteral("two"));
    QTRY_COMPARE(failed.size(), 1);
    QCOMPARE(failed.first().at(0).toULongLong(), badRename);
    const auto list = changed.last().at(0).value<DatasetList>();
    const int64_t id = list[0].name == "uno" ? list[0].id : list[1].id;
    const quint64 statsToken = session.loadStats(id);
    QTRY_COMPARE(stats.size(), 1);
    QCOMPARE(stats.first().at(0).toULongLong(), statsToken);
    QCOMPARE(stats.first().at(1).value<DatasetStats>().stats.interactions, int64_t(12000));
    session.deleteDataset(QStringLiteral("uno"));
    QTRY_COMPARE(deleted.size(), 1);
    QTRY_COMPARE(changed.last().at(0).value<DatasetList>().size(), size_t(1));
    QCOMPARE(m6test::integrity(path), QString("ok"));
  }
};

QTEST_GUILESS_MAIN(TestWorkers)
#include "test_workers.moc"
