// UserPicker: how the per-user view chooses a user: a search box (a user id, or a
// feature value such as "north" or "region=north"; results listed as they arrive), previous /
// next / random user, and the list of users whose held-out test item the model missed, sorted by
// the rank of that item (near misses first; click a column to sort otherwise).
//
// It only asks (signals); the page sends the requests. Keyboard shortcuts are the page's
// (UserInspectView): Alt+Up / Alt+Down, Ctrl+R, Ctrl+L.
//
// Thread affinity: GUI thread.
#pragma once

#include <QWidget>

#include "app/bridge/inspect_types.h"

class QLabel;
class QLineEdit;
class QPushButton;
class QTabWidget;
class QTableWidget;
class QTimer;

namespace m6
{

class UserPicker : public QWidget
{
  Q_OBJECT
 public:
  explicit UserPicker(QWidget* parent = nullptr);

  /// Number of users of the open model (0: nothing open; the buttons are disabled).
  void setUserCount(qint64 users);
  /// The user shown now (for next / previous).
  void setCurrentUser(qint32 user);
  qint32 currentUser() const { return current_; }
  void setMatches(const UserMatches& matches);
  /// The users whose test item ranked at or below K, sorted by that rank.
  /// The users whose test item is outside the top K, nearest misses first (at most
  /// kMaxMissedShown of them; the note says how many missed).
  void setMissed(const UserMetricsTable& table);
  static constexpr size_t kMaxMissedShown = 1000;
  /// The line above the missed list (how many missed, how many are listed).
  QString missedNote() const;
  void clearLists();

  QLineEdit* searchBox() const { return search_; }
  QTableWidget* matchList() const { return matches_; }
  QTableWidget* missedList() const { return missed_; }
  QTabWidget* lists() const { return tabs_; }

  void focusSearch();
  void next();
  void previous();
  void random();

 Q_SIGNALS:
  void userChosen(qint32 user);
  /// Enter in the search box with no listed match: the text as an external id.
  void userIdChosen(QString id);
  /// The search text changed (after a short pause in typing).
  void searchRequested(QString text);

 private:
  void choose(qint32 user);

  QLineEdit* search_ = nullptr;
  QPushButton* previous_ = nullptr;
  QPushButton* next_ = nullptr;
  QPushButton* random_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  QTableWidget* matches_ = nullptr;
  QTableWidget* missed_ = nullptr;
  QLabel* missedNote_ = nullptr;
  QTimer* debounce_ = nullptr;
  QString matchesFor_;
  qint64 users_ = 0;
  qint32 current_ = -1;
};

}  // namespace m6
