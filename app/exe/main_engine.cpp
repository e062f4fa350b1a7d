// m6-engine: every m6-cli command, the engine's (LibTorch) included. Users call m6-cli, which runs
// the data commands itself and hands everything else to this program (app/exe/main_cli.cpp).
#include <iostream>
#include <string>
#include <vector>

#include "app/cli/cli.h"

int main(int argc, char** argv)
{
  std::vector<std::string> args(argv + 1, argv + argc);
  return m6::cli::run(args, std::cout, std::cerr);
}
