// m6-cli: see app/cli/cli.h and `m6-cli --help`.
#include <iostream>
#include <string>
#include <vector>

#include "app/cli/cli.h"

int main(int argc, char** argv)
{
  std::vector<std::string> args(argv + 1, argv + argc);
  return m6::cli::run(args, std::cout, std::cerr);
}
