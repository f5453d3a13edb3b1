# output: the result writer object (-out_type registry) and its contract with the solver's
# snapshot monitor, with a writer registered by the test; on 1 and 3 ranks.
rsl_test_exe(test_output ${CMAKE_CURRENT_LIST_DIR}/test_output.c)
rsl_add_test(NAME output_monitor NP 1 LABELS unit COMMAND $<TARGET_FILE:test_output>)
rsl_add_test(NAME output_monitor_np3 NP 3 LABELS mpi COMMAND $<TARGET_FILE:test_output>)
