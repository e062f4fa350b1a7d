#include "ui/user_inspect_view.h"

#include <QAction>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include "app/bridge/run_inspector.h"
#include "ui/attention_view.h"
#include "ui/inspect_models.h"
#include "ui/user_picker.h"

namespace m6
{

namespace
{

QTableView* makeTable(QAbstractItemModel* model, const QString& tip, QWidget* parent)
{
  auto* t = new QTableView(parent);
  t->setModel(model);
  t->setSelectionBehavior(QAbstractItemView::SelectRows);
  t->setSelectionMode(QAbstractItemView::SingleSelection);
  t->setEditTriggers(QAbstractItemView::NoEditTriggers);
  t->verticalHeader()->hide();
  t->verticalHeader()->setDefaultSectionSize(t->fontMetrics().height() + 6);
  t->horizontalHeader()->setStretchLastSection(true);
  t->setAlternatingRowColors(true);
  t->setToolTip(tip);
  return t;
}

}  // namespace

UserInspectView::UserInspectView(RunInspector* inspector, QWidget* parent)
    : QWidget(parent), inspector_(inspector)
{
  picker_ = new UserPicker(this);
  picker_->setMinimumWidth(230);

  title_ = new QLabel(this);
  QFont big = title_->font();
  big.setPointSizeF(big.pointSizeF() * 1.2);
  big.setBold(true);
  title_->setFont(big);
  features_ = new QLabel(this);
  features_->setWordWrap(true);
  features_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  message_ = new QLabel(this);
  message_->setWordWrap(true);
  message_->hide();

  history_ = new HistoryModel(this);
  historyView_ = makeTable(history_,
                           tr("The user's interactions, oldest first: bold rows are the history "
                              "the model reads; the held-out validation (☆) and test (★) items "
                              "are coloured"),
                           this);

  // The row number and the item id are in the tooltip and the heatmap; the date, title,
  // category, rating and the held-out marks are what a glance needs.
  historyView_->setColumnHidden(HistoryModel::Number, true);
  historyView_->setColumnHidden(HistoryModel::Item, true);
  recs_ = new RecommendationModel(this);
  recProxy_ = new QSortFilterProxyModel(this);
  recProxy_->setSourceModel(recs_);
  recProxy_->setSortRole(kInspectSortRole);
  recView_ = makeTable(recProxy_,
                       tr("The top K for this user, training items excluded; click a row to see "
                          "the attention behind its score, click a header to sort"),
                       this);
  recView_->setSortingEnabled(true);
  recView_->sortByColumn(RecommendationModel::Rank, Qt::AscendingOrder);

  k_ = new QSpinBox(this);
  k_->setRange(1, 200);
  k_->setValue(10);
  k_->setToolTip(tr("How many recommendations to list (K)"));
  category_ = new QComboBox(this);
  category_->setToolTip(tr("Recommend only items of one category"));
  category_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  category_->setMinimumContentsLength(12);
  hour_ = new QComboBox(this);
  hour_->addItem(tr("test time"), -1);
  for (int h = 0; h < 24; ++h)
  {
    hour_->addItem(QStringLiteral("%1:00").arg(h, 2, 10, QLatin1Char('0')), h);
  }
  hour_->setToolTip(
      tr("Hour of day of the context token (UTC); \"test time\" is the time of the "
         "held-out test interaction. The Move column shows how the list moved"));
  day_ = new QComboBox(this);
  day_->addItem(tr("test day"), -1);
  const QStringList days = {tr("Sunday"),   tr("Monday"), tr("Tuesday"), tr("Wednesday"),
                            tr("Thursday"), tr("Friday"), tr("Saturday")};
  for (int d = 0; d < days.size(); ++d)
  {
    day_->addItem(days.at(d), d);
  }
  day_->setToolTip(
      tr("Day of week of the context token; the Move column shows how the list "
         "moved against the test day"));
  explainId_ = new QLineEdit(this);
  explainId_->setPlaceholderText(tr("Explain item id…"));
  explainId_->setToolTip(
      tr("Type any item id and press Enter to see the attention behind its "
         "score for this user, recommended or not"));
  explainId_->setMaximumWidth(150);
  auto* controls = new QHBoxLayout;
  controls->setContentsMargins(0, 0, 0, 0);
  controls->addWidget(new QLabel(tr("Top"), this));
  controls->addWidget(k_);
  controls->addWidget(new QLabel(tr("Category:"), this));
  controls->addWidget(category_, 1);
  controls->addWidget(new QLabel(tr("Hour:"), this));
  controls->addWidget(hour_);
  controls->addWidget(new QLabel(tr("Day:"), this));
  controls->addWidget(day_);
  controls->addWidget(explainId_);

  auto* historyBox = new QWidget(this);
  auto* hv = new QVBoxLayout(historyBox);
  hv->setContentsMargins(0, 0, 0, 0);
  hv->addWidget(new QLabel(tr("<b>History</b> (oldest first)"), this));
  hv->addWidget(historyView_, 1);
  auto* recBox = new QWidget(this);
  auto* rv = new QVBoxLayout(recBox);
  rv->setContentsMargins(0, 0, 0, 0);
  rv->addLayout(controls);
  rv->addWidget(recView_, 1);
  auto* tables = new QSplitter(Qt::Horizontal, this);
  tables->addWidget(historyBox);
  tables->addWidget(recBox);
  tables->setStretchFactor(0, 2);
  tables->setStretchFactor(1, 3);
  tables->setSizes({400, 600});

  attention_ = new AttentionView(this);
  auto* upper = new QWidget(this);
  auto* uv = new QVBoxLayout(upper);
  uv->setContentsMargins(0, 0, 0, 0);
  uv->addWidget(title_);
  uv->addWidget(features_);
  uv->addWidget(message_);
  uv->addWidget(tables, 1);
  auto* right = new QSplitter(Qt::Vertical, this);
  right->addWidget(upper);
  right->addWidget(attention_);
  right->setStretchFactor(0, 1);
  right->setStretchFactor(1, 1);
  auto* split = new QSplitter(Qt::Horizontal, this);
  split->addWidget(picker_);
  split->addWidget(right);
  split->setStretchFactor(1, 1);
  split->setSizes({250, 1000});
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(split);

  connect(picker_, &UserPicker::userChosen, this, &UserInspectView::showUser);
  connect(picker_, &UserPicker::userIdChosen, this, &UserInspectView::showUserId);
  connect(picker_, &UserPicker::searchRequested, this,
          [this](const QString& text)
          {
            if (inspector_->isOpen() && !text.isEmpty())
            {
              inspector_->findUsers(text);
            }
          });
  connect(k_, &QSpinBox::editingFinished, this, &UserInspectView::reload);
  connect(k_, &QSpinBox::valueChanged, this,
          [this]
          {
            if (!k_->hasFocus())
            {
              reload();  // arrows and wheel; typing reloads on Enter
            }
          });
  for (QComboBox* box : {category_, hour_, day_})
  {
    connect(box, &QComboBox::activated, this, &UserInspectView::reload);
  }
  connect(explainId_, &QLineEdit::returnPressed, this,
          [this] { explainItemId(explainId_->text()); });
  connect(recView_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& index) { explainRow(index); });
  connect(recView_, &QTableView::clicked, this, &UserInspectView::explainRow);
  connect(attention_, &AttentionView::compareRequested, this,
          [this](qint32 item) { requestAttention(explained_, item); });
  connect(attention_, &AttentionView::statusMessage, this, &UserInspectView::statusMessage);
  connect(inspector_, &RunInspector::userReady, this, &UserInspectView::onUser);
  connect(inspector_, &RunInspector::attentionReady, this, &UserInspectView::onAttention);
  connect(inspector_, &RunInspector::usersFound, this,
          [this](quint64, const m6::UserMatches& m) { picker_->setMatches(m); });
  connect(inspector_, &RunInspector::requestFailed, this, &UserInspectView::onFailed);
  installShortcuts();
  clearSource();
}

