// libFuzzer harness: the mapping file (JSON, storage/import_spec.h), parsed and, when accepted,
// written back and parsed again to the same spec.
#include <string>

#include "model/core/json.h"
#include "storage/import_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  const std::string text(reinterpret_cast<const char*>(data), size);
  m6::Json j;
  try
  {
    j = m6::Json::parse(text);
  }
  catch (const std::exception&)
  {
    return 0;  // not JSON: the CLI reports the parse error
  }
  auto spec = m6::importSpecFromJson(j, "/nonexistent");
  if (!spec)
  {
    return 0;
  }
  const m6::Json again = m6::importSpecToJson(*spec);
  auto round = m6::importSpecFromJson(again, "/nonexistent");
  if (!round || m6::importSpecToJson(*round) != again)
  {
    __builtin_trap();  // an accepted mapping must survive being written out
  }
  return 0;
}
