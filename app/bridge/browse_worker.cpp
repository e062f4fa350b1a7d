#include "app/bridge/browse_worker.h"

#include <exception>
#include <limits>
#include <stdexcept>

#include "app/bridge/worker_support.h"

namespace m6
{

namespace
{

bool sameFilter(const BrowseFilter& a, const BrowseFilter& b)
{
  return a.text == b.text && a.userIdx == b.userIdx && a.itemIdx == b.itemIdx &&
         a.ratingMin == b.ratingMin && a.ratingMax == b.ratingMax && a.timeMin == b.timeMin &&
         a.timeMax == b.timeMax;
}

bool sameQuery(const BrowseRequest& a, const BrowseRequest& b)
{
  return a.datasetId == b.datasetId && a.table == b.table && a.sortColumn == b.sortColumn &&
         a.descending == b.descending && sameFilter(a.filter, b.filter);
}

}  // namespace

BrowseWorker::BrowseWorker(QString workspacePath) : path_(std::move(workspacePath)) {}

BrowseWorker::~BrowseWorker() = default;

void BrowseWorker::supersede(quint64 generation)
{
  raiseFloor(minGeneration_, generation);
  std::lock_guard<std::mutex> lock(wsMutex_);
  if (ws_ && running_ != 0 && running_ < generation)
  {
    // sqlite3_interrupt is a no-op when nothing runs; a newer statement that starts in the
    // same instant can be hit too, which runGuarded() notices and retries.
    ws_->interrupt();
  }
}

void BrowseWorker::cancel()
{
  supersede(std::numeric_limits<quint64>::max());
}

BrowseQuery& BrowseWorker::query(const BrowseRequest& r)
{
  if (!ws_)
  {
    auto opened = Workspace::open(path_.toStdString(), false);
    if (!opened)
    {
      throw std::runtime_error(opened.error());
    }
    std::lock_guard<std::mutex> lock(wsMutex_);
    ws_ = std::move(*opened);
  }
  if (!query_ || !sameQuery(queryKey_, r))
  {
    query_ = std::make_unique<BrowseQuery>(*ws_, r.datasetId, r.table, r.filter, r.sortColumn,
                                           r.descending);
    queryKey_ = r;
  }
  return *query_;
}

bool BrowseWorker::runOnce(const BrowseRequest& r, bool isCount, Error* error)
{
  BrowseQuery& q = query(r);
  auto columns = q.columns();
  if (!columns)
  {
    *error = errorOf(columns);
    return false;
  }
  {
    std::lock_guard<std::mutex> lock(wsMutex_);
    running_ = r.generation;
  }
  if (isCount)
  {
    auto n = q.count();
    std::lock_guard<std::mutex> lock(wsMutex_);
    running_ = 0;
    if (!n)
    {
      *error = errorOf(n);
      return false;
    }
    BrowseCount reply{r.token, r.generation, *n, *columns};
    Q_EMIT countReady(reply);
    return true;
  }
  if (q.buildsSortOrder())
  {
    Q_EMIT buildingSortOrder(r.token, r.generation);
  }
  auto rows = q.fetch(r.offset, r.limit, r.after);
  {
    std::lock_guard<std::mutex> lock(wsMutex_);
    running_ = 0;
  }
  if (!rows)
  {
    *error = errorOf(rows);
    return false;
  }
  BrowseRows page{r.token, r.generation, r.offset, std::move(*rows), *columns};
  Q_EMIT pageReady(page);
  return true;
}

void BrowseWorker::runGuarded(const BrowseRequest& r, bool isCount)
{
  try
  {
    // Two tries: an interrupt aimed at an older statement can hit this one in a narrow race.
    for (int attempt = 0; attempt < 2; ++attempt)
    {
      if (stale(r))
      {
        staleDropped_.fetch_add(1);
        return;
      }
      Error error;
      if (runOnce(r, isCount, &error))
      {
        return;
      }
      if (stale(r))
      {
        staleDropped_.fetch_add(1);
        return;
      }
      // Storage turns SQLite's interrupt into a cancellation.
      const bool interrupted = error.kind == ErrorKind::Cancelled;
      if (!interrupted || attempt == 1)
      {
        Q_EMIT failed(r.token, r.generation, QString::fromStdString(error.message));
        return;
      }
    }
  }
  catch (const std::exception& e)
  {
    Q_EMIT failed(r.token, r.generation, QString::fromUtf8(e.what()));
  }
}

void BrowseWorker::fetchPage(const m6::BrowseRequest& request)
{
  runGuarded(request, false);
}

void BrowseWorker::count(const m6::BrowseRequest& request)
{
  runGuarded(request, true);
}

}  // namespace m6
