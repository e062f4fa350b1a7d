// m6-cli's whole command table: data, model, adaptation and package commands. Linking it brings in
// the engine (LibTorch); the data commands alone do not (see app/exe/main_cli.cpp).
#include "app/cli/cli.h"

namespace m6::cli
{

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
  std::vector<Command> all = dataCommands();
  for (auto* table : {&modelCommands, &adaptCommands, &packageCommands})
  {
    for (auto& c : (*table)())
    {
      all.push_back(std::move(c));
    }
  }
  return runCommands(args, out, err, all);
}

}  // namespace m6::cli
