// ConfigForm: the run configuration as a form generated from the engine's field table
// (configFields(): one row per knob, grouped as Data and split, Field encoders, History encoder,
// Attention, Decoder, Task and loss, Optimisation). Spin boxes with the knob's valid range,
// combo boxes with its choices, check boxes, and field-list pickers offering the dataset's
// fields; every label and editor carries the knob's tooltip (what it does and its range).
//
// Validation as you type: after every edit the whole config goes through validate() (with the
// dataset's schema when one is set, so the dataset rules apply too). An invalid field gets a red
// label and background and the rule's message right under it; issues() lists them all.
// Knobs whose appliesWhen condition does not hold are disabled (unless they carry an issue,
// which the user must be able to fix).
//
// The form owns a RunConfig; the editors only show it. setConfig() and setFieldValue() change
// it programmatically (presets, JSON, a past run, tests) exactly as editing would.
//
// Thread affinity: GUI thread.
#pragma once

#include <QMap>
#include <QWidget>
#include <optional>
#include <vector>

#include "model/core/config.h"
#include "model/core/config_fields.h"
#include "model/core/dataset_schema.h"

class QFormLayout;
class QLabel;

namespace m6
{

class ConfigForm : public QWidget
{
  Q_OBJECT
 public:
  explicit ConfigForm(QWidget* parent = nullptr);

  const RunConfig& config() const { return config_; }
  void setConfig(const RunConfig& config);

  /// The dataset the config is for (field names, ratings, catalogue size); nullptr: none.
  void setSchema(const DatasetSchema* schema);
  bool hasSchema() const { return schema_.has_value(); }

  /// Sets one knob (dotted key) as if edited. False (and `error`) for an unknown key or a value
  /// of the wrong type; ranges are not refused here but reported by validation.
  bool setFieldValue(const QString& key, const Json& value, QString* error = nullptr);

  const std::vector<ConfigIssue>& issues() const { return issues_; }
  bool isValid() const { return issues_.empty(); }
  /// The messages of one field ("" when it is fine), as shown under it.
  QString issueText(const QString& key) const;
  /// The editor of a knob (QSpinBox, NumberSpinBox, BigIntEdit, QCheckBox, QComboBox,
  /// FieldListEdit), or nullptr.
  QWidget* editor(const QString& key) const;
  QLabel* label(const QString& key) const;
  /// Whether the knob's appliesWhen condition holds for the current config.
  bool fieldApplies(const QString& key) const;

 Q_SIGNALS:
  /// Any knob changed, by the user or programmatically.
  void configChanged();
  void validityChanged(bool valid);

 private:
  struct Row
  {
    const ConfigFieldInfo* info = nullptr;
    QWidget* editor = nullptr;
    QLabel* label = nullptr;
    QLabel* message = nullptr;
    QFormLayout* form = nullptr;
  };

  QWidget* makeEditor(const ConfigFieldInfo& f);
  void showValue(Row& row);
  void edited(const QString& key, const Json& value);
  void revalidate();
  void refreshChoices();

  RunConfig config_;
  std::optional<DatasetSchema> schema_;
  std::vector<ConfigIssue> issues_;
  QMap<QString, Row> rows_;
  bool showing_ = false;  // editors are being filled from config_: ignore their signals
  bool wasValid_ = true;
};

}  // namespace m6
