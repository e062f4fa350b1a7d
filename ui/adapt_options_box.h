// AdaptOptionsBox: the adaptation options of AdaptOptions as a group of controls, shared by the
// Adapt dialog and the comparison view: freeze the field encoders / the history encoder / the
// attention, parameter-efficient mode (the whole parent frozen; only a new head and bottleneck
// adapters train), a new head, a learning rate for the carried parameters, and zero-shot.
//
// Parameter-efficient mode freezes every carried parameter, so the three freeze boxes are shown
// ticked and disabled while it is on (the user's own ticks come back when it is turned off).
//
// Thread affinity: GUI thread.
#pragma once

#include <QGroupBox>

#include "model/adapt_report.h"

class QCheckBox;
class QDoubleSpinBox;

namespace m6
{

class AdaptOptionsBox : public QGroupBox
{
  Q_OBJECT
 public:
  explicit AdaptOptionsBox(QWidget* parent = nullptr);

  AdaptOptions options() const;
  void setOptions(const AdaptOptions& options);

  QCheckBox* freezeEncoders() const { return encoders_; }
  QCheckBox* freezeHistory() const { return history_; }
  QCheckBox* freezeAttention() const { return attention_; }
  QCheckBox* parameterEfficient() const { return peft_; }
  QCheckBox* newHead() const { return newHead_; }
  QCheckBox* zeroShot() const { return zeroShot_; }
  QDoubleSpinBox* carriedLr() const { return carriedLr_; }

 Q_SIGNALS:
  void optionsChanged();

 private:
  void syncEnabled();

  QCheckBox* encoders_ = nullptr;
  QCheckBox* history_ = nullptr;
  QCheckBox* attention_ = nullptr;
  QCheckBox* peft_ = nullptr;
  QCheckBox* newHead_ = nullptr;
  QCheckBox* zeroShot_ = nullptr;
  QDoubleSpinBox* carriedLr_ = nullptr;
  bool peftShown_ = false;                 // the freeze boxes show PEFT's "all frozen"
  bool saved_[3] = {false, false, false};  // the user's freeze choices under PEFT
};

}  // namespace m6
