#include "ui/user_inspect_view.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QTableView>

#include "app/bridge/run_inspector.h"
#include "ui/attention_view.h"
#include "ui/inspect_models.h"
#include "ui/user_picker.h"

namespace m6
{

void UserInspectView::clearSource()
{
  info_ = InspectSourceInfo();
  view_ = UserView();
  userToken_ = attentionToken_ = 0;
  explained_ = -1;
  picker_->setUserCount(0);
  picker_->setCurrentUser(-1);
  picker_->clearLists();
  history_->setHistory({});
  recs_->setRows({}, false);
  attention_->setRecommendations({});
  attention_->setAttention(AttentionMap());
  title_->setText(tr("No model open"));
  features_->clear();
  setMessage(QString(), false);
  category_->clear();
  category_->addItem(tr("All categories"), -1);
}

void UserInspectView::setSource(const InspectSourceInfo& info)
{
  clearSource();
  info_ = info;
  picker_->setUserCount(info.users);
  for (int c = 0; c < info.categories.size(); ++c)
  {
    category_->addItem(info.categories.at(c), c);
  }
  category_->setEnabled(!info.categories.isEmpty());
  for (QComboBox* box : {hour_, day_})
  {
    box->setCurrentIndex(0);
    box->setEnabled(info.usesContext);
  }
  if (!info.usesContext)
  {
    hour_->setToolTip(tr("This model does not read the context: the list cannot move with it"));
  }
  title_->setText(tr("Pick a user on the left (search, Next, Random, or a missed user)"));
  if (!info.hasProfiles)
  {
    features_->setText(
        tr("Opened from a model file: the file holds ids, titles, categories and "
           "each user's training items, but no features, ratings, dates or "
           "held-out items, so none are shown."));
  }
  if (!info.hasAttention)
  {
    attention_->setUnavailable(info.noAttentionReason);
  }
}

void UserInspectView::setMissed(const UserMetricsTable& table)
{
  picker_->setMissed(table);
}

QString UserInspectView::message() const
{
  return message_->isVisible() ? message_->text() : QString();
}

void UserInspectView::setMessage(const QString& text, bool error)
{
  message_->setText(text);
  message_->setStyleSheet(error ? QStringLiteral("color: #b00020; font-weight: bold")
                                : QStringLiteral("color: #8a5a00"));
  message_->setVisible(!text.isEmpty());
}

UserRequest UserInspectView::request(qint32 user) const
{
  UserRequest r;
  r.user = user;
  r.k = k_->value();
  r.category = category_->currentData().toInt();
  r.context.hourOfDay = hour_->currentData().toInt();
  r.context.dayOfWeek = day_->currentData().toInt();
  r.compareItem = attention_->compareItem();
  return r;
}

void UserInspectView::showUser(qint32 user)
{
  if (!inspector_->isOpen())
  {
    return;
  }
  picker_->setCurrentUser(user);
  const bool same = view_.profile.user == user;
  UserRequest r = request(user);
  if (same && explained_ >= 0)
  {
    r.explainItem = explained_;  // a new K or context keeps the explained item
  }
  else
  {
    r.compareItem = -1;
  }
  attention_->setPending(true);
  userToken_ = inspector_->showUser(r);
  attentionToken_ = 0;
}

void UserInspectView::showUserId(const QString& id)
{
  if (!inspector_->isOpen() || id.trimmed().isEmpty())
  {
    return;
  }
  UserRequest r = request(-1);
  r.userId = id.trimmed();
  r.compareItem = -1;
  userToken_ = inspector_->showUser(r);
  attentionToken_ = 0;
}

void UserInspectView::reload()
{
  if (view_.profile.user >= 0)
  {
    showUser(view_.profile.user);
  }
}

void UserInspectView::onUser(quint64 token, const UserView& v)
{
  if (token != userToken_)
  {
    return;
  }
  userToken_ = 0;
  attentionToken_ = 0;  // anything explained before belongs to the previous view
  view_ = v;
  picker_->setCurrentUser(v.profile.user);
  title_->setText(
      tr("User %1 — %2 training interactions").arg(v.profile.userId).arg(v.profile.trainCount));
  QStringList features;
  for (const auto& f : v.profile.features)
  {
    features
        << QStringLiteral("%1: <b>%2</b>").arg(f.first.toHtmlEscaped(), f.second.toHtmlEscaped());
  }
  if (!features.isEmpty())
  {
    features_->setText(features.join(QStringLiteral(" &nbsp; ")));
  }
  setMessage(v.profile.message, false);
  history_->setHistory(v.profile.history);
  historyView_->resizeColumnsToContents();
  historyView_->setColumnWidth(HistoryModel::Title,
                               std::min(historyView_->columnWidth(HistoryModel::Title), 200));
  historyView_->scrollToBottom();
  recs_->setRows(v.recommendations, v.contextCompared);
  recView_->setColumnHidden(RecommendationModel::Move, !v.contextCompared);
  recView_->resizeColumnsToContents();
  recView_->setColumnWidth(RecommendationModel::Title,
                           std::min(recView_->columnWidth(RecommendationModel::Title), 220));
  recView_->setColumnWidth(RecommendationModel::Category,
                           std::min(recView_->columnWidth(RecommendationModel::Category), 170));
  attention_->setRecommendations(v.recommendations);
  if (v.attention.valid)
  {
    explained_ = v.attention.item;
    attention_->setAttention(v.attention, v.compare);
    const int row = recs_->rowOfItem(explained_);
    if (row >= 0)
    {
      const QSignalBlocker block(recView_->selectionModel());
      recView_->selectRow(recProxy_->mapFromSource(recs_->index(row, 0)).row());
    }
  }
  else
  {
    explained_ = -1;
    attention_->setUnavailable(v.attentionMessage);
  }
  Q_EMIT statusMessage(tr("User %1: top %2 in %3 ms")
                           .arg(v.profile.userId)
                           .arg(v.recommendations.size())
                           .arg(v.seconds * 1000, 0, 'f', 1));
}

void UserInspectView::explainRow(const QModelIndex& index)
{
  if (!index.isValid() || view_.profile.user < 0 || !info_.hasAttention)
  {
    return;
  }
  const qint32 item = recProxy_->data(index, kInspectIndexRole).toInt();
  if (item != explained_)
  {
    requestAttention(item, attention_->compareItem());
  }
}

void UserInspectView::requestAttention(qint32 item, qint32 compare)
{
  // While another user (or context) is on its way, the table still lists the old one's items: a
  // click there must not explain them for the old user over the new one's profile.
  if (view_.profile.user < 0 || item < 0 || !info_.hasAttention || userToken_ != 0)
  {
    return;
  }
  AttentionRequest r;
  r.user = view_.profile.user;
  r.item = item;
  r.compareItem = compare;
  r.context = view_.context;
  explained_ = item;
  attention_->setPending(true);
  attentionToken_ = inspector_->explain(r);
}

void UserInspectView::explainItemId(const QString& itemId)
{
  if (view_.profile.user < 0 || itemId.trimmed().isEmpty() || userToken_ != 0)
  {
    return;
  }
  if (!info_.hasAttention)
  {
    setMessage(info_.noAttentionReason, true);
    return;
  }
  AttentionRequest r;
  r.user = view_.profile.user;
  r.itemId = itemId.trimmed();
  r.compareItem = attention_->compareItem();
  r.context = view_.context;
  attention_->setPending(true);
  attentionToken_ = inspector_->explain(r);
}

void UserInspectView::onAttention(quint64 token, const AttentionPair& pair)
{
  if (token != attentionToken_)
  {
    return;
  }
  attentionToken_ = 0;
  explained_ = pair.first.item;
  attention_->setAttention(pair.first, pair.second);
  setMessage(view_.profile.message, false);
}

void UserInspectView::onFailed(quint64 token, InspectChannel channel, const QString& message)
{
  if (channel == InspectChannel::Search)
  {
    setMessage(message, true);  // a search that failed says why instead of showing nothing
    Q_EMIT statusMessage(message);
  }
  else if (channel == InspectChannel::User && token == userToken_)
  {
    userToken_ = 0;
    if (view_.profile.user >= 0)
    {
      picker_->setCurrentUser(view_.profile.user);  // Next/Previous step from what is shown
    }
    attention_->setPending(false);
    setMessage(message, true);
    Q_EMIT statusMessage(message);
  }
  else if (channel == InspectChannel::Attention && token == attentionToken_)
  {
    attentionToken_ = 0;
    attention_->setPending(false);
    setMessage(message, true);
    Q_EMIT statusMessage(message);
  }
}

}  // namespace m6
