// UserInspectView's construction: the user's title and features, the history and recommendation
// tables with the list's controls, the attention panel, the connections and the shortcuts.
// What the view does with them is in user_inspect_view.cpp.
#include <QComboBox>
#include <QHBoxLayout>
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
#include "ui/table_style.h"
#include "ui/user_inspect_view.h"
#include "ui/user_picker.h"
#include "ui/widget_shortcut.h"

namespace m6
{

namespace
{

QTableView* makeTable(QAbstractItemModel* model, const QString& tip, QWidget* parent)
{
  auto* t = new QTableView(parent);
  t->setModel(model);
  styleReadOnlyTable(t, tip);
  return t;
}

}  // namespace

UserInspectView::UserInspectView(RunInspector* inspector, QWidget* parent)
    : QWidget(parent), inspector_(inspector)
{
  picker_ = new UserPicker(this);
  picker_->setMinimumWidth(230);
  buildHeader();
  QSplitter* tables = buildTables();
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

  connectControls();
  connectInspector();
  installShortcuts();
  clearSource();
}

void UserInspectView::buildHeader()
{
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
}

QSplitter* UserInspectView::buildTables()
{
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
  QHBoxLayout* controls = buildListControls();
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
  return tables;
}

QHBoxLayout* UserInspectView::buildListControls()
{
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
  return controls;
}

void UserInspectView::connectControls()
{
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
}

void UserInspectView::connectInspector()
{
  connect(inspector_, &RunInspector::userReady, this, &UserInspectView::onUser);
  connect(inspector_, &RunInspector::attentionReady, this, &UserInspectView::onAttention);
  connect(inspector_, &RunInspector::usersFound, this,
          [this](quint64, const m6::UserMatches& m) { picker_->setMatches(m); });
  connect(inspector_, &RunInspector::requestFailed, this, &UserInspectView::onFailed);
}

void UserInspectView::installShortcuts()
{
  addWidgetShortcut(this, QKeySequence(Qt::ALT | Qt::Key_Down), picker_, &UserPicker::next);
  addWidgetShortcut(this, QKeySequence(Qt::ALT | Qt::Key_Up), picker_, &UserPicker::previous);
  addWidgetShortcut(this, QKeySequence(Qt::CTRL | Qt::Key_R), picker_, &UserPicker::random);
  addWidgetShortcut(this, QKeySequence(Qt::CTRL | Qt::Key_L), picker_, &UserPicker::focusSearch);
}

}  // namespace m6
