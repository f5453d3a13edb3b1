/* Single-source marker: a function marked RSL_HD is compiled for the GPU by nvcc and as a
 * plain inline function by the C compiler, so CPU loops, tests and CUDA kernels share one
 * definition of each formula (DESIGN invariant 4). */
#pragma once
#if defined(__CUDACC__)
  #define RSL_HD static __host__ __device__ __forceinline__
#else
  #define RSL_HD static inline
#endif
