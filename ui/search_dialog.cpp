// Over 500 lines: the search-space editor: dimensions by kind, their validation, and the request it
// builds.

#include "ui/search_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "app/bridge/qt_text.h"
#include "model/core/config_fields.h"

namespace m6
{

namespace
{

constexpr int kDefaultRandomTrials = 10;  // the runner's default for random and halving

bool offered(const ConfigFieldInfo& f)
{
  return searchableKey(f.key) && f.type != ConfigFieldType::StringList;
}

QString number(double v)
{
  return QString::number(v, 'g', 6);
}

// "a, b, c" -> the knob's JSON values. Throws std::invalid_argument naming the value.
Json choicesJson(const ConfigFieldInfo& f, const QString& text)
{
  Json list = Json::array();
  for (const QString& raw : text.split(QLatin1Char(','), Qt::SkipEmptyParts))
  {
    const QString t = raw.trimmed();
    if (t.isEmpty())
    {
      continue;
    }
    bool ok = true;
    switch (f.type)
    {
      case ConfigFieldType::Int:
      {
        const qlonglong v = t.toLongLong(&ok);
        if (!ok)
        {
          throw std::invalid_argument("\"" + t.toStdString() + "\" is not a whole number");
        }
        list.push_back(Json(static_cast<int64_t>(v)));
        break;
      }
      case ConfigFieldType::Double:
      {
        const double v = t.toDouble(&ok);
        if (!ok || !std::isfinite(v))
        {
          throw std::invalid_argument("\"" + t.toStdString() + "\" is not a number");
        }
        list.push_back(Json(v));
        break;
      }
      case ConfigFieldType::Bool:
      {
        const QString l = t.toLower();
        if (l != QLatin1String("true") && l != QLatin1String("false"))
        {
          throw std::invalid_argument("\"" + t.toStdString() + "\" is not true or false");
        }
        list.push_back(Json(l == QLatin1String("true")));
        break;
      }
      default:
        list.push_back(Json(t.toStdString()));
        break;
    }
  }
  if (list.size() == 0)
  {
    throw std::invalid_argument("no choices written (a list separated by commas)");
  }
  return list;
}

}  // namespace

SearchDialog::SearchDialog(const RunConfig& base, const QString& datasetName, QWidget* parent)
    : QDialog(parent), base_(base)
{
  setWindowTitle(tr("Hyperparameter search on %1").arg(datasetName));
  auto* intro = new QLabel(
      tr("Every trial is the Configure page's configuration with the values below set; each is an "
         "ordinary run, grouped under the search in the Runs page. Trials are compared on the "
         "validation set by the early-stopping metric; test figures stay untouched until you "
         "pick a winner."),
      this);
  intro->setWordWrap(true);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(intro);
  QHBoxLayout* rowButtons = buildSpaceTable();
  layout->addWidget(table_, 1);
  layout->addLayout(rowButtons);
  layout->addLayout(buildStrategyForm());
  buildFooter();
  layout->addWidget(summary_);
  layout->addWidget(buttons_);
  resize(980, 520);
  connectControls();
  addDimension(QStringLiteral("train.lr"));
}

QHBoxLayout* SearchDialog::buildSpaceTable()
{
  table_ = new QTableWidget(0, ColumnCount, this);
  table_->setHorizontalHeaderLabels(
      {tr("Setting"), tr("Kind"), tr("Choices"), tr("Min"), tr("Max"), tr("Log"), tr("Steps")});
  table_->horizontalHeaderItem(Choices)->setToolTip(
      tr("The values to try, separated by commas: 1, 2, 4 or gru, transformer"));
  table_->horizontalHeaderItem(Log)->setToolTip(
      tr("Draw (and grid) the range evenly on a log scale, as for learning rates"));
  table_->horizontalHeaderItem(Steps)->setToolTip(
      tr("Grid points over the range (a grid search needs them on real-valued ranges; 0: none)"));
  table_->verticalHeader()->setVisible(false);
  table_->horizontalHeader()->setSectionResizeMode(Key, QHeaderView::Stretch);
  table_->setColumnWidth(Kind, 100);
  table_->setColumnWidth(Choices, 200);
  table_->setColumnWidth(Min, 90);
  table_->setColumnWidth(Max, 90);
  table_->setColumnWidth(Log, 40);
  table_->setColumnWidth(Steps, 70);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setMinimumHeight(180);
  auto* add = new QPushButton(tr("Add setting"), this);
  add->setToolTip(tr("Vary one more setting"));
  auto* remove = new QPushButton(tr("Remove"), this);
  remove->setToolTip(tr("Stop varying the selected setting"));
  auto* rowButtons = new QHBoxLayout;
  rowButtons->addWidget(add);
  rowButtons->addWidget(remove);
  rowButtons->addStretch(1);
  connect(add, &QPushButton::clicked, this, [this] { addDimension(); });
  connect(remove, &QPushButton::clicked, this,
          [this]
          {
            if (table_->currentRow() >= 0)
            {
              removeDimension(table_->currentRow());
            }
          });
  return rowButtons;
}

QFormLayout* SearchDialog::buildStrategyForm()
{
  strategy_ = new QComboBox(this);
  strategy_->addItem(tr("random"), QStringLiteral("random"));
  strategy_->setItemData(0, tr("Trials drawn at random from the space (seeded)"), Qt::ToolTipRole);
  strategy_->addItem(tr("grid"), QStringLiteral("grid"));
  strategy_->setItemData(1, tr("Every combination, the last setting varying fastest"),
                         Qt::ToolTipRole);
  strategy_->addItem(tr("successive halving"), QStringLiteral("halving"));
  strategy_->setItemData(
      2, tr("Random trials; at each rung epoch a trial not among the best 1/eta so far is stopped"),
      Qt::ToolTipRole);
  trials_ = new QSpinBox(this);
  trials_->setRange(0, 100000);
  trials_->setSpecialValueText(tr("default"));
  trials_->setToolTip(tr("How many trials: default is the whole grid (grid) or %1 (random, "
                         "halving); a smaller number takes the first ones")
                          .arg(kDefaultRandomTrials));
  minEpochs_ = new QSpinBox(this);
  minEpochs_->setRange(1, 10000);
  minEpochs_->setValue(1);
  minEpochs_->setToolTip(tr("Halving: the first rung, in epochs; then rung x eta, ..."));
  eta_ = new QSpinBox(this);
  eta_->setRange(2, 100);
  eta_->setValue(3);
  eta_->setToolTip(tr("Halving: keep the best 1/eta of the trials at each rung"));
  budget_ = new QDoubleSpinBox(this);
  budget_->setRange(0, 1e6);
  budget_->setDecimals(1);
  budget_->setSuffix(tr(" min"));
  budget_->setSpecialValueText(tr("none"));
  budget_->setToolTip(
      tr("Start no trial after this many minutes, and stop the running one there (the search "
         "can be resumed from the Runs page)"));
  name_ = new QLineEdit(this);
  name_->setPlaceholderText(tr("search N"));
  name_->setMaxLength(80);
  name_->setToolTip(tr("Its trials are named \"<name> trial T\""));
  auto* form = new QFormLayout;
  form->addRow(tr("Strategy:"), strategy_);
  form->addRow(tr("Trials:"), trials_);
  auto* halving = new QHBoxLayout;
  halving->addWidget(new QLabel(tr("first rung"), this));
  halving->addWidget(minEpochs_);
  halving->addWidget(new QLabel(tr("eta"), this));
  halving->addWidget(eta_);
  halving->addStretch(1);
  form->addRow(tr("Halving:"), halving);
  form->addRow(tr("Time budget:"), budget_);
  form->addRow(tr("Name:"), name_);
  return form;
}

void SearchDialog::buildFooter()
{
  summary_ = new QLabel(this);
  summary_->setWordWrap(true);
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  buttons_->button(QDialogButtonBox::Ok)->setText(tr("Start search"));
  queue_ = buttons_->addButton(tr("Add to queue"), QDialogButtonBox::ActionRole);
  queue_->setToolTip(tr("Put the search in the run queue: it starts in its turn"));
}

void SearchDialog::connectControls()
{
  connect(table_, &QTableWidget::itemChanged, this, &SearchDialog::revalidate);
  connect(strategy_, &QComboBox::currentIndexChanged, this, &SearchDialog::revalidate);
  connect(trials_, &QSpinBox::valueChanged, this, &SearchDialog::revalidate);
  connect(minEpochs_, &QSpinBox::valueChanged, this, &SearchDialog::revalidate);
  connect(eta_, &QSpinBox::valueChanged, this, &SearchDialog::revalidate);
  connect(buttons_, &QDialogButtonBox::accepted, this,
          [this]
          {
            if (problem_.isEmpty() && startAllowed_)
            {
              accept();
            }
          });
  connect(queue_, &QPushButton::clicked, this,
          [this]
          {
            if (problem_.isEmpty())
            {
              queued_ = true;
              accept();
            }
          });
  connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

QString SearchDialog::keyAt(int row) const
{
  auto* combo = qobject_cast<QComboBox*>(table_->cellWidget(row, Key));
  return combo ? combo->currentData().toString() : QString();
}

int SearchDialog::addDimension(const QString& key)
{
  QString chosen = key;
  if (chosen.isEmpty())
  {
    for (const ConfigFieldInfo& f : configFields())
    {
      bool used = false;
      for (int r = 0; r < table_->rowCount(); ++r)
      {
        used = used || keyAt(r) == qs(f.key);
      }
      if (offered(f) && !used)
      {
        chosen = qs(f.key);
        break;
      }
    }
  }
  const int row = table_->rowCount();
  table_->insertRow(row);
  auto* keys = new QComboBox(table_);
  for (const ConfigFieldInfo& f : configFields())
  {
    if (offered(f))
    {
      keys->addItem(qs(f.label + " · " + f.key), qs(f.key));
      keys->setItemData(keys->count() - 1, qs(f.group + ": " + f.tooltip), Qt::ToolTipRole);
    }
  }
  keys->setCurrentIndex(std::max(0, keys->findData(chosen)));
  auto* kind = new QComboBox(table_);
  kind->addItem(tr("choices"), QStringLiteral("choices"));
  kind->addItem(tr("range"), QStringLiteral("range"));
  auto* log = new QCheckBox(table_);
  auto* steps = new QSpinBox(table_);
  steps->setRange(0, 1000);
  table_->setCellWidget(row, Key, keys);
  table_->setCellWidget(row, Kind, kind);
  table_->setItem(row, Choices, new QTableWidgetItem);
  table_->setItem(row, Min, new QTableWidgetItem);
  table_->setItem(row, Max, new QTableWidgetItem);
  table_->setCellWidget(row, Log, log);
  table_->setCellWidget(row, Steps, steps);
  // Rows move when one above is removed: the handlers look their row up by widget.
  const auto rowOf = [this](QWidget* w)
  {
    for (int r = 0; r < table_->rowCount(); ++r)
    {
      for (int c = 0; c < ColumnCount; ++c)
      {
        if (table_->cellWidget(r, c) == w)
        {
          return r;
        }
      }
    }
    return -1;
  };
  connect(keys, &QComboBox::currentIndexChanged, this,
          [this, keys, rowOf] { onKeyChanged(rowOf(keys)); });
  connect(kind, &QComboBox::currentIndexChanged, this,
          [this, kind, rowOf] { onKindChanged(rowOf(kind)); });
  connect(log, &QCheckBox::toggled, this, &SearchDialog::revalidate);
  connect(steps, &QSpinBox::valueChanged, this, &SearchDialog::revalidate);
  onKeyChanged(row);
  return row;
}

void SearchDialog::removeDimension(int row)
{
  if (row >= 0 && row < table_->rowCount())
  {
    table_->removeRow(row);
    revalidate();
  }
}

void SearchDialog::setChoices(int row, const QString& choices)
{
  auto* kind = qobject_cast<QComboBox*>(table_->cellWidget(row, Kind));
  kind->setCurrentIndex(kind->findData(QStringLiteral("choices")));
  table_->item(row, Choices)->setText(choices);
  revalidate();
}

void SearchDialog::setRange(int row, double min, double max, bool log, int steps)
{
  auto* kind = qobject_cast<QComboBox*>(table_->cellWidget(row, Kind));
  kind->setCurrentIndex(kind->findData(QStringLiteral("range")));
  const QSignalBlocker block(table_);
  table_->item(row, Min)->setText(number(min));
  table_->item(row, Max)->setText(number(max));
  qobject_cast<QCheckBox*>(table_->cellWidget(row, Log))->setChecked(log);
  qobject_cast<QSpinBox*>(table_->cellWidget(row, Steps))->setValue(steps);
  revalidate();
}

void SearchDialog::onKeyChanged(int row)
{
  if (row < 0)
  {
    return;
  }
  const ConfigFieldInfo* f = findConfigField(keyAt(row).toStdString());
  if (!f)
  {
    return;
  }
  auto* kind = qobject_cast<QComboBox*>(table_->cellWidget(row, Kind));
  const bool numeric = f->type == ConfigFieldType::Int || f->type == ConfigFieldType::Double;
  // Only numeric knobs have ranges.
  qobject_cast<QStandardItemModel*>(kind->model())->item(1)->setEnabled(numeric);
  const Json value = getValue(base_, f->key);
  const QSignalBlocker block(table_);
  if (f->type == ConfigFieldType::Double)
  {
    // Around the base value: a third to three times it on a log scale, or the knob's lower half.
    const double v = value.asDouble();
    const double lo = v > 0 ? std::max(f->minValue, v / 3) : f->minValue;
    const double hi = v > 0 ? std::min(f->maxValue, v * 3)
                            : std::min(f->maxValue, f->minValue + (f->maxValue - f->minValue) / 2);
    table_->item(row, Min)->setText(number(lo));
    table_->item(row, Max)->setText(number(hi));
    qobject_cast<QCheckBox*>(table_->cellWidget(row, Log))->setChecked(v > 0 && lo > 0);
    qobject_cast<QSpinBox*>(table_->cellWidget(row, Steps))->setValue(3);
    table_->item(row, Choices)->setText(number(v));
    kind->setCurrentIndex(1);
  }
  else
  {
    QStringList choices;
    if (f->type == ConfigFieldType::Int)
    {
      // Half, the base value and twice it, within the knob's bounds.
      const int64_t v = value.asInt();
      const int64_t half = v / 2;  // whole numbers: a knob of 5 tries 2
      for (int64_t c : {half, v, v * 2})
      {
        if (c >= f->minValue && c <= f->maxValue && !choices.contains(QString::number(c)))
        {
          choices << QString::number(c);
        }
      }
      table_->item(row, Min)->setText(QString::number(std::max<double>(f->minValue, half)));
      table_->item(row, Max)->setText(QString::number(std::min<double>(f->maxValue, v * 2)));
    }
    else if (f->type == ConfigFieldType::Bool)
    {
      choices << QStringLiteral("false") << QStringLiteral("true");
    }
    else
    {
      for (const std::string& c : f->choices)
      {
        choices << qs(c);
      }
    }
    table_->item(row, Choices)->setText(choices.join(QStringLiteral(", ")));
    kind->setCurrentIndex(0);
  }
  table_->cellWidget(row, Key)->setToolTip(qs(f->tooltip));
  onKindChanged(row);
}

void SearchDialog::onKindChanged(int row)
{
  if (row < 0)
  {
    return;
  }
  const bool range =
      qobject_cast<QComboBox*>(table_->cellWidget(row, Kind))->currentData().toString() ==
      QLatin1String("range");
  const QSignalBlocker block(table_);
  for (int c : {Choices, Min, Max})
  {
    QTableWidgetItem* item = table_->item(row, c);
    const bool on = (c == Choices) != range;
    item->setFlags(on ? (Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsEditable)
                      : Qt::ItemIsSelectable);
  }
  table_->cellWidget(row, Log)->setEnabled(range);
  table_->cellWidget(row, Steps)->setEnabled(range);
  revalidate();
}

Json SearchDialog::spaceJson() const
{
  Json space = Json::object();
  for (int r = 0; r < table_->rowCount(); ++r)
  {
    const std::string key = keyAt(r).toStdString();
    const ConfigFieldInfo* f = findConfigField(key);
    const std::string where = "row " + std::to_string(r + 1) + " (" + key + "): ";
    const bool range =
        qobject_cast<QComboBox*>(table_->cellWidget(r, Kind))->currentData().toString() ==
        QLatin1String("range");
    try
    {
      if (!range)
      {
        space[key] = choicesJson(*f, table_->item(r, Choices)->text());
        continue;
      }
      Json spec = Json::object();
      for (int c : {Min, Max})
      {
        bool ok = false;
        const double v = table_->item(r, c)->text().trimmed().toDouble(&ok);
        if (!ok || !std::isfinite(v))
        {
          throw std::invalid_argument(std::string(c == Min ? "min" : "max") + " is not a number");
        }
        spec[c == Min ? "min" : "max"] = v;
      }
      spec["log"] = qobject_cast<QCheckBox*>(table_->cellWidget(r, Log))->isChecked();
      if (const int steps = qobject_cast<QSpinBox*>(table_->cellWidget(r, Steps))->value())
      {
        spec["steps"] = steps;
      }
      space[key] = spec;
    }
    catch (const std::invalid_argument& e)
    {
      throw std::invalid_argument(where + e.what());
    }
  }
  return space;
}

void SearchDialog::revalidate()
{
  const QString strategy = strategy_->currentData().toString();
  minEpochs_->setEnabled(strategy == QLatin1String("halving"));
  eta_->setEnabled(strategy == QLatin1String("halving"));
  problem_.clear();
  space_.reset();
  QString text;
  try
  {
    if (table_->rowCount() == 0)
    {
      throw std::invalid_argument("add at least one setting to vary");
    }
    space_ = SearchSpace::fromJson(spaceJson());
    const int trials = trials_->value();
    if (strategy == QLatin1String("grid"))
    {
      const int64_t grid = space_->gridSize();
      if (grid == 0)
      {
        throw std::invalid_argument(
            "a grid needs Steps on every real-valued range (or choose random or halving)");
      }
      text = trials > 0 && trials < grid
                 ? tr("Grid: the first %1 of %2 configurations").arg(trials).arg(grid)
                 : tr("Grid: %1 configurations").arg(grid);
    }
    else
    {
      text = tr("%1 random trials").arg(trials > 0 ? trials : kDefaultRandomTrials);
      if (strategy == QLatin1String("halving"))
      {
        QStringList rungs;
        for (int r : HalvingRule{minEpochs_->value(), eta_->value()}.rungs(base_.train.epochs))
        {
          rungs << QString::number(r);
        }
        text +=
            rungs.isEmpty()
                ? tr("; no rung below %1 epochs, so none is stopped early: lower the first "
                     "rung or raise the epochs")
                      .arg(base_.train.epochs)
                : tr("; weak ones stopped after epoch %1").arg(rungs.join(QStringLiteral(", ")));
      }
    }
    text += tr(", each up to %1 epochs (early stopping on %2 as configured). A configuration "
               "the dataset cannot train is skipped with the reason.")
                .arg(base_.train.epochs)
                .arg(qs(effectiveStopMetric(base_)));
    summary_->setStyleSheet(QString());
    summary_->setText(text);
  }
  catch (const std::exception& e)
  {
    space_.reset();
    problem_ = QString::fromUtf8(e.what());
    summary_->setStyleSheet(QStringLiteral("color: #b00020"));
    summary_->setText(problem_);
  }
  buttons_->button(QDialogButtonBox::Ok)->setEnabled(problem_.isEmpty() && startAllowed_);
  buttons_->button(QDialogButtonBox::Ok)->setToolTip(problem_.isEmpty() ? startWhy_ : problem_);
  queue_->setEnabled(problem_.isEmpty());
}

void SearchDialog::setStartAllowed(bool allowed, const QString& why)
{
  startAllowed_ = allowed;
  startWhy_ = allowed ? QString() : why;
  revalidate();
}

SearchRequest SearchDialog::request() const
{
  SearchRequest r;
  r.name = name_->text().trimmed().toStdString();
  if (space_)
  {
    r.space = *space_;
  }
  r.strategy = searchStrategyFromName(strategy_->currentData().toString().toStdString());
  r.trials = trials_->value();
  r.budgetMinutes = budget_->value();
  r.halving.minEpochs = minEpochs_->value();
  r.halving.eta = eta_->value();
  r.base = base_;
  return r;
}

}  // namespace m6
