// libFuzzer harness: opening a model file (model/package.h) from arbitrary bytes, and when one
// opens, scoring with it. Every failure must be a std::exception with a message.
#include <string>

#include "fuzz_input.h"
#include "model/package.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  const std::string path = m6fuzz::writeInput("model.m6model", data, size);
  try
  {
    auto p = m6::ModelPackage::open(path);
    if (p)
    {
      p->recommend(m6::HistoryQuery{}, 5);
    }
  }
  catch (const std::exception&)
  {
  }
  return 0;
}
