rsl_add_pytest(NAME swe_boundaries LABELS unit mpi SCRIPT ${CMAKE_CURRENT_LIST_DIR}/test_boundaries.py TIMEOUT 600)
rsl_add_pytest(NAME swe_hazard LABELS unit mpi SCRIPT ${CMAKE_CURRENT_LIST_DIR}/test_hazard.py TIMEOUT 300)
rsl_add_pytest(NAME swe_gpu_parity_cudasim LABELS unit mpi SCRIPT ${CMAKE_CURRENT_LIST_DIR}/test_gpu_parity.py ARGS cudasim TIMEOUT 900)
if(RUISSEL_HAVE_CUDA) # the CI build; SKIPPED (77) where no GPU is usable
  rsl_add_pytest(NAME swe_gpu_parity LABELS cuda SCRIPT ${CMAKE_CURRENT_LIST_DIR}/test_gpu_parity.py TIMEOUT 900)
endif()
