// Loops the compiler vectorises, built twice: for the baseline x86-64 that Debian's compiler
// targets (SSE2, four floats a register) and for x86-64-v3 (AVX2, eight), the processor's choice
// made once by the loader (GCC's target_clones through an ifunc). A binary built on one machine
// thus still runs on any x86-64, and uses AVX2 where there is one. The files that use it are
// compiled with -ffp-contract=off (model/CMakeLists.txt): no multiply and add fused into an FMA,
// so both builds do the same float operations in the same order and a run's figures do not
// depend on which one runs. Other compilers and processors get the one build.
//
// Thread affinity: none.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define M6_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define M6_VECTOR_CLONES
#endif