void UserInspectView::installShortcuts()
{
  auto add = [this](const QKeySequence& keys, auto f)
  {
    auto* a = new QAction(this);
    a->setShortcut(keys);
    a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(a, &QAction::triggered, picker_, f);
    addAction(a);
  };
  add(QKeySequence(Qt::ALT | Qt::Key_Down), &UserPicker::next);
  add(QKeySequence(Qt::ALT | Qt::Key_Up), &UserPicker::previous);
  add(QKeySequence(Qt::CTRL | Qt::Key_R), &UserPicker::random);
  add(QKeySequence(Qt::CTRL | Qt::Key_L), &UserPicker::focusSearch);
}

void UserInspectView::clearSource()
{
  info_ = InspectSourceInfo();
  view_ = UserView();
  userToken_ = attentionToken_ = 0;
  explained_ = -1;
  picker_->setUserCount(0);
  picker_->setCurrentUser(-1);
  picker_->clearLists();
  history_->setHistory({});
  recs_->setRows({}, false);
  attention_->setRecommendations({});
  attention_->setAttention(AttentionMap());
  title_->setText(tr("No model open"));
  features_->clear();
  setMessage(QString(), false);
  category_->clear();
  category_->addItem(tr("All categories"), -1);
}

void UserInspectView::setSource(const InspectSourceInfo& info)
{
  clearSource();
  info_ = info;
  picker_->setUserCount(info.users);
  for (int c = 0; c < info.categories.size(); ++c)
  {
    category_->addItem(info.categories.at(c), c);
  }
  category_->setEnabled(!info.categories.isEmpty());
  for (QComboBox* box : {hour_, day_})
  {
    box->setCurrentIndex(0);
    box->setEnabled(info.usesContext);
  }
  if (!info.usesContext)
  {
    hour_->setToolTip(tr("This model does not read the context: the list cannot move with it"));
  }
  title_->setText(tr("Pick a user on the left (search, Next, Random, or a missed user)"));
  if (!info.hasProfiles)
  {
    features_->setText(
        tr("Opened from a model file: the file holds ids, titles, categories and "
           "each user's training items, but no features, ratings, dates or "
           "held-out items, so none are shown."));
  }
  if (!info.hasAttention)
  {
    attention_->setUnavailable(info.noAttentionReason);
  }
}

