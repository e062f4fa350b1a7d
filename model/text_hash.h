// Hashing of free text into n-gram buckets for the text field encoder (private to model/).
//
// Words are maximal runs of letters and digits (bytes >= 0x80 count as letters, so UTF-8 words
// stay whole), lower-cased. Each text yields word n-grams of length 1..wordNgrams and the
// character n-grams of length charNgrams of every word wrapped in '<' '>'. Each n-gram is hashed
// (FNV-1a, 64 bit, fixed on every platform) into 1..buckets; 0 is left for padding.
//
// Thread affinity: none; pure function.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace m6
{

/// Bucket ids (1..buckets) of the n-grams of `text`, word n-grams first, at most `maxGrams`.
std::vector<int64_t> hashTextNgrams(const std::string& text, int buckets, int wordNgrams,
                                    int charNgrams, size_t maxGrams);

}  // namespace m6
