// ImportDialog: File > Import dataset. Pages:
//   source   pick a folder or a file; the format is detected (m6::detectFormat) and can be
//            overridden; the dataset name defaults to the folder/file name and is checked by
//            the session's DatasetWorker (Workspace::checkDatasetName);
//   mapping  for "csv" only: CsvMappingPage;
//   progress the import runs on the session's ImportWorker: phase, bytes read of total, rows/s,
//            rejected so far, Cancel;
//   summary  ImportReportView with the counts and the first rejected rows.
// A failed import returns to the page it started from with the message; a cancelled one says
// that the workspace is unchanged.
//
// Thread affinity: GUI thread; never waits on the worker.
#pragma once

#include <QDialog>

#include "app/bridge/bridge_types.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;
class QTimer;

namespace m6
{

class CsvMappingPage;
class ImportReportView;
class JobProgressWidget;
class WorkspaceSession;

class ImportDialog : public QDialog
{
  Q_OBJECT
 public:
  enum class Page
  {
    Source,
    Mapping,
    Progress,
    Summary
  };

  explicit ImportDialog(WorkspaceSession* session, QWidget* parent = nullptr);

  /// Picks a folder or file as if chosen with the buttons.
  void setSource(const QString& path);
  void setDatasetName(const QString& name);
  Page page() const;
  /// The chosen format id ("movielens-100k", ..., "csv").
  QString format() const;
  bool needsMapping() const;  // csv and json-lines: the mapping page comes first
  void setFormat(const QString& id);
  /// Next (to the mapping) or Import, as the button would.
  void next();
  bool canProceed() const;
  QString problem() const;

  CsvMappingPage* mappingPage() const { return mapping_; }
  ImportReportView* summary() const { return summary_; }
  JobProgressWidget* progress() const { return progress_; }
  QPushButton* nextButton() const { return next_; }
  QLineEdit* nameEdit() const { return name_; }
  QComboBox* formatCombo() const { return formatCombo_; }

 Q_SIGNALS:
  /// A dataset was imported (after the summary page is shown).
  void imported(m6::DatasetInfo dataset);

 protected:
  void reject() override;

 private:
  QWidget* buildSourcePage();
  void showPage(Page p);
  void updateButtons();
  void startImport();
  void onFinished(quint64 token, const m6::ImportResult& result);
  void onFailed(quint64 token, const QString& message);
  void checkName();

  WorkspaceSession* session_;
  QStackedWidget* pages_ = nullptr;
  QLineEdit* path_ = nullptr;
  QLabel* detected_ = nullptr;
  QComboBox* formatCombo_ = nullptr;
  QLineEdit* name_ = nullptr;
  QLabel* nameProblem_ = nullptr;
  QLabel* error_ = nullptr;
  CsvMappingPage* mapping_ = nullptr;
  JobProgressWidget* progress_ = nullptr;
  ImportReportView* summary_ = nullptr;
  QPushButton* back_ = nullptr;
  QPushButton* next_ = nullptr;
  QPushButton* close_ = nullptr;
  QTimer* nameTimer_ = nullptr;
  quint64 nameToken_ = 0;
  QString nameError_;
  bool nameChecked_ = false;
  quint64 jobToken_ = 0;
  Page startedFrom_ = Page::Source;
};

}  // namespace m6
