#include "model/core/dataset.h"

namespace m6
{

const char* fieldKindName(FieldKind k)
{
  switch (k)
  {
    case FieldKind::Categorical:
      return "categorical";
    case FieldKind::Multi:
      return "multi";
    case FieldKind::Numeric:
      return "numeric";
    case FieldKind::Text:
      return "text";
    case FieldKind::Timestamp:
      return "timestamp";
  }
  return "?";
}

bool parseFieldKind(const std::string& s, FieldKind* out)
{
  if (s == "categorical" || s == "category" || s == "token")
  {
    *out = FieldKind::Categorical;
  }
  else if (s == "multi" || s == "multi-categorical" || s == "tags" || s == "token_seq")
  {
    *out = FieldKind::Multi;
  }
  else if (s == "numeric" || s == "number" || s == "float")
  {
    *out = FieldKind::Numeric;
  }
  else if (s == "text")
  {
    *out = FieldKind::Text;
  }
  else if (s == "timestamp" || s == "time" || s == "date")
  {
    *out = FieldKind::Timestamp;
  }
  else
  {
    return false;
  }
  return true;
}

const char* fieldEntityName(FieldEntity e)
{
  switch (e)
  {
    case FieldEntity::User:
      return "user";
    case FieldEntity::Item:
      return "item";
    case FieldEntity::Interaction:
      return "interaction";
  }
  return "?";
}

}  // namespace m6
