rsl_add_pytest(NAME swe_boundaries LABELS unit mpi SCRIPT ${CMAKE_CURRENT_LIST_DIR}/test_boundaries.py TIMEOUT 600)
rsl_add_pytest(NAME swe_hazard LABELS unit mpi SCRIPT ${CMAKE_CURRENT_LIST_DIR}/test_hazard.py TIMEOUT 300)
