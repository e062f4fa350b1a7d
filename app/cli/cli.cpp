#include "app/cli/cli.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "model/core/clock.h"

namespace m6::cli
{

namespace
{

/// Keeps the promise of a one-line error: several problems become "a; b; c".
std::string oneLine(const std::string& text)
{
  std::string out;
  for (char c : text)
  {
    if (c == '\n')
    {
      if (!out.empty() && out.back() != ' ')
      {
        out += "; ";
      }
    }
    else if (c != '\r')
    {
      out += c;
    }
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == ';'))
  {
    out.pop_back();
  }
  return out;
}

std::string overview(const std::vector<Command>& cmds)
{
  std::string h =
      "usage: m6-cli [--workspace FILE] COMMAND [arguments] [--json] [--help]\n\n"
      "M6 Workbench, headless: import datasets, train and evaluate the M6 recommender, export.\n"
      "Without --workspace, the default workspace is used:\n  " +
      Workspace::defaultPath() + "\n\ncommands:\n";
  for (const auto& c : cmds)
  {
    std::string left = "  " + c.spec.name;
    h += left + std::string(left.size() < 24 ? 24 - left.size() : 1, ' ') + c.spec.summary + "\n";
  }
  h += "\n`m6-cli COMMAND --help` describes a command.\n";
  return h;
}

}  // namespace

Context::Context(std::ostream& o, std::ostream& e, std::string workspacePath, bool j, bool create)
    : out(o), err(e), json(j), workspacePath_(std::move(workspacePath)), create_(create)
{
  tty_ = &e == &std::cerr && isatty(STDERR_FILENO);
}

Workspace& Context::workspace()
{
  if (!ws_)
  {
    auto ws = Workspace::open(workspacePath_, create_,
                              [this](int from, int to)
                              {
                                endProgress();
                                err << "upgrading workspace " << workspacePath_ << " from schema "
                                    << from << " to " << to
                                    << " (once; up to a minute for tens of millions of "
                                       "interactions)\n";
                                err.flush();
                              });
    if (!ws)
    {
      throw CliError(ws.error());
    }
    ws_ = std::move(*ws);
    // Another process writing (an import, a training run saving its curves) holds the workspace
    // for as long as its transaction lasts: wait for it, and say for whom, instead of failing
    // with "database is locked" after SQLite's few seconds.
    ws_->setBusyTimeout(kWorkspaceWaitSeconds * 1000);
    ws_->setBusyNotice(
        [this](const std::string& holder)
        {
          endProgress();
          err << "waiting for the workspace: " << (holder.empty() ? "another process" : holder)
              << " is writing to it; this command goes on when it is done (at most "
              << kWorkspaceWaitSeconds / 60 << " minutes; Ctrl+C gives up)\n";
          err.flush();
        });
  }
  return *ws_;
}

void Context::finish(const Json& result, const std::string& human)
{
  endProgress();
  if (json)
  {
    out << result.dump() << "\n";
  }
  else
  {
    out << human;
    if (!human.empty() && human.back() != '\n')
    {
      out << "\n";
    }
  }
  out.flush();
}

void Context::progress(const std::string& phase, int64_t done, int64_t total,
                       const std::string& extra)
{
  double now = monotonicSeconds();
  bool newPhase = phase != lastPhase_;
  // A terminal gets a line redrawn a few times a second; a log gets a line per phase and then
  // one every two seconds, so scripts and tests can follow long work.
  double every = tty_ ? 0.2 : 2.0;
  if (!newPhase && now - lastPrint_ < every)
  {
    return;
  }
  lastPhase_ = phase;
  lastPrint_ = now;
  std::string line = phase;
  if (total > 0)
  {
    char pct[16];
    std::snprintf(pct, sizeof pct, " %3.0f%%",
                  100.0 * static_cast<double>(done) / static_cast<double>(total));
    line += pct;
  }
  if (!extra.empty())
  {
    line += " " + extra;
  }
  if (tty_)
  {
    err << "\r\033[K" << line << std::flush;
    progressOpen_ = true;
  }
  else
  {
    err << line << std::endl;
  }
}

void Context::endProgress()
{
  if (progressOpen_)
  {
    err << "\r\033[K" << std::flush;
    progressOpen_ = false;
  }
  lastPhase_.clear();
}

