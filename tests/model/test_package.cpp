// The .m6model export: export then open gives the run's scores exactly (known users), users the
// model never saw are scored from their history, and every malformed file (missing, empty,
// truncated, corrupted, random bytes, a zip of something else, a foreign LibTorch archive, a
// training checkpoint, a newer format) is a std::runtime_error naming the problem, never a crash.
//
// Built with LibTorch (and QT_NO_KEYWORDS) only to craft the foreign and newer-format archives.
#include <caffe2/serialize/inline_container.h>
#include <torch/torch.h>

#include <QtTest>
#include <cstring>
#include <fstream>
#include <set>

#include "model/core/rng.h"
#include "model/core/split.h"
#include "model/engine.h"
#include "model/package.h"
#include "model_test_util.h"

using m6::RunConfig;

namespace
{

std::string readFile(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void writeFile(const std::string& path, const std::string& bytes)
{
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

uint32_t crc32(const std::string& s)
{
  uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : s)
  {
    c ^= b;
    for (int k = 0; k < 8; ++k)
    {
      c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
  }
  return ~c;
}

void le(std::string& out, uint32_t v, int bytes)
{
  for (int i = 0; i < bytes; ++i)
  {
    out += static_cast<char>((v >> (8 * i)) & 0xFF);
  }
}

// A valid, stored (uncompressed) zip archive holding one text file: "a zip of something else".
std::string zipOf(const std::string& name, const std::string& content)
{
  std::string local;
  le(local, 0x04034b50, 4);
  le(local, 20, 2);
  le(local, 0, 2);
  le(local, 0, 2);  // stored
  le(local, 0, 4);  // time, date
  le(local, crc32(content), 4);
  le(local, static_cast<uint32_t>(content.size()), 4);
  le(local, static_cast<uint32_t>(content.size()), 4);
  le(local, static_cast<uint32_t>(name.size()), 2);
  le(local, 0, 2);
  local += name + content;
  std::string central;
  le(central, 0x02014b50, 4);
  le(central, 20, 2);
  le(central, 20, 2);
  le(central, 0, 2);
  le(central, 0, 2);
  le(central, 0, 4);
  le(central, crc32(content), 4);
  le(central, static_cast<uint32_t>(content.size()), 4);
  le(central, static_cast<uint32_t>(content.size()), 4);
  le(central, static_cast<uint32_t>(name.size()), 2);
  le(central, 0, 2);
  le(central, 0, 2);
  le(central, 0, 2);
  le(central, 0, 2);
  le(central, 0, 4);
  le(central, 0, 4);  // offset of the local header
  central += name;
  std::string end;
  le(end, 0x06054b50, 4);
  le(end, 0, 4);
  le(end, 1, 2);
  le(end, 1, 2);
  le(end, static_cast<uint32_t>(central.size()), 4);
  le(end, static_cast<uint32_t>(local.size()), 4);
  le(end, 0, 2);
  return local + central + end;
}

QString openError(const std::string& path)
{
  try
  {
    m6::ModelPackage::open(path);
  }
  catch (const std::runtime_error& e)
  {
    return QString::fromStdString(e.what());
  }
  return QString();
}

}  // namespace

class TestPackage : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_ = m6test::makeTempDir();
  m6::DatasetSnapshot data_ = m6test::demo(150, 220, 5000, 13);
  m6::Split split_ = m6::splitLeaveOneOut(data_);
  RunConfig dot_;
  RunConfig mlp_;
  RunConfig content_;
  std::string file_;

  const RunConfig& configOf(const QString& name) const
  {
    return name == "dot" ? dot_ : name == "mlp" ? mlp_ : content_;
  }

  std::string path(const char* name) const { return (dir_.path() + "/" + name).toStdString(); }

 private Q_SLOTS:
  void initTestCase()
  {
    dot_ = m6test::smallConfig();
    dot_.model.attentionLayers = 2;
    dot_.model.historyEncoder = m6::HistoryKind::Transformer;
    mlp_ = m6test::smallConfig();
    m6::applySetting(mlp_, "scorer=mlp");
    m6::applySetting(mlp_, "merge=concat");
    content_ = m6test::smallConfig();
    content_.model.idEmbeddings = false;
    for (const char* name : {"dot", "mlp", "content"})
    {
      m6::TrainOutcome o = m6::train(data_, configOf(name), m6test::runDir(dir_, name));
      QCOMPARE(o.status, m6::RunStatus::Finished);
    }
    m6::ModelCard card;
    card.name = "dot run";
    card.parentRun = "7";
    card.test.protocol = "test protocol";
    card.test.set("ndcg@10", 0.25);
    file_ = path("dot.m6model");
    m6::ExportInfo info = m6::exportModel(m6test::runDir(dir_, "dot"), data_, dot_, card, file_);
    QCOMPARE(info.path, file_);
    QCOMPARE(info.bytes, int64_t(readFile(file_).size()));
    QVERIFY(!QFile::exists(QString::fromStdString(file_ + ".tmp")));
    qInfo("exported %lld bytes (format %d, checksum %s)", static_cast<long long>(info.bytes),
          info.formatVersion, info.checksum.c_str());
  }

  void exportThenOpenGivesTheRunsScores_data()
  {
    QTest::addColumn<QString>("scorer");
    QTest::newRow("dot, transformer history") << "dot";
    QTest::newRow("mlp, concat merge") << "mlp";
    QTest::newRow("content only, no id embeddings") << "content";
  }

  void exportThenOpenGivesTheRunsScores()
  {
    QFETCH(QString, scorer);
    const RunConfig& c = configOf(scorer);
    const std::string run = m6test::runDir(dir_, scorer.toUtf8().constData());
    const std::string file = path((scorer + ".m6model").toUtf8().constData());
    if (scorer != "dot")
    {
      m6::exportModel(run, data_, c, {}, file);
    }
    auto predictor = m6::Predictor::open(run, data_, c);
    auto package = m6::ModelPackage::open(file);
    QCOMPARE(package->numUsers(), data_.numUsers());
    QCOMPARE(package->itemIds(), data_.itemIds);
    QVERIFY(m6::toJson(package->config()) == m6::toJson(c));
    m6::ContextOverride night;
    night.hourOfDay = 1;
    night.dayOfWeek = 5;
    for (int32_t u = 0; u < 30; ++u)
    {
      QCOMPARE(package->scoreAll(u), predictor->scoreAll(u));  // identical, not just close
      QCOMPARE(package->scoreAll(u, night), predictor->scoreAll(u, night));
      auto a = package->recommend(u, 10);
      auto b = predictor->recommend(u, 10);
      QCOMPARE(a.size(), b.size());
      for (size_t i = 0; i < a.size(); ++i)
      {
        QCOMPARE(a[i].item, b[i].item);
        QCOMPARE(a[i].score, b[i].score);
      }
    }
    const int32_t u = 5;
    const int32_t item = data_.item[split_.testIndex[u]];
    m6::Explanation x = package->explain(u, item);
    m6::Explanation y = predictor->explain(u, item);
    QCOMPARE(x.tokens, y.tokens);
    QCOMPARE(x.tokenItem, y.tokenItem);
    QVERIFY(x.weights == y.weights);
    QCOMPARE(x.score, y.score);
    auto byId = package->recommend(data_.userIds[u], 10);
    QCOMPARE(byId.front().item, predictor->recommend(u, 10).front().item);
    QCOMPARE(package->explain(data_.userIds[u], data_.itemIds[item]).score, y.score);
    // Embeddings too.
    m6::Embeddings pe = package->embeddings();
    m6::Embeddings re = predictor->embeddings();
    QVERIFY(pe.items.values == re.items.values);
    QVERIFY(pe.users.values == re.users.values);
    QVERIFY(pe.users.category == re.users.category);
    if (!c.model.idEmbeddings)
    {
      // Content only: a user given by their history scores like a known user would without
      // their user fields (which the history query does not have).
      m6::HistoryQuery q;
      for (int32_t i : package->trainingItems(u))
      {
        q.items.push_back(data_.itemIds[i]);
      }
      QCOMPARE(package->recommend(q, 10).size(), size_t(10));
    }
    // And the plain weights.
    auto w1 = m6::readWeights(file);
    auto w2 = m6::readWeights(run);
    QCOMPARE(w1.size(), w2.size());
    for (size_t i = 0; i < w1.size(); ++i)
    {
      QCOMPARE(w1[i].name, w2[i].name);
      QVERIFY(w1[i].values == w2[i].values);
    }
  }

  void theCardAndTheVocabularies()
  {
    auto p = m6::ModelPackage::open(file_);
    QCOMPARE(p->formatVersion(), m6::kModelFormatVersion);
    QCOMPARE(p->card().name, std::string("dot run"));
    QCOMPARE(p->card().dataset, data_.name);
    QCOMPARE(p->card().parentRun, std::string("7"));
    QCOMPARE(p->card().test.get("ndcg@10"), 0.25);
    QVERIFY(p->card().programVersion.rfind("M6 Workbench ", 0) == 0);
    QVERIFY(p->card().created.size() == 20 && p->card().created.back() == 'Z');
    QVERIFY(p->card().splitProtocol.find("leave-one-out") != std::string::npos);
    QCOMPARE(m6::toJson(p->config()), m6::toJson(dot_));
    QCOMPARE(p->categoryField(), std::string("category"));
    QCOMPARE(p->userIndex("u3"), 2);
    QCOMPARE(p->userIndex("nobody"), -1);
    QCOMPARE(p->itemIndex(data_.itemIds[9]), 9);
    std::vector<int32_t> train = p->trainingItems(4);
    QCOMPARE(int64_t(train.size()), split_.trainCount(data_, 4));
    QCOMPARE(train.front(), data_.item[data_.userStart[4]]);
  }

  void usersTheModelNeverSaw()
  {
    auto p = m6::ModelPackage::open(file_);
    const int32_t u = 8;
    m6::HistoryQuery q;
    for (int64_t n = data_.userStart[u]; n < split_.trainEnd[u]; ++n)
    {
      q.items.push_back(data_.itemIds[data_.item[n]]);
      q.timestamps.push_back(data_.ts[n]);
    }
    q.timestamp = data_.ts[split_.testIndex[u]];
    auto recs = p->recommend(q, 10);
    QCOMPARE(recs.size(), size_t(10));
    std::set<std::string> seen(q.items.begin(), q.items.end());
    for (const auto& r : recs)
    {
      QVERIFY(!seen.count(data_.itemIds[r.item]));
    }
    m6::Explanation e = p->explain(q, data_.itemIds[data_.item[split_.testIndex[u]]]);
    const size_t L = static_cast<size_t>(dot_.model.historyLength);
    const size_t count = std::min(L, q.items.size());
    QCOMPARE(e.tokens.size(), 2 + count);
    for (size_t j = 0; j < count; ++j)
    {
      const std::string& id = q.items[q.items.size() - count + j];
      QVERIFY(e.tokens[2 + j].rfind(id + " ", 0) == 0);
    }
    // Context from the timestamp, overridable; the list moves with the hour.
    m6::HistoryQuery noon = q;
    noon.context.hourOfDay = 12;
    m6::HistoryQuery night = q;
    night.context.hourOfDay = 2;
    QVERIFY(p->scoreAll(noon) != p->scoreAll(night));
    m6::HistoryQuery bad = q;
    bad.items.push_back("no-such-item");
    bad.timestamps.push_back(q.timestamp);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, p->recommend(bad, 5));
    bad.ignoreUnknownItems = true;
    QCOMPARE(p->recommend(bad, 5).size(), size_t(5));
    bad.timestamps.pop_back();
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, p->scoreAll(bad));
    // No history at all, no time: still a ranking (content and popularity the model learned).
    m6::HistoryQuery empty;
    QCOMPARE(p->recommend(empty, 5).size(), size_t(5));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, p->recommend(std::string("nobody"), 5));
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, p->recommend(int32_t(150), 5));
  }

  void malformedFiles_data()
  {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("expected");
    const std::string good = readFile(file_);
    writeFile(path("empty.m6model"), "");
    writeFile(path("half.m6model"), good.substr(0, good.size() / 2));
    writeFile(path("tail.m6model"), good.substr(0, good.size() - 100));
    std::string corrupt = good;
    for (size_t i = good.size() / 3; i < good.size() / 3 + 64; ++i)
    {
      corrupt[i] = static_cast<char>(corrupt[i] ^ 0x5A);
    }
    writeFile(path("corrupt.m6model"), corrupt);
    std::string random(20000, '\0');
    m6::DemoRng rng(5);
    for (auto& ch : random)
    {
      ch = static_cast<char>(rng.below(256));
    }
    writeFile(path("random.m6model"), random);
    writeFile(path("text.m6model"), "user,item\nu1,i1\n");
    writeFile(path("zip.m6model"), zipOf("readme.txt", "not a model\n"));
    {
      torch::serialize::OutputArchive a;
      a.write("weights", torch::ones({3, 3}));
      a.save_to(path("foreign.m6model"));
      // What a future version would write: its manifest names a format after this one.
      caffe2::serialize::PyTorchStreamWriter newer(path("newer.m6model"));
      const std::string manifest = R"({"format": "m6-model", "format_version": 3, "records": {}})";
      newer.writeRecord("extra/m6_records.json", manifest.data(), manifest.size());
      newer.writeEndOfFile();
    }
    {
      // A decompression bomb: the directory says the first record is deflated and 3 GiB large.
      std::string bomb = good;
      const size_t dir = bomb.find("PK\x01\x02");
      QVERIFY(dir != std::string::npos);
      bomb[dir + 10] = 8;  // method: deflate
      const uint32_t huge = 0xC0000000u;
      std::memcpy(&bomb[dir + 24], &huge, 4);
      writeFile(path("bomb.m6model"), bomb);
    }
    QTest::newRow("missing") << "missing.m6model"
                             << "no such file";
    QTest::newRow("empty") << "empty.m6model"
                           << "not an M6 model file";
    QTest::newRow("truncated to half") << "half.m6model"
                                       << "truncated";
    QTest::newRow("truncated by 100 bytes") << "tail.m6model"
                                            << "truncated";
    QTest::newRow("corrupted") << "corrupt.m6model"
                               << "corrupted";
    QTest::newRow("random bytes") << "random.m6model"
                                  << "not an M6 model file";
    QTest::newRow("a text file") << "text.m6model"
                                 << "not an M6 model file";
    QTest::newRow("a zip of something else") << "zip.m6model"
                                             << "not an M6 model file";
    QTest::newRow("a foreign LibTorch archive") << "foreign.m6model"
                                                << "not an M6 model file";
    QTest::newRow("a training checkpoint") << "dot/best.pt"
                                           << "training checkpoint";
    QTest::newRow("declares 3 GiB inside") << "bomb.m6model"
                                           << "refused before unpacking";
    QTest::newRow("a newer format") << "newer.m6model"
                                    << "written by a newer version of M6 Workbench (format 3";
  }

  void malformedFiles()
  {
    QFETCH(QString, file);
    QFETCH(QString, expected);
    const std::string p = path(file.toUtf8().constData());
    QString message = openError(p);
    qInfo("%s", qPrintable(message));
    QVERIFY2(message.contains(expected), qPrintable(message));
    QVERIFY(message.startsWith("model file "));
    if (!file.endsWith(".pt"))  // readWeights reads checkpoints too
    {
      QVERIFY_THROWS_EXCEPTION(std::runtime_error, m6::readWeights(p));
    }
  }

  void flippedBytesNeverCrash()
  {
    // One changed byte anywhere: the file opens with the same content (a byte the format does
    // not read) or fails with a message; it never crashes and never gives other scores.
    const std::string good = readFile(file_);
    auto reference = m6::ModelPackage::open(file_)->scoreAll(3);
    int rejected = 0;
    const int trials = 48;
    for (int t = 0; t < trials; ++t)
    {
      std::string bad = good;
      const size_t at = (good.size() * static_cast<size_t>(t)) / trials + 7;
      bad[at] = static_cast<char>(bad[at] ^ 0x10);
      const std::string p = path("flipped.m6model");
      writeFile(p, bad);
      try
      {
        QCOMPARE(m6::ModelPackage::open(p)->scoreAll(3), reference);
      }
      catch (const std::runtime_error&)
      {
        ++rejected;
      }
    }
    qInfo("%d of %d single-byte changes rejected with a message, the rest were unread bytes",
          rejected, trials);
    QVERIFY(rejected > trials / 2);
  }
};

QTEST_APPLESS_MAIN(TestPackage)
#include "test_package.moc"
