#include "ui/inspect_page.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QTabWidget>
#include <QVBoxLayout>

#include "app/bridge/run_inspector.h"
#include "app/bridge/run_library.h"
#include "ui/attention_stats_panel.h"
#include "ui/embedding_map_view.h"
#include "ui/user_inspect_view.h"
#include "ui/user_metrics_view.h"

namespace m6
{

namespace
{

QString runLabel(const RunRecord& r)
{
  return QStringLiteral("#%1  %2  (%3, %4, %5)")
      .arg(r.id)
      .arg(QString::fromStdString(r.name), QString::fromStdString(wordOf(r.kind)),
           QString::fromStdString(r.datasetName), QString::fromStdString(wordOf(r.status)));
}

}  // namespace

InspectPage::InspectPage(RunInspector* inspector, RunLibrary* library, QWidget* parent)
    : QWidget(parent), library_(library), inspector_(inspector)
{
  runs_ = new QComboBox(this);
  runs_->setPlaceholderText(tr("Pick a run to inspect…"));
  runs_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  runs_->setMinimumContentsLength(40);
  runs_->setToolTip(tr("The run whose model (or baseline) the page inspects"));
  openFile_ = new QPushButton(tr("Open model file…"), this);
  openFile_->setToolTip(tr("Inspect an exported .m6model file, without retraining"));
  status_ = new QLabel(this);
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  auto* bar = new QHBoxLayout;
  bar->setContentsMargins(0, 0, 0, 0);
  bar->addWidget(new QLabel(tr("Run:"), this));
  bar->addWidget(runs_, 1);
  bar->addWidget(openFile_);

  user_ = new UserInspectView(inspector_, this);
  metrics_ = new UserMetricsView(this);
  stats_ = new AttentionStatsPanel(this);
  map_ = new EmbeddingMapView(this);
  tabs_ = new QTabWidget(this);
  tabs_->addTab(user_, tr("User"));
  tabs_->setTabToolTip(UserTab, tr("One user: history, top K, attention (Alt+Up/Down, Ctrl+R)"));
  tabs_->addTab(metrics_, tr("Per-user metrics"));
  tabs_->setTabToolTip(MetricsTab, tr("Rank of every user's test item, NDCG, hit; CSV export"));
  tabs_->addTab(stats_, tr("Attention across users"));
  tabs_->setTabToolTip(StatsTab, tr("Where the attention goes on average, head by head"));
  tabs_->addTab(map_, tr("Embedding map"));
  tabs_->setTabToolTip(MapTab, tr("2-D PCA of the item and user embeddings"));
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(bar);
  layout->addWidget(status_);
  layout->addWidget(tabs_, 1);

  connect(runs_, &QComboBox::activated, this,
          [this](int index) { inspectRun(runs_->itemData(index).toLongLong()); });
  connect(openFile_, &QPushButton::clicked, this, &InspectPage::chooseModelFile);
  connect(library_, &RunLibrary::runsChanged, this, &InspectPage::onRuns);
  connect(inspector_, &RunInspector::phaseChanged, this,
          [this](const QString& text)
          {
            // Loading a model: the status line follows it. Later phases (statistics, map) are
            // written in their tabs, so the line keeps saying what is open.
            if (inspector_->opening())
            {
              setStatus(text, false);
            }
          });
  connect(inspector_, &RunInspector::opened, this, &InspectPage::onOpened);
  connect(inspector_, &RunInspector::openFailed, this, &InspectPage::onOpenFailed);
  connect(inspector_, &RunInspector::requestFailed, this, &InspectPage::onRequestFailed);
  connect(inspector_, &RunInspector::userMetricsReady, this,
          [this](quint64, const m6::UserMetricsTable& t)
          {
            metrics_->setTable(t);
            user_->setMissed(t);
          });
  connect(inspector_, &RunInspector::attentionStatsReady, this,
          [this](quint64, const m6::AttentionStatsView& s) { stats_->setStats(s); });
  connect(inspector_, &RunInspector::embeddingMapReady, this,
          [this](quint64, const m6::EmbeddingMap& m) { map_->setMap(m); });
  connect(tabs_, &QTabWidget::currentChanged, this, &InspectPage::onTab);
  connect(metrics_, &UserMetricsView::userActivated, this,
          [this](qint32 user)
          {
            tabs_->setCurrentIndex(UserTab);
            user_->showUser(user);
          });
  connect(map_, &EmbeddingMapView::userActivated, this,
          [this](qint32 user)
          {
            tabs_->setCurrentIndex(UserTab);
            user_->showUser(user);
          });
  connect(map_, &EmbeddingMapView::itemActivated, this, &InspectPage::itemInteractionsRequested);
  connect(map_, &EmbeddingMapView::kindChanged, this,
          [this](bool items)
          {
            mapItems_ = items;
            inspector_->loadEmbeddingMap(items);
          });
  connect(stats_, &AttentionStatsPanel::computeRequested, this,
          [this] { inspector_->loadAttentionStats(); });
  connect(user_, &UserInspectView::statusMessage, this, &InspectPage::statusMessage);
  connect(metrics_, &UserMetricsView::statusMessage, this, &InspectPage::statusMessage);
  resetTabs(tr("Pick a run above, or open a model file."));
  setStatus(tr("Pick a run to inspect (or double-click one on the Runs page), or open an exported "
               "model file."),
            false);
  onRuns(library_->runs());
}

InspectPage::~InspectPage() = default;

QString InspectPage::statusText() const
{
  return status_->text();
}

void InspectPage::setStatus(const QString& text, bool error)
{
  status_->setText(text);
  status_->setStyleSheet(error ? QStringLiteral("color: #b00020; font-weight: bold; padding: 4px")
                               : QStringLiteral("color: #444; padding: 2px"));
}

void InspectPage::onRuns(const RunList& runs)
{
  const qint64 keep = runs_->currentData().toLongLong();
  const QSignalBlocker block(runs_);
  runs_->clear();
  for (auto it = runs.rbegin(); it != runs.rend(); ++it)
  {
    runs_->addItem(runLabel(it->record), qlonglong(it->record.id));
  }
  const qint64 want = pendingRun_ ? pendingRun_ : keep;
  runs_->setCurrentIndex(want ? runs_->findData(qlonglong(want)) : -1);
}

void InspectPage::resetTabs(const QString& message)
{
  user_->clearSource();
  metrics_->clear(message);
  stats_->clear(message);
  map_->clear(message);
  statsAsked_ = mapAsked_ = false;
}

void InspectPage::inspectRun(qint64 runId)
{
  if (runId <= 0)
  {
    return;
  }
  pendingRun_ = runId;
  runs_->setCurrentIndex(runs_->findData(qlonglong(runId)));
  failed_ = false;
  resetTabs(tr("Loading…"));
  setStatus(tr("Opening run %1…").arg(runId), false);
  inspector_->openRun(runId);
}

void InspectPage::openModelFile(const QString& path)
{
  if (path.isEmpty())
  {
    return;
  }
  pendingRun_ = 0;
  runs_->setCurrentIndex(-1);
  failed_ = false;
  resetTabs(tr("Loading…"));
  setStatus(tr("Opening %1…").arg(path), false);
  inspector_->openFile(path);
}

void InspectPage::chooseModelFile()
{
  const QString path = QFileDialog::getOpenFileName(this, tr("Open model file"), QString(),
                                                    tr("M6 model (*.m6model);;All files (*)"));
  openModelFile(path);
}

void InspectPage::onOpened(const InspectSourceInfo& info)
{
  failed_ = false;
  QString what = info.runId > 0
                     ? tr("Run %1 \"%2\" (%3) on %4")
                           .arg(info.runId)
                           .arg(info.name, info.kind, info.datasetName)
                     : tr("Model file %1 (trained on %2)").arg(info.name, info.datasetName);
  what += tr(": %1 users, %2 items").arg(info.users).arg(info.items);
  if (info.hasAttention)
  {
    what += tr(", %1 layer(s) x %2 heads, history %3, %4 scorer")
                .arg(info.layers)
                .arg(info.heads)
                .arg(info.historyLength > 0 ? QString::number(info.historyLength) : tr("none"))
                .arg(info.scorer);
  }
  what += tr(". Read from %1.").arg(info.loadedFrom);
  if (!info.note.isEmpty())
  {
    what += QLatin1Char(' ') + info.note;
  }
  if (!info.hasProfiles)
  {
    what +=
        tr(" The file has no features, ratings, dates or held-out items: the per-user metrics "
           "and the attention across users need the run in its workspace.");
  }
  setStatus(what, false);
  user_->setSource(info);
  // The first user before the per-user metrics: ranking every user (a baseline, a run without
  // stored rows) takes a while on the one worker, and the user view should not wait for it.
  user_->showUser(0);
  if (info.kind == QLatin1String("file"))
  {
    metrics_->clear(
        tr("A model file holds no held-out test items, so there are no per-user "
           "metrics; open the run in its workspace for them."));
  }
  else
  {
    metrics_->clear(tr("Loading the per-user metrics…"));
    inspector_->loadUserMetrics();
  }
  stats_->clear(info.hasAttention ? tr("Computed when this tab is shown") : info.noAttentionReason);
  map_->clear(info.hasEmbeddings ? tr("Computed when this tab is shown")
                                 : tr("A baseline run has no M6 embeddings to map."));
  onTab(tabs_->currentIndex());
  Q_EMIT statusMessage(tr("Inspecting %1").arg(info.name));
}

void InspectPage::onOpenFailed(const QString& message)
{
  failed_ = true;
  resetTabs(tr("Nothing is open: %1").arg(message));
  setStatus(tr("Cannot inspect: %1").arg(message), true);
  Q_EMIT statusMessage(message);
}

void InspectPage::onRequestFailed(quint64, InspectChannel channel, const QString& message)
{
  switch (channel)
  {
    case InspectChannel::Metrics:
      metrics_->clear(tr("No per-user metrics: %1").arg(message));
      break;
    case InspectChannel::Stats:
      stats_->clear(message);
      statsAsked_ = false;
      break;
    case InspectChannel::Map:
      map_->clear(message);
      mapAsked_ = false;
      break;
    default:
      break;  // the User tab shows its own failures
  }
}

void InspectPage::onTab(int index)
{
  if (!inspector_->isOpen())
  {
    return;
  }
  const InspectSourceInfo& info = inspector_->source();
  if (index == StatsTab && !statsAsked_ && info.hasAttention)
  {
    statsAsked_ = true;
    stats_->clear(tr("Collecting the attention of up to 2,000 users…"));
    inspector_->loadAttentionStats();
  }
  if (index == MapTab && !mapAsked_ && info.hasEmbeddings)
  {
    mapAsked_ = true;
    map_->clear(tr("Computing the embeddings and their PCA…"));
    inspector_->loadEmbeddingMap(mapItems_);
  }
}

}  // namespace m6
