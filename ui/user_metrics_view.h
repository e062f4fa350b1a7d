// UserMetricsView: the per-user metrics tab of the Inspect page: one row per evaluated
// user of the run's test set (rank of the test item, NDCG@K, hit@K, history length, activity
// bucket) in a sortable table, filtered by activity bucket, exported as CSV (the rows shown, in
// the order shown, written atomically). Double-clicking a row opens the user in the User tab.
//
// Thread affinity: GUI thread.
#pragma once

#include <QWidget>

#include "app/bridge/inspect_types.h"

class QComboBox;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace m6
{

class UserMetricsModel;

class UserMetricsView : public QWidget
{
  Q_OBJECT
 public:
  explicit UserMetricsView(QWidget* parent = nullptr);

  void setTable(const UserMetricsTable& table);
  /// Empties the table and writes `message` above it ("" for none).
  void clear(const QString& message);

  UserMetricsModel* model() const { return model_; }
  QSortFilterProxyModel* proxy() const { return proxy_; }
  QTableView* view() const { return view_; }
  QComboBox* bucketBox() const { return bucket_; }
  QString summary() const;

  /// The CSV of the rows shown (filter and sort applied).
  QString shownCsv() const;
  /// Writes shownCsv(). False (and `error`) when it cannot.
  bool exportCsv(const QString& path, QString* error = nullptr) const;

 Q_SIGNALS:
  void userActivated(qint32 user);
  void statusMessage(QString message);

 private:
  void applyFilter();
  void updateSummary();
  void exportWithDialog();

  UserMetricsModel* model_ = nullptr;
  QSortFilterProxyModel* proxy_ = nullptr;
  QTableView* view_ = nullptr;
  QComboBox* bucket_ = nullptr;
  QPushButton* export_ = nullptr;
  QLabel* summary_ = nullptr;
};

}  // namespace m6
