#include "ui/demo_dialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

namespace m6
{

namespace
{

QSpinBox* spin(QWidget* parent, int lo, int hi, int value, const QString& tip)
{
  auto* box = new QSpinBox(parent);
  box->setRange(lo, hi);
  box->setValue(value);
  box->setGroupSeparatorShown(true);
  box->setToolTip(tip);
  return box;
}

}  // namespace

DemoDialog::DemoDialog(const QString& suggestedName, QWidget* parent) : QDialog(parent)
{
  setWindowTitle(tr("New demo dataset"));
  setMinimumWidth(420);
  const DemoOptions defaults;
  name_ = new QLineEdit(suggestedName, this);
  name_->setToolTip(tr("A unique name for the new dataset"));
  seed_ = spin(this, 0, 1000000000, static_cast<int>(defaults.seed),
               tr("The same seed and sizes always give the same dataset"));
  users_ = spin(this, 0, 10000000, static_cast<int>(defaults.users), tr("Number of users"));
  items_ = spin(this, 0, 10000000, static_cast<int>(defaults.items), tr("Number of items"));
  interactions_ = spin(this, 0, 100000000, static_cast<int>(defaults.interactions),
                       tr("Number of interactions (ratings with timestamps)"));
  problem_ = new QLabel(this);
  problem_->setWordWrap(true);
  problem_->setStyleSheet(QStringLiteral("color: #b03030"));
  auto* note = new QLabel(tr("Synthetic users and items with planted taste clusters, a time-of-day "
                             "effect and a sequential rule that a model can learn."),
                          this);
  note->setWordWrap(true);
  buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  buttons_->button(QDialogButtonBox::Ok)->setText(tr("Create"));
  buttons_->button(QDialogButtonBox::Ok)->setToolTip(tr("Generate the dataset into the workspace"));
  auto* form = new QFormLayout(this);
  form->addRow(note);
  form->addRow(tr("Name"), name_);
  form->addRow(tr("Seed"), seed_);
  form->addRow(tr("Users"), users_);
  form->addRow(tr("Items"), items_);
  form->addRow(tr("Interactions"), interactions_);
  form->addRow(problem_);
  form->addRow(buttons_);
  connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(name_, &QLineEdit::textChanged, this, &DemoDialog::validate);
  for (QSpinBox* box : {seed_, users_, items_, interactions_})
  {
    connect(box, &QSpinBox::valueChanged, this, &DemoDialog::validate);
  }
  validate();
}

DemoOptions DemoDialog::options() const
{
  DemoOptions o;
  o.name = name_->text().trimmed().toStdString();
  o.seed = static_cast<uint64_t>(seed_->value());
  o.users = users_->value();
  o.items = items_->value();
  o.interactions = interactions_->value();
  return o;
}

QString DemoDialog::problem() const
{
  if (name_->text().trimmed().isEmpty())
  {
    return tr("Give the dataset a name");
  }
  return QString::fromStdString(validateDemoOptions(options()));
}

void DemoDialog::validate()
{
  const QString why = problem();
  problem_->setText(why);
  buttons_->button(QDialogButtonBox::Ok)->setEnabled(why.isEmpty());
}

}  // namespace m6
