// Internals shared by the two halves of SearchRunner: search_runner.cpp (the plan, one trial after
// another, halving) and search_processes.cpp (trials in processes of their own).
//
// Thread affinity: as SearchRunner.
#pragma once

#include <chrono>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "app/runner/search_runner.h"
#include "model/core/clock.h"

namespace m6
{

constexpr const char* kHalvedPrefix = "halved";
constexpr const char* kBudgetDecision = "stopped by the search's time budget";

/// A search's stored request, its trials and what they are judged by.
struct SearchPlan
{
  SearchRequest request;
  std::vector<TrialValues> planned;
  std::string metric;  // "ndcg@10"
  bool higher = true;
  double budgetMinutes = 0;                                   // 0: no limit
  double deadline = std::numeric_limits<double>::infinity();  // monotonicSeconds()
  std::vector<int> rungs;                                     // halving's epochs

  /// "the time budget of M minutes ran out"
  std::string budgetReason() const
  {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%g", budgetMinutes);
    return std::string("the time budget of ") + buf + " minutes ran out";
  }
};

/// What a trial needs before it trains, or why it does not.
struct TrialStart
{
  enum class Kind
  {
    Skipped,  // invalid configuration (recorded as such)
    Settled,  // finished, halved, diverged or failed: nothing to train
    Train,    // tr.run is its run (created or resumed), config its configuration
    Stop,     // the search stops before it: stopReason
  };
  Kind kind = Kind::Train;
  SearchTrialResult tr;
  SearchTrialRecord row;
  RunConfig config;
  bool resume = false;  // from the run's last checkpoint
  std::string stopReason;
};

}  // namespace m6
