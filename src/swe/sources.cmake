foreach(f swe.c swe_bc.c swe_residual.c swe_step.c swe_solve.c swe_diag.c swe_output.c swe_losses.c)
  list(APPEND RSL_SOURCES ${CMAKE_CURRENT_LIST_DIR}/${f})
endforeach()
