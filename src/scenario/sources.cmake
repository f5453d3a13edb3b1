# scenario: the objects, and one file per scenario component (scenario_<name>.c) and per
# rain source (rain_<name>.c), picked up by name: adding one is its file and its line in
# the registry (RSL_SCENARIO_COMPONENTS or RSL_RAIN_SOURCES in registry.c).
file(GLOB RSL_SCENARIO_PARTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/scenario_*.c ${CMAKE_CURRENT_LIST_DIR}/rain_*.c)
list(APPEND RSL_SCENARIO_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/scenario.c
  ${CMAKE_CURRENT_LIST_DIR}/rain.c
  ${CMAKE_CURRENT_LIST_DIR}/landuse.c
  ${CMAKE_CURRENT_LIST_DIR}/registry.c
  ${RSL_SCENARIO_PARTS})
