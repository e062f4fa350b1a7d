// JobProgressWidget: the progress of an import or demo job: phase, a bar (bytes read of total,
// or busy when unknown), rows read, rows per second, rows rejected so far, and Cancel.
// JobProgressDialog wraps it for the demo dataset (and the first start).
//
// Thread affinity: GUI thread. Shows what WorkspaceSession::jobProgress reports for the job
// token it was given; cancel goes through the session.
#pragma once

#include <QDialog>
#include <QWidget>

#include "app/bridge/bridge_types.h"

class QLabel;
class QProgressBar;
class QPushButton;

namespace m6
{

class WorkspaceSession;

class JobProgressWidget : public QWidget
{
  Q_OBJECT
 public:
  explicit JobProgressWidget(QWidget* parent = nullptr);

  void start(const QString& title);
  void showProgress(const WorkProgress& p);
  QProgressBar* bar() const { return bar_; }
  QPushButton* cancelButton() const { return cancel_; }
  QString detailText() const;

 Q_SIGNALS:
  void cancelRequested();

 private:
  QLabel* title_ = nullptr;
  QLabel* phase_ = nullptr;
  QProgressBar* bar_ = nullptr;
  QLabel* details_ = nullptr;
  QPushButton* cancel_ = nullptr;
};

/// A small window-modal dialog following one session job until it ends.
class JobProgressDialog : public QDialog
{
  Q_OBJECT
 public:
  JobProgressDialog(WorkspaceSession* session, quint64 token, const QString& title,
                    QWidget* parent = nullptr);
  JobProgressWidget* progress() const { return widget_; }

 protected:
  void reject() override;  // Escape / close: cancel the job, stay until it has ended

 private:
  WorkspaceSession* session_;
  quint64 token_;
  JobProgressWidget* widget_;
};

}  // namespace m6
