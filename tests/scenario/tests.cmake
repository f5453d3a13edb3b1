# scenario: rain sources (design storms, hyetograph, radar series), climate factor,
# land-use change.
rsl_test_exe(rain_dump ${CMAKE_CURRENT_LIST_DIR}/rain_dump.c)
foreach(t design_storms climate rain_errors rain_cance rain_view)
  rsl_add_pytest(NAME scenario_${t} LABELS unit SCRIPT ${CMAKE_CURRENT_LIST_DIR}/test_${t}.py ARGS $<TARGET_FILE:rain_dump>)
endforeach()
rsl_test_exe(landuse_dump ${CMAKE_CURRENT_LIST_DIR}/landuse_dump.c)
rsl_add_pytest(NAME scenario_landuse LABELS unit mpi SCRIPT ${CMAKE_CURRENT_LIST_DIR}/test_landuse.py ARGS $<TARGET_FILE:landuse_dump>)