void UserInspectView::setMissed(const UserMetricsTable& table)
{
  picker_->setMissed(table);
}

QString UserInspectView::message() const
{
  return message_->isVisible() ? message_->text() : QString();
}

void UserInspectView::setMessage(const QString& text, bool error)
{
  message_->setText(text);
  message_->setStyleSheet(error ? QStringLiteral("color: #b00020; font-weight: bold")
                                : QStringLiteral("color: #8a5a00"));
  message_->setVisible(!text.isEmpty());
}

UserRequest UserInspectView::request(qint32 user) const
{
  UserRequest r;
  r.user = user;
  r.k = k_->value();
  r.category = category_->currentData().toInt();
  r.context.hourOfDay = hour_->currentData().toInt();
  r.context.dayOfWeek = day_->currentData().toInt();
  r.compareItem = attention_->compareItem();
  return r;
}

void UserInspectView::showUser(qint32 user)
{
  if (!inspector_->isOpen())
  {
    return;
  }
  picker_->setCurrentUser(user);
  const bool same = view_.profile.user == user;
  UserRequest r = request(user);
  if (same && explained_ >= 0)
  {
    r.explainItem = explained_;  // a new K or context keeps the explained item
  }
  else
  {
    r.compareItem = -1;
  }
  attention_->setPending(true);
  userToken_ = inspector_->showUser(r);
  attentionToken_ = 0;
}

void UserInspectView::showUserId(const QString& id)
{
  if (!inspector_->isOpen() || id.trimmed().isEmpty())
  {
    return;
  }
  UserRequest r = request(-1);
  r.userId = id.trimmed();
  r.compareItem = -1;
  userToken_ = inspector_->showUser(r);
  attentionToken_ = 0;
}

void UserInspectView::reload()
{
  if (view_.profile.user >= 0)
  {
    showUser(view_.profile.user);
  }
}

