#include "ui/column_role_table.h"

#include <QComboBox>
#include <QHeaderView>
#include <QLineEdit>

namespace m6
{

namespace
{

enum Col
{
  kName,
  kSample,
  kRole,
  kKind,
  kSeparator,
  kTimeFormat,
  kCols
};

QString guessRole(ColumnRoleTable::Mode mode, const QString& rawName, int index, bool hasHeader)
{
  const QString n = rawName.toLower();
  if (mode == ColumnRoleTable::Mode::Interactions)
  {
    if (!hasHeader)
    {
      static const char* byPos[] = {"user", "item", "rating", "timestamp"};
      return index < 4 ? QString::fromLatin1(byPos[index]) : QStringLiteral("field");
    }
    if (n.startsWith("user") || n == "uid" || n == "customer" || n == "who")
    {
      return QStringLiteral("user");
    }
    if (n.startsWith("item") || n.startsWith("movie") || n.startsWith("product") || n == "iid")
    {
      return QStringLiteral("item");
    }
    if (n.startsWith("rating") || n == "score" || n == "stars")
    {
      return QStringLiteral("rating");
    }
    if (n.startsWith("time") || n == "date" || n == "when" || n == "ts")
    {
      return QStringLiteral("timestamp");
    }
    return QStringLiteral("field");
  }
  if (index == 0 || n == "id" || n.endsWith("id"))
  {
    return index == 0 ? QStringLiteral("id") : QStringLiteral("field");
  }
  if (mode == ColumnRoleTable::Mode::Items && (n == "title" || n == "name"))
  {
    return QStringLiteral("title");
  }
  return QStringLiteral("field");
}

}  // namespace

ColumnRoleTable::ColumnRoleTable(Mode mode, QWidget* parent)
    : QTableWidget(0, kCols, parent), mode_(mode)
{
  setHorizontalHeaderLabels({tr("Column"), tr("First value"), tr("Role"), tr("Field kind"),
                             tr("Separator"), tr("Time format")});
  verticalHeader()->hide();
  horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  horizontalHeader()->setSectionResizeMode(kSample, QHeaderView::Stretch);  // the free space
  setEditTriggers(QAbstractItemView::NoEditTriggers);
  setSelectionMode(QAbstractItemView::NoSelection);
  setToolTip(tr("What each column of the file means"));
}

void ColumnRoleTable::setColumns(const QStringList& names, const QStringList& samples,
                                 bool hasHeader, const RoleGuess* guess, const QString& otherRole)
{
  names_ = names;
  hasHeader_ = hasHeader;
  setRowCount(0);
  setRowCount(names.size());
  QStringList roles = {QStringLiteral("ignore")};
  if (mode_ == Mode::Interactions)
  {
    roles << "user"
          << "item"
          << "rating"
          << "timestamp"
          << "field";
  }
  else
  {
    roles << "id";
    if (mode_ == Mode::Items)
    {
      roles << "title";
    }
    roles << "field";
  }
  for (int c = 0; c < names.size(); ++c)
  {
    auto* name = new QTableWidgetItem(names[c]);
    setItem(c, kName, name);
    setItem(c, kSample, new QTableWidgetItem(c < samples.size() ? samples[c] : QString()));
    auto* role = new QComboBox(this);
    for (const QString& r : roles)
    {
      role->addItem(r, r);
    }
    role->setToolTip(
        tr("What this column holds: ignore it, the user or item id, the rating, the "
           "time, or a feature field"));
    QString guessed = guessRole(mode_, names[c], c, hasHeader);
    if (guess && mode_ == Mode::Interactions)
    {
      const auto k = static_cast<size_t>(c);
      guessed = k < guess->roles.size() && !guess->roles[k].empty()
                    ? QString::fromStdString(guess->roles[k])
                    : otherRole;
    }
    role->setCurrentIndex(std::max(0, role->findData(guessed)));
    auto* kind = new QComboBox(this);
    for (FieldKind k : {FieldKind::Categorical, FieldKind::Multi, FieldKind::Numeric,
                        FieldKind::Text, FieldKind::Timestamp})
    {
      kind->addItem(QString::fromLatin1(fieldKindName(k)), static_cast<int>(k));
    }
    kind->setToolTip(
        tr("categorical: one value from a set; multi: several values split by the "
           "separator; numeric; text (free text); timestamp"));
    auto* sep = new QLineEdit(QStringLiteral("|"), this);
    sep->setToolTip(tr("Separator between the values of a multi-valued field"));
    sep->setMaximumWidth(60);
    auto* time = new QComboBox(this);
    for (TimeFormat t : {TimeFormat::Auto, TimeFormat::Unix, TimeFormat::UnixMillis,
                         TimeFormat::Iso8601, TimeFormat::WeekdayMonth})
    {
      time->addItem(QString::fromLatin1(timeFormatName(t)), static_cast<int>(t));
    }
    time->setToolTip(
        tr("auto: Unix seconds or ISO-8601; unix: seconds since 1970; unix-ms: milliseconds "
           "since 1970; iso8601: 2024-05-01T13:45:00Z"));
    if (guess && guessed == QLatin1String("timestamp"))
    {
      time->setCurrentIndex(std::max(0, time->findData(static_cast<int>(guess->timeFormat))));
    }
    setCellWidget(c, kRole, role);
    setCellWidget(c, kKind, kind);
    setCellWidget(c, kSeparator, sep);
    setCellWidget(c, kTimeFormat, time);
    auto changed = [this, c]
    {
      updateRow(c);
      Q_EMIT rolesChanged();
    };
    connect(role, &QComboBox::currentIndexChanged, this, changed);
    connect(kind, &QComboBox::currentIndexChanged, this, changed);
    connect(sep, &QLineEdit::textChanged, this, &ColumnRoleTable::rolesChanged);
    connect(time, &QComboBox::currentIndexChanged, this, &ColumnRoleTable::rolesChanged);
    updateRow(c);
  }
  Q_EMIT rolesChanged();
}

QComboBox* ColumnRoleTable::roleCombo(int column) const
{
  return qobject_cast<QComboBox*>(cellWidget(column, kRole));
}
QComboBox* ColumnRoleTable::kindCombo(int column) const
{
  return qobject_cast<QComboBox*>(cellWidget(column, kKind));
}
QLineEdit* ColumnRoleTable::separatorEdit(int column) const
{
  return qobject_cast<QLineEdit*>(cellWidget(column, kSeparator));
}
QComboBox* ColumnRoleTable::timeFormatCombo(int column) const
{
  return qobject_cast<QComboBox*>(cellWidget(column, kTimeFormat));
}

QString ColumnRoleTable::role(int column) const
{
  return roleCombo(column)->currentData().toString();
}

void ColumnRoleTable::setRole(int column, const QString& role)
{
  roleCombo(column)->setCurrentIndex(std::max(0, roleCombo(column)->findData(role)));
}

void ColumnRoleTable::setKind(int column, FieldKind kind)
{
  kindCombo(column)->setCurrentIndex(kindCombo(column)->findData(static_cast<int>(kind)));
}

void ColumnRoleTable::updateRow(int column)
{
  const QString r = role(column);
  const bool field = r == QLatin1String("field");
  const auto kind = static_cast<FieldKind>(kindCombo(column)->currentData().toInt());
  kindCombo(column)->setEnabled(field);
  separatorEdit(column)->setEnabled(field && kind == FieldKind::Multi);
  timeFormatCombo(column)->setEnabled(r == QLatin1String("timestamp") ||
                                      (field && kind == FieldKind::Timestamp));
}

QString ColumnRoleTable::validate() const
{
  QMap<QString, int> counts;
  for (int c = 0; c < rowCount(); ++c)
  {
    counts[role(c)] += 1;
    if (role(c) == QLatin1String("field") &&
        static_cast<FieldKind>(kindCombo(c)->currentData().toInt()) == FieldKind::Multi &&
        separatorEdit(c)->text().isEmpty())
    {
      return tr("Column %1 is a multi-valued field without a separator").arg(names_.value(c));
    }
  }
  const QStringList required =
      mode_ == Mode::Interactions ? QStringList{"user", "item"} : QStringList{"id"};
  for (const QString& r : required)
  {
    if (counts.value(r) != 1)
    {
      return counts.value(r) == 0
                 ? tr("Choose the column that holds the %1 id").arg(r == "id" ? tr("entity") : r)
                 : tr("Only one column can be the %1").arg(r);
    }
  }
  for (const char* once : {"rating", "timestamp", "title"})
  {
    if (counts.value(QString::fromLatin1(once)) > 1)
    {
      return tr("Only one column can be the %1").arg(QString::fromLatin1(once));
    }
  }
  return QString();
}

ColumnRef ColumnRoleTable::ref(int column) const
{
  return hasHeader_ ? ColumnRef::byName(names_[column].toStdString()) : ColumnRef::byIndex(column);
}

int ColumnRoleTable::find(const ColumnRef& r) const
{
  if (r.index >= 0)
  {
    return r.index < rowCount() ? r.index : -1;
  }
  return names_.indexOf(QString::fromStdString(r.name));
}

FieldSpec ColumnRoleTable::fieldOf(int column) const
{
  FieldSpec f;
  f.column = ref(column);
  f.name = hasHeader_ ? names_[column].toStdString() : "column" + std::to_string(column + 1);
  f.kind = static_cast<FieldKind>(kindCombo(column)->currentData().toInt());
  f.separator = separatorEdit(column)->text().toStdString();
  f.timeFormat = static_cast<TimeFormat>(timeFormatCombo(column)->currentData().toInt());
  return f;
}

void ColumnRoleTable::fillInteractions(InteractionsSpec* spec) const
{
  spec->user = {};
  spec->item = {};
  spec->rating = {};
  spec->timestamp = {};
  spec->fields.clear();
  for (int c = 0; c < rowCount(); ++c)
  {
    const QString r = role(c);
    if (r == QLatin1String("user"))
    {
      spec->user = ref(c);
    }
    else if (r == QLatin1String("item"))
    {
      spec->item = ref(c);
    }
    else if (r == QLatin1String("rating"))
    {
      spec->rating = ref(c);
    }
    else if (r == QLatin1String("timestamp"))
    {
      spec->timestamp = ref(c);
      spec->timeFormat = static_cast<TimeFormat>(timeFormatCombo(c)->currentData().toInt());
    }
    else if (r == QLatin1String("field"))
    {
      spec->fields.push_back(fieldOf(c));
    }
  }
}

void ColumnRoleTable::fillEntity(EntitySpec* spec) const
{
  spec->id = {};
  spec->title = {};
  spec->fields.clear();
  for (int c = 0; c < rowCount(); ++c)
  {
    const QString r = role(c);
    if (r == QLatin1String("id"))
    {
      spec->id = ref(c);
    }
    else if (r == QLatin1String("title"))
    {
      spec->title = ref(c);
    }
    else if (r == QLatin1String("field"))
    {
      spec->fields.push_back(fieldOf(c));
    }
  }
}

void ColumnRoleTable::applyField(const FieldSpec& f)
{
  const int c = find(f.column);
  if (c < 0)
  {
    return;
  }
  setRole(c, QStringLiteral("field"));
  setKind(c, f.kind);
  separatorEdit(c)->setText(QString::fromStdString(f.separator));
  timeFormatCombo(c)->setCurrentIndex(
      std::max(0, timeFormatCombo(c)->findData(static_cast<int>(f.timeFormat))));
}

void ColumnRoleTable::applyInteractions(const InteractionsSpec& spec)
{
  for (int c = 0; c < rowCount(); ++c)
  {
    setRole(c, QStringLiteral("ignore"));
  }
  const std::pair<const ColumnRef*, const char*> roles[] = {{&spec.user, "user"},
                                                            {&spec.item, "item"},
                                                            {&spec.rating, "rating"},
                                                            {&spec.timestamp, "timestamp"}};
  for (const auto& [r, name] : roles)
  {
    if (r->isSet() && find(*r) >= 0)
    {
      setRole(find(*r), QString::fromLatin1(name));
    }
  }
  if (spec.timestamp.isSet() && find(spec.timestamp) >= 0)
  {
    QComboBox* t = timeFormatCombo(find(spec.timestamp));
    t->setCurrentIndex(std::max(0, t->findData(static_cast<int>(spec.timeFormat))));
  }
  for (const auto& f : spec.fields)
  {
    applyField(f);
  }
}

void ColumnRoleTable::applyEntity(const EntitySpec& spec)
{
  for (int c = 0; c < rowCount(); ++c)
  {
    setRole(c, QStringLiteral("ignore"));
  }
  if (spec.id.isSet() && find(spec.id) >= 0)
  {
    setRole(find(spec.id), QStringLiteral("id"));
  }
  if (spec.title.isSet() && find(spec.title) >= 0)
  {
    setRole(find(spec.title), QStringLiteral("title"));
  }
  for (const auto& f : spec.fields)
  {
    applyField(f);
  }
}

}  // namespace m6
