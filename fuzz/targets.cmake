# The libFuzzer targets (fuzz/fuzz_<name>.c), one per parser of untrusted input; the list is
# shared by fuzz/CMakeLists.txt (builds them) and tests/fuzz/tests.cmake (runs them).
set(RSL_FUZZ_TARGETS series hydro_table nomenclature gauges sources segments safetensors model_json options)
