# postproc: indicators on a synthetic result vs hand-computed values, every subcommand runs
# and writes real PNGs, bad inputs fail cleanly.
rsl_add_pytest(NAME postproc_synthetic LABELS unit SCRIPT ${CMAKE_CURRENT_LIST_DIR}/test_postproc.py TIMEOUT 300)
# postproc by row blocks: block-wise indicators and rasters equal the whole-array ones for
# blocks of 1, 2, 7 rows and the whole grid; no read of a 2D field beyond --block-mb.
rsl_add_pytest(NAME postproc_blocks LABELS unit SCRIPT ${CMAKE_CURRENT_LIST_DIR}/test_blocks.py TIMEOUT 300)
# postproc under mpiexec: export and indicators on 1 and 3 ranks equal the plain run's
# (byte-identical COGs, identical tables), --vrt tiles, bad input on every rank; 77 without mpi4py.
rsl_add_pytest(NAME postproc_mpi LABELS unit mpi SCRIPT ${CMAKE_CURRENT_LIST_DIR}/test_mpi.py TIMEOUT 300)
