# postproc: indicators on a synthetic result vs hand-computed values, every subcommand runs
# and writes real PNGs, bad inputs fail cleanly.
rsl_add_pytest(NAME postproc_synthetic LABELS unit SCRIPT ${CMAKE_CURRENT_LIST_DIR}/test_postproc.py TIMEOUT 300)
