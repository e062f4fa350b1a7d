// Configuration files and presets.
//
// readConfigFile / writeConfigFile: a RunConfig as the JSON file m6-cli train --config reads.
//
// PresetStore: configuration presets: the engine's built-in ones (quick, balanced, thorough)
// and the user's own, kept in the workspace settings under kKey as {"name": config, ...}. The
// setting is read and written by the RunLibrary's worker, never on the GUI thread.
//
// Thread affinity: GUI thread.
#pragma once

#include <QMap>
#include <QObject>
#include <QStringList>
#include <optional>

#include "model/core/config.h"

namespace m6
{

class RunLibrary;

/// Reads a configuration file. False (and `error`, naming the bad key) when it is unreadable or
/// not a configuration.
bool readConfigFile(const QString& path, RunConfig* config, QString* error = nullptr);
/// Writes toJson(config), indented. False (and `error`) when the file cannot be written.
bool writeConfigFile(const QString& path, const RunConfig& config, QString* error = nullptr);

class PresetStore : public QObject
{
  Q_OBJECT
 public:
  static constexpr const char* kKey = "gui.config_presets";

  explicit PresetStore(RunLibrary* library, QObject* parent = nullptr);

  static QStringList builtInNames();
  QStringList userNames() const { return user_.keys(); }
  /// Built-in presets first, then the user's.
  QStringList names() const { return builtInNames() + userNames(); }
  static bool isBuiltIn(const QString& name) { return builtInNames().contains(name); }
  bool loaded() const { return loaded_; }

  std::optional<RunConfig> get(const QString& name) const;
  /// Saves (or replaces) a user preset and writes the setting. Refuses empty and built-in names.
  bool save(const QString& name, const RunConfig& config, QString* error = nullptr);
  bool remove(const QString& name);

 Q_SIGNALS:
  /// The user presets were read from the workspace or changed.
  void changed();
  void problem(QString message);

 private:
  void store();

  RunLibrary* library_;
  QMap<QString, RunConfig> user_;
  quint64 readToken_ = 0;
  bool loaded_ = false;
};

}  // namespace m6
