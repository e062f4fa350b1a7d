// JSON lines (one object per line, `.json` / `.jsonl`): the parts of the reader that know JSON.
// Parsing is nlohmann-json's (Debian's nlohmann-json3-dev); this file only decides how a JSON
// value becomes the text of a field, so that a JSON-lines file reads like a table whose columns
// are key paths and every importer rule (ids, ratings, times, field kinds) applies unchanged.
//
// Key paths: a top-level key as written ("reviewerID"), or a nested one with dots
// ("style.Format:", "user.id"); a key that itself contains a dot is found as written first.
// Values: strings as they are, numbers in their JSON spelling, true/false, null (and an absent
// key) as missing, a list of plain values joined with the field's separator (for multi-valued
// fields such as Amazon's "category"). An object where a value is expected is an error that
// names the key.
//
// Thread affinity: none.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace m6
{

struct JsonKey
{
  std::string path;
  std::string separator = "|";  // joins the values of a list
};

/// Parses one line and writes the text of each key into (*values)[k] (resized to keys.size());
/// (*present)[k] says whether the key was there with a non-null value. Returns "" or the reason
/// the line cannot be used ("not valid JSON: ...", "not a JSON object", "key \"x\" holds an
/// object ...").
std::string extractJsonFields(std::string_view line, const std::vector<JsonKey>& keys,
                              std::vector<std::string>* values, std::vector<bool>* present);

/// Parses one line into (key path, value text) pairs, nested objects flattened with dots, in the
/// object's own order; for previews and mapping guesses. Returns "" or the reason.
std::string flattenJsonLine(std::string_view line,
                            std::vector<std::pair<std::string, std::string>>* out);

/// True when the text starts like a JSON object (after spaces and a byte-order mark).
bool looksLikeJsonObject(std::string_view line);

}  // namespace m6
