foreach(f member.c ensemble.c)
  list(APPEND RSL_SOURCES ${CMAKE_CURRENT_LIST_DIR}/${f})
endforeach()
