// The CLI's face of app/runner/group_processes.h: `train --seeds N --parallel P` and `resume
// group:ID --parallel P`, a line on stderr as each member process starts and ends.
#include "app/runner/group_processes.h"

#include <sstream>

#include "app/cli/cli.h"
#include "app/cli/run_driver.h"

namespace m6::cli
{

GroupSummary runGroupInProcesses(Context& ctx, int64_t groupId, int parallel)
{
  InterruptScope interrupts;
  bool told = false;
  try
  {
    return trainMembersInProcesses(
        ctx.workspace(), groupId, parallel, interrupts.flag(), nullptr,
        [&](const MemberEvent& e)
        {
          if (interrupts.flag()->load() && !told)
          {
            told = true;
            ctx.err << "Stopping the group's members (each keeps its best checkpoint; m6-cli "
                       "resume group:"
                    << groupId << " continues it)\n";
          }
          std::ostringstream line;
          line << "Group " << groupId << ": seed " << e.seed;
          if (e.started)
          {
            line << " started in process " << e.pid << " (" << e.running << " at once, "
                 << (e.total - e.ended - e.running) << " waiting)";
          }
          else
          {
            if (e.member)
            {
              line << " (run " << e.member->id << ") " << wordOf(e.member->status);
              if (!e.member->test.empty())
              {
                line << ": " << e.member->test.values.front().first << " "
                     << formatNumber(e.member->test.values.front().second);
              }
            }
            line << " (" << e.ended << " of " << e.total << " ended)";
          }
          ctx.err << line.str() << "\n";
        });
  }
  catch (const std::runtime_error& e)
  {
    throw CliError(e.what());
  }
}

}  // namespace m6::cli
