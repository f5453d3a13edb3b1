# Kernel unit tests (issue 11): the single-source formulas of kernels/*.h against independent
# references, numbered; plain C (the kernels need only libm).
foreach(t kernels_01_flux_consistency kernels_02_lake_at_rest kernels_03_positivity kernels_04_cbrt kernels_05_friction kernels_06_boundaries)
  add_executable(test_${t} ${CMAKE_CURRENT_LIST_DIR}/${t}.c)
  target_include_directories(test_${t} PRIVATE ${CMAKE_SOURCE_DIR})
  target_link_libraries(test_${t} PRIVATE m)
  target_compile_options(test_${t} PRIVATE ${RSL_WARNINGS})
  add_test(NAME ${t} COMMAND test_${t})
  set_tests_properties(${t} PROPERTIES LABELS unit TIMEOUT 120)
endforeach()
