#include "app/runner/run_groups.h"

#include <algorithm>
#include <stdexcept>

#include "app/runner/training_session.h"

namespace m6
{

namespace
{

const RunRecord* memberOfSeed(const GroupSummary& s, int64_t seed)
{
  // The latest member of a seed wins (a member deleted and trained again has a higher id).
  const RunRecord* found = nullptr;
  for (size_t i = 0; i < s.members.size() && i < s.memberSeeds.size(); ++i)
  {
    if (s.memberSeeds[i] == seed)
    {
      found = &s.members[i];
    }
  }
  return found;
}

}  // namespace

int64_t seedOfRun(const RunRecord& run)
{
  try
  {
    return configOfRun(run).train.seed;
  }
  catch (const std::exception&)
  {
    return -1;
  }
}

Result<GroupSummary> summarizeGroup(RunStore& runs, GroupStore& groups, int64_t groupId)
{
  auto g = groups.group(groupId);
  if (!g)
  {
    return errorOf(g);
  }
  auto members = runs.runsOfGroup(groupId);
  if (!members)
  {
    return errorOf(members);
  }
  return summarizeMembers(*g, std::move(*members));
}

GroupSummary summarizeMembers(const RunGroupRecord& group, std::vector<RunRecord> members)
{
  GroupSummary s;
  s.group = group;
  // In the order of the planned seeds (members trained at once are recorded in any order), a
  // seed's members by id.
  struct Member
  {
    size_t at;     // the seed's place among the planned ones
    int64_t seed;  // parsed once: status() asks per seed
    RunRecord run;
  };
  std::vector<Member> ordered;
  for (RunRecord& r : members)
  {
    const int64_t seed = seedOfRun(r);
    const size_t at = static_cast<size_t>(std::find(group.seeds.begin(), group.seeds.end(), seed) -
                                          group.seeds.begin());
    ordered.push_back({at, seed, std::move(r)});
  }
  std::sort(ordered.begin(), ordered.end(),
            [](const Member& a, const Member& b)
            { return a.at != b.at ? a.at < b.at : a.run.id < b.run.id; });
  for (Member& m : ordered)
  {
    s.memberSeeds.push_back(m.seed);
    s.members.push_back(std::move(m.run));
  }
  std::vector<const MetricSet*> valid;
  std::vector<const MetricSet*> test;
  for (const RunRecord& r : s.members)
  {
    if (!r.test.empty())
    {
      ++s.withResults;
      test.push_back(&r.test);
      valid.push_back(&r.valid);
      if (s.protocol.empty())
      {
        s.protocol = r.test.protocol;
      }
    }
  }
  s.valid = metricSpreads(valid);
  s.test = metricSpreads(test);
  for (int64_t seed : s.group.seeds)
  {
    if (!memberOfSeed(s, seed))
    {
      s.missingSeeds.push_back(seed);
    }
  }
  return s;
}

std::string GroupSummary::status() const
{
  bool failed = false;
  for (int64_t seed : group.seeds)
  {
    const RunRecord* r = memberOfSeed(*this, seed);
    if (!r || !hasEnded(r->status))
    {
      return "incomplete";
    }
    failed = failed || r->status != RunStatus::Finished;
  }
  return group.seeds.empty() ? "incomplete" : failed ? "failed" : "finished";
}

Json GroupSummary::toJson() const
{
  Json j = Json::object();
  j["group"] = group.id;
  j["name"] = group.name;
  j["dataset"] = group.datasetName;
  Json seeds = Json::array();
  for (int64_t seed : group.seeds)
  {
    seeds.push_back(seed);
  }
  j["seeds"] = seeds;
  j["status"] = status();
  Json runs = Json::array();
  for (size_t i = 0; i < members.size(); ++i)
  {
    const RunRecord& r = members[i];
    Json m = Json::object();
    m["run"] = r.id;
    m["seed"] = i < memberSeeds.size() ? memberSeeds[i] : seedOfRun(r);
    m["status"] = wordOf(r.status);
    m["best_epoch"] = r.bestEpoch;
    m["test"] = r.test.valuesJson();
    runs.push_back(m);
  }
  j["runs"] = runs;
  j["with_results"] = withResults;
  j["protocol"] = protocol;
  for (const auto& [key, spreads] :
       {std::make_pair("valid", &valid), std::make_pair("test", &test)})
  {
    Json o = Json::object();
    for (const auto& kv : *spreads)
    {
      o[kv.first] = kv.second.toJson();
    }
    j[key] = o;
  }
  return j;
}

Result<RunGroupRecord> createGroup(GroupStore& groups, int64_t datasetId, const RunConfig& config,
                                   const std::string& name, int seeds)
{
  if (seeds < 2 || seeds > kMaxGroupSeeds)
  {
    return makeError("a run group needs 2 to " + std::to_string(kMaxGroupSeeds) + " seeds (got " +
                     std::to_string(seeds) + ")");
  }
  RunGroupRecord g;
  g.name = name;
  g.datasetId = datasetId;
  g.configJson = toJson(config).dump();
  for (int i = 0; i < seeds; ++i)
  {
    g.seeds.push_back(config.train.seed + i);
  }
  auto id = groups.create(g);
  if (!id)
  {
    return errorOf(id);
  }
  return g;
}

GroupStep nextGroupStep(const GroupSummary& summary, std::optional<int64_t> only)
{
  GroupStep step;
  for (int64_t seed : summary.group.seeds)
  {
    if (only && seed != *only)
    {
      continue;
    }
    const RunRecord* r = memberOfSeed(summary, seed);
    if (!r)
    {
      step.action = GroupStep::Action::Train;
      step.seed = seed;
      return step;
    }
    if (!hasEnded(r->status))
    {
      step.action = GroupStep::Action::Resume;
      step.seed = seed;
      step.resumeRun = r->id;
      return step;
    }
  }
  return step;
}

std::vector<int64_t> pendingSeeds(const GroupSummary& summary)
{
  std::vector<int64_t> out;
  for (int64_t seed : summary.group.seeds)
  {
    if (nextGroupStep(summary, seed).action != GroupStep::Action::Done)
    {
      out.push_back(seed);
    }
  }
  return out;
}

GroupSummary runGroupMembers(RunStore& runs, GroupStore& groups, TrainingSession& session,
                             int64_t groupId, const GroupMemberTrainer& train,
                             const GroupMemberNotice& notice, std::optional<int64_t> only)
{
  std::vector<int64_t> resumed;
  for (;;)
  {
    auto summary = summarizeGroup(runs, groups, groupId);
    if (!summary)
    {
      throw std::runtime_error(summary.error());
    }
    const RunGroupRecord& g = summary->group;
    if (only && std::find(g.seeds.begin(), g.seeds.end(), *only) == g.seeds.end())
    {
      throw std::runtime_error("group " + std::to_string(g.id) + " has no seed " +
                               std::to_string(*only));
    }
    const GroupStep step = nextGroupStep(*summary, only);
    if (step.action == GroupStep::Action::Done)
    {
      return *summary;
    }
    const size_t index =
        static_cast<size_t>(std::find(g.seeds.begin(), g.seeds.end(), step.seed) - g.seeds.begin());
    const RunConfig config = memberConfig(g, step.seed);
    RunRecord run;
    if (step.action == GroupStep::Action::Train)
    {
      auto created = session.createRun(config, memberName(g, step.seed), std::nullopt, g.id);
      if (!created)
      {
        throw std::runtime_error(created.error());
      }
      run = *created;
    }
    else
    {
      if (runs.isActive(step.resumeRun))
      {
        throw std::runtime_error("run " + std::to_string(step.resumeRun) + " of group " +
                                 std::to_string(g.id) +
                                 " is being trained by another process; wait for it to end, "
                                 "then continue the group");
      }
      if (std::find(resumed.begin(), resumed.end(), step.resumeRun) != resumed.end())
      {
        throw std::runtime_error("run " + std::to_string(step.resumeRun) + " of group " +
                                 std::to_string(g.id) + " did not finish when resumed");
      }
      resumed.push_back(step.resumeRun);
      auto stored = runs.run(step.resumeRun);
      if (!stored)
      {
        throw std::runtime_error(stored.error());
      }
      run = *stored;
    }
    if (notice)
    {
      notice(run, step.seed, index, g.seeds.size());
    }
    const bool resume = step.action == GroupStep::Action::Resume;
    RunRecord result;
    try
    {
      result = train(run, resume ? configOfRun(run) : config, resume);
    }
    catch (const std::exception& e)
    {
      // A new member refused before it trained (an invalid configuration) is not left "created".
      auto now = runs.run(run.id);
      if (!resume && now && now->status == RunStatus::Created)
      {
        (void)runs.setStatus(run.id, RunStatus::Failed, e.what());
      }
      throw;
    }
    if (result.status == RunStatus::Stopped)
    {
      auto stopped = summarizeGroup(runs, groups, groupId);
      if (!stopped)
      {
        throw std::runtime_error(stopped.error());
      }
      return *stopped;
    }
  }
}

RunConfig memberConfig(const RunGroupRecord& group, int64_t seed)
{
  RunConfig c = fromJson(Json::parse(group.configJson));
  c.train.seed = seed;
  return c;
}

std::string memberName(const RunGroupRecord& group, int64_t seed)
{
  size_t cut = std::min<size_t>(group.name.size(), 80);
  while (cut > 0 && cut < group.name.size() &&
         (static_cast<unsigned char>(group.name[cut]) & 0xC0) == 0x80)
  {
    --cut;  // not inside a UTF-8 sequence
  }
  return group.name.substr(0, cut) + " seed " + std::to_string(seed);
}

}  // namespace m6
