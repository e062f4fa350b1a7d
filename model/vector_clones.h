// Loops built for AVX2 as well as for the baseline x86-64 that Debian's compiler targets (SSE2),
// the processor's choice made at run time, so a binary built on one machine still runs on any
// x86-64 and uses AVX2 where there is one. Two ways:
// - M6_VECTOR_CLONES on a function of plain loops: GCC builds it twice (target_clones) and the
//   loader picks one through an ifunc; each build vectorises the same loops for its registers.
// - M6_TARGET_AVX2 on a function written with eight-float vector values, called only when
//   cpuHasAvx2(): such values have no good SSE build (a baseline build of them ran 2-5x slower
//   than plain loops), so the caller keeps a plain-loop twin for other processors.
// The files that use it are compiled with -ffp-contract=off (model/CMakeLists.txt): no multiply
// and add fused into an FMA, so every build does the same float operations in the same order and
// a run's figures do not depend on which one runs. Other compilers and processors: plain loops.
//
// Thread affinity: none.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define M6_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#define M6_HAS_AVX2_BUILD 1
#define M6_TARGET_AVX2 __attribute__((target("avx2")))
// Helpers of an M6_TARGET_AVX2 function: inlined, they are compiled for AVX2 with it.
#define M6_INLINE_INTO_TARGET __attribute__((always_inline)) inline

namespace m6
{

/// Whether the processor runs AVX2 (asked once).
inline bool cpuHasAvx2()
{
  static const bool has = __builtin_cpu_supports("avx2") != 0;
  return has;
}

}  // namespace m6
#else
#define M6_VECTOR_CLONES
#define M6_HAS_AVX2_BUILD 0
#endif