void UserInspectView::onUser(quint64 token, const UserView& v)
{
  if (token != userToken_)
  {
    return;
  }
  userToken_ = 0;
  attentionToken_ = 0;  // anything explained before belongs to the previous view
  view_ = v;
  picker_->setCurrentUser(v.profile.user);
  title_->setText(
      tr("User %1 — %2 training interactions").arg(v.profile.userId).arg(v.profile.trainCount));
  QStringList features;
  for (const auto& f : v.profile.features)
  {
    features
        << QStringLiteral("%1: <b>%2</b>").arg(f.first.toHtmlEscaped(), f.second.toHtmlEscaped());
  }
  if (!features.isEmpty())
  {
    features_->setText(features.join(QStringLiteral(" &nbsp; ")));
  }
  setMessage(v.profile.message, false);
  history_->setHistory(v.profile.history);
  historyView_->resizeColumnsToContents();
  historyView_->setColumnWidth(HistoryModel::Title,
                               std::min(historyView_->columnWidth(HistoryModel::Title), 200));
  historyView_->scrollToBottom();
  recs_->setRows(v.recommendations, v.contextCompared);
  recView_->setColumnHidden(RecommendationModel::Move, !v.contextCompared);
  recView_->resizeColumnsToContents();
  recView_->setColumnWidth(RecommendationModel::Title,
                           std::min(recView_->columnWidth(RecommendationModel::Title), 220));
  recView_->setColumnWidth(RecommendationModel::Category,
                           std::min(recView_->columnWidth(RecommendationModel::Category), 170));
  attention_->setRecommendations(v.recommendations);
  if (v.attention.valid)
  {
    explained_ = v.attention.item;
    attention_->setAttention(v.attention, v.compare);
    const int row = recs_->rowOfItem(explained_);
    if (row >= 0)
    {
      const QSignalBlocker block(recView_->selectionModel());
      recView_->selectRow(recProxy_->mapFromSource(recs_->index(row, 0)).row());
    }
  }
  else
  {
    explained_ = -1;
    attention_->setUnavailable(v.attentionMessage);
  }
  Q_EMIT statusMessage(tr("User %1: top %2 in %3 ms")
                           .arg(v.profile.userId)
                           .arg(v.recommendations.size())
                           .arg(v.seconds * 1000, 0, 'f', 1));
}

void UserInspectView::explainRow(const QModelIndex& index)
{
  if (!index.isValid() || view_.profile.user < 0 || !info_.hasAttention)
  {
    return;
  }
  const qint32 item = recProxy_->data(index, kInspectIndexRole).toInt();
  if (item != explained_)
  {
    requestAttention(item, attention_->compareItem());
  }
}

void UserInspectView::requestAttention(qint32 item, qint32 compare)
{
  // While another user (or context) is on its way, the table still lists the old one's items: a
  // click there must not explain them for the old user over the new one's profile.
  if (view_.profile.user < 0 || item < 0 || !info_.hasAttention || userToken_ != 0)
  {
    return;
  }
  AttentionRequest r;
  r.user = view_.profile.user;
  r.item = item;
  r.compareItem = compare;
  r.context = view_.context;
  explained_ = item;
  attention_->setPending(true);
  attentionToken_ = inspector_->explain(r);
}

void UserInspectView::explainItemId(const QString& itemId)
{
  if (view_.profile.user < 0 || itemId.trimmed().isEmpty() || userToken_ != 0)
  {
    return;
  }
  if (!info_.hasAttention)
  {
    setMessage(info_.noAttentionReason, true);
    return;
  }
  AttentionRequest r;
  r.user = view_.profile.user;
  r.itemId = itemId.trimmed();
  r.compareItem = attention_->compareItem();
  r.context = view_.context;
  attention_->setPending(true);
  attentionToken_ = inspector_->explain(r);
}

void UserInspectView::onAttention(quint64 token, const AttentionPair& pair)
{
  if (token != attentionToken_)
  {
    return;
  }
  attentionToken_ = 0;
  explained_ = pair.first.item;
  attention_->setAttention(pair.first, pair.second);
  setMessage(view_.profile.message, false);
}

void UserInspectView::onFailed(quint64 token, InspectChannel channel, const QString& message)
{
  if (channel == InspectChannel::Search)
  {
    setMessage(message, true);  // a search that failed says why instead of showing nothing
    Q_EMIT statusMessage(message);
  }
  else if (channel == InspectChannel::User && token == userToken_)
  {
    userToken_ = 0;
    if (view_.profile.user >= 0)
    {
      picker_->setCurrentUser(view_.profile.user);  // Next/Previous step from what is shown
    }
    attention_->setPending(false);
    setMessage(message, true);
    Q_EMIT statusMessage(message);
  }
  else if (channel == InspectChannel::Attention && token == attentionToken_)
  {
    attentionToken_ = 0;
    attention_->setPending(false);
    setMessage(message, true);
    Q_EMIT statusMessage(message);
  }
}

}  // namespace m6
