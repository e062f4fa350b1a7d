#include "ui/filter_bar.h"

#include <QDateEdit>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QTimeZone>
#include <QTimer>
#include <QToolButton>

namespace m6
{

namespace
{

// The minimum of a range control stands for "no bound" and shows as "any".
const QDate kNoDate(1900, 1, 1);
constexpr double kNoRating = -1.0;

QDoubleSpinBox* ratingBox(QWidget* parent, const QString& tip)
{
  auto* box = new QDoubleSpinBox(parent);
  box->setRange(kNoRating, 1000.0);
  box->setDecimals(1);
  box->setSingleStep(0.5);
  box->setSpecialValueText(QObject::tr("any"));
  box->setValue(kNoRating);
  box->setToolTip(tip);
  box->setMinimumWidth(70);
  return box;
}

QDateEdit* dateBox(QWidget* parent, const QString& tip)
{
  auto* box = new QDateEdit(parent);
  box->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
  box->setMinimumDate(kNoDate);
  box->setSpecialValueText(QObject::tr("any"));
  box->setDate(kNoDate);
  box->setCalendarPopup(true);
  box->setToolTip(tip);
  return box;
}

}  // namespace

FilterBar::FilterBar(BrowseTable table, QWidget* parent) : QWidget(parent)
{
  auto* row = new QHBoxLayout(this);
  row->setContentsMargins(0, 0, 0, 0);
  text_ = new QLineEdit(this);
  text_->setClearButtonEnabled(true);
  switch (table)
  {
    case BrowseTable::Users:
      text_->setPlaceholderText(tr("Filter users by id…"));
      text_->setToolTip(tr("Shows users whose id contains this text (Ctrl+F)"));
      break;
    case BrowseTable::Items:
      text_->setPlaceholderText(tr("Filter items by id or title…"));
      text_->setToolTip(tr("Shows items whose id or title contains this text (Ctrl+F)"));
      break;
    case BrowseTable::Interactions:
      text_->setPlaceholderText(tr("User id, item id or title…"));
      text_->setToolTip(
          tr("Shows interactions of the user or item with exactly this id, or of items whose "
             "title contains this text (Ctrl+F)"));
      break;
  }
  row->addWidget(text_, 1);
  debounce_ = new QTimer(this);
  debounce_->setSingleShot(true);
  debounce_->setInterval(kDebounceMs);
  connect(text_, &QLineEdit::textChanged, debounce_, qOverload<>(&QTimer::start));
  connect(debounce_, &QTimer::timeout, this, &FilterBar::filterChanged);
  if (table == BrowseTable::Interactions)
  {
    row->addWidget(new QLabel(tr("Rating"), this));
    ratingMin_ = ratingBox(this, tr("Lowest rating shown (\"any\": no lower bound)"));
    ratingMax_ = ratingBox(this, tr("Highest rating shown (\"any\": no upper bound)"));
    row->addWidget(ratingMin_);
    row->addWidget(new QLabel(QStringLiteral("–"), this));
    row->addWidget(ratingMax_);
    row->addSpacing(8);
    row->addWidget(new QLabel(tr("Date"), this));
    from_ = dateBox(this, tr("First day shown, UTC (\"any\": no lower bound)"));
    to_ = dateBox(this, tr("Last day shown, UTC (\"any\": no upper bound)"));
    row->addWidget(from_);
    row->addWidget(new QLabel(QStringLiteral("–"), this));
    row->addWidget(to_);
    for (auto* box : {ratingMin_, ratingMax_})
    {
      connect(box, &QDoubleSpinBox::valueChanged, this, &FilterBar::filterChanged);
    }
    for (auto* box : {from_, to_})
    {
      connect(box, &QDateEdit::dateChanged, this, &FilterBar::filterChanged);
    }
  }
  auto* reset = new QToolButton(this);
  reset->setText(tr("Clear"));
  reset->setToolTip(tr("Clears every filter of this table"));
  connect(reset, &QToolButton::clicked, this, &FilterBar::clear);
  row->addWidget(reset);
}

BrowseFilter FilterBar::filter() const
{
  BrowseFilter f;
  f.text = text_->text().trimmed().toStdString();
  if (ratingMin_ && ratingMin_->value() > kNoRating)
  {
    f.ratingMin = ratingMin_->value();
  }
  if (ratingMax_ && ratingMax_->value() > kNoRating)
  {
    f.ratingMax = ratingMax_->value();
  }
  if (from_ && from_->date() > kNoDate)
  {
    f.timeMin = QDateTime(from_->date(), QTime(0, 0), QTimeZone::utc()).toSecsSinceEpoch();
  }
  if (to_ && to_->date() > kNoDate)
  {
    f.timeMax = QDateTime(to_->date(), QTime(23, 59, 59), QTimeZone::utc()).toSecsSinceEpoch();
  }
  return f;
}

void FilterBar::clear()
{
  const QSignalBlocker block(this);
  text_->clear();
  debounce_->stop();
  if (ratingMin_)
  {
    ratingMin_->setValue(kNoRating);
    ratingMax_->setValue(kNoRating);
    from_->setDate(kNoDate);
    to_->setDate(kNoDate);
  }
  blockSignals(false);
  Q_EMIT filterChanged();
}

void FilterBar::focusText()
{
  text_->setFocus(Qt::ShortcutFocusReason);
  text_->selectAll();
}

}  // namespace m6
