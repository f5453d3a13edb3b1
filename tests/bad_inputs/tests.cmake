# The bad-input suite (tests/bad_inputs/check_bad_inputs.py): every kind of input, both
# stages, through the real ruissel binary -- non-zero exit within 30 s, one error line naming
# the culprit, no file left. Label validation (so the sanitizer build runs it too) and mpi.
# Here each case runs on 3 ranks (a rank left waiting would hang; every rank must stop);
# the sanitizer stage of CI runs them on 1 rank (RUISSEL_BAD_INPUTS_RANKS, test preset
# asan), so CI sees both without paying both twice.
rsl_add_pytest(NAME bad_inputs LABELS mpi validation TIMEOUT 900 SCRIPT ${CMAKE_CURRENT_LIST_DIR}/check_bad_inputs.py
  ARGS ${CMAKE_CURRENT_BINARY_DIR}/bad_inputs -j 3)
