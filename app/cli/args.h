// Command-line parsing for m6-cli: one CommandSpec per command, options as --name VALUE or
// --name=VALUE (and -k VALUE short forms where declared), positional arguments in order.
//
// Thread affinity: none.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace m6::cli
{

/// A failure of a command: printed as one "error: ..." line; `code` becomes the exit code.
class CliError : public std::runtime_error
{
 public:
  explicit CliError(const std::string& what, int code = 1) : std::runtime_error(what), code_(code)
  {
  }
  int code() const { return code_; }

 private:
  int code_;
};

struct OptionSpec
{
  std::string name;       // without dashes: "name" for --name
  std::string valueName;  // empty for a flag
  std::string help;
  bool repeatable = false;
  char shortName = 0;  // e.g. 'k' for -k
};

struct CommandSpec
{
  std::string name;
  std::string positionals;  // for the usage line, e.g. "PATH"
  std::string summary;      // one line
  std::string details;      // optional paragraph(s) for --help
  std::vector<OptionSpec> options;
  int minPositional = 0;
  int maxPositional = 0;
};

class Args
{
 public:
  /// Parses argv (after the command name). Throws CliError naming the bad option.
  static Args parse(const CommandSpec& spec, const std::vector<std::string>& argv);

  bool has(const std::string& name) const { return values_.count(name) > 0; }
  std::string value(const std::string& name, const std::string& fallback = "") const;
  const std::vector<std::string>& values(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }

  /// Integer / real option within [min, max]; throws CliError naming the option otherwise.
  int64_t intValue(const std::string& name, int64_t fallback, int64_t min, int64_t max) const;
  double doubleValue(const std::string& name, double fallback, double min, double max) const;

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positional_;
};

/// The --help text of a command.
std::string helpText(const CommandSpec& spec);

}  // namespace m6::cli
