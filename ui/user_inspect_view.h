// UserInspectView: the per-user tab of the Inspect page: a UserPicker (search, previous /
// next / random, the users whose test item was missed) on the left; on the right the user's
// profile (features) and timeline (held-out validation and test items marked), the top K (K,
// category filter, hour / day-of-week context that re-ranks and shows how the list moved, held-out
// truth and cold items marked), and the attention behind the selected recommendation
// (AttentionView). Clicking a recommendation asks for its attention only.
//
// Every request goes through the RunInspector (the model lives on its worker); answers carry
// tokens and the inspector drops stale ones, so clicking quickly through users shows only the
// last. Failures (unknown user or item, no model) are written in the page.
//
// Shortcuts (while the Inspect page has focus): Alt+Down / Alt+Up next / previous user, Ctrl+R a
// random user, Ctrl+L the search box.
//
// Thread affinity: GUI thread.
#pragma once

#include <QWidget>

#include "app/bridge/inspect_types.h"

class QComboBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QSpinBox;
class QSplitter;
class QTableView;

namespace m6
{

class AttentionView;
class HistoryModel;
class RecommendationModel;
class RunInspector;
class UserPicker;

class UserInspectView : public QWidget
{
  Q_OBJECT
 public:
  explicit UserInspectView(RunInspector* inspector, QWidget* parent = nullptr);

  /// A model was opened: resets the controls (categories, context) for it.
  void setSource(const InspectSourceInfo& info);
  /// Nothing is open (or the open failed): empties the page.
  void clearSource();
  /// Shows a user (index) with the current K, category and context.
  void showUser(qint32 user);
  /// Shows a user by external id.
  void showUserId(const QString& id);
  /// The users whose test item was missed (from the per-user metrics).
  void setMissed(const UserMetricsTable& table);
  /// Asks for the attention behind `item` for the current user (e.g. an item id never recommended).
  void explainItemId(const QString& itemId);

  UserPicker* picker() const { return picker_; }
  RecommendationModel* recommendations() const { return recs_; }
  HistoryModel* history() const { return history_; }
  QTableView* recommendationTable() const { return recView_; }
  QTableView* historyTable() const { return historyView_; }
  AttentionView* attention() const { return attention_; }
  QSpinBox* kBox() const { return k_; }
  QComboBox* categoryBox() const { return category_; }
  QComboBox* hourBox() const { return hour_; }
  QComboBox* dayBox() const { return day_; }
  /// The message line of the page (errors, the user's situation); "" when hidden.
  QString message() const;
  /// The last view shown (valid after the first userReady).
  const UserView& current() const { return view_; }
  /// No request of this page is in flight.
  bool idle() const { return userToken_ == 0 && attentionToken_ == 0; }

 Q_SIGNALS:
  void statusMessage(QString message);

 private:
  // The constructor's steps: the user's title and features, the history and recommendation
  // tables with the list's controls, the connections.
  void buildHeader();
  QSplitter* buildTables();
  QHBoxLayout* buildListControls();
  void connectControls();
  void connectInspector();

  UserRequest request(qint32 user) const;
  void reload();
  void onUser(quint64 token, const UserView& v);
  void onAttention(quint64 token, const AttentionPair& pair);
  void onFailed(quint64 token, InspectChannel channel, const QString& message);
  void explainRow(const QModelIndex& index);
  void requestAttention(qint32 item, qint32 compare);
  void setMessage(const QString& text, bool error);
  void installShortcuts();

  RunInspector* inspector_;
  InspectSourceInfo info_;
  UserPicker* picker_ = nullptr;
  QLabel* title_ = nullptr;
  QLabel* features_ = nullptr;
  QLabel* message_ = nullptr;
  HistoryModel* history_ = nullptr;
  QTableView* historyView_ = nullptr;
  RecommendationModel* recs_ = nullptr;
  QSortFilterProxyModel* recProxy_ = nullptr;
  QTableView* recView_ = nullptr;
  QSpinBox* k_ = nullptr;
  QComboBox* category_ = nullptr;
  QComboBox* hour_ = nullptr;
  QComboBox* day_ = nullptr;
  QLineEdit* explainId_ = nullptr;
  AttentionView* attention_ = nullptr;
  UserView view_;
  qint32 explained_ = -1;  // item whose attention is shown
  quint64 userToken_ = 0;
  quint64 attentionToken_ = 0;
};

}  // namespace m6
