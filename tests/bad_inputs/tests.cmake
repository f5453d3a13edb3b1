# The bad-input suite (tests/bad_inputs/check_bad_inputs.py): every kind of input, both
# stages, each case on 1 and 3 ranks through the real ruissel binary -- non-zero exit within
# 30 s, one error line naming the culprit, no file left. Label validation (so the sanitizer
# build runs it too) and mpi.
rsl_add_pytest(NAME bad_inputs LABELS mpi validation TIMEOUT 900 SCRIPT ${CMAKE_CURRENT_LIST_DIR}/check_bad_inputs.py
  ARGS ${CMAKE_CURRENT_BINARY_DIR}/bad_inputs -j 3)
