// The pieces the TorchScript generator of package_script.cpp is built from (private to model/).
//
// Thread affinity: none; pure functions.
#pragma once

#include <sstream>
#include <string>

#include "model/nn/m6_net.h"

namespace m6::script
{

/// Lines of Python source, four spaces per indent level.
class Writer
{
 public:
  Writer& line(int indent, const std::string& text)
  {
    out_ << std::string(static_cast<size_t>(indent) * 4, ' ') << text << "\n";
    return *this;
  }
  std::string str() const { return out_.str(); }

 private:
  std::ostringstream out_;
};

/// A double as a Python literal that reads back as the same double.
std::string literal(double v);
/// A submodule or tensor attribute by name; getattr accepts any name ("0", data-derived names).
std::string at(const std::string& base, const std::string& name);
/// "M.weight, M.bias".
std::string linearArgs(const std::string& module);
/// The call of the bottleneck adapter `module` on x.
std::string adapter(const std::string& module, const std::string& x);

/// The network's functions: _ln, _bag, _adapter, _ffn, _attention, _encode_user/_item/_context,
/// _history, _user_side, _fuse and the scorer's _score_candidates / _score_catalogue.
void network(Writer& w, const NetSpec& spec);

}  // namespace m6::script
