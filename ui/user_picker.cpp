#include "ui/user_picker.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QTabWidget>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>
#include <cstddef>

#include "ui/table_style.h"

namespace m6
{

namespace
{

QTableWidget* makeList(const QStringList& headers, const QString& tip, QWidget* parent)
{
  auto* t = new QTableWidget(0, int(headers.size()), parent);
  t->setHorizontalHeaderLabels(headers);
  styleReadOnlyTable(t, tip);
  t->setWordWrap(false);
  return t;
}

QTableWidgetItem* cell(const QVariant& value, qint32 user)
{
  auto* item = new QTableWidgetItem;
  item->setData(Qt::DisplayRole, value);
  item->setData(Qt::UserRole, user);
  return item;
}

}  // namespace

UserPicker::UserPicker(QWidget* parent) : QWidget(parent)
{
  search_ = new QLineEdit(this);
  search_->setPlaceholderText(tr("User id or feature value…"));
  search_->setClearButtonEnabled(true);
  search_->setToolTip(
      tr("Type a user id, or a feature value such as \"north\" or \"region=north\"; Enter opens "
         "the first match (Ctrl+L)"));
  previous_ = new QPushButton(tr("◀ Previous"), this);
  previous_->setToolTip(tr("The previous user by index (Alt+Up)"));
  next_ = new QPushButton(tr("Next ▶"), this);
  next_->setToolTip(tr("The next user by index (Alt+Down)"));
  random_ = new QPushButton(tr("Random"), this);
  random_->setToolTip(tr("A user picked at random (Ctrl+R)"));
  auto* buttons = new QHBoxLayout;
  buttons->setContentsMargins(0, 0, 0, 0);
  buttons->addWidget(previous_);
  buttons->addWidget(next_);
  buttons->addWidget(random_);

  matches_ = makeList({tr("User"), tr("Matched on")},
                      tr("Users matching the search; click one to open it"), this);
  missed_ = makeList({tr("User"), tr("Rank"), tr("Test item")},
                     tr("Users whose held-out test item is not in the top K, by the rank the "
                        "model gave it; click one to open it, click a header to sort"),
                     this);
  missed_->setSortingEnabled(true);
  missedNote_ = new QLabel(this);
  missedNote_->setWordWrap(true);
  missedNote_->setStyleSheet(QStringLiteral("color: gray"));
  auto* missedPage = new QWidget(this);
  auto* mv = new QVBoxLayout(missedPage);
  mv->setContentsMargins(0, 0, 0, 0);
  mv->addWidget(missedNote_);
  mv->addWidget(missed_, 1);
  tabs_ = new QTabWidget(this);
  tabs_->addTab(missedPage, tr("Missed"));
  tabs_->setTabToolTip(0, tr("Users whose test item the model missed, near misses first"));
  tabs_->addTab(matches_, tr("Search"));
  tabs_->setTabToolTip(1, tr("Users matching the search box"));

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(search_);
  layout->addLayout(buttons);
  layout->addWidget(tabs_, 1);

  debounce_ = new QTimer(this);
  debounce_->setSingleShot(true);
  debounce_->setInterval(200);
  connect(debounce_, &QTimer::timeout, this,
          [this] { Q_EMIT searchRequested(search_->text().trimmed()); });
  connect(search_, &QLineEdit::textEdited, this, [this] { debounce_->start(); });
  connect(search_, &QLineEdit::returnPressed, this,
          [this]
          {
            const QString text = search_->text().trimmed();
            if (text.isEmpty())
            {
              return;
            }
            if (matchesFor_ == text && matches_->rowCount() > 0)
            {
              matches_->selectRow(0);
              choose(matches_->item(0, 0)->data(Qt::UserRole).toInt());
              return;
            }
            Q_EMIT userIdChosen(text);
          });
  connect(previous_, &QPushButton::clicked, this, &UserPicker::previous);
  connect(next_, &QPushButton::clicked, this, &UserPicker::next);
  connect(random_, &QPushButton::clicked, this, &UserPicker::random);
  for (QTableWidget* list : {matches_, missed_})
  {
    connect(list, &QTableWidget::itemClicked, this,
            [this](QTableWidgetItem* item) { choose(item->data(Qt::UserRole).toInt()); });
    connect(list, &QTableWidget::currentItemChanged, this,
            [this](QTableWidgetItem* item, QTableWidgetItem* previous)
            {
              // Arrow keys in the list walk through the users.
              if (item && previous && item->row() != previous->row())
              {
                choose(item->data(Qt::UserRole).toInt());
              }
            });
  }
  setUserCount(0);
}

void UserPicker::setUserCount(qint64 users)
{
  users_ = users;
  for (QWidget* w : {static_cast<QWidget*>(previous_), static_cast<QWidget*>(next_),
                     static_cast<QWidget*>(random_), static_cast<QWidget*>(search_)})
  {
    w->setEnabled(users > 0);
  }
}

void UserPicker::setCurrentUser(qint32 user)
{
  current_ = user;
}

void UserPicker::clearLists()
{
  matches_->setRowCount(0);
  missed_->setRowCount(0);
  missedNote_->clear();
  matchesFor_.clear();
}

void UserPicker::setMatches(const UserMatches& m)
{
  matchesFor_ = m.query;
  matches_->setRowCount(0);
  matches_->setRowCount(int(m.matches.size()));
  for (size_t r = 0; r < m.matches.size(); ++r)
  {
    matches_->setItem(int(r), 0, cell(m.matches[r].userId, m.matches[r].user));
    matches_->setItem(int(r), 1, cell(m.matches[r].why, m.matches[r].user));
  }
  matches_->resizeColumnToContents(0);
  tabs_->setTabText(1, m.truncated ? tr("Search (%1+)").arg(m.matches.size())
                                   : tr("Search (%1)").arg(m.matches.size()));
  if (!m.query.isEmpty())
  {
    tabs_->setCurrentIndex(1);
  }
}

void UserPicker::setMissed(const UserMetricsTable& t)
{
  missed_->setSortingEnabled(false);
  missed_->setRowCount(0);
  std::vector<const UserMetricEntry*> rows;
  for (const auto& e : t.rows)
  {
    if (e.rank >= t.k)
    {
      rows.push_back(&e);
    }
  }
  // The nearest misses only: a large dataset misses for a hundred thousand users, and a list of
  // that many rows would hold the window for seconds while it is built.
  const size_t missed = rows.size();
  const size_t shown = std::min(missed, kMaxMissedShown);
  std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(shown), rows.end(),
                    [](auto* a, auto* b)
                    { return a->rank < b->rank || (a->rank == b->rank && a < b); });
  rows.resize(shown);
  missed_->setRowCount(int(rows.size()));
  for (size_t r = 0; r < rows.size(); ++r)
  {
    const UserMetricEntry& e = *rows[r];
    missed_->setItem(int(r), 0, cell(e.userId, e.user));
    missed_->setItem(int(r), 1, cell(qlonglong(e.rank + 1), e.user));
    missed_->setItem(int(r), 2, cell(e.itemId + QStringLiteral("  ") + e.title, e.user));
  }
  missed_->setSortingEnabled(true);
  missed_->sortByColumn(1, Qt::AscendingOrder);
  missed_->resizeColumnsToContents();
  QString text = tr("%1 of %2 users: test item outside the top %3 (%4)")
                     .arg(missed)
                     .arg(t.rows.size())
                     .arg(t.k)
                     .arg(t.source);
  if (shown < missed)
  {
    text += tr("; the %1 nearest misses are listed").arg(shown);
  }
  missedNote_->setText(text);
  tabs_->setTabText(0, tr("Missed (%1)").arg(missed));
}

QString UserPicker::missedNote() const
{
  return missedNote_->text();
}

void UserPicker::focusSearch()
{
  search_->setFocus(Qt::ShortcutFocusReason);
  search_->selectAll();
}

void UserPicker::choose(qint32 user)
{
  if (user >= 0 && user < users_)
  {
    current_ = user;
    Q_EMIT userChosen(user);
  }
}

void UserPicker::next()
{
  if (users_ > 0)
  {
    choose(current_ < 0 ? 0 : qint32((current_ + 1) % users_));
  }
}

void UserPicker::previous()
{
  if (users_ > 0)
  {
    choose(current_ <= 0 ? qint32(users_ - 1) : current_ - 1);
  }
}

void UserPicker::random()
{
  if (users_ > 0)
  {
    choose(qint32(QRandomGenerator::global()->bounded(users_)));
  }
}

}  // namespace m6
