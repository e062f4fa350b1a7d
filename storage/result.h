// Result<T>: a value or an error message with context. storage/ returns these instead of
// throwing or showing anything; the caller (worker, CLI, UI) decides how to present the error.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace m6
{

struct Error
{
  std::string message;
};

template <typename T>
class [[nodiscard]] Result
{
 public:
  Result(T value) : value_(std::move(value)) {}
  Result(Error e) : error_(std::move(e.message)) {}

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  const std::string& error() const { return error_; }

  T& value() { return *value_; }
  const T& value() const { return *value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  std::optional<T> value_;
  std::string error_;
};

/// Result of an operation with no value.
template <>
class [[nodiscard]] Result<void>
{
 public:
  Result() = default;
  Result(Error e) : error_(std::move(e.message)), failed_(true) {}

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const std::string& error() const { return error_; }

 private:
  std::string error_;
  bool failed_ = false;
};

using Status = Result<void>;

inline Error makeError(std::string message)
{
  return Error{std::move(message)};
}

/// The error message of an operation the caller cancelled (not a failure).
inline constexpr const char* kCancelledMessage = "cancelled";
inline Error cancelledError()
{
  return Error{kCancelledMessage};
}
template <typename T>
bool isCancelled(const Result<T>& r)
{
  return !r.ok() && r.error() == kCancelledMessage;
}

}  // namespace m6
