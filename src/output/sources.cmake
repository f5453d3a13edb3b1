# output: what is computed from the solver's results (per-zone indicators)
list(APPEND RSL_OUTPUT_SOURCES ${CMAKE_CURRENT_LIST_DIR}/zones.c)
