# Per-zone indicators from polygon zones (src/output/zones.c): zone sums close the budget, 1-3
# ranks give bitwise the same table, postproc's independent computation agrees, ZAN
# accounting of an artificialisation scenario, bad inputs.
rsl_add_pytest(NAME zones_budget LABELS mpi SCRIPT ${CMAKE_CURRENT_LIST_DIR}/check_zones.py
  ARGS ${CMAKE_CURRENT_BINARY_DIR}/zones_work TIMEOUT 900)
