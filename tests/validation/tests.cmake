# Validation against independent references (validation/README.md). Each case is its own
# test; they run the real ruissel binary. Data-dependent cases exit 77 (SKIPPED) without
# RUISSEL_DATA_DIR. Work files go to the build tree (tests/validation_work/<case>).
set(RSL_VALIDATION_RUN ${CMAKE_SOURCE_DIR}/validation/run.py)
set(RSL_VALIDATION_WORK ${CMAKE_CURRENT_BINARY_DIR}/validation_work)

rsl_add_pytest(NAME validation_references LABELS unit validation
               SCRIPT ${CMAKE_CURRENT_LIST_DIR}/test_analytic.py)

function(rsl_validation_case name)
  cmake_parse_arguments(V "" "TIMEOUT" "LABELS" ${ARGN})
  rsl_add_pytest(NAME validation_${name} LABELS validation ${V_LABELS} TIMEOUT ${V_TIMEOUT}
                 SCRIPT ${RSL_VALIDATION_RUN} ARGS --case ${name} --workdir ${RSL_VALIDATION_WORK})
endfunction()

rsl_validation_case(lake_at_rest TIMEOUT 300)
rsl_validation_case(lake_at_rest_lidar TIMEOUT 300)
rsl_validation_case(ritter TIMEOUT 300)
rsl_validation_case(stoker TIMEOUT 300)
rsl_validation_case(thacker TIMEOUT 600)
rsl_validation_case(tilted_plane TIMEOUT 300)
rsl_validation_case(macdonald TIMEOUT 600)
rsl_validation_case(v_catchment LABELS mpi TIMEOUT 600)
rsl_validation_case(decomposition LABELS mpi TIMEOUT 600)
rsl_validation_case(bad_inputs LABELS mpi TIMEOUT 900)
rsl_validation_case(cevennes LABELS mpi TIMEOUT 300)
