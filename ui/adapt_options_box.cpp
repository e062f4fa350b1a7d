#include "ui/adapt_options_box.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QSignalBlocker>
#include <QVBoxLayout>

namespace m6
{

namespace
{

QCheckBox* box(const QString& text, const QString& tip, QWidget* parent)
{
  auto* b = new QCheckBox(text, parent);
  b->setToolTip(tip);
  return b;
}

}  // namespace

AdaptOptionsBox::AdaptOptionsBox(QWidget* parent) : QGroupBox(tr("Adaptation"), parent)
{
  encoders_ = box(tr("Freeze the field &encoders"),
                  tr("Keep the parent's user, item and context field encoders as they are (their "
                     "carried weights are not trained)"),
                  this);
  history_ = box(tr("Freeze the &history encoder"),
                 tr("Keep the parent's history encoder (GRU, CNN or transformer) as it is"), this);
  attention_ = box(tr("Freeze the &attention"),
                   tr("Keep the parent's fusion attention layers as they are"), this);
  peft_ = box(tr("&Parameter-efficient (adapters)"),
              tr("Freeze the whole parent and train only small added parts: a new head and "
                 "bottleneck adapters after the attention and the encoders (about 1% of the "
                 "parameters). Needs an adapter width above 0"),
              this);
  newHead_ = box(tr("New &head"),
                 tr("Re-initialise the decoder head even when the task and scorer are unchanged "
                    "(it is always re-initialised when they change)"),
                 this);
  zeroShot_ = box(tr("&Zero-shot evaluation first"),
                  tr("Evaluate the parent on the target dataset before any fine-tuning, through "
                     "the same carry-over (not available when the head is re-initialised)"),
                  this);
  zeroShot_->setChecked(true);
  carriedLr_ = new QDoubleSpinBox(this);
  carriedLr_->setDecimals(6);
  carriedLr_->setRange(0, 10);
  carriedLr_->setSingleStep(1e-4);
  carriedLr_->setSpecialValueText(tr("same as the learning rate"));
  carriedLr_->setToolTip(
      tr("Learning rate of the carried (trainable) parameters, often lower "
         "than the new parts' so fine-tuning does not undo what the parent "
         "learned; 0 = the run's learning rate (0-10)"));
  auto* form = new QFormLayout;
  form->addRow(tr("Carried-parameter &lr"), carriedLr_);
  form->labelForField(carriedLr_)->setToolTip(carriedLr_->toolTip());
  auto* layout = new QVBoxLayout(this);
  for (QCheckBox* b : {encoders_, history_, attention_, peft_, newHead_, zeroShot_})
  {
    layout->addWidget(b);
    connect(b, &QCheckBox::toggled, this,
            [this]
            {
              syncEnabled();
              Q_EMIT optionsChanged();
            });
  }
  layout->addLayout(form);
  connect(carriedLr_, &QDoubleSpinBox::valueChanged, this, &AdaptOptionsBox::optionsChanged);
}

AdaptOptions AdaptOptionsBox::options() const
{
  AdaptOptions o;
  o.freezeEncoders = encoders_->isChecked();
  o.freezeHistory = history_->isChecked();
  o.freezeAttention = attention_->isChecked();
  o.parameterEfficient = peft_->isChecked();
  o.newHead = newHead_->isChecked();
  o.zeroShot = zeroShot_->isChecked();
  o.carriedLr = carriedLr_->value();
  return o;
}

void AdaptOptionsBox::setOptions(const AdaptOptions& o)
{
  {
    const QSignalBlocker b1(encoders_), b2(history_), b3(attention_), b4(peft_), b5(newHead_),
        b6(zeroShot_), b7(carriedLr_);
    encoders_->setChecked(o.freezeEncoders);
    history_->setChecked(o.freezeHistory);
    attention_->setChecked(o.freezeAttention);
    peft_->setChecked(o.parameterEfficient);
    peftShown_ = o.parameterEfficient;
    saved_[0] = o.freezeEncoders;
    saved_[1] = o.freezeHistory;
    saved_[2] = o.freezeAttention;
    newHead_->setChecked(o.newHead);
    zeroShot_->setChecked(o.zeroShot);
    carriedLr_->setValue(o.carriedLr);
  }
  syncEnabled();
  Q_EMIT optionsChanged();
}

void AdaptOptionsBox::syncEnabled()
{
  // In PEFT mode every carried parameter is frozen anyway: the boxes show that (ticked, not
  // editable) and get the user's own choice back when it is turned off.
  const bool peft = peft_->isChecked();
  if (peft != peftShown_)
  {
    QCheckBox* boxes[] = {encoders_, history_, attention_};
    for (int i = 0; i < 3; ++i)
    {
      const QSignalBlocker block(boxes[i]);
      if (peft)
      {
        saved_[i] = boxes[i]->isChecked();
      }
      boxes[i]->setChecked(peft || saved_[i]);
    }
    peftShown_ = peft;
  }
  for (QCheckBox* b : {encoders_, history_, attention_})
  {
    b->setEnabled(!peft);
  }
  carriedLr_->setEnabled(!peft);
}

}  // namespace m6
