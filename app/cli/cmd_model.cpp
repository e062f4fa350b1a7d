// m6-cli model commands (train, runs, evaluate, recommend, explain, baselines, resume, export)
// arrive with the training engine; until then the table is empty.
#include "app/cli/cli.h"

namespace m6::cli
{

std::vector<Command> modelCommands() { return {}; }

}  // namespace m6::cli
