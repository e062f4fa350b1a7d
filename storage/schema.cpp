#include "storage/schema.h"

namespace m6::schema
{

namespace
{

// Version 1: datasets, their users/items/interactions, typed feature fields, import reports.
//
// Interactions are keyed by (dataset_id, seq), seq being dense in (user, time) order, so
//  - a whole dataset is one primary-key range scan (training),
//  - row r of the default browse order is `seq = r` (instant random access at any depth),
//  - a user's interactions are the range users.first_seq .. + n_interactions,
//  - an item's interactions are listed in item_interactions (version 8: item_seqs).
// Feature values: one row per (field, entity, ordinal) so multi-valued fields stay relational.
const char* kV1 = R"SQL(
CREATE TABLE datasets(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  source_format TEXT NOT NULL,
  source_path TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  n_users INTEGER NOT NULL,
  n_items INTEGER NOT NULL,
  n_interactions INTEGER NOT NULL,
  has_ratings INTEGER NOT NULL,
  has_timestamps INTEGER NOT NULL,
  stats_json TEXT NOT NULL DEFAULT '{}',
  ground_truth_json TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT ''
);

CREATE TABLE users(
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  external_id TEXT NOT NULL,
  first_seq INTEGER NOT NULL,
  n_interactions INTEGER NOT NULL,
  PRIMARY KEY(dataset_id, idx)
) WITHOUT ROWID;
CREATE UNIQUE INDEX users_by_external ON users(dataset_id, external_id);

CREATE TABLE items(
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  external_id TEXT NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  n_interactions INTEGER NOT NULL,
  PRIMARY KEY(dataset_id, idx)
) WITHOUT ROWID;
CREATE UNIQUE INDEX items_by_external ON items(dataset_id, external_id);

CREATE TABLE interactions(
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  user_idx INTEGER NOT NULL,
  item_idx INTEGER NOT NULL,
  rating REAL,
  ts INTEGER,
  PRIMARY KEY(dataset_id, seq)
) WITHOUT ROWID;
-- The interactions of each item, as a table written in (item, seq) order at import instead of
-- an index maintained row by row: same lookups, a fraction of the import time.
CREATE TABLE item_interactions(
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  item_idx INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY(dataset_id, item_idx, seq)
) WITHOUT ROWID;

CREATE TABLE fields(
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  entity TEXT NOT NULL CHECK(entity IN ('user', 'item', 'interaction')),
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK(kind IN ('categorical', 'multi', 'numeric', 'text', 'timestamp')),
  position INTEGER NOT NULL,
  UNIQUE(dataset_id, entity, name)
);

CREATE TABLE field_values(
  field_id INTEGER NOT NULL REFERENCES fields(id) ON DELETE CASCADE,
  entity_idx INTEGER NOT NULL,
  ord INTEGER NOT NULL,
  value,
  PRIMARY KEY(field_id, entity_idx, ord)
) WITHOUT ROWID;

CREATE TABLE import_reports(
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  format TEXT NOT NULL,
  source TEXT NOT NULL,
  seconds REAL NOT NULL,
  rows_read INTEGER NOT NULL,
  rows_rejected INTEGER NOT NULL,
  warnings_json TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX import_reports_by_dataset ON import_reports(dataset_id);

CREATE TABLE import_rejects(
  report_id INTEGER NOT NULL REFERENCES import_reports(id) ON DELETE CASCADE,
  n INTEGER NOT NULL,
  file TEXT NOT NULL,
  line INTEGER NOT NULL,
  reason TEXT NOT NULL,
  content TEXT NOT NULL,
  PRIMARY KEY(report_id, n)
) WITHOUT ROWID;

CREATE TABLE settings(
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)SQL";

// Version 2: training runs. A run belongs to a dataset (deleted with it) and may name the run
// it was adapted from. Steps and epochs are the curves; run_user_metrics the per-user results.
const char* kV2 = R"SQL(
CREATE TABLE runs(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  kind TEXT NOT NULL DEFAULT 'm6',
  task TEXT NOT NULL,
  config_json TEXT NOT NULL,
  parent_run INTEGER REFERENCES runs(id) ON DELETE SET NULL,
  status TEXT NOT NULL,
  message TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  started_at INTEGER NOT NULL DEFAULT 0,
  finished_at INTEGER NOT NULL DEFAULT 0,
  folder TEXT NOT NULL DEFAULT '',
  best_epoch INTEGER NOT NULL DEFAULT 0,
  epochs_run INTEGER NOT NULL DEFAULT 0,
  valid_json TEXT NOT NULL DEFAULT '{}',
  test_json TEXT NOT NULL DEFAULT '{}',
  summary_json TEXT NOT NULL DEFAULT '{}',
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX runs_by_dataset ON runs(dataset_id);
CREATE INDEX runs_by_parent ON runs(parent_run);

CREATE TABLE run_steps(
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  epoch INTEGER NOT NULL,
  loss REAL,
  lr REAL,
  PRIMARY KEY(run_id, step)
) WITHOUT ROWID;

CREATE TABLE run_epochs(
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  epoch INTEGER NOT NULL,
  train_loss REAL,
  valid_json TEXT NOT NULL,
  seconds REAL NOT NULL,
  examples_per_s REAL NOT NULL,
  PRIMARY KEY(run_id, epoch)
) WITHOUT ROWID;

CREATE TABLE run_user_metrics(
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  split TEXT NOT NULL CHECK(split IN ('valid', 'test')),
  user_idx INTEGER NOT NULL,
  item_idx INTEGER NOT NULL,
  train_interactions INTEGER NOT NULL,
  rank INTEGER NOT NULL,
  prediction REAL,
  label REAL,
  PRIMARY KEY(run_id, split, user_idx)
) WITHOUT ROWID;
)SQL";

// Version 3: hyperparameter searches. A search belongs to a dataset and keeps what it needs to
// resume (space, strategy, base configuration, seed, budget) in spec_json; each trial it started
// is a row naming its ordinary run, so a killed search resumes without repeating finished trials.
const char* kV3 = R"SQL(
CREATE TABLE searches(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  spec_json TEXT NOT NULL,
  status TEXT NOT NULL,
  message TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL DEFAULT 0,
  best_run INTEGER REFERENCES runs(id) ON DELETE SET NULL
);
CREATE INDEX searches_by_dataset ON searches(dataset_id);

CREATE TABLE search_trials(
  search_id INTEGER NOT NULL REFERENCES searches(id) ON DELETE CASCADE,
  trial INTEGER NOT NULL,
  run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
  values_json TEXT NOT NULL,
  decision TEXT NOT NULL DEFAULT '',
  PRIMARY KEY(search_id, trial)
) WITHOUT ROWID;
CREATE INDEX search_trials_by_run ON search_trials(run_id);
)SQL";

// Version 4: splits with several held-out targets per user (ratio and global-time). `rank` stays
// the best-ranked target's; `ranks` lists every target's rank, comma-separated (NULL for one).
const char* kV4 = R"SQL(
ALTER TABLE run_user_metrics ADD COLUMN ranks TEXT;
)SQL";

// Version 5: run groups. One configuration trained with several seeds; the group keeps the shared
// configuration and the planned seeds (so an interrupted group continues where it stopped), and
// each member run names its group.
const char* kV5 = R"SQL(
CREATE TABLE run_groups(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  config_json TEXT NOT NULL,
  seeds_json TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX run_groups_by_dataset ON run_groups(dataset_id);
ALTER TABLE runs ADD COLUMN group_id INTEGER REFERENCES run_groups(id) ON DELETE SET NULL;
CREATE INDEX runs_by_group ON runs(group_id);
)SQL";

// Version 6: the run queue. Training jobs waiting their turn, in `position` order (0 first); each
// row holds what to start (job_json: a run or run group's configuration, or a search's spec) so a
// queue outlives the process that filled it.
const char* kV6 = R"SQL(
CREATE TABLE run_queue(
  id INTEGER PRIMARY KEY,
  position INTEGER NOT NULL,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  job_json TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX run_queue_by_position ON run_queue(position);
)SQL";

// Version 7: pointwise tasks (ctr, rating) on splits with several held-out interactions per
// user: the row is the user's, `prediction` and `label` its first interaction's, and `points`
// lists every one's "prediction:label", semicolon-separated (NULL for one).
const char* kV7 = R"SQL(
ALTER TABLE run_user_metrics ADD COLUMN points TEXT;
)SQL";

// Version 8: an item's interactions as one row per item, their sequence numbers as a JSON array
// (read with SQLite's own json_each), instead of one row per interaction: writing 25 million
// index rows was a quarter of a 25M import's time and the table its largest. Same lookups; the
// arrays are built from the old rows in the old rows' key order.
const char* kV8 = R"SQL(
CREATE TABLE item_seqs(
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  item_idx INTEGER NOT NULL,
  seqs TEXT NOT NULL,
  PRIMARY KEY(dataset_id, item_idx)
);
INSERT INTO item_seqs(dataset_id, item_idx, seqs)
  SELECT dataset_id, item_idx, json_group_array(seq) FROM item_interactions
  GROUP BY dataset_id, item_idx ORDER BY dataset_id, item_idx;
DROP TABLE item_interactions;
)SQL";

}  // namespace

const std::vector<const char*>& migrations()
{
  static const std::vector<const char*> all = {kV1, kV2, kV3, kV4, kV5, kV6, kV7, kV8};
  return all;
}

}  // namespace m6::schema
