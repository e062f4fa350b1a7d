// exportModel(), ModelCard JSON and the projector TSV writers of package.h.
#include <chrono>
#include <ctime>
#include <filesystem>
#include <sstream>

#include "model/checkpoint.h"
#include "model/evaluate.h"
#include "model/features.h"
#include "model/package.h"
#include "model/package_format.h"
#include "model/package_script.h"
#include "model/session.h"
#include "model/threads.h"
#include "model/train_loop.h"

#ifndef M6_VERSION
#define M6_VERSION "unknown"
#endif

namespace m6
{

namespace
{

namespace fs = std::filesystem;

std::string nowIso()
{
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Json strings(const std::vector<std::string>& v)
{
  Json a = Json::array();
  for (const auto& s : v)
  {
    a.push_back(s);
  }
  return a;
}

const char* kindName(FieldKind k)
{
  return fieldKindName(k);
}

// Every encoded field with its values: what a reader needs to turn raw values into table rows.
Json fieldsJson(const EntityTable& table, const std::vector<FieldColumn>& fields)
{
  Json a = Json::array();
  for (const auto& c : table.columns)
  {
    Json o = Json::object();
    o["name"] = c.spec.name;
    o["module"] = c.spec.moduleName;
    const FieldColumn* f = nullptr;
    for (const auto& x : fields)
    {
      if (x.name == c.spec.name)
      {
        f = &x;
      }
    }
    o["kind"] = f ? kindName(f->kind) : c.spec.name == "@popularity" ? "popularity prior" : "time";
    if (f && (f->kind == FieldKind::Categorical || f->kind == FieldKind::Multi))
    {
      o["values"] = strings(f->vocab);  // table code = index + 1, 0 = missing
    }
    a.push_back(o);
  }
  return a;
}

// Writes the columns of a table under their module names, and folds them into the checksum.
void writeColumns(torch::serialize::OutputArchive& archive, const std::vector<torch::Tensor>& data,
                  const std::vector<ColumnSpec>& specs, uint64_t& sum)
{
  for (size_t i = 0; i < specs.size(); ++i)
  {
    archive.write(specs[i].moduleName, data[i], true);
    sum = fnv1a(sum, data[i]);
  }
}

std::vector<torch::Tensor> columnData(const EntityTable& t)
{
  std::vector<torch::Tensor> out;
  for (const auto& c : t.columns)
  {
    out.push_back(c.data);
  }
  return out;
}

}  // namespace

Json ModelCard::toJson() const
{
  Json j = Json::object();
  j["name"] = name;
  j["dataset"] = dataset;
  j["split_protocol"] = splitProtocol;
  j["valid"] = valid.toJson();
  j["test"] = test.toJson();
  j["created"] = created;
  j["program_version"] = programVersion;
  j["parent_run"] = parentRun;
  j["notes"] = notes;
  return j;
}

ModelCard ModelCard::fromJson(const Json& j)
{
  ModelCard c;
  c.name = j.value("name", "");
  c.dataset = j.value("dataset", "");
  c.splitProtocol = j.value("split_protocol", "");
  if (const Json* v = j.find("valid"))
  {
    c.valid = MetricSet::fromJson(*v);
  }
  if (const Json* t = j.find("test"))
  {
    c.test = MetricSet::fromJson(*t);
  }
  c.created = j.value("created", "");
  c.programVersion = j.value("program_version", "");
  c.parentRun = j.value("parent_run", "");
  c.notes = j.value("notes", "");
  return c;
}

ExportInfo exportModel(const std::string& checkpointOrRunDir, const DatasetSnapshot& snapshot,
                       const RunConfig& config, const ModelCard& cardIn, const std::string& path)
{
  checkConfig(snapshot, config);
  setComputeThreads(config.train.threads);
  const std::string checkpoint = resolveCheckpointPath(checkpointOrRunDir);
  Session session(snapshot, config);
  loadCheckpoint(checkpoint, session, nullptr);
  const DatasetSnapshot& data = session.data;  // the interactions session.split indexes
  const FeatureTables& ft = session.features;
  const int64_t nU = data.numUsers();
  const int64_t L = config.model.historyLength;

  ModelCard card = cardIn;
  card.dataset = card.dataset.empty() ? data.name : card.dataset;
  card.splitProtocol =
      card.splitProtocol.empty() ? splitDescription(session.split) : card.splitProtocol;
  if (!data.preparation.empty() && card.splitProtocol.find("dataset prepared") == std::string::npos)
  {
    card.splitProtocol += "; dataset prepared: " + data.preparation;
  }
  card.created = card.created.empty() ? nowIso() : card.created;
  card.programVersion =
      card.programVersion.empty() ? std::string("M6 Workbench ") + M6_VERSION : card.programVersion;

  // Per known user the Predictor's query: the last L training items, test-time context.
  std::vector<QuerySpec> queries;
  std::vector<int64_t> contextRows;
  std::vector<int64_t> trainOffsets = {0};
  std::vector<int32_t> trainItems;
  for (int64_t u = 0; u < nU; ++u)
  {
    QuerySpec q;
    q.user = static_cast<int32_t>(u);
    q.historyEnd = session.split.trainEnd[static_cast<size_t>(u)];
    const int64_t test = session.split.testIndex[static_cast<size_t>(u)];
    const int64_t first = data.userStart[static_cast<size_t>(u)];
    const int64_t last = data.userStart[static_cast<size_t>(u) + 1] - 1;
    q.contextRow = test >= 0 ? test : (last >= first ? last : -1);
    queries.push_back(q);
    contextRows.push_back(q.contextRow >= 0 ? q.contextRow : ft.context.rows);
    for (int64_t n = first; n < q.historyEnd; ++n)
    {
      trainItems.push_back(data.item[static_cast<size_t>(n)]);
    }
    trainOffsets.push_back(static_cast<int64_t>(trainItems.size()));
  }
  contextRows.push_back(ft.context.rows);  // the last row: no context (users the model never saw)
  UserBatch batch = makeUserBatch(data, ft, L, queries);
  std::vector<torch::Tensor> context = ft.context.gather(torch::tensor(contextRows));
  torch::Tensor cold =
      torch::tensor(std::vector<int64_t>(session.coldItems.begin(), session.coldItems.end()))
          .to(torch::kUInt8);

  ItemCategoryField category = itemCategoryField(data);
  std::vector<std::string> coldIds;
  for (size_t i = 0; i < session.coldItems.size(); ++i)
  {
    if (session.coldItems[i])
    {
      coldIds.push_back(data.itemIds[i]);
    }
  }
  Json vocab = Json::object();
  vocab["users"] = strings(data.userIds);
  vocab["items"] = strings(data.itemIds);
  vocab["item_titles"] = strings(data.itemTitles);
  Json cat = Json::object();
  cat["field"] = category.name;
  cat["values"] = strings(category.vocab);
  Json codes = Json::array();
  for (int32_t c : category.codes)
  {
    codes.push_back(c);
  }
  cat["codes"] = codes;
  vocab["item_category"] = cat;
  Json fields = Json::object();
  fields["user"] = fieldsJson(ft.users, data.userFields);
  fields["item"] = fieldsJson(ft.items, data.itemFields);
  fields["context"] = fieldsJson(ft.context, data.contextFields);
  vocab["fields"] = fields;
  Json text = Json::object();
  text["buckets"] = config.model.textBuckets;
  text["word_ngrams"] = config.model.textWordNgrams;
  text["char_ngrams"] = config.model.textCharNgrams;
  text["hash"] = "fnv1a-64 of each n-gram, bucket = 1 + hash mod buckets (see text_hash.h)";
  vocab["text_hashing"] = text;
  Json time = Json::object();
  time["hour_column"] = ft.hourColumn;
  time["weekday_column"] = ft.weekdayColumn;
  time["recency_column"] = ft.hourColumn >= 0 ? ft.hourColumn + 2 : -1;
  vocab["time_columns"] = time;
  vocab["cold_items"] = strings(coldIds);
  const std::string vocabText = vocab.dump();

  uint64_t sum = fnv1a(kFnvOffset, vocabText.data(), vocabText.size());
  torch::serialize::OutputArchive root;
  torch::serialize::OutputArchive model;
  session.net->save(model);
  for (const auto& p : session.net->named_parameters())
  {
    sum = fnv1a(sum, p.value());
  }
  for (const auto& b : session.net->named_buffers())
  {
    sum = fnv1a(sum, b.value());
  }
  torch::serialize::OutputArchive tables;
  torch::serialize::OutputArchive items;
  torch::serialize::OutputArchive users;
  torch::serialize::OutputArchive q;
  writeColumns(items, columnData(ft.items), ft.items.specs(), sum);
  writeColumns(users, columnData(ft.users), ft.users.specs(), sum);
  writeColumns(q, context, ft.context.specs(), sum);
  const std::vector<std::pair<std::string, torch::Tensor>> rest = {
      {"hist_items", batch.histItems.to(torch::kInt32)},
      {"hist_pad", batch.histPad},
      {"hist_gaps", batch.histGaps.to(torch::kInt8)},
      {"train_offsets", torch::tensor(trainOffsets)},
      {"train_items",
       torch::tensor(std::vector<int64_t>(trainItems.begin(), trainItems.end())).to(torch::kInt32)},
      {"cold", cold}};
  for (const auto& r : rest)
  {
    q.write(r.first, r.second, true);
    sum = fnv1a(sum, r.second);
  }
  tables.write("items", items);
  tables.write("users", users);
  tables.write("queries", q);

  Json layout = Json::object();
  layout["model"] = "the network's parameters and buffers by registered name";
  layout["tables.items"] = "per item field (module name): encoded rows, items + 1 missing row";
  layout["tables.users"] = "per user field: encoded rows, users + 1 missing row";
  layout["tables.queries"] =
      "per context field: each user's test-time context row, + 1 missing row; hist_items, "
      "hist_pad, hist_gaps [users, L]: the last L training items (right-aligned); "
      "train_offsets/train_items: every training item per user; cold: per item";
  Json meta = Json::object();
  meta["format"] = kModelFormatTag;
  meta["format_version"] = kModelFormatVersion;
  meta["program"] = card.programVersion;
  meta["created"] = card.created;
  meta["card"] = card.toJson();
  meta["config"] = toJson(config);
  meta["architecture"] = session.architecture();
  meta["history_length"] = L;
  meta["layout"] = layout;
  meta["methods"] = Json::parse(R"({
    "recommend": "recommend(history: List[int], hour: int = -1, weekday: int = -1, k: int = 10) -> Tuple[List[int], List[float]]",
    "recommend_user": "recommend_user(user: int, hour: int = -1, weekday: int = -1, k: int = 10) -> Tuple[List[int], List[float]]",
    "score": "score(history: List[int], items: List[int], hour: int = -1, weekday: int = -1) -> List[float]",
    "score_user": "score_user(user: int, items: List[int], hour: int = -1, weekday: int = -1) -> List[float]",
    "score_all": "score_all(history: List[int], hour: int = -1, weekday: int = -1) -> Tensor",
    "score_all_user": "score_all_user(user: int, hour: int = -1, weekday: int = -1) -> Tensor",
    "explain": "explain(history: List[int], item: int, hour: int = -1, weekday: int = -1) -> Tuple[float, List[List[List[float]]]]",
    "explain_user": "explain_user(user: int, item: int, hour: int = -1, weekday: int = -1) -> Tuple[float, List[List[List[float]]]]",
    "item_tokens": "item_tokens() -> Tensor",
    "indices": "users and items are positions in vocab['users'] / vocab['items']; history oldest first; hour 0-23, weekday 0-6 (0 = Sunday), -1 keeps the stored context"
  })");
  meta["checksum"] = hex64(sum);
  root.write("m6_format", c10::IValue(std::string(kModelFormatTag)));
  root.write("m6_format_version", c10::IValue(static_cast<int64_t>(kModelFormatVersion)));
  root.write("meta", c10::IValue(meta.dump()));
  root.write("vocab", c10::IValue(vocabText));
  root.write("model", model);
  root.write("tables", tables);

