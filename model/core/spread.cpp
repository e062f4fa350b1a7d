#include "model/core/spread.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace m6
{

namespace
{

// The continued fraction of the regularised incomplete beta function (modified Lentz's method),
// valid for x < (a + 1) / (a + b + 2).
double betaFraction(double a, double b, double x)
{
  const double tiny = 1e-300;
  double c = 1.0;
  double d = 1.0 - (a + b) * x / (a + 1.0);
  d = std::abs(d) < tiny ? tiny : d;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 300; ++m)
  {
    const double m2 = 2.0 * m;
    double num = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
    d = 1.0 + num * d;
    d = std::abs(d) < tiny ? tiny : d;
    c = 1.0 + num / c;
    c = std::abs(c) < tiny ? tiny : c;
    d = 1.0 / d;
    h *= d * c;
    num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
    d = 1.0 + num * d;
    d = std::abs(d) < tiny ? tiny : d;
    c = 1.0 + num / c;
    c = std::abs(c) < tiny ? tiny : c;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::abs(delta - 1.0) < 1e-15)
    {
      break;
    }
  }
  return h;
}

// I_x(a, b), the regularised incomplete beta function.
double incompleteBeta(double a, double b, double x)
{
  if (x <= 0)
  {
    return 0;
  }
  if (x >= 1)
  {
    return 1;
  }
  const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) +
                                a * std::log(x) + b * std::log1p(-x));
  if (x < (a + 1.0) / (a + b + 2.0))
  {
    return front * betaFraction(a, b, x) / a;
  }
  return 1.0 - front * betaFraction(b, a, 1.0 - x) / b;
}

// P(T <= t) for Student's t with df degrees of freedom.
double studentTCdf(double t, double df)
{
  const double tail = 0.5 * incompleteBeta(df / 2.0, 0.5, df / (df + t * t));
  return t >= 0 ? 1.0 - tail : tail;
}

}  // namespace

double studentTQuantile(double p, int df)
{
  if (!(p > 0 && p < 1) || df < 1)
  {
    throw std::invalid_argument("studentTQuantile needs 0 < p < 1 and df >= 1");
  }
  if (p < 0.5)
  {
    return -studentTQuantile(1.0 - p, df);
  }
  // Bisection: the CDF is monotone, and the 0.9995 quantile of one degree of freedom is 636.6.
  double lo = 0;
  double hi = 1.0;
  while (studentTCdf(hi, df) < p && hi < 1e12)
  {
    hi *= 2;
  }
  for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; ++i)
  {
    const double mid = 0.5 * (lo + hi);
    (studentTCdf(mid, df) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

Json Spread::toJson(double confidence) const
{
  Json j = Json::object();
  j["n"] = n;
  j["mean"] = mean;
  j["sd"] = sd;
  Json ci = Json::array();
  ci.push_back(low);
  ci.push_back(high);
  j["ci" + std::to_string(static_cast<int>(std::lround(confidence * 100)))] = ci;
  return j;
}

Spread spreadOf(const std::vector<double>& values, double confidence)
{
  Spread s;
  double sum = 0;
  for (double v : values)
  {
    if (std::isfinite(v))
    {
      sum += v;
      ++s.n;
    }
  }
  if (s.n == 0)
  {
    s.mean = s.low = s.high = std::numeric_limits<double>::quiet_NaN();
    return s;
  }
  s.mean = sum / s.n;
  double squares = 0;
  for (double v : values)
  {
    if (std::isfinite(v))
    {
      squares += (v - s.mean) * (v - s.mean);
    }
  }
  s.low = s.high = s.mean;
  if (s.n >= 2)
  {
    s.sd = std::sqrt(squares / (s.n - 1));
    const double half =
        studentTQuantile(0.5 + confidence / 2.0, s.n - 1) * s.sd / std::sqrt(double(s.n));
    s.low = s.mean - half;
    s.high = s.mean + half;
  }
  return s;
}

std::vector<std::pair<std::string, Spread>> metricSpreads(const std::vector<const MetricSet*>& sets,
                                                          double confidence)
{
  std::vector<std::pair<std::string, std::vector<double>>> values;
  for (const MetricSet* set : sets)
  {
    for (const auto& kv : set->values)
    {
      auto it = std::find_if(values.begin(), values.end(),
                             [&](const auto& v) { return v.first == kv.first; });
      if (it == values.end())
      {
        values.emplace_back(kv.first, std::vector<double>{});
        it = values.end() - 1;
      }
      it->second.push_back(kv.second);
    }
  }
  std::vector<std::pair<std::string, Spread>> out;
  out.reserve(values.size());
  for (const auto& kv : values)
  {
    out.emplace_back(kv.first, spreadOf(kv.second, confidence));
  }
  return out;
}

}  // namespace m6
