#include "ui/prepare_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTimeZone>
#include <QTimer>
#include <QVBoxLayout>

#include "app/bridge/workspace_session.h"
#include "ui/job_progress_widget.h"

namespace m6
{

namespace
{

QDateEdit* dateEdit(QWidget* parent, const QString& tip)
{
  auto* d = new QDateEdit(parent);
  d->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
  d->setCalendarPopup(true);
  d->setEnabled(false);
  d->setToolTip(tip);
  return d;
}

int64_t utcSeconds(const QDate& d)
{
  return QDateTime(d, QTime(0, 0), QTimeZone::utc()).toSecsSinceEpoch();
}

}  // namespace

PrepareDialog::PrepareDialog(WorkspaceSession* session, const DatasetInfo& source, QWidget* parent)
    : QDialog(parent), session_(session), source_(source)
{
  setWindowTitle(tr("Prepare dataset %1").arg(QString::fromStdString(source.name)));
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(buildForm());
  layout->addWidget(new QLabel(tr("Before and after, step by step:"), this));
  QHBoxLayout* buttons = buildResults();
  layout->addWidget(steps_, 1);
  layout->addWidget(progress_);
  layout->addLayout(buttons);
  connectEdits();
  connectSession();
  resize(720, 560);
  nameTimer_->start();
  requestPreview();  // the "imported" row at once
}

QFormLayout* PrepareDialog::buildForm()
{
  dedupe_ = new QComboBox(this);
  dedupe_->addItem(tr("Keep every row"), static_cast<int>(Dedupe::None));
  dedupe_->addItem(tr("Remove exact repeats"), static_cast<int>(Dedupe::Exact));
  dedupe_->addItem(tr("One row per user and item: the first"), static_cast<int>(Dedupe::KeepFirst));
  dedupe_->addItem(tr("One row per user and item: the latest"), static_cast<int>(Dedupe::KeepLast));
  dedupe_->setToolTip(
      tr("Exact repeats are rows equal in every imported column (some review files repeat "
         "reviews); the other two keep one interaction per user and item"));

  useMinRating_ = new QCheckBox(tr("Only ratings of at least"), this);
  useMinRating_->setToolTip(tr("Keep interactions rated at least this; unrated ones go"));
  minRating_ = new QDoubleSpinBox(this);
  minRating_->setRange(-1e6, 1e6);
  minRating_->setDecimals(2);
  minRating_->setValue(4.0);
  minRating_->setEnabled(false);
  minRating_->setToolTip(useMinRating_->toolTip());
  if (!source_.hasRatings)
  {
    useMinRating_->setEnabled(false);
    useMinRating_->setToolTip(tr("This dataset has no ratings"));
  }

  useFrom_ = new QCheckBox(tr("From"), this);
  from_ = dateEdit(this, tr("Keep interactions on or after this day (UTC)"));
  useTo_ = new QCheckBox(tr("before"), this);
  to_ = dateEdit(this, tr("Keep interactions before this day (UTC)"));
  from_->setDate(QDate(2000, 1, 1));
  to_->setDate(QDate::currentDate());
  if (!source_.hasTimestamps)
  {
    useFrom_->setEnabled(false);
    useTo_->setEnabled(false);
    useFrom_->setToolTip(tr("This dataset has no interaction times"));
  }
  auto* window = new QHBoxLayout;
  window->addWidget(useFrom_);
  window->addWidget(from_);
  window->addWidget(useTo_);
  window->addWidget(to_);
  window->addStretch(1);
  auto* rating = new QHBoxLayout;
  rating->addWidget(useMinRating_);
  rating->addWidget(minRating_);
  rating->addStretch(1);

  maxPerUser_ = new QSpinBox(this);
  maxPerUser_->setRange(0, 100000000);
  maxPerUser_->setSpecialValueText(tr("all"));
  maxPerUser_->setToolTip(tr("Keep each user's N most recent interactions (all: no cap)"));
  maxPerUser_->setMinimumWidth(100);
  auto* perUser = new QHBoxLayout;
  perUser->addWidget(new QLabel(tr("the most recent"), this));
  perUser->addWidget(maxPerUser_);
  perUser->addWidget(new QLabel(tr("interactions"), this));
  perUser->addStretch(1);
  minUser_ = new QSpinBox(this);
  minUser_->setRange(0, 1000000);
  minUser_->setSpecialValueText(tr("any"));
  minUser_->setToolTip(
      tr("Keep users with at least this many interactions; with the item threshold the filter "
         "is repeated until both hold (a k-core)"));
  minItem_ = new QSpinBox(this);
  minItem_->setRange(0, 1000000);
  minItem_->setSpecialValueText(tr("any"));
  minItem_->setToolTip(tr("Keep items with at least this many interactions (see users)"));
  auto* core = new QHBoxLayout;
  core->addWidget(new QLabel(tr("users with at least"), this));
  core->addWidget(minUser_);
  core->addWidget(new QLabel(tr("and items with at least"), this));
  core->addWidget(minItem_);
  core->addWidget(new QLabel(tr("interactions"), this));
  core->addStretch(1);

  name_ = new QLineEdit(QString::fromStdString(source_.name) + QStringLiteral("-prepared"), this);
  name_->setToolTip(tr("A unique name for the new dataset"));
  nameProblem_ = new QLabel(this);
  nameProblem_->setStyleSheet(QStringLiteral("color: #b03030"));

  auto* form = new QFormLayout;
  form->addRow(tr("Repeated rows"), dedupe_);
  form->addRow(tr("Rating"), rating);
  form->addRow(tr("Time window"), window);
  form->addRow(tr("Per user"), perUser);
  form->addRow(tr("k-core"), core);
  form->addRow(tr("New dataset"), name_);
  form->addRow(QString(), nameProblem_);
  return form;
}

QHBoxLayout* PrepareDialog::buildResults()
{
  steps_ = new QTableWidget(0, 4, this);
  steps_->setHorizontalHeaderLabels({tr("After"), tr("Users"), tr("Items"), tr("Interactions")});
  steps_->verticalHeader()->hide();
  steps_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
  steps_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  steps_->setSelectionMode(QAbstractItemView::NoSelection);
  steps_->setToolTip(tr("What is left after each step, counted while you edit"));
  status_ = new QLabel(this);
  status_->setWordWrap(true);
  progress_ = new JobProgressWidget(this);
  progress_->hide();

  prepare_ = new QPushButton(tr("Prepare"), this);
  prepare_->setDefault(true);
  prepare_->setToolTip(
      tr("Write the new dataset; %1 stays as it is").arg(QString::fromStdString(source_.name)));
  close_ = new QPushButton(tr("Cancel"), this);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(status_, 1);
  buttons->addWidget(prepare_);
  buttons->addWidget(close_);
  return buttons;
}

void PrepareDialog::connectEdits()
{
  previewTimer_ = new QTimer(this);
  previewTimer_->setSingleShot(true);
  previewTimer_->setInterval(250);
  connect(previewTimer_, &QTimer::timeout, this, &PrepareDialog::requestPreview);
  nameTimer_ = new QTimer(this);
  nameTimer_->setSingleShot(true);
  nameTimer_->setInterval(150);
  connect(nameTimer_, &QTimer::timeout, this,
          [this] { nameToken_ = session_->checkName(name_->text().trimmed()); });

  auto edited = [this] { schedulePreview(); };
  connect(dedupe_, &QComboBox::currentIndexChanged, this, edited);
  connect(useMinRating_, &QCheckBox::toggled, minRating_, &QWidget::setEnabled);
  connect(useMinRating_, &QCheckBox::toggled, this, edited);
  connect(minRating_, &QDoubleSpinBox::valueChanged, this, edited);
  connect(useFrom_, &QCheckBox::toggled, from_, &QWidget::setEnabled);
  connect(useFrom_, &QCheckBox::toggled, this, edited);
  connect(useTo_, &QCheckBox::toggled, to_, &QWidget::setEnabled);
  connect(useTo_, &QCheckBox::toggled, this, edited);
  connect(from_, &QDateEdit::dateChanged, this, edited);
  connect(to_, &QDateEdit::dateChanged, this, edited);
  connect(maxPerUser_, &QSpinBox::valueChanged, this, edited);
  connect(minUser_, &QSpinBox::valueChanged, this, edited);
  connect(minItem_, &QSpinBox::valueChanged, this, edited);
  connect(name_, &QLineEdit::textChanged, this,
          [this]
          {
            nameChecked_ = false;
            nameTimer_->start();
            updateButtons();
          });
  connect(prepare_, &QPushButton::clicked, this, &PrepareDialog::start);
  connect(close_, &QPushButton::clicked, this, &QDialog::reject);
}

void PrepareDialog::connectSession()
{
  connect(session_, &WorkspaceSession::nameChecked, this,
          [this](quint64 token, const QString&, const QString& error)
          {
            if (token != nameToken_)
            {
              return;
            }
            nameChecked_ = true;
            nameError_ = error;
            nameProblem_->setText(error);
            updateButtons();
          });
  connect(session_, &WorkspaceSession::preparationPreview, this,
          [this](quint64 token, const m6::PrepareSteps& steps)
          {
            if (token != previewToken_)
            {
              return;
            }
            previewToken_ = 0;
            previewError_.clear();
            showSteps(steps);
          });
  connect(session_, &WorkspaceSession::requestFailed, this,
          [this](quint64 token, const QString& message)
          {
            if (token != previewToken_)
            {
              return;
            }
            previewToken_ = 0;
            previewError_ = message;
            keptInteractions_ = -1;
            steps_->setRowCount(0);
            updateButtons();
          });
  connect(progress_, &JobProgressWidget::cancelRequested, session_, &WorkspaceSession::cancelJob);
  connect(session_, &WorkspaceSession::jobProgress, this,
          [this](quint64 token, const m6::WorkProgress& p)
          {
            if (token == jobToken_)
            {
              progress_->showProgress(p);
            }
          });
  connect(session_, &WorkspaceSession::jobFinished, this, &PrepareDialog::onFinished);
  connect(session_, &WorkspaceSession::jobFailed, this, &PrepareDialog::onFailed);
}

PrepareDialog::~PrepareDialog()
{
  if (session_)
  {
    session_->releasePreparationPreview();  // the snapshot the previews held
  }
}

PrepareRecipe PrepareDialog::recipe() const
{
  PrepareRecipe r;
  r.dedupe = static_cast<Dedupe>(dedupe_->currentData().toInt());
  r.hasMinRating = useMinRating_->isEnabled() && useMinRating_->isChecked();
  r.minRating = minRating_->value();
  r.hasFrom = useFrom_->isEnabled() && useFrom_->isChecked();
  r.from = utcSeconds(from_->date());
  r.hasTo = useTo_->isEnabled() && useTo_->isChecked();
  r.to = utcSeconds(to_->date());
  r.maxPerUser = maxPerUser_->value();
  r.minUser = minUser_->value();
  r.minItem = minItem_->value();
  return r;
}

QString PrepareDialog::problem() const
{
  if (recipe().empty())
  {
    return tr("Choose at least one step");
  }
  if (!previewError_.isEmpty())
  {
    return previewError_;
  }
  if (keptInteractions_ == 0)
  {
    return tr("These steps keep no interaction");
  }
  if (name_->text().trimmed().isEmpty())
  {
    return tr("Give the new dataset a name");
  }
  if (!nameChecked_)
  {
    return tr("Checking the name…");
  }
  return nameError_;
}

void PrepareDialog::schedulePreview()
{
  keptInteractions_ = -1;
  status_->setText(tr("Counting…"));
  previewTimer_->start();
  updateButtons();
}

void PrepareDialog::requestPreview()
{
  previewToken_ = session_->previewPreparation(source_.id, recipe());
  if (previewToken_ != 0)
  {
    status_->setText(tr("Counting…"));
  }
  updateButtons();
}

void PrepareDialog::showSteps(const std::vector<PrepareStep>& steps)
{
  const QLocale locale;
  steps_->setRowCount(static_cast<int>(steps.size()));
  for (size_t r = 0; r < steps.size(); ++r)
  {
    const auto row = static_cast<int>(r);
    steps_->setItem(row, 0, new QTableWidgetItem(QString::fromStdString(steps[r].step)));
    const int64_t figures[] = {steps[r].users, steps[r].items, steps[r].interactions};
    for (int c = 0; c < 3; ++c)
    {
      auto* item = new QTableWidgetItem(locale.toString(static_cast<qlonglong>(figures[c])));
      item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
      if (r + 1 == steps.size() && steps.size() > 1)
      {
        QFont bold = item->font();
        bold.setBold(true);
        item->setFont(bold);
      }
      steps_->setItem(row, c + 1, item);
    }
  }
  keptInteractions_ = steps.empty() ? -1 : steps.back().interactions;
  updateButtons();
}

void PrepareDialog::updateButtons()
{
  const QString why = problem();
  const bool idle = jobToken_ == 0 && prepared_.isEmpty();
  prepare_->setEnabled(idle && why.isEmpty() && keptInteractions_ > 0);
  prepare_->setVisible(prepared_.isEmpty());
  if (!idle)
  {
    return;
  }
  if (previewToken_ != 0 || keptInteractions_ < 0)
  {
    status_->setText(why.isEmpty() || why == tr("Checking the name…") ? tr("Counting…") : why);
  }
  else
  {
    status_->setText(why == tr("Checking the name…") ? QString() : why);
  }
}

void PrepareDialog::start()
{
  if (!problem().isEmpty() || keptInteractions_ <= 0)
  {
    return;
  }
  jobToken_ = session_->startPrepare(QString::fromStdString(source_.name), name_->text().trimmed(),
                                     recipe());
  if (jobToken_ == 0)
  {
    status_->setText(tr("Another import or preparation is running; try again when it ends"));
    return;
  }
  progress_->start(tr("Preparing %1").arg(name_->text().trimmed()));
  progress_->show();
  prepare_->setEnabled(false);
  status_->clear();
}

void PrepareDialog::onFinished(quint64 token, const m6::ImportResult& result)
{
  if (token != jobToken_)
  {
    return;
  }
  jobToken_ = 0;
  progress_->hide();
  if (result.cancelled)
  {
    status_->setText(tr("Cancelled; nothing was written."));
    updateButtons();
    return;
  }
  prepared_ = QString::fromStdString(result.outcome.dataset.name);
  status_->setText(tr("Prepared %1: %2 interactions of %3 users on %4 items.")
                       .arg(prepared_, QLocale().toString(result.outcome.dataset.interactions),
                            QLocale().toString(result.outcome.dataset.users),
                            QLocale().toString(result.outcome.dataset.items)));
  close_->setText(tr("Close"));
  updateButtons();
  Q_EMIT prepared(result.outcome.dataset);
}

void PrepareDialog::onFailed(quint64 token, const QString& message)
{
  if (token != jobToken_)
  {
    return;
  }
  jobToken_ = 0;
  progress_->hide();
  updateButtons();
  status_->setText(tr("Preparation failed: %1").arg(message));
}

}  // namespace m6
