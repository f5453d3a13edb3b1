# Label `slurm` (issue 9): jobs/production.sbatch and jobs/nightly.sbatch under a real one-node
# Slurm that the test starts and stops itself (root and Debian's slurm-wlm needed, else SKIPPED).
# RUN_SERIAL: the jobs use the machine's cores; nothing else should compete with them.
add_test(NAME slurm_jobs COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/test_slurm.sh
         WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
set_tests_properties(slurm_jobs PROPERTIES LABELS slurm SKIP_RETURN_CODE 77 TIMEOUT 600 RUN_SERIAL TRUE
  ENVIRONMENT "RUISSEL_EXE=$<TARGET_FILE:ruissel>;RUISSEL_SOURCE_DIR=${CMAKE_SOURCE_DIR};OMP_NUM_THREADS=1")
