// Result<T>: a value or an error message with context. storage/ returns these instead of
// throwing or showing anything; the caller (worker, CLI, UI) decides how to present the error.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace m6
{

/// A failure, or an operation the caller cancelled (not a failure; its message is "cancelled").
enum class ErrorKind
{
  Failure,
  Cancelled
};

struct Error
{
  std::string message;
  ErrorKind kind = ErrorKind::Failure;
};

template <typename T>
class [[nodiscard]] Result
{
 public:
  Result(T value) : value_(std::move(value)) {}
  Result(Error e) : error_(std::move(e.message)), kind_(e.kind) {}

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  const std::string& error() const { return error_; }
  ErrorKind errorKind() const { return kind_; }

  T& value() { return *value_; }
  const T& value() const { return *value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  std::optional<T> value_;
  std::string error_;
  ErrorKind kind_ = ErrorKind::Failure;
};

/// Result of an operation with no value.
template <>
class [[nodiscard]] Result<void>
{
 public:
  Result() = default;
  Result(Error e) : error_(std::move(e.message)), kind_(e.kind), failed_(true) {}

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const std::string& error() const { return error_; }
  ErrorKind errorKind() const { return kind_; }

 private:
  std::string error_;
  ErrorKind kind_ = ErrorKind::Failure;
  bool failed_ = false;
};

using Status = Result<void>;

inline Error makeError(std::string message)
{
  return Error{std::move(message)};
}

/// `r`'s error, passed on as it is (a cancellation stays one).
template <typename T>
Error errorOf(const Result<T>& r)
{
  return Error{r.error(), r.errorKind()};
}

/// An operation the caller cancelled (not a failure). Its message is "cancelled"; what tells it
/// apart is the kind, never the text.
inline Error cancelledError()
{
  return Error{"cancelled", ErrorKind::Cancelled};
}
template <typename T>
bool isCancelled(const Result<T>& r)
{
  return !r.ok() && r.errorKind() == ErrorKind::Cancelled;
}

}  // namespace m6
