# fuzz: the libFuzzer targets of fuzz/ (one per parser of untrusted input), built with clang
# into <build>/fuzz, then each run for RSL_FUZZ_SECONDS on its seed corpus (label `fuzz`, in
# the default run). Longer runs: fuzz/run.sh BUILD TARGET SECONDS -runs=N (docs/hpc.md).
include(${CMAKE_SOURCE_DIR}/fuzz/targets.cmake)
set(RSL_FUZZ_SECONDS 5 CACHE STRING "Seconds each fuzz target runs in the fuzz label (after replaying its corpus)")
add_test(NAME fuzz_build COMMAND bash ${CMAKE_SOURCE_DIR}/fuzz/build.sh ${CMAKE_BINARY_DIR}/fuzz)
set_tests_properties(fuzz_build PROPERTIES LABELS fuzz FIXTURES_SETUP fuzz_bin SKIP_RETURN_CODE 77 TIMEOUT 900)
foreach(t ${RSL_FUZZ_TARGETS})
  add_test(NAME fuzz_${t} COMMAND bash ${CMAKE_SOURCE_DIR}/fuzz/run.sh ${CMAKE_BINARY_DIR}/fuzz ${t} ${RSL_FUZZ_SECONDS})
  set_tests_properties(fuzz_${t} PROPERTIES LABELS fuzz FIXTURES_REQUIRED fuzz_bin TIMEOUT 300)
endforeach()
