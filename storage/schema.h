// The workspace schema as a list of forward migrations. Migration i (1-based) brings a workspace
// from user_version i-1 to i. Never edit a migration that has shipped; add a new one.
#pragma once

#include <vector>

namespace m6::schema
{

const std::vector<const char*>& migrations();

}  // namespace m6::schema
