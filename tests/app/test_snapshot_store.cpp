// The process's snapshot store on real threads and real SQLite files: several workers asking for
// the same dataset at once get one load and the same object; a snapshot is freed when its last
// holder lets go and read again on the next request; a deleted dataset is refused afterwards and
// a dataset re-imported under the same id is read again; and the bridge facades of one process
// (model info, adaptation info) share the store's snapshot instead of loading their own.
#include <QtTest>
#include <thread>
#include <vector>

#include "../ui/gui_test_support.h"
#include "app/bridge/adapt_info.h"
#include "app/bridge/dataset_cache.h"
#include "app/bridge/model_info.h"
#include "app/bridge/snapshot_store.h"

using namespace m6;

class TestSnapshotStore : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_;

  QString wsPath(const char* name) const { return dir_.filePath(QString::fromLatin1(name)); }

 private Q_SLOTS:
  void initTestCase() { QVERIFY(dir_.isValid()); }

  void concurrentRequestsShareOneLoad()
  {
    const QString path = wsPath("shared.m6ws");
    int64_t id = 0;
    {
      auto ws = m6test::openWorkspace(path);
      id = m6test::addDemo(*ws, m6test::smallDemo());
    }
    SnapshotStore store;
    constexpr int kWorkers = 4;
    std::vector<SnapshotStore::Handle> got(kWorkers);
    std::vector<std::string> errors(kWorkers);
    std::vector<std::thread> threads;
    for (int w = 0; w < kWorkers; ++w)
    {
      threads.emplace_back(
          [&, w]
          {
            try
            {
              auto ws = Workspace::open(path.toStdString(), false);
              if (!ws)
              {
                errors[w] = ws.error();
                return;
              }
              got[w] = store.get(**ws, id, {}, nullptr);
            }
            catch (const std::exception& e)
            {
              errors[w] = e.what();
            }
          });
    }
    for (auto& t : threads)
    {
      t.join();
    }
    for (int w = 0; w < kWorkers; ++w)
    {
      QVERIFY2(errors[w].empty(), errors[w].c_str());
      QVERIFY(got[w]);
      QCOMPARE(got[w].get(), got[0].get());
    }
    QCOMPARE(store.loads(), int64_t(1));
    QCOMPARE(store.resident(), 1);
    QCOMPARE(got[0]->snapshot.numInteractions(), int64_t(12000));
    QCOMPARE(got[0]->info.id, id);
  }

  void releasedWhenTheLastHolderLetsGo()
  {
    const QString path = wsPath("release.m6ws");
    auto ws = m6test::openWorkspace(path);
    const int64_t id = m6test::addDemo(*ws, m6test::smallDemo());
    auto store = std::make_shared<SnapshotStore>();
    DatasetCache a(store);
    DatasetCache b(store);
    const LoadedDataset* da = a.get(*ws, id, {}, nullptr);
    const LoadedDataset* db = b.get(*ws, id, {}, nullptr);
    QVERIFY(da && db);
    QCOMPARE(&da->snapshot, &db->snapshot);  // one object, not a copy per worker
    QCOMPARE(store->loads(), int64_t(1));
    a.clear();
    QCOMPARE(store->resident(), 1);  // b still holds it
    b.clear();
    QCOMPARE(store->resident(), 0);
    QVERIFY(a.get(*ws, id, {}, nullptr));
    QCOMPARE(store->loads(), int64_t(2));  // freed, so read again
  }

  void renamedDatasetKeepsItsSnapshotAndTheNewName()
  {
    const QString path = wsPath("rename.m6ws");
    auto ws = m6test::openWorkspace(path);
    const int64_t id = m6test::addDemo(*ws, m6test::smallDemo("before"));
    auto store = std::make_shared<SnapshotStore>();
    DatasetCache cache(store);
    QVERIFY(cache.get(*ws, id, {}, nullptr));
    QVERIFY(ws->renameDataset("before", "after").ok());
    const LoadedDataset* d = cache.get(*ws, id, {}, nullptr);
    QVERIFY(d);
    QCOMPARE(QString::fromStdString(d->info.name), QString("after"));
    QCOMPARE(store->loads(), int64_t(1));
  }

  void deletedDatasetIsNotServed()
  {
    const QString path = wsPath("delete.m6ws");
    auto ws = m6test::openWorkspace(path);
    const int64_t id = m6test::addDemo(*ws, m6test::smallDemo("gone"));
    SnapshotStore store;
    SnapshotStore::Handle held = store.get(*ws, id, {}, nullptr);
    QVERIFY(held);
    QVERIFY(ws->deleteDataset("gone").ok());
    // Still held by a worker, yet refused: the store asks the workspace first.
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, store.get(*ws, id, {}, nullptr));

    // A new dataset written after the delete is read as itself, never served the old snapshot.
    m6::DemoOptions other = m6test::smallDemo("new");
    other.interactions = 9000;
    const int64_t id2 = m6test::addDemo(*ws, other);
    SnapshotStore::Handle fresh = store.get(*ws, id2, {}, nullptr);
    QVERIFY(fresh);
    QVERIFY(fresh.get() != held.get());
    QCOMPARE(fresh->snapshot.numInteractions(), int64_t(9000));
  }

  void cancelledWaitReturnsNothing()
  {
    const QString path = wsPath("cancel.m6ws");
    auto ws = m6test::openWorkspace(path);
    const int64_t id = m6test::addDemo(*ws, m6test::smallDemo());
    SnapshotStore store;
    std::atomic<bool> cancel{true};
    QVERIFY(!store.get(*ws, id, {}, &cancel));
    QCOMPARE(store.loads(), int64_t(0));
    QVERIFY(store.get(*ws, id, {}, nullptr));  // a later request is not stuck behind it
  }

  void facadesOfOneProcessShareTheSnapshot()
  {
    const QString path = wsPath("facades.m6ws");
    int64_t id = 0;
    {
      auto ws = m6test::openWorkspace(path);
      id = m6test::addDemo(*ws, m6test::smallDemo());
    }
    auto store = std::make_shared<SnapshotStore>();
    ModelInfo model(path, store);
    AdaptInfo adapt(path, store);
    QSignalSpy modelSchema(&model, &ModelInfo::schemaReady);
    QSignalSpy adaptSchema(&adapt, &AdaptInfo::schemaReady);
    model.describe(id);
    QTRY_COMPARE_WITH_TIMEOUT(modelSchema.size(), 1, 30000);
    adapt.describe(id);
    QTRY_COMPARE_WITH_TIMEOUT(adaptSchema.size(), 1, 30000);
    QCOMPARE(store->loads(), int64_t(1));
    QCOMPARE(store->resident(), 1);
  }
};

QTEST_GUILESS_MAIN(TestSnapshotStore)
#include "test_snapshot_store.moc"
