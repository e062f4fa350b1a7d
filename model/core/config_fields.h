// The descriptor table of every configuration knob, and get/set by dotted key.
//
// The GUI builds its configuration form from configFields(): one row per knob, grouped, with the
// right editor for the type, the range or choices, the default and a tooltip. It reads and writes
// a RunConfig through getValue()/setValue() and then calls validate() (config.h) for the rules
// that span several fields.
//
// Thread affinity: none. The table is immutable after its first (thread-safe) construction.
#pragma once

#include <string>
#include <vector>

#include "model/core/config.h"
#include "model/core/json.h"

namespace m6
{

enum class ConfigFieldType
{
  Int,
  Double,
  Bool,
  Enum,       // one of `choices`
  StringList  // a list of names (JSON array of strings; comma-separated on the command line)
};

const char* configFieldTypeName(
    ConfigFieldType t);  // "int", "double", "bool", "enum", "string list"

struct ConfigFieldInfo
{
  std::string key;    // dotted, stable: "model.heads"
  std::string group;  // "Data and split", "Field encoders", "History encoder", "Attention",
                      // "Decoder", "Task and loss", "Optimisation"
  std::string label;  // short human label for a form: "Attention heads"
  ConfigFieldType type = ConfigFieldType::Int;
  double minValue = 0;  // Int and Double: inclusive bounds (validate() enforces them)
  double maxValue = 0;
  bool minExclusive = false;         // Double: the minimum itself is not allowed (lr > 0)
  std::vector<std::string> choices;  // Enum
  Json defaultValue;                 // the value in a default-constructed RunConfig
  std::string tooltip;               // one sentence, with the range
  std::string appliesWhen;           // "" (always) or "key=value" / "key!=value", e.g.
                                     // "model.scorer=mlp" ("key=a,b": any of the values):
                                     // when the knob has an effect
};

/// The group names in display order.
const std::vector<std::string>& configGroups();

/// Every knob of RunConfig, grouped, in display order.
const std::vector<ConfigFieldInfo>& configFields();

/// The descriptor of a dotted key or of an unambiguous bare leaf name ("heads"), or nullptr.
/// When `error` is given and the lookup fails, it receives why (unknown or ambiguous).
const ConfigFieldInfo* findConfigField(const std::string& key, std::string* error = nullptr);

/// The value of a knob as JSON (int, double, bool, string, or array of strings).
/// Throws std::invalid_argument for an unknown key.
Json getValue(const RunConfig& config, const std::string& key);

/// Sets a knob from JSON. Integers accept integral doubles; doubles accept integers; enums must be
/// one of the choices. Throws std::invalid_argument naming the key and why. No range check.
void setValue(RunConfig& config, const std::string& key, const Json& value);

}  // namespace m6
