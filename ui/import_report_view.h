// ImportReportView: the counts of an import (users, items, interactions, rows read, rejected,
// seconds) and its first rejected rows (file, line, reason, content) in a table. Used as the
// import dialog's summary page and in the "Import report" dialog of the dataset list.
//
// Thread affinity: GUI thread.
#pragma once

#include <QDialog>
#include <QWidget>

#include "storage/importer.h"

class QLabel;
class QTableWidget;

namespace m6
{

class ImportReportView : public QWidget
{
  Q_OBJECT
 public:
  /// Rejected rows shown in the table (the report may hold more).
  static constexpr int kMaxRowsShown = 1000;

  explicit ImportReportView(QWidget* parent = nullptr);

  void setReport(const DatasetInfo& dataset, const ImportReport& report);
  /// The figure shown for "users", "items", "interactions", "rows", "rejected", "seconds".
  QString figure(const QString& key) const;
  QTableWidget* rejectedTable() const { return rejected_; }

 private:
  QMap<QString, QLabel*> figures_;
  QLabel* heading_ = nullptr;
  QLabel* notes_ = nullptr;
  QTableWidget* rejected_ = nullptr;
};

/// A dialog around ImportReportView (the dataset list's "Show import report").
class ImportReportDialog : public QDialog
{
  Q_OBJECT
 public:
  ImportReportDialog(const DatasetInfo& dataset, const ImportReport& report,
                     QWidget* parent = nullptr);
  ImportReportView* view() const { return view_; }

 private:
  ImportReportView* view_;
};

}  // namespace m6
