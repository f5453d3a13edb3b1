# -help: ruissel's options by stage, the same names as the user guide's tables; "did you mean"
rsl_add_pytest(NAME help_options LABELS unit SCRIPT ${CMAKE_CURRENT_LIST_DIR}/check_help.py
  ARGS ${CMAKE_CURRENT_BINARY_DIR}/help_work TIMEOUT 300)
