#include "ui/preset_store.h"

#include <QFile>

#include "app/bridge/run_library.h"

namespace m6
{

bool readConfigFile(const QString& path, RunConfig* config, QString* error)
{
  QFile f(path);
  try
  {
    if (!f.open(QIODevice::ReadOnly))
    {
      throw std::runtime_error(QObject::tr("cannot read %1").arg(path).toStdString());
    }
    *config = fromJson(Json::parse(f.readAll().toStdString()));
    return true;
  }
  catch (const std::exception& e)
  {
    if (error)
    {
      *error = QString::fromUtf8(e.what());
    }
    return false;
  }
}

bool writeConfigFile(const QString& path, const RunConfig& config, QString* error)
{
  QFile f(path);
  if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
      f.write(QByteArray::fromStdString(toJson(config).dump(2) + "\n")) < 0)
  {
    if (error)
    {
      *error = QObject::tr("cannot write %1").arg(path);
    }
    return false;
  }
  return true;
}

PresetStore::PresetStore(RunLibrary* library, QObject* parent) : QObject(parent), library_(library)
{
  connect(library_, &RunLibrary::settingRead, this,
          [this](quint64 token, const QString&, const QString& value)
          {
            if (token != readToken_)
            {
              return;
            }
            loaded_ = true;
            user_.clear();
            try
            {
              const Json all = value.isEmpty() ? Json::object() : Json::parse(value.toStdString());
              for (const auto& [name, config] : all.asObject())
              {
                user_.insert(QString::fromStdString(name), fromJson(config));
              }
            }
            catch (const std::exception& e)
            {
              Q_EMIT problem(tr("Your saved presets could not be read: %1").arg(e.what()));
            }
            Q_EMIT changed();
          });
  readToken_ = library_->readSetting(QString::fromLatin1(kKey));
}

QStringList PresetStore::builtInNames()
{
  QStringList out;
  for (const auto& n : presetNames())
  {
    out << QString::fromStdString(n);
  }
  return out;
}

std::optional<RunConfig> PresetStore::get(const QString& name) const
{
  if (user_.contains(name))
  {
    return user_.value(name);
  }
  if (isBuiltIn(name))
  {
    return preset(name.toStdString());
  }
  return std::nullopt;
}

bool PresetStore::save(const QString& name, const RunConfig& config, QString* error)
{
  const QString n = name.trimmed();
  QString why;
  if (n.isEmpty())
  {
    why = tr("a preset needs a name");
  }
  else if (isBuiltIn(n))
  {
    why = tr("\"%1\" is a built-in preset; choose another name").arg(n);
  }
  if (!why.isEmpty())
  {
    if (error)
    {
      *error = why;
    }
    return false;
  }
  user_.insert(n, config);
  store();
  return true;
}

bool PresetStore::remove(const QString& name)
{
  if (!user_.remove(name))
  {
    return false;
  }
  store();
  return true;
}

void PresetStore::store()
{
  Json all = Json::object();
  for (auto it = user_.constBegin(); it != user_.constEnd(); ++it)
  {
    all[it.key().toStdString()] = toJson(it.value());
  }
  library_->writeSetting(QString::fromLatin1(kKey), QString::fromStdString(all.dump()));
  Q_EMIT changed();
}

}  // namespace m6
