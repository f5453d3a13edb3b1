rsl_add_pytest(NAME app_ensemble LABELS mpi validation SCRIPT ${CMAKE_CURRENT_LIST_DIR}/test_ensemble.py TIMEOUT 900)
rsl_add_pytest(NAME app_ensemble_failures LABELS mpi SCRIPT ${CMAKE_CURRENT_LIST_DIR}/test_ensemble_failures.py TIMEOUT 600)
rsl_add_pytest(NAME app_member_prefix LABELS mpi SCRIPT ${CMAKE_CURRENT_LIST_DIR}/test_member_prefix.py TIMEOUT 600)
