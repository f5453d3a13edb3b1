# hydro: Green-Ampt kernel, hydro table parsing and errors, class-fraction aggregation.
rsl_test_exe(test_green_ampt ${CMAKE_CURRENT_LIST_DIR}/test_green_ampt.c)
rsl_add_pytest(NAME hydro_green_ampt LABELS unit SCRIPT ${CMAKE_CURRENT_LIST_DIR}/check_green_ampt.py ARGS $<TARGET_FILE:test_green_ampt>)
rsl_test_exe(hydro_dump ${CMAKE_CURRENT_LIST_DIR}/hydro_dump.c)
foreach(t aggregation table_errors)
  rsl_add_pytest(NAME hydro_${t} LABELS unit SCRIPT ${CMAKE_CURRENT_LIST_DIR}/test_${t}.py ARGS $<TARGET_FILE:hydro_dump>)
endforeach()
# Green-Ampt through the solver (ruissel binary) vs the analytic ponded volume, budget.
rsl_add_pytest(NAME hydro_ga_solver LABELS validation mpi SCRIPT ${CMAKE_CURRENT_LIST_DIR}/test_ga_solver.py)
