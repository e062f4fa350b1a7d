#include "ui/import_report_view.h"

#include <QDialogButtonBox>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTableWidget>
#include <QVBoxLayout>

namespace m6
{

ImportReportView::ImportReportView(QWidget* parent) : QWidget(parent)
{
  heading_ = new QLabel(this);
  heading_->setWordWrap(true);
  auto* grid = new QGridLayout;
  grid->setHorizontalSpacing(14);
  const char* keys[][2] = {{"users", "Users"},
                           {"items", "Items"},
                           {"interactions", "Interactions"},
                           {"rows", "Rows read"},
                           {"rejected", "Rows rejected"},
                           {"seconds", "Seconds"}};
  int k = 0;
  for (const auto& kv : keys)
  {
    auto* name = new QLabel(tr(kv[1]) + QLatin1Char(':'), this);
    auto* value = new QLabel(QStringLiteral("–"), this);
    QFont bold = value->font();
    bold.setBold(true);
    value->setFont(bold);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    grid->addWidget(name, k / 3, (k % 3) * 2);
    grid->addWidget(value, k / 3, (k % 3) * 2 + 1);
    figures_.insert(QString::fromLatin1(kv[0]), value);
    ++k;
  }
  grid->setColumnStretch(6, 1);
  notes_ = new QLabel(this);
  notes_->setWordWrap(true);
  rejected_ = new QTableWidget(0, 4, this);
  rejected_->setHorizontalHeaderLabels({tr("File"), tr("Line"), tr("Reason"), tr("Content")});
  rejected_->horizontalHeader()->setStretchLastSection(true);
  rejected_->verticalHeader()->hide();
  rejected_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  rejected_->setSelectionBehavior(QAbstractItemView::SelectRows);
  rejected_->setToolTip(tr("The first rows that were skipped, with the reason"));
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(heading_);
  layout->addLayout(grid);
  layout->addWidget(notes_);
  layout->addWidget(rejected_, 1);
}

void ImportReportView::setReport(const DatasetInfo& dataset, const ImportReport& report)
{
  const QLocale loc;
  heading_->setText(
      tr("<b>%1</b> imported from %2 (%3).")
          .arg(QString::fromStdString(dataset.name).toHtmlEscaped(),
               QString::fromStdString(report.source.empty() ? dataset.sourcePath : report.source)
                   .toHtmlEscaped(),
               QString::fromStdString(report.format.empty() ? dataset.sourceFormat
                                                            : report.format)));
  figures_["users"]->setText(loc.toString(static_cast<qlonglong>(dataset.users)));
  figures_["items"]->setText(loc.toString(static_cast<qlonglong>(dataset.items)));
  figures_["interactions"]->setText(loc.toString(static_cast<qlonglong>(dataset.interactions)));
  figures_["rows"]->setText(loc.toString(static_cast<qlonglong>(report.rowsRead)));
  figures_["rejected"]->setText(loc.toString(static_cast<qlonglong>(report.rowsRejected)));
  figures_["seconds"]->setText(QString::number(report.seconds, 'f', 2));
  QStringList notes;
  for (const auto& w : report.warnings)
  {
    notes << QString::fromStdString(w);
  }
  if (report.rowsRejected > static_cast<int64_t>(report.rejected.size()) ||
      report.rejected.size() > static_cast<size_t>(kMaxRowsShown))
  {
    notes << tr("Showing the first %1 of %2 rejected rows.")
                 .arg(std::min<size_t>(report.rejected.size(), kMaxRowsShown))
                 .arg(report.rowsRejected);
  }
  if (report.rowsRejected == 0)
  {
    notes << tr("No row was rejected.");
  }
  notes_->setText(notes.join(QLatin1Char('\n')));
  const int n = static_cast<int>(std::min<size_t>(report.rejected.size(), kMaxRowsShown));
  rejected_->setRowCount(n);
  for (int r = 0; r < n; ++r)
  {
    const RejectedRow& row = report.rejected[static_cast<size_t>(r)];
    rejected_->setItem(r, 0, new QTableWidgetItem(QString::fromStdString(row.file)));
    auto* line = new QTableWidgetItem;
    line->setData(Qt::DisplayRole, static_cast<qlonglong>(row.line));
    rejected_->setItem(r, 1, line);
    rejected_->setItem(r, 2, new QTableWidgetItem(QString::fromStdString(row.reason)));
    // Tabs would render as wide gaps: show them as a visible mark.
    QString content = QString::fromStdString(row.content);
    content.replace(QLatin1Char('\t'), QStringLiteral(" ⇥ "));
    rejected_->setItem(r, 3, new QTableWidgetItem(content));
  }
  rejected_->resizeColumnsToContents();
  rejected_->setVisible(n > 0);
}

QString ImportReportView::figure(const QString& key) const
{
  auto* label = figures_.value(key);
  return label ? label->text() : QString();
}

ImportReportDialog::ImportReportDialog(const DatasetInfo& dataset, const ImportReport& report,
                                       QWidget* parent)
    : QDialog(parent), view_(new ImportReportView(this))
{
  setWindowTitle(tr("Import report: %1").arg(QString::fromStdString(dataset.name)));
  view_->setReport(dataset, report);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(view_, 1);
  layout->addWidget(buttons);
  resize(760, 480);
}

}  // namespace m6
