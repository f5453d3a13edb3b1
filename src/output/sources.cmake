# output: the result writer (-out_type registry: output.c, output_hdf5.c) and what is computed
# from the solver's results (per-zone indicators)
foreach(f output.c output_hdf5.c zones.c)
  list(APPEND RSL_OUTPUT_SOURCES ${CMAKE_CURRENT_LIST_DIR}/${f})
endforeach()