  std::ostringstream bytes;
  root.save_to(bytes);
  writeModelArchive(
      withScriptMethods(bytes.str(),
                        packageScriptSource(session.net->spec(), ft.hourColumn, ft.weekdayColumn)),
      path);
  std::error_code ec;
  ExportInfo info;
  info.path = path;
  info.bytes = static_cast<int64_t>(fs::file_size(path, ec));
  info.checksum = hex64(sum);
  return info;
}

std::string projectorVectorsTsv(const EmbeddingTable& t)
{
  std::string out;
  char buf[32];
  for (int64_t r = 0; r < t.rows; ++r)
  {
    for (int64_t c = 0; c < t.cols; ++c)
    {
      std::snprintf(buf, sizeof buf, "%.6g", static_cast<double>(t.row(r)[c]));
      out += (c ? "\t" : "") + std::string(buf);
    }
    out += "\n";
  }
  return out;
}

std::string projectorMetadataTsv(const EmbeddingTable& t)
{
  auto clean = [](std::string s)
  {
    for (auto& ch : s)
    {
      ch = ch == '\t' || ch == '\n' || ch == '\r' ? ' ' : ch;
    }
    return s;
  };
  std::string out = "id\ttitle\tcategory\n";
  for (int64_t r = 0; r < t.rows; ++r)
  {
    const auto i = static_cast<size_t>(r);
    out += clean(i < t.ids.size() ? t.ids[i] : "") + "\t" +
           clean(i < t.titles.size() ? t.titles[i] : "") + "\t" +
           clean(i < t.category.size() ? t.category[i] : "") + "\n";
  }
  return out;
}

}  // namespace m6
