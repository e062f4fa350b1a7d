#include "ui/adapt_lineage_panel.h"

#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>
#include <algorithm>

#include "app/bridge/adapt_types.h"
#include "app/bridge/qt_text.h"

namespace m6
{

namespace
{

QString esc(const std::string& s)
{
  return qs(s).toHtmlEscaped();
}

QString runLink(const RunRecord& r)
{
  return QStringLiteral("<a href=\"run:%1\">%2 (run %1)</a>").arg(r.id).arg(esc(r.name));
}

QString section(const QString& title)
{
  return QStringLiteral("<p style=\"margin-top:8px\"><b>%1</b><br>").arg(title);
}

}  // namespace

QString metricSummary(const MetricSet& metrics, int max)
{
  // Ranking metrics in the order the run table and the comparison use; the rest after them.
  std::vector<std::pair<std::string, double>> ordered;
  for (const char* prefix : {"ndcg@", "hr@", "mrr@"})
  {
    for (const auto& v : metrics.values)
    {
      if (v.first.rfind(prefix, 0) == 0)
      {
        ordered.push_back(v);
      }
    }
  }
  for (const auto& v : metrics.values)
  {
    if (std::find(ordered.begin(), ordered.end(), v) == ordered.end())
    {
      ordered.push_back(v);
    }
  }
  QStringList parts;
  for (const auto& [name, value] : ordered)
  {
    if (parts.size() >= max)
    {
      break;
    }
    parts << QStringLiteral("%1 %2").arg(qs(name)).arg(value, 0, 'f', 4);
  }
  return parts.join(QStringLiteral(" · "));
}

AdaptLineagePanel::AdaptLineagePanel(QWidget* parent) : QWidget(parent)
{
  body_ = new QLabel(this);
  body_->setTextFormat(Qt::RichText);
  body_->setWordWrap(true);
  body_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  body_->setTextInteractionFlags(Qt::TextBrowserInteraction);
  body_->setOpenExternalLinks(false);
  body_->setMargin(6);
  body_->setToolTip(tr("The selected run's lineage: click its parent or a child to select it"));
  auto* scroll = new QScrollArea(this);
  scroll->setWidget(body_);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::StyledPanel);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(scroll);
  connect(body_, &QLabel::linkActivated, this, &AdaptLineagePanel::openLink);
  setMinimumWidth(240);
  render();
}

void AdaptLineagePanel::setRuns(const RunList& runs)
{
  runs_ = runs;
  render();
}

void AdaptLineagePanel::showRun(qint64 runId)
{
  shown_ = runId;
  render();
}

QString AdaptLineagePanel::text() const
{
  return body_->text();
}

const RunEntry* AdaptLineagePanel::find(qint64 runId) const
{
  for (const RunEntry& e : runs_)
  {
    if (e.record.id == runId)
    {
      return &e;
    }
  }
  return nullptr;
}

QList<qint64> AdaptLineagePanel::childrenOf(qint64 runId) const
{
  QList<qint64> ids;
  for (const RunEntry& e : runs_)
  {
    if (e.record.parentRun && *e.record.parentRun == runId)
    {
      ids << e.record.id;
    }
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

void AdaptLineagePanel::openLink(const QString& link)
{
  if (link.startsWith(QLatin1String("run:")))
  {
    bool ok = false;
    const qint64 id = link.mid(4).toLongLong(&ok);
    if (ok && find(id))
    {
      Q_EMIT runActivated(id);
    }
  }
}

void AdaptLineagePanel::render()
{
  const RunEntry* e = find(shown_);
  if (!e)
  {
    body_->setText(
        tr("<i>Select one run to see where it comes from, the runs adapted from it, "
           "its adaptation report and its cold-item figures.</i>"));
    return;
  }
  const RunRecord& r = e->record;
  QString html = QStringLiteral("<b>%1</b> (run %2)<br>%3 · %4")
                     .arg(esc(r.name))
                     .arg(r.id)
                     .arg(esc(r.datasetName), esc(wordOf(r.task)));
  html += section(tr("Lineage"));
  if (r.parentRun)
  {
    const RunEntry* p = find(*r.parentRun);
    html += p ? tr("Adapted from %1 on %2").arg(runLink(p->record), esc(p->record.datasetName))
              : tr("Adapted from run %1 (no longer in the workspace)").arg(*r.parentRun);
  }
  else
  {
    html += tr("Trained from scratch (no parent run)");
  }
  const QList<qint64> children = childrenOf(r.id);
  if (!children.isEmpty())
  {
    QStringList links;
    for (qint64 id : children)
    {
      links << runLink(find(id)->record);
    }
    html += QStringLiteral("<br>") + tr("Adapted into: %1").arg(links.join(QStringLiteral(", ")));
  }
  html += QStringLiteral("</p>");
  try
  {
    if (const Json* a = r.summary.find("adaptation"))
    {
      const AdaptReport rep = AdaptReport::fromJson(*a);
      html += section(tr("Adaptation"));
      html += trainableSummary(rep).toHtmlEscaped();
      html += QStringLiteral("<br>") +
              tr("%1 carried, %2 carried partly, %3 re-initialised, %4 added, %5 frozen")
                  .arg(rep.names("carried").size())
                  .arg(rep.names("carried-partly").size())
                  .arg(rep.names("re-initialised").size())
                  .arg(rep.names("added").size())
                  .arg(rep.names("frozen").size());
      for (const std::string& note : rep.notes)
      {
        html += QStringLiteral("<br>· ") + esc(note);
      }
      html += QStringLiteral("</p>");
    }
    if (const Json* z = r.summary.find("zero_shot"))
    {
      const ZeroShotResult zs = ZeroShotResult::fromJson(*z);
      html += section(tr("Zero-shot (the parent before fine-tuning)"));
      html += zs.available ? tr("test: %1").arg(metricSummary(zs.test)) : esc(zs.note);
      if (zs.available && !zs.note.empty())
      {
        html += QStringLiteral("<br><i>") + esc(zs.note) + QStringLiteral("</i>");
      }
      html += QStringLiteral("</p>");
    }
    if (const Json* c = r.summary.find("cold"))
    {
      html += section(tr("Cold items (never trained on)"));
      if (c->find("items"))
      {
        html += tr("%1 items held out of training, ranked by content only")
                    .arg(c->value("items", int64_t(0)));
      }
      if (const Json* t = c->find("test"))
      {
        const MetricSet cold = MetricSet::fromJson(*t);
        html += QStringLiteral("<br>") + tr("test: %1").arg(metricSummary(cold));
        if (!cold.protocol.empty())
        {
          html += QStringLiteral("<br><small>") + esc(cold.protocol) + QStringLiteral("</small>");
        }
      }
      if (const Json* rnd = c->find("random"))
      {
        html += QStringLiteral("<br>") +
                tr("random ranking: %1").arg(metricSummary(MetricSet::fromJson(*rnd)));
      }
      if (const Json* n = c->find("note"); n && n->isString())
      {
        html += QStringLiteral("<br><i>") + esc(n->asString()) + QStringLiteral("</i>");
      }
      html += QStringLiteral("</p>");
    }
  }
  catch (const std::exception& ex)
  {
    html += QStringLiteral("<p>") + tr("The run's summary cannot be read: %1").arg(ex.what()) +
            QStringLiteral("</p>");
  }
  body_->setText(html);
}

}  // namespace m6
