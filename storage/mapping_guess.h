// Guessing what the columns (or JSON keys) of an interactions file mean, from their names and
// the values of the first rows: the one rule behind `m6-cli guess-mapping` and the import
// dialog's column roles.
//
// Names are matched without case, exact names first ("user_id", "asin", "overall"), then
// prefixes ("user...", "movie..."); a time column must also hold values that read as times, so
// Amazon's "reviewTime" ("08 22, 2013") loses to "unixReviewTime". Times in milliseconds are
// recognised from their size. Without a header: user, item, rating, time by position, as the
// MovieLens-style files have them.
//
// Thread affinity: none.
#pragma once

#include <string>
#include <vector>

#include "storage/formats.h"
#include "storage/import_spec.h"

namespace m6
{

struct RoleGuess
{
  // Per column of the preview: "user", "item", "rating", "timestamp", or "" (another column).
  std::vector<std::string> roles;
  TimeFormat timeFormat = TimeFormat::Auto;
};

RoleGuess guessInteractionRoles(const Preview& preview);

/// The time format the sample values of one column have: UnixMillis for millisecond counts,
/// Unix for second counts, Iso8601 for dates, Auto otherwise.
TimeFormat guessTimeFormat(const std::vector<std::string>& samples);

}  // namespace m6
