rsl_add_pytest(NAME app_ensemble LABELS mpi validation SCRIPT ${CMAKE_CURRENT_LIST_DIR}/test_ensemble.py TIMEOUT 900)