std::string formatCount(int64_t n)
{
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i)
  {
    if (i && (digits.size() - i) % 3 == 0)
    {
      out += ',';
    }
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string formatSeconds(double s)
{
  char buf[32];
  if (s < 10)
  {
    std::snprintf(buf, sizeof buf, "%.2f s", s);
  }
  else if (s < 120)
  {
    std::snprintf(buf, sizeof buf, "%.1f s", s);
  }
  else
  {
    std::snprintf(buf, sizeof buf, "%d min %02d s", static_cast<int>(s) / 60,
                  static_cast<int>(s) % 60);
  }
  return buf;
}

std::string formatNumber(double v, const char* printfFormat)
{
  if (std::isnan(v))
  {
    return "-";
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, printfFormat, v);
  return buf;
}

std::string padRight(const std::string& s, size_t width)
{
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

std::string padLeft(const std::string& s, size_t width)
{
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

Json readJsonFile(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  if (!in)
  {
    throw CliError("cannot read " + path);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  try
  {
    return Json::parse(ss.str());
  }
  catch (const JsonParseError& e)
  {
    throw CliError(path + " is not valid JSON: " + e.what());
  }
}

std::string commandName(const std::vector<std::string>& args)
{
  for (size_t i = 0; i < args.size(); ++i)
  {
    const std::string& a = args[i];
    if (a == "--workspace" || a == "-w")
    {
      ++i;
    }
    else if (a.rfind("--workspace=", 0) != 0 && a != "--json")
    {
      return a;
    }
  }
  return "";
}

int runCommands(const std::vector<std::string>& argsIn, std::ostream& out, std::ostream& err,
                const std::vector<Command>& cmds)
{
  std::vector<std::string> args = argsIn;
  std::string workspace;
  bool json = false;
  // --workspace and --json are accepted anywhere; everything else belongs to the command.
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i)
  {
    const std::string& a = args[i];
    if (a == "--workspace" || a == "-w")
    {
      if (i + 1 >= args.size())
      {
        err << "error: --workspace needs a file path\n";
        return 1;
      }
      workspace = args[++i];
    }
    else if (a.rfind("--workspace=", 0) == 0)
    {
      workspace = a.substr(12);
    }
    else if (a == "--json")
    {
      json = true;
    }
    else
    {
      rest.push_back(a);
    }
  }
  if (rest.empty() || rest[0] == "--help" || rest[0] == "-h" || rest[0] == "help")
  {
    if (rest.size() >= 2 && rest[0] == "help")
    {
      rest = {rest[1], "--help"};
    }
    else
    {
      out << overview(cmds);
      return rest.empty() ? 1 : 0;
    }
  }
  if (rest[0] == "--version")
  {
    out << "m6-cli 0.1.0\n";
    return 0;
  }
  const Command* cmd = nullptr;
  for (const auto& c : cmds)
  {
    if (c.spec.name == rest[0])
    {
      cmd = &c;
    }
  }
  if (!cmd)
  {
    err << "error: unknown command \"" << rest[0] << "\" (see m6-cli --help)\n";
    return 1;
  }
  // Only commands that add data create a workspace that is not there (and the default one, on
  // first use): a mistyped --workspace for `datasets` is an error, not an empty new file.
  const bool creates =
      workspace.empty() || cmd->spec.name == "import" || cmd->spec.name == "demo-data";
  if (workspace.empty())
  {
    workspace = Workspace::defaultPath();
  }
  Context ctx(out, err, workspace, json, creates);
  try
  {
    CommandSpec spec = cmd->spec;
    spec.options.push_back({"help", "", "show this help"});
    Args parsed = Args::parse(spec, std::vector<std::string>(rest.begin() + 1, rest.end()));
    if (parsed.has("help"))
    {
      // --json and --workspace are taken before parsing; list them for completeness.
      spec.options.push_back({"json", "", "print one JSON object as the last line of output"});
      spec.options.push_back(
          {"workspace", "FILE", "the workspace file (default " + Workspace::defaultPath() + ")"});
      out << helpText(spec);
      return 0;
    }
    return cmd->run(ctx, parsed);
  }
  catch (const CliError& e)
  {
    ctx.endProgress();
    err << "error: " << oneLine(e.what()) << "\n";
    return e.code();
  }
  catch (const std::bad_alloc&)
  {
    ctx.endProgress();
    err << "error: out of memory\n";
    return 1;
  }
  catch (const std::exception& e)
  {
    ctx.endProgress();
    err << "error: " << oneLine(e.what()) << "\n";
    return 1;
  }
}

}  // namespace m6::cli
