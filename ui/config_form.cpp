#include "ui/config_form.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>
#include <climits>
#include <cmath>

#include "app/bridge/qt_text.h"
#include "ui/field_editors.h"

namespace m6
{

namespace
{

// Column of each group in the form's grid (groups keep the table's order top to bottom).
int columnOf(size_t groupIndex)
{
  static const int kColumn[] = {0, 0, 1, 1, 1, 1, 2};
  return groupIndex < 7 ? kColumn[groupIndex] : 2;
}

QStringList toList(const Json& array)
{
  QStringList out;
  if (array.isArray())
  {
    for (const Json& v : array.asArray())
    {
      out << qs(v.asString());
    }
  }
  return out;
}

const QColor kError(176, 0, 32);

}  // namespace

ConfigForm::ConfigForm(QWidget* parent) : QWidget(parent)
{
  auto* grid = new QGridLayout(this);
  grid->setContentsMargins(0, 0, 0, 0);
  QVBoxLayout* columns[3];
  for (int c = 0; c < 3; ++c)
  {
    columns[c] = new QVBoxLayout;
    grid->addLayout(columns[c], 0, c);
    grid->setColumnStretch(c, 1);
  }
  const auto& groups = configGroups();
  for (size_t g = 0; g < groups.size(); ++g)
  {
    auto* box = new QGroupBox(qs(groups[g]), this);
    auto* form = new QFormLayout(box);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    for (const ConfigFieldInfo& f : configFields())
    {
      if (f.group != groups[g])
      {
        continue;
      }
      Row row;
      row.info = &f;
      row.form = form;
      row.editor = makeEditor(f);
      QString tip = qs(f.key) + QStringLiteral(": ") + qs(f.tooltip);
      if (!f.appliesWhen.empty())
      {
        tip += tr("\nUsed only when %1.").arg(qs(f.appliesWhen));
      }
      row.editor->setToolTip(tip);
      row.editor->setObjectName(qs(f.key));
      row.label = new QLabel(qs(f.label), box);
      row.label->setToolTip(tip);
      row.label->setBuddy(row.editor);
      row.message = new QLabel(box);
      row.message->setWordWrap(true);
      QPalette pal = row.message->palette();
      pal.setColor(QPalette::WindowText, kError);
      row.message->setPalette(pal);
      form->addRow(row.label, row.editor);
      form->addRow(row.message);
      form->setRowVisible(row.message, false);
      rows_.insert(qs(f.key), row);
    }
    columns[columnOf(g)]->addWidget(box);
  }
  for (auto* c : columns)
  {
    c->addStretch(1);
  }
  for (Row& row : rows_)
  {
    showValue(row);
  }
  revalidate();
}

QWidget* ConfigForm::makeEditor(const ConfigFieldInfo& f)
{
  const QString key = qs(f.key);
  switch (f.type)
  {
    case ConfigFieldType::Int:
      if (f.maxValue > INT_MAX)
      {
        auto* e = new BigIntEdit(static_cast<qint64>(f.maxValue), this);
        connect(e, &BigIntEdit::valueChanged, this,
                [this, key](qint64 v) { edited(key, Json(static_cast<long long>(v))); });
        return e;
      }
      else
      {
        auto* e = new QSpinBox(this);
        e->setRange(static_cast<int>(f.minValue), static_cast<int>(f.maxValue));
        e->setKeyboardTracking(true);
        e->setGroupSeparatorShown(f.maxValue >= 100000);
        connect(e, &QSpinBox::valueChanged, this, [this, key](int v) { edited(key, Json(v)); });
        return e;
      }
    case ConfigFieldType::Double:
    {
      auto* e = new NumberSpinBox(this);
      // An exclusive minimum (lr > 0) becomes the smallest positive value the box can hold.
      e->setRange(f.minExclusive ? f.minValue + 1e-12 : f.minValue, f.maxValue);
      const bool logSteps = f.key == "train.lr" || f.key == "train.weight_decay";
      e->setLogarithmicSteps(logSteps);
      e->setSingleStep(f.maxValue - f.minValue <= 1.0 ? 0.05 : 0.5);
      connect(e, &QDoubleSpinBox::valueChanged, this,
              [this, key](double v) { edited(key, Json(v)); });
      return e;
    }
    case ConfigFieldType::Bool:
    {
      auto* e = new QCheckBox(this);
      connect(e, &QCheckBox::toggled, this, [this, key](bool on) { edited(key, Json(on)); });
      return e;
    }
    case ConfigFieldType::Enum:
    {
      auto* e = new QComboBox(this);
      for (const auto& c : f.choices)
      {
        e->addItem(qs(c));
      }
      connect(e, &QComboBox::currentTextChanged, this,
              [this, key](const QString& t) { edited(key, Json(t.toStdString())); });
      return e;
    }
    case ConfigFieldType::StringList:
    {
      auto* e = new FieldListEdit(this);
      connect(e, &FieldListEdit::valuesChanged, this,
              [this, key](const QStringList& values)
              {
                Json a = Json::array();
                for (const QString& v : values)
                {
                  a.push_back(v.toStdString());
                }
                edited(key, a);
              });
      return e;
    }
  }
  return new QWidget(this);
}

void ConfigForm::showValue(Row& row)
{
  const bool was = showing_;
  showing_ = true;
  const Json v = getValue(config_, row.info->key);
  const ConfigFieldInfo& f = *row.info;
  if (auto* e = qobject_cast<QSpinBox*>(row.editor))
  {
    // A value from a file may lie outside the valid range: show it as it is (validation marks
    // it) instead of letting the box clamp it silently.
    const int x = static_cast<int>(v.asInt());
    e->setRange(std::min(static_cast<int>(f.minValue), x),
                std::max(static_cast<int>(f.maxValue), x));
    e->setValue(x);
  }
  else if (auto* e = qobject_cast<BigIntEdit*>(row.editor))
  {
    e->setValue(v.asInt());
  }
  else if (auto* e = qobject_cast<NumberSpinBox*>(row.editor))
  {
    const double x = v.asDouble();
    const double lo = f.minExclusive ? f.minValue + 1e-12 : f.minValue;
    e->setRange(std::min(lo, x), std::max(f.maxValue, x));
    e->setValue(x);
  }
  else if (auto* e = qobject_cast<QCheckBox*>(row.editor))
  {
    e->setChecked(v.asBool());
  }
  else if (auto* e = qobject_cast<QComboBox*>(row.editor))
  {
    e->setCurrentText(qs(v.asString()));
  }
  else if (auto* e = qobject_cast<FieldListEdit*>(row.editor))
  {
    e->setValues(toList(v));
  }
  showing_ = was;
}

void ConfigForm::setConfig(const RunConfig& config)
{
  config_ = config;
  for (Row& row : rows_)
  {
    showValue(row);
  }
  revalidate();
  Q_EMIT configChanged();
}

void ConfigForm::setSchema(const DatasetSchema* schema)
{
  if (schema)
  {
    schema_ = *schema;
  }
  else
  {
    schema_.reset();
  }
  refreshChoices();
  revalidate();
}

void ConfigForm::refreshChoices()
{
  auto names = [](const std::vector<SchemaField>& fields, const QString& prefix)
  {
    QStringList out;
    for (const auto& f : fields)
    {
      out << prefix + qs(f.name);
    }
    return out;
  };
  const DatasetSchema s = schema_.value_or(DatasetSchema());
  auto set = [&](const char* key, const QStringList& choices)
  {
    if (auto* e = qobject_cast<FieldListEdit*>(editor(QString::fromLatin1(key))))
    {
      e->setChoices(choices);
    }
  };
  set("model.user_fields", names(s.userFields, {}));
  set("model.item_fields", names(s.itemFields, {}));
  set("model.context_fields", names(s.contextFields, {}));
  set("model.exclude_fields", names(s.userFields, QStringLiteral("user.")) +
                                  names(s.itemFields, QStringLiteral("item.")) +
                                  names(s.contextFields, QStringLiteral("context.")));
}

bool ConfigForm::setFieldValue(const QString& key, const Json& value, QString* error)
{
  auto it = rows_.find(key);
  if (it == rows_.end())
  {
    if (error)
    {
      *error = tr("unknown config key '%1'").arg(key);
    }
    return false;
  }
  try
  {
    setValue(config_, key.toStdString(), value);
  }
  catch (const std::exception& e)
  {
    if (error)
    {
      *error = QString::fromUtf8(e.what());
    }
    return false;
  }
  showValue(*it);
  revalidate();
  Q_EMIT configChanged();
  return true;
}

void ConfigForm::edited(const QString& key, const Json& value)
{
  if (showing_)
  {
    return;
  }
  try
  {
    setValue(config_, key.toStdString(), value);
  }
  catch (const std::exception&)
  {
    return;  // editors only produce well-typed values
  }
  revalidate();
  Q_EMIT configChanged();
}

QString ConfigForm::issueText(const QString& key) const
{
  QStringList out;
  for (const ConfigIssue& i : issues_)
  {
    if (qs(i.field) == key)
    {
      out << qs(i.message);
    }
  }
  return out.join(QLatin1Char('\n'));
}

QWidget* ConfigForm::editor(const QString& key) const
{
  auto it = rows_.find(key);
  return it == rows_.end() ? nullptr : it->editor;
}

QLabel* ConfigForm::label(const QString& key) const
{
  auto it = rows_.find(key);
  return it == rows_.end() ? nullptr : it->label;
}

bool ConfigForm::fieldApplies(const QString& key) const
{
  auto it = rows_.find(key);
  if (it == rows_.end() || it->info->appliesWhen.empty())
  {
    return true;
  }
  // "key=value" or "key!=value" on an enum or bool knob; "key=a,b,c" is any of the values.
  const std::string& cond = it->info->appliesWhen;
  const bool negated = cond.find("!=") != std::string::npos;
  const size_t op = cond.find(negated ? "!=" : "=");
  const std::string other = cond.substr(0, op);
  const QStringList wanted = qs(cond.substr(op + (negated ? 2 : 1))).split(QLatin1Char(','));
  const Json v = getValue(config_, other);
  const std::string actual = v.isString() ? v.asString() : v.dump();
  return wanted.contains(qs(actual)) != negated;
}

void ConfigForm::revalidate()
{
  issues_ = validate(config_, schema_ ? &*schema_ : nullptr);
  for (auto it = rows_.begin(); it != rows_.end(); ++it)
  {
    Row& row = *it;
    const QString message = issueText(it.key());
    const bool bad = !message.isEmpty();
    row.message->setText(message);
    row.form->setRowVisible(row.message, bad);
    QFont f = row.label->font();
    f.setBold(bad);
    row.label->setFont(f);
    QPalette labelPal = row.label->palette();
    labelPal.setColor(QPalette::WindowText, bad ? kError : palette().color(QPalette::WindowText));
    row.label->setPalette(labelPal);
    QPalette editorPal = palette();
    if (bad)
    {
      editorPal.setColor(QPalette::Base, QColor(255, 232, 232));
      editorPal.setColor(QPalette::Button, QColor(255, 232, 232));
    }
    row.editor->setPalette(editorPal);
    const bool applies = fieldApplies(it.key());
    row.editor->setEnabled(applies || bad);
    row.label->setEnabled(applies || bad);
  }
  if (isValid() != wasValid_)
  {
    wasValid_ = isValid();
    Q_EMIT validityChanged(wasValid_);
  }
}

}  // namespace m6
