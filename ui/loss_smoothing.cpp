#include "ui/loss_smoothing.h"

#include <cmath>

namespace m6
{

double EmaSmoother::add(double y)
{
  if (!std::isfinite(y))
  {
    return y;
  }
  last_ = last_ * weight_ + (1.0 - weight_) * y;
  ++count_;
  const double debias = weight_ >= 1.0 ? 1.0 : 1.0 - std::pow(weight_, static_cast<double>(count_));
  return last_ / debias;
}

void EmaSmoother::reset()
{
  last_ = 0;
  count_ = 0;
}

std::vector<double> smoothSeries(const std::vector<double>& ys, double weight)
{
  EmaSmoother s(weight);
  std::vector<double> out;
  out.reserve(ys.size());
  for (double y : ys)
  {
    out.push_back(s.add(y));
  }
  return out;
}

}  // namespace m6
