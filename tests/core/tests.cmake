# core: the validation layer (core/validate.h, grid size checks) against hand-written cases.
rsl_test_exe(test_validate ${CMAKE_CURRENT_LIST_DIR}/test_validate.c)
rsl_add_test(NAME core_validate_np1 NP 1 LABELS unit TIMEOUT 60 COMMAND $<TARGET_FILE:test_validate>)
rsl_add_test(NAME core_validate_np3 NP 3 LABELS mpi TIMEOUT 60 COMMAND $<TARGET_FILE:test_validate>)
# core/text: the one reader of text inputs, and the line numbers of the readers built on it
rsl_test_exe(test_text ${CMAKE_CURRENT_LIST_DIR}/test_text.c)
rsl_add_test(NAME core_text NP 1 LABELS unit TIMEOUT 60 COMMAND $<TARGET_FILE:test_text>)
