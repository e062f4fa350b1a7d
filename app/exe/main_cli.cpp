// m6-cli: see app/cli/cli.h and `m6-cli --help`.
//
// This executable holds the data commands only and does not link LibTorch, so `import`,
// `datasets`, `stats`, `formats`, `rename`, `delete`, `report` and the rest of the data commands
// start in milliseconds. Every other command (and the overview) is the engine's: this process
// replaces itself with m6-engine from the same folder (execv keeps the process id, the streams,
// the arguments as given and the exit code, so scripts see one m6-cli process).
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "app/cli/cli.h"

namespace
{

bool isDataCommand(const std::vector<m6::cli::Command>& table, const std::string& name)
{
  for (const auto& c : table)
  {
    if (c.spec.name == name)
    {
      return true;
    }
  }
  return false;
}

}  // namespace

int main(int argc, char** argv)
{
  std::vector<std::string> args(argv + 1, argv + argc);
  const std::vector<m6::cli::Command> data = m6::cli::dataCommands();
  if (isDataCommand(data, m6::cli::commandName(args)))
  {
    return m6::cli::runCommands(args, std::cout, std::cerr, data);
  }
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  const std::filesystem::path engine =
      (ec ? std::filesystem::path(argv[0]).parent_path() : self.parent_path()) / "m6-engine";
  ::execv(engine.c_str(), argv);
  std::cerr << "error: cannot start " << engine.string() << " (" << std::strerror(errno)
            << "): m6-cli runs its model commands there; install it beside m6-cli\n";
  return 1;
}
