# seg engine: parity with PyTorch (fixtures generated at test time into the build tree),
# converter round trip, hostile safetensors, single-source kernels, benchmark.
set(SEG_SCRIPTS ${CMAKE_SOURCE_DIR}/scripts/seg)
set(SEG_FIX ${CMAKE_CURRENT_BINARY_DIR}/seg_fixtures)
rsl_test_exe(seg_parity ${CMAKE_CURRENT_LIST_DIR}/seg_parity.c)

rsl_add_pytest(NAME seg_converter_roundtrip LABELS unit SCRIPT ${CMAKE_CURRENT_LIST_DIR}/test_converter.py)

# small fast case: resnet18, width 0.25, a batch of two 64x64 tiles, weights under a
# "model." prefix (found without -seg_weights_prefix)
rsl_add_pytest(NAME seg_fixture_small LABELS unit SCRIPT ${SEG_SCRIPTS}/make_parity_fixture.py
  ARGS ${SEG_FIX}/small --arch resnet18 --width 0.25 --classes 19 --size 64 --seed 7 --batch 2 --prefix model.)
set_tests_properties(seg_fixture_small PROPERTIES FIXTURES_SETUP seg_fix_small)
# acceptance case: full-width resnet34, 5 bands, 19 classes, 512x512
rsl_add_pytest(NAME seg_fixture_full LABELS validation SCRIPT ${SEG_SCRIPTS}/make_parity_fixture.py
  ARGS ${SEG_FIX}/full --arch resnet34 --width 1 --classes 19 --size 512 --seed 1)
set_tests_properties(seg_fixture_full PROPERTIES FIXTURES_SETUP seg_fix_full)
# F16 / BF16 weights: the reader's conversions against PyTorch's rounding
foreach(dt F16 BF16)
  rsl_add_pytest(NAME seg_fixture_${dt} LABELS unit SCRIPT ${SEG_SCRIPTS}/make_parity_fixture.py
    ARGS ${SEG_FIX}/${dt} --arch resnet18 --width 0.125 --classes 13 --size 32 --seed 3 --dtype ${dt})
  set_tests_properties(seg_fixture_${dt} PROPERTIES FIXTURES_SETUP seg_fix_${dt})
endforeach()

foreach(be ref cpu)
  set(prefix_opt) # ref finds the "model." prefix itself, cpu is told
  if(be STREQUAL cpu)
    set(prefix_opt -seg_weights_prefix model.)
  endif()
  rsl_add_test(NAME seg_parity_small_${be} NP 1 LABELS unit COMMAND $<TARGET_FILE:seg_parity>
    -fixture ${SEG_FIX}/small/fixture.safetensors -seg_weights ${SEG_FIX}/small/weights.safetensors
    -seg_arch unet_resnet18 -seg_width_mult 0.25 -seg_classes 19 -seg_backend ${be} ${prefix_opt})
  set_tests_properties(seg_parity_small_${be} PROPERTIES FIXTURES_REQUIRED seg_fix_small)
  rsl_add_test(NAME seg_parity_full_${be} NP 1 LABELS validation COMMAND $<TARGET_FILE:seg_parity>
    -fixture ${SEG_FIX}/full/fixture.safetensors -seg_weights ${SEG_FIX}/full/weights.safetensors
    -seg_arch unet_resnet34 -seg_width_mult 1 -seg_classes 19 -seg_backend ${be})
  set_tests_properties(seg_parity_full_${be} PROPERTIES FIXTURES_REQUIRED seg_fix_full)
endforeach()
foreach(dt F16 BF16)
  rsl_add_test(NAME seg_parity_${dt}_cpu NP 2 LABELS unit mpi COMMAND $<TARGET_FILE:seg_parity>
    -fixture ${SEG_FIX}/${dt}/fixture.safetensors -seg_weights ${SEG_FIX}/${dt}/weights.safetensors
    -seg_arch unet_resnet18 -seg_width_mult 0.125 -seg_classes 13 -seg_backend cpu)
  set_tests_properties(seg_parity_${dt}_cpu PROPERTIES FIXTURES_REQUIRED seg_fix_${dt})
endforeach()
# -seg_backend cuda where it cannot run (no GPU here): a clear error on both ranks, no hang
rsl_add_test(NAME seg_cuda_unavailable NP 2 LABELS unit mpi COMMAND $<TARGET_FILE:seg_parity>
  -fixture ${SEG_FIX}/small/fixture.safetensors -seg_weights ${SEG_FIX}/small/weights.safetensors
  -seg_arch unet_resnet18 -seg_width_mult 0.25 -seg_classes 19 -seg_backend cuda)
set_tests_properties(seg_cuda_unavailable PROPERTIES FIXTURES_REQUIRED seg_fix_small
  PASS_REGULAR_EXPRESSION "-seg_backend cuda: (no usable CUDA device|this build has no CUDA)")

# hostile weight files: each error names the file and tensor, on both ranks, no hang
rsl_test_exe(seg_bad_weights ${CMAKE_CURRENT_LIST_DIR}/seg_bad_weights.c)
rsl_add_pytest(NAME seg_bad_weights_files LABELS unit SCRIPT ${CMAKE_CURRENT_LIST_DIR}/make_bad_weights.py ARGS ${SEG_FIX}/bad)
set_tests_properties(seg_bad_weights_files PROPERTIES FIXTURES_SETUP seg_fix_bad)
rsl_add_test(NAME seg_bad_weights NP 2 LABELS unit mpi COMMAND $<TARGET_FILE:seg_bad_weights> -manifest ${SEG_FIX}/bad/manifest.txt)
set_tests_properties(seg_bad_weights PROPERTIES FIXTURES_REQUIRED seg_fix_bad)

# single-source kernel functions on the CPU against direct formulas
rsl_test_exe(seg_kernels ${CMAKE_CURRENT_LIST_DIR}/seg_kernels.c)
rsl_add_test(NAME seg_kernels NP 1 LABELS unit COMMAND $<TARGET_FILE:seg_kernels>)

# benchmark (label bench, not in the default run): jobs/bench/seg_bench.sh with this driver
rsl_test_exe(seg_bench ${CMAKE_CURRENT_LIST_DIR}/seg_bench.c)
add_test(NAME seg_bench COMMAND bash ${CMAKE_SOURCE_DIR}/jobs/bench/seg_bench.sh)
set_tests_properties(seg_bench PROPERTIES LABELS bench TIMEOUT 1800
  ENVIRONMENT "RUISSEL_BUILD=${CMAKE_BINARY_DIR};SEG_BENCH=$<TARGET_FILE:seg_bench>")
