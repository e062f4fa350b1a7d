// The import dialog end to end on the worker path: a MovieLens-100K folder shows its counts
// and rejected rows in the summary and appears in the main window's dataset list; a CSV mapped
// through the dialog's widgets (delimiter, header, roles, kinds, time format) imports the right
// dataset; a mapping saves and loads as JSON; a taken name is refused; a gzip JSON-lines file
// maps by key; an Amazon review file imports without a mapping.
#include <zlib.h>

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QTableWidget>
#include <QtTest>

#include "app/bridge/app_services.h"
#include "app/bridge/snapshot_store.h"
#include "app/bridge/workspace_session.h"
#include "gui_test_main.h"
#include "storage/formats.h"
#include "tests/storage/zip_fixture.h"
#include "ui/column_role_table.h"
#include "ui/csv_mapping_page.h"
#include "ui/dataset_list_panel.h"
#include "ui/dialect_editor.h"
#include "ui/import_dialog.h"
#include "ui/import_report_view.h"
#include "ui/main_window.h"
#include "ui/side_file_editor.h"

using namespace m6;

class TestImportDialog : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_;

  std::unique_ptr<MainWindow> window(const QString& ws)
  {
    MainWindowOptions o;
    o.services = std::make_shared<AppServices>();
    o.workspacePath = dir_.filePath(ws);
    o.createDemoWhenEmpty = false;
    auto w = std::make_unique<MainWindow>(o);
    QSignalSpy opened(w->session(), &WorkspaceSession::opened);
    w->show();
    if (!w->session()->isOpen())
    {
      opened.wait(10000);
    }
    return w;
  }

  QString csvFixture()
  {
    // Semicolon-separated with a header; the 4th data row has a bad timestamp (line 5).
    return m6test::writeFile(dir_.filePath("events/events.txt"),
                             "who;what;stars;when;device;tags\n"
                             "alice;book-1;4.5;2024-05-01T10:00:00Z;phone;a,b\n"
                             "bob;book-2;3;2024-05-02T11:30:00Z;tablet;b\n"
                             "alice;book-2;5;2024-05-03T09:15:00Z;phone;\n"
                             "carol;book-3;2;not-a-date;desktop;c\n"
                             "carol;book-1;4;2024-06-01T08:00:00Z;phone;a\n");
  }

  void mapFixtureColumns(CsvMappingPage* page)
  {
    ColumnRoleTable* roles = page->roles();
    QCOMPARE(roles->columnsShown(), 6);
    // Guessed from the names: who -> user, what -> ?, stars -> rating, when -> timestamp.
    roles->roleCombo(1)->setCurrentIndex(roles->roleCombo(1)->findData("item"));
    roles->timeFormatCombo(3)->setCurrentIndex(
        roles->timeFormatCombo(3)->findData(int(TimeFormat::Iso8601)));
    roles->roleCombo(4)->setCurrentIndex(roles->roleCombo(4)->findData("field"));
    roles->kindCombo(4)->setCurrentIndex(
        roles->kindCombo(4)->findData(int(FieldKind::Categorical)));
    roles->roleCombo(5)->setCurrentIndex(roles->roleCombo(5)->findData("field"));
    roles->kindCombo(5)->setCurrentIndex(roles->kindCombo(5)->findData(int(FieldKind::Multi)));
    QVERIFY(roles->separatorEdit(5)->isEnabled());
    roles->separatorEdit(5)->setText(",");
  }

 private Q_SLOTS:
  void movieLens100kThroughTheDialog()
  {
    const QString folder = m6test::writeMl100k(dir_.filePath("ml-100k"));
    auto w = window("ml.m6ws");
    QVERIFY(w->session()->isOpen());
    ImportDialog* d = w->showImportDialog();
    d->setSource(folder);
    QCOMPARE(d->format(), QString("movielens-100k"));
    QCOMPARE(d->nameEdit()->text(), QString("ml-100k"));
    QTRY_VERIFY2(d->canProceed(), qPrintable(d->problem()));
    QCOMPARE(d->nextButton()->text(), QString("Import"));
    QTest::mouseClick(d->nextButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(d->page(), ImportDialog::Page::Summary, 30000);
    ImportReportView* s = d->summary();
    QCOMPARE(s->figure("users"), QString("3"));
    QCOMPARE(s->figure("items"), QString("2"));
    QCOMPARE(s->figure("interactions"), QString("5"));
    QCOMPARE(s->figure("rows"), QString("12"));  // data rows of u.data, u.user and u.item
    QCOMPARE(s->figure("rejected"), QString("2"));
    QCOMPARE(s->rejectedTable()->rowCount(), 2);
    QCOMPARE(s->rejectedTable()->item(0, 0)->text(), QString("u.data"));
    QCOMPARE(s->rejectedTable()->item(0, 1)->text(), QString("4"));
    QCOMPARE(s->rejectedTable()->item(1, 1)->text(), QString("7"));
    // The new dataset is listed and selected in the main window.
    DatasetListModel* list = w->datasetList()->model();
    QTRY_VERIFY(list->rowOf("ml-100k") >= 0);
    QTRY_VERIFY(w->datasetList()->current() && w->datasetList()->current()->name == "ml-100k");
    QCOMPARE(list->data(list->index(list->rowOf("ml-100k"), 1)).toString(),
             QString("movielens-100k"));
    // Importing again under the same name is refused before anything runs.
    d->close();
    ImportDialog* again = w->showImportDialog();
    again->setSource(folder);
    QTRY_VERIFY(again->problem().contains("ml-100k") || again->problem().contains("exists") ||
                again->problem().contains("used"));
    QVERIFY(!again->nextButton()->isEnabled());
  }

  // The folder as it was downloaded, a .zip: detected from the names inside, named after the
  // archive, unpacked by the import's worker, the same summary as the folder's.
  void aDownloadedZipThroughTheDialog()
  {
    const QString folder = m6test::writeMl100k(dir_.filePath("zipsrc/ml-100k"));
    const QString zip = m6test::zipFolder(dir_.filePath("ml-100k.zip"), folder, "ml-100k",
                                          {"u.data", "u.user", "u.item"});
    auto w = window("zip.m6ws");
    ImportDialog* d = w->showImportDialog();
    d->setSource(zip);
    QCOMPARE(d->format(), QString("movielens-100k"));
    QCOMPARE(d->nameEdit()->text(), QString("ml-100k"));
    bool said = false;
    for (QLabel* l : d->findChildren<QLabel*>())
    {
      said = said || l->text().contains("zip archive, unpacked while importing");
    }
    QVERIFY(said);
    QTRY_VERIFY2(d->canProceed(), qPrintable(d->problem()));
    QTest::mouseClick(d->nextButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(d->page(), ImportDialog::Page::Summary, 30000);
    ImportReportView* s = d->summary();
    QCOMPARE(s->figure("interactions"), QString("5"));
    QCOMPARE(s->figure("rejected"), QString("2"));
    QCOMPARE(s->rejectedTable()->item(0, 0)->text(), QString("u.data"));
  }

  void csvMappedThroughTheWidgets()
  {
    const QString file = csvFixture();
    auto w = window("csv.m6ws");
    ImportDialog* d = w->showImportDialog();
    d->setSource(file);
    QCOMPARE(d->format(), QString("csv"));
    QTRY_VERIFY2(d->canProceed(), qPrintable(d->problem()));
    QCOMPARE(d->nextButton()->text(), QString("Next"));
    d->next();
    QCOMPARE(d->page(), ImportDialog::Page::Mapping);
    CsvMappingPage* page = d->mappingPage();
    // sniffDialect found the semicolons and the header; the preview follows the controls.
    QCOMPARE(page->dialectEditor()->dialect().delimiter, std::string(";"));
    QVERIFY(page->dialectEditor()->headerCheck()->isChecked());
    QCOMPARE(page->preview()->columnCount(), 6);
    QCOMPARE(page->preview()->rowCount(), 5);
    QCOMPARE(page->preview()->horizontalHeaderItem(3)->text(), QString("when"));
    DialectEditor* de = page->dialectEditor();
    de->delimiterCombo()->setCurrentIndex(de->delimiterCombo()->findData(","));
    QCOMPARE(page->preview()->columnCount(), 2);  // split on commas now: wrong, as shown
    de->delimiterCombo()->setCurrentIndex(de->delimiterCombo()->findData(";"));
    QCOMPARE(page->preview()->columnCount(), 6);
    QCOMPARE(page->preview()->item(0, 0)->text(), QString("alice"));
    mapFixtureColumns(page);
    QVERIFY2(d->canProceed(), qPrintable(d->problem()));
    // Two item columns is an error the dialog names.
    page->roles()->setRole(0, "item");
    QVERIFY(!d->canProceed());
    QVERIFY(!d->nextButton()->isEnabled());
    page->roles()->setRole(0, "user");
    QVERIFY(d->nextButton()->isEnabled());
    // The mapping round-trips through JSON.
    const QString json = dir_.filePath("events/mapping.json");
    QString error;
    QVERIFY2(page->saveMapping(json, &error), qPrintable(error));
    page->roles()->setRole(5, "ignore");
    QVERIFY2(page->loadMapping(json, &error), qPrintable(error));
    QCOMPARE(page->roles()->role(5), QString("field"));
    QCOMPARE(page->roles()->separatorEdit(5)->text(), QString(","));
    QCOMPARE(page->roles()->role(1), QString("item"));

    QTest::mouseClick(d->nextButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(d->page(), ImportDialog::Page::Summary, 30000);
    QCOMPARE(d->summary()->figure("interactions"), QString("4"));
    QCOMPARE(d->summary()->figure("rejected"), QString("1"));
    QCOMPARE(d->summary()->rejectedTable()->item(0, 1)->text(), QString("5"));
    // What storage holds.
    auto ws = m6test::openWorkspace(dir_.filePath("csv.m6ws"));
    QCOMPARE(d->nameEdit()->text(), QString("events"));
    QCOMPARE(w->session()->path(), dir_.filePath("csv.m6ws"));
    QTRY_VERIFY(w->datasetList()->model()->rowOf("events") >= 0);
    auto info = ws->dataset("events");
    QVERIFY2(info.ok(), info.error().c_str());
    QCOMPARE(info->users, int64_t(3));
    QCOMPARE(info->items, int64_t(2));  // book-3 appears only on the rejected line
    QCOMPARE(info->interactions, int64_t(4));
    QVERIFY(info->hasRatings && info->hasTimestamps);
    auto snap = ws->loadSnapshot(info->id);
    QVERIFY(snap.ok());
    QStringList ctx;
    for (const auto& f : snap->contextFields)
    {
      ctx << QString::fromStdString(f.name) + ':' + fieldKindName(f.kind);
    }
    ctx.sort();
    QCOMPARE(ctx, (QStringList{"device:categorical", "tags:multi"}));
    // 2024-05-01T10:00:00Z is the first interaction of alice.
    QCOMPARE(snap->ts[0], int64_t(1714557600));
  }

  void gzipJsonLinesMappedByKey()
  {
    // A gzip-compressed JSON-lines file of no known layout: the mapping page reads it as JSON
    // lines, shows its keys (nested ones with dots) as columns, guesses the roles from names
    // and values, and imports through the same widgets as a CSV.
    const QByteArray lines =
        "{\"visitor\": {\"id\": \"v1\"}, \"track_id\": \"t1\", \"plays\": 3, "
        "\"ts\": 1714557600000, \"note\": \"long text\", \"device\": \"?\"}\n"
        "{\"visitor\": {\"id\": \"v2\"}, \"track_id\": \"t2\", \"plays\": 1, "
        "\"ts\": 1714557700000, \"note\": \"x\", \"device\": \"tv\"}\n"
        "{\"visitor\": {\"id\": \"v1\"}, \"track_id\": \"t2\", \"plays\": 2, "
        "\"ts\": 1714557800000, \"note\": \"y\", \"device\": \"phone\"}\n"
        "{\"visitor\": {\"id\": \"v2\"}, \"plays\": 2, \"ts\": 1714557900000}\n";
    const QString file = dir_.filePath("plays/plays.jsonl.gz");
    QDir().mkpath(dir_.filePath("plays"));
    gzFile gz = gzopen(file.toLocal8Bit().constData(), "wb");
    QVERIFY(gz);
    gzwrite(gz, lines.constData(), static_cast<unsigned>(lines.size()));
    gzclose(gz);

    auto w = window("plays.m6ws");
    ImportDialog* d = w->showImportDialog();
    d->setSource(file);
    QCOMPARE(d->format(), QString("json-lines"));
    QCOMPARE(d->nameEdit()->text(), QString("plays"));
    QTRY_VERIFY2(d->canProceed(), qPrintable(d->problem()));
    d->next();
    QCOMPARE(d->page(), ImportDialog::Page::Mapping);
    CsvMappingPage* page = d->mappingPage();
    DialectEditor* de = page->dialectEditor();
    QCOMPARE(de->dialect().layout, Layout::JsonLines);
    QVERIFY(!de->delimiterCombo()->isEnabled());
    QCOMPARE(de->missingEdit()->text(), QString("?"));
    QCOMPARE(page->preview()->columnCount(), 6);
    QCOMPARE(page->preview()->horizontalHeaderItem(0)->text(), QString("visitor.id"));
    ColumnRoleTable* roles = page->roles();
    QCOMPARE(roles->role(0), QString("user"));
    QCOMPARE(roles->role(1), QString("item"));
    QCOMPARE(roles->role(2), QString("rating"));
    QCOMPARE(roles->role(3), QString("timestamp"));
    QCOMPARE(roles->timeFormatCombo(3)->currentData().toInt(), int(TimeFormat::UnixMillis));
    QCOMPARE(roles->role(4), QString("ignore"));  // other keys wait to be chosen
    roles->setRole(5, "field");
    QVERIFY2(d->canProceed(), qPrintable(d->problem()));
    QTest::mouseClick(d->nextButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(d->page(), ImportDialog::Page::Summary, 30000);
    QCOMPARE(d->summary()->figure("interactions"), QString("3"));
    QCOMPARE(d->summary()->figure("rejected"), QString("1"));
    auto ws = m6test::openWorkspace(dir_.filePath("plays.m6ws"));
    auto info = ws->dataset("plays");
    QVERIFY2(info.ok(), info.error().c_str());
    auto snap = ws->loadSnapshot(info->id);
    QVERIFY(snap.ok());
    QCOMPARE(snap->ts[0], int64_t(1714557600));
    QCOMPARE(snap->contextFields.size(), size_t(1));
    // "?" was read as missing: only the two real devices are values.
    QCOMPARE(snap->contextFields[0].vocab, (std::vector<std::string>{"phone", "tv"}));
  }

  void amazonReviewsNeedNoMapping()
  {
    const QString file =
        m6test::writeFile(dir_.filePath("amazon/Beauty_5.json"),
                          "{\"overall\": 5.0, \"reviewerID\": \"A1\", \"asin\": \"B1\", "
                          "\"unixReviewTime\": 1377129600}\n"
                          "{\"overall\": 3.0, \"reviewerID\": \"A2\", \"asin\": \"B1\", "
                          "\"unixReviewTime\": 1377129700}\n");
    auto w = window("amazon.m6ws");
    ImportDialog* d = w->showImportDialog();
    d->setSource(file);
    QCOMPARE(d->format(), QString("amazon-reviews"));
    QTRY_VERIFY2(d->canProceed(), qPrintable(d->problem()));
    QCOMPARE(d->nextButton()->text(), QString("Import"));
    QTest::mouseClick(d->nextButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(d->page(), ImportDialog::Page::Summary, 30000);
    QCOMPARE(d->summary()->figure("interactions"), QString("2"));
  }

  void csvWithAnItemsSideFile()
  {
    const QString file = m6test::writeFile(dir_.filePath("side/ratings.tsv"),
                                           "u1\tb1\t4\n"
                                           "u2\tb2\t5\n"
                                           "u2\tb9\t1\n"  // line 3: b9 is not in the items file
                                           "u3\tb1\t2\n");
    const QString items = m6test::writeFile(dir_.filePath("side/books.csv"),
                                            "book,name,genres,pages\n"
                                            "b1,\"Dune, Part 1\",sf|classic,412\n"
                                            "b2,Emma,romance,300\n");
    auto w = window("side.m6ws");
    ImportDialog* d = w->showImportDialog();
    d->setSource(file);
    QTRY_VERIFY2(d->canProceed(), qPrintable(d->problem()));
    d->next();
    CsvMappingPage* page = d->mappingPage();
    QCOMPARE(page->dialectEditor()->dialect().delimiter, std::string("\t"));
    QVERIFY(!page->dialectEditor()->headerCheck()->isChecked());
    // Without a header the columns are taken by position: user, item, rating.
    QCOMPARE(page->roles()->role(0), QString("user"));
    QCOMPARE(page->roles()->role(1), QString("item"));
    QCOMPARE(page->roles()->role(2), QString("rating"));
    SideFileEditor* side = page->itemsFile();
    side->setFile(items);
    QVERIFY(side->isUsed());
    ColumnRoleTable* roles = side->roles();
    QCOMPARE(roles->columnsShown(), 4);
    QCOMPARE(roles->role(0), QString("id"));
    QCOMPARE(roles->role(1), QString("title"));
    roles->setRole(2, "field");
    roles->setKind(2, FieldKind::Multi);
    roles->setRole(3, "field");
    roles->setKind(3, FieldKind::Numeric);
    QVERIFY2(d->canProceed(), qPrintable(d->problem()));
    QTest::mouseClick(d->nextButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(d->page(), ImportDialog::Page::Summary, 30000);
    QCOMPARE(d->summary()->figure("rejected"), QString("1"));
    QCOMPARE(d->summary()->rejectedTable()->item(0, 1)->text(), QString("3"));
    auto ws = m6test::openWorkspace(dir_.filePath("side.m6ws"));
    auto info = ws->dataset("ratings");
    QVERIFY2(info.ok(), info.error().c_str());
    QCOMPARE(info->items, int64_t(2));
    QCOMPARE(info->interactions, int64_t(3));
    auto snap = ws->loadSnapshot(info->id);
    QVERIFY(snap.ok());
    const int b1 = snap->itemIds[0] == "b1" ? 0 : 1;
    QCOMPARE(QString::fromStdString(snap->itemTitles[size_t(b1)]), QString("Dune, Part 1"));
    QStringList fields;
    for (const auto& f : snap->itemFields)
    {
      fields << QString::fromStdString(f.name) + ':' + fieldKindName(f.kind);
    }
    QVERIFY2(fields.contains("genres:multi"), qPrintable(fields.join(' ')));
    QVERIFY2(fields.contains("pages:numeric"), qPrintable(fields.join(' ')));
  }
};

M6_GUI_TEST_MAIN(TestImportDialog)
#include "test_import_dialog.moc"
