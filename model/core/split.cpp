#include "model/core/split.h"

#include <stdexcept>
#include <string>

namespace m6
{

Split splitLeaveOneOut(const DatasetSnapshot& s)
{
  const int64_t nU = s.numUsers();
  const int64_t nI = s.numInteractions();
  if (static_cast<int64_t>(s.userStart.size()) != nU + 1 || s.userStart.front() != 0 ||
      s.userStart.back() != nI || static_cast<int64_t>(s.item.size()) != nI)
  {
    throw std::invalid_argument("split: the snapshot's userStart does not cover its " +
                                std::to_string(nI) + " interactions");
  }
  Split sp;
  sp.part.assign(static_cast<size_t>(nI), SplitPart::Train);
  sp.validIndex.assign(static_cast<size_t>(nU), -1);
  sp.testIndex.assign(static_cast<size_t>(nU), -1);
  sp.trainEnd.resize(static_cast<size_t>(nU));
  for (int64_t u = 0; u < nU; ++u)
  {
    const int64_t a = s.userStart[static_cast<size_t>(u)];
    const int64_t b = s.userStart[static_cast<size_t>(u) + 1];
    if (b < a)
    {
      throw std::invalid_argument("split: userStart is not monotone at user " + std::to_string(u));
    }
    for (int64_t n = a; n < b; ++n)
    {
      if (s.user[static_cast<size_t>(n)] != u)
      {
        throw std::invalid_argument("split: interaction " + std::to_string(n) +
                                    " is not in its user's range");
      }
    }
    if (b - a >= kMinInteractionsForEval)
    {
      sp.testIndex[static_cast<size_t>(u)] = b - 1;
      sp.validIndex[static_cast<size_t>(u)] = b - 2;
      sp.part[static_cast<size_t>(b - 1)] = SplitPart::Test;
      sp.part[static_cast<size_t>(b - 2)] = SplitPart::Valid;
      sp.trainEnd[static_cast<size_t>(u)] = b - 2;
      ++sp.numValid;
      ++sp.numTest;
    }
    else
    {
      sp.trainEnd[static_cast<size_t>(u)] = b;
    }
    sp.numTrain += sp.trainEnd[static_cast<size_t>(u)] - a;
  }
  return sp;
}

}  // namespace m6
