#include "ui/job_progress_widget.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

#include "app/bridge/workspace_session.h"

namespace m6
{

JobProgressWidget::JobProgressWidget(QWidget* parent) : QWidget(parent)
{
  title_ = new QLabel(this);
  QFont bold = title_->font();
  bold.setBold(true);
  title_->setFont(bold);
  phase_ = new QLabel(this);
  phase_->setWordWrap(true);  // "Waiting for the workspace: process ... (command line) ..."
  bar_ = new QProgressBar(this);
  bar_->setMinimumWidth(360);
  details_ = new QLabel(this);
  cancel_ = new QPushButton(tr("Cancel"), this);
  cancel_->setToolTip(tr("Stop now; the workspace stays exactly as it was before"));
  auto* row = new QHBoxLayout;
  row->addStretch(1);
  row->addWidget(cancel_);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(title_);
  layout->addWidget(phase_);
  layout->addWidget(bar_);
  layout->addWidget(details_);
  layout->addStretch(1);
  layout->addLayout(row);
  connect(cancel_, &QPushButton::clicked, this,
          [this]
          {
            cancel_->setEnabled(false);
            phase_->setText(tr("Cancelling…"));
            Q_EMIT cancelRequested();
          });
}

void JobProgressWidget::start(const QString& title)
{
  title_->setText(title);
  phase_->setText(tr("Starting…"));
  bar_->setRange(0, 0);
  details_->clear();
  cancel_->setEnabled(true);
}

void JobProgressWidget::showProgress(const WorkProgress& p)
{
  if (!cancel_->isEnabled())
  {
    return;  // cancelling: keep saying so
  }
  phase_->setText(p.phase);
  if (p.total > 0)
  {
    bar_->setRange(0, 1000);
    bar_->setValue(
        static_cast<int>(1000.0 * static_cast<double>(p.done) / static_cast<double>(p.total)));
    bar_->setFormat(
        p.phase.startsWith(QLatin1String("Reading"))
            ? tr("%1 of %2")
                  .arg(QLocale().formattedDataSize(p.done), QLocale().formattedDataSize(p.total))
            : tr("%p%"));
  }
  else
  {
    bar_->setRange(0, 0);
  }
  const QLocale loc;
  details_->setText(tr("%1 rows read · %2 rows/s · %3 rejected · %4 s")
                        .arg(loc.toString(p.rows), loc.toString(qRound64(p.rowsPerSecond)),
                             loc.toString(p.rejected), QString::number(p.seconds, 'f', 1)));
}

QString JobProgressWidget::detailText() const
{
  return phase_->text() + ' ' + details_->text();
}

JobProgressDialog::JobProgressDialog(WorkspaceSession* session, quint64 token, const QString& title,
                                     QWidget* parent)
    : QDialog(parent), session_(session), token_(token), widget_(new JobProgressWidget(this))
{
  setWindowTitle(title);
  setWindowModality(Qt::WindowModal);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(widget_);
  widget_->start(title);
  connect(widget_, &JobProgressWidget::cancelRequested, session_, &WorkspaceSession::cancelJob);
  connect(session_, &WorkspaceSession::jobProgress, this,
          [this](quint64 t, const m6::WorkProgress& p)
          {
            if (t == token_)
            {
              widget_->showProgress(p);
            }
          });
  auto end = [this](quint64 t)
  {
    if (t == token_)
    {
      accept();
    }
  };
  connect(session_, &WorkspaceSession::jobFinished, this,
          [end](quint64 t, const m6::ImportResult&) { end(t); });
  connect(session_, &WorkspaceSession::jobFailed, this,
          [end](quint64 t, const QString&) { end(t); });
}

void JobProgressDialog::reject()
{
  widget_->cancelButton()->click();
}

}  // namespace m6
