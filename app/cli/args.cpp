#include "app/cli/args.h"

#include <charconv>
#include <cmath>

namespace m6::cli
{

namespace
{

const OptionSpec* findOption(const CommandSpec& spec, const std::string& name)
{
  for (const auto& o : spec.options)
  {
    if (o.name == name)
    {
      return &o;
    }
  }
  return nullptr;
}

const OptionSpec* findShort(const CommandSpec& spec, char c)
{
  for (const auto& o : spec.options)
  {
    if (o.shortName == c)
    {
      return &o;
    }
  }
  return nullptr;
}

}  // namespace

Args Args::parse(const CommandSpec& spec, const std::vector<std::string>& argv)
{
  Args a;
  bool onlyPositional = false;
  for (size_t i = 0; i < argv.size(); ++i)
  {
    const std::string& arg = argv[i];
    if (onlyPositional || arg.size() < 2 || arg[0] != '-' ||
        (arg.size() > 1 && std::isdigit(static_cast<unsigned char>(arg[1]))))
    {
      a.positional_.push_back(arg);
      continue;
    }
    if (arg == "--")
    {
      onlyPositional = true;
      continue;
    }
    const OptionSpec* opt = nullptr;
    std::string value;
    bool inlineValue = false;
    if (arg.rfind("--", 0) == 0)
    {
      std::string name = arg.substr(2);
      auto eq = name.find('=');
      if (eq != std::string::npos)
      {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        inlineValue = true;
      }
      opt = findOption(spec, name);
      if (!opt)
      {
        throw CliError("unknown option --" + name + " for " + spec.name + " (see m6-cli " +
                       spec.name + " --help)");
      }
    }
    else
    {
      if (arg.size() != 2 || !(opt = findShort(spec, arg[1])))
      {
        throw CliError("unknown option " + arg + " for " + spec.name + " (see m6-cli " + spec.name +
                       " --help)");
      }
    }
    if (opt->valueName.empty())
    {
      if (inlineValue)
      {
        throw CliError("option --" + opt->name + " takes no value");
      }
      a.values_[opt->name].push_back("");
      continue;
    }
    if (!inlineValue)
    {
      if (i + 1 >= argv.size())
      {
        throw CliError("option --" + opt->name + " needs a value (" + opt->valueName + ")");
      }
      value = argv[++i];
    }
    auto& slot = a.values_[opt->name];
    if (!slot.empty() && !opt->repeatable)
    {
      throw CliError("option --" + opt->name + " is given twice");
    }
    slot.push_back(value);
  }
  if (a.has("help"))
  {
    return a;
  }
  int n = static_cast<int>(a.positional_.size());
  if (n < spec.minPositional)
  {
    throw CliError(spec.name + " needs " + spec.positionals + " (usage: m6-cli " + spec.name + " " +
                   spec.positionals + " [options])");
  }
  if (n > spec.maxPositional)
  {
    throw CliError("unexpected argument \"" +
                   a.positional_[static_cast<size_t>(spec.maxPositional)] + "\" for " + spec.name);
  }
  return a;
}

std::string Args::value(const std::string& name, const std::string& fallback) const
{
  auto it = values_.find(name);
  return it == values_.end() || it->second.empty() ? fallback : it->second.back();
}

const std::vector<std::string>& Args::values(const std::string& name) const
{
  static const std::vector<std::string> none;
  auto it = values_.find(name);
  return it == values_.end() ? none : it->second;
}

int64_t Args::intValue(const std::string& name, int64_t fallback, int64_t min, int64_t max) const
{
  if (!has(name))
  {
    return fallback;
  }
  std::string s = value(name);
  int64_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size())
  {
    throw CliError("--" + name + " must be a whole number, not \"" + s + "\"");
  }
  if (v < min || v > max)
  {
    throw CliError("--" + name + " must be between " + std::to_string(min) + " and " +
                   std::to_string(max) + ", not " + s);
  }
  return v;
}

double Args::doubleValue(const std::string& name, double fallback, double min, double max) const
{
  if (!has(name))
  {
    return fallback;
  }
  std::string s = value(name);
  double v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(v))
  {
    throw CliError("--" + name + " must be a number, not \"" + s + "\"");
  }
  if (v < min || v > max)
  {
    throw CliError("--" + name + " must be between " + std::to_string(min) + " and " +
                   std::to_string(max) + ", not " + s);
  }
  return v;
}

std::string helpText(const CommandSpec& spec)
{
  std::string h = "usage: m6-cli [--workspace FILE] " + spec.name;
  if (!spec.positionals.empty())
  {
    h += " " + spec.positionals;
  }
  h += " [options]\n\n" + spec.summary + "\n";
  if (!spec.details.empty())
  {
    h += "\n" + spec.details + "\n";
  }
  h += "\noptions:\n";
  size_t width = 0;
  std::vector<std::string> lefts;
  for (const auto& o : spec.options)
  {
    std::string left = "  ";
    if (o.shortName)
    {
      left += std::string("-") + o.shortName + ", ";
    }
    left += "--" + o.name;
    if (!o.valueName.empty())
    {
      left += " " + o.valueName;
    }
    width = std::max(width, left.size());
    lefts.push_back(left);
  }
  for (size_t i = 0; i < spec.options.size(); ++i)
  {
    h += lefts[i] + std::string(width + 2 - lefts[i].size(), ' ') + spec.options[i].help;
    if (spec.options[i].repeatable)
    {
      h += " (repeatable)";
    }
    h += "\n";
  }
  return h;
}

}  // namespace m6::cli
