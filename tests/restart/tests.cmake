# Checkpoint/restart (issue 9): restarts equal uninterrupted runs on the same and on other rank
# counts, after a signal or a kill -9 during a checkpoint write; mismatched checkpoints are
# refused; signals without checkpoints; ensembles resume member by member.
foreach(t ranks refused ensemble)
  rsl_add_pytest(NAME restart_${t} LABELS mpi restart SCRIPT ${CMAKE_CURRENT_LIST_DIR}/test_restart_${t}.py TIMEOUT 600)
endforeach()
