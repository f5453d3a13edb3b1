rsl_add_pytest(NAME swe_boundaries LABELS unit mpi SCRIPT ${CMAKE_CURRENT_LIST_DIR}/test_boundaries.py TIMEOUT 600)
