# core: what every module shares (errors, options, text files, series, signals, validation)
list(APPEND RSL_CORE_SOURCES ${CMAKE_CURRENT_LIST_DIR}/rsl.c ${CMAKE_CURRENT_LIST_DIR}/series.c
  ${CMAKE_CURRENT_LIST_DIR}/app.c ${CMAKE_CURRENT_LIST_DIR}/signal.c ${CMAKE_CURRENT_LIST_DIR}/help.c
  ${CMAKE_CURRENT_LIST_DIR}/validate.c ${CMAKE_CURRENT_LIST_DIR}/options_check.c ${CMAKE_CURRENT_LIST_DIR}/text.c
  ${CMAKE_CURRENT_LIST_DIR}/gpu.c)
