// Configuration files and presets.
//
// readConfigFile / writeConfigFile: a RunConfig as the JSON file m6-cli train --config reads.
//
// PresetStore: configuration presets: the engine's built-in ones (quick, balanced, thorough)
// and the user's own, kept in the workspace settings under kKey as {"name": config, ...}. The
// setting is read and written by the RunLibrary's worker, never on the GUI thread.
//
// The setting is rewritten whole on every change, so it is only ever written after it was read
// successfully: while the read is pending, after it failed, or when the stored text is not a
// JSON object, save() and remove() refuse (saying why) and nothing is written. An entry that is
// JSON but not a configuration this program can read (a newer version's, a damaged one) is kept
// as it was and written back unchanged; it is not offered as a preset.
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

  /// "auto" (picked by the dataset's size, model/core/preset_choice.h), then quick, balanced,
  /// thorough and sasrec-like.
  static QStringList builtInNames();
  QStringList userNames() const { return user_.keys(); }
  /// Built-in presets first, then the user's.
  QStringList names() const { return builtInNames() + userNames(); }
  static bool isBuiltIn(const QString& name) { return builtInNames().contains(name); }
  /// The stored presets were read successfully: changes can be written.
  bool loaded() const { return loaded_; }
  /// Why changes cannot be written now ("" when they can).
  QString notWritableReason() const;
  /// Stored entries kept as they were because they could not be read as configurations.
  QStringList unreadableNames() const { return raw_.keys(); }

  /// A preset by name; "auto" resolves to the preset it picks for `interactions` (the selected
  /// dataset's count). Nullopt for an unknown name.
  std::optional<RunConfig> get(const QString& name, int64_t interactions) const;
  /// Saves (or replaces) a user preset and writes the setting. Refuses empty and built-in names,
  /// and refuses while the stored presets are not loaded (see above).
  bool save(const QString& name, const RunConfig& config, QString* error = nullptr);
  bool remove(const QString& name, QString* error = nullptr);

 Q_SIGNALS:
  /// The user presets were read from the workspace or changed.
  void changed();
  void problem(QString message);

 private:
  void store();

  RunLibrary* library_;
  QMap<QString, RunConfig> user_;
  QMap<QString, Json> raw_;  // stored entries that are not readable configurations, kept as is
  quint64 readToken_ = 0;
  bool loaded_ = false;
  QString loadError_;  // why the stored presets could not be read ("" while pending or loaded)
};

}  // namespace m6
