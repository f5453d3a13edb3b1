foreach(f swe.c swe_bc.c swe_files.c swe_residual.c swe_step.c swe_solve.c swe_diag.c swe_results.c swe_losses.c swe_checkpoint.c swe_hazard.c swe_backend.c swe_backend_cpu.c swe_backend_cuda.c swe_cells_host.c)
  list(APPEND RSL_SWE_SOURCES ${CMAKE_CURRENT_LIST_DIR}/${f})
endforeach()
# The face, MUSCL and source loops are written with selects so that they vectorize; GCC also needs
# to know that sqrt need not set errno and that floating-point operations do not trap. Neither
# option changes a computed value (unlike -ffast-math): results stay bitwise reproducible.
set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/swe_residual.c ${CMAKE_CURRENT_LIST_DIR}/swe_step.c
  PROPERTIES COMPILE_OPTIONS "$<$<C_COMPILER_ID:GNU,Clang>:-fno-math-errno;-fno-trapping-math>")
# The SWE kernels without FMA contraction, like the C build (-std=c17: -ffp-contract=off), so the
# GPU backend can give the CPU's bits (docs/hpc.md, "SWE on the GPU").
set_source_files_properties(${CMAKE_SOURCE_DIR}/kernels/swe.cu PROPERTIES COMPILE_OPTIONS "$<$<COMPILE_LANGUAGE:CUDA>:-fmad=false>")
