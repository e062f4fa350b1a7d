#include "ui/preset_store.h"

#include <QFile>

#include "app/bridge/run_library.h"
#include "model/core/preset_choice.h"
#include "ui/save_file.h"

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
  return saveFileAtomically(path, QByteArray::fromStdString(toJson(config).dump(2) + "\n"), error);
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
            user_.clear();
            raw_.clear();
            Json all;
            try
            {
              all = value.isEmpty() ? Json::object() : Json::parse(value.toStdString());
              if (!all.isObject())
              {
                throw std::runtime_error("the stored value is not a JSON object");
              }
            }
            catch (const std::exception& e)
            {
              loadError_ = tr("your saved presets could not be read (%1); they are left as they "
                              "are, and presets cannot be saved in this workspace until that is "
                              "repaired")
                               .arg(QString::fromUtf8(e.what()));
              Q_EMIT problem(loadError_);
              Q_EMIT changed();
              return;
            }
            QStringList skipped;
            for (const auto& [name, config] : all.asObject())
            {
              const QString n = QString::fromStdString(name);
              try
              {
                user_.insert(n, fromJson(config));
              }
              catch (const std::exception&)
              {
                raw_.insert(n, config);  // kept, and written back unchanged
                skipped << n;
              }
            }
            loaded_ = true;
            if (!skipped.isEmpty())
            {
              Q_EMIT problem(tr("Preset(s) %1 could not be read as configurations; they are kept "
                                "unchanged in the workspace")
                                 .arg(skipped.join(QStringLiteral(", "))));
            }
            Q_EMIT changed();
          });
  connect(library_, &RunLibrary::requestFailed, this,
          [this](quint64 token, const QString& message)
          {
            if (token != readToken_)
            {
              return;
            }
            loadError_ = tr("your saved presets could not be read (%1); presets cannot be saved "
                            "until the workspace is opened again")
                             .arg(message);
            Q_EMIT problem(loadError_);
          });
  readToken_ = library_->readSetting(QString::fromLatin1(kKey));
}

QString PresetStore::notWritableReason() const
{
  if (loaded_)
  {
    return QString();
  }
  return loadError_.isEmpty() ? tr("your saved presets are still being read; try again in a moment")
                              : loadError_;
}

QStringList PresetStore::builtInNames()
{
  QStringList out{QString::fromLatin1(kAutoPreset)};
  for (const auto& n : presetNames())
  {
    out << QString::fromStdString(n);
  }
  return out;
}

std::optional<RunConfig> PresetStore::get(const QString& name, int64_t interactions) const
{
  if (user_.contains(name))
  {
    return user_.value(name);
  }
  if (isBuiltIn(name))
  {
    return preset(resolvePresetName(name.toStdString(), interactions));
  }
  return std::nullopt;
}

bool PresetStore::save(const QString& name, const RunConfig& config, QString* error)
{
  const QString n = name.trimmed();
  QString why = notWritableReason();
  if (!why.isEmpty())
  {
    why = tr("Cannot save the preset: %1.").arg(why);
  }
  else if (n.isEmpty())
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
  raw_.remove(n);  // the user replaces an unreadable entry of that name on purpose
  user_.insert(n, config);
  store();
  return true;
}

bool PresetStore::remove(const QString& name, QString* error)
{
  const QString why = notWritableReason();
  if (!why.isEmpty())
  {
    if (error)
    {
      *error = tr("Cannot delete the preset: %1.").arg(why);
    }
    return false;
  }
  if (!user_.remove(name))
  {
    return false;
  }
  store();
  return true;
}

void PresetStore::store()
{
  if (!loaded_)
  {
    return;  // never overwrite presets that were not read
  }
  Json all = Json::object();
  for (auto it = raw_.constBegin(); it != raw_.constEnd(); ++it)
  {
    all[it.key().toStdString()] = it.value();
  }
  for (auto it = user_.constBegin(); it != user_.constEnd(); ++it)
  {
    all[it.key().toStdString()] = toJson(it.value());
  }
  library_->writeSetting(QString::fromLatin1(kKey), QString::fromStdString(all.dump()));
  Q_EMIT changed();
}

}  // namespace m6
