# seg pipeline: the segmentation stage around the engine (tiling on the global pixel grid,
# rank-count independence, class fractions, bad inputs) and the metrics command.
# Fixtures (tiny random-weight model, crop of the demo scene, PyTorch reference map) are
# generated at test time into the build tree.
set(SEGP_DIR ${CMAKE_CURRENT_LIST_DIR})
set(SEGP_FIX ${CMAKE_CURRENT_BINARY_DIR}/seg_pipeline)
rsl_test_exe(seg_run ${SEGP_DIR}/seg_run.c)

rsl_add_pytest(NAME seg_pipeline_fixture LABELS unit SCRIPT ${SEGP_DIR}/make_fixture.py ARGS ${SEGP_FIX})
set_tests_properties(seg_pipeline_fixture PROPERTIES FIXTURES_SETUP segp_fix)

# The same image on 1-4 ranks, tiles of 64 px with a 16 px margin (straddling rank
# boundaries and image edges), blocks from the DEM's DMDA ("grid") or a 2D image split.
set(SEGP_MODEL -seg_weights ${SEGP_FIX}/weights.safetensors -seg_arch unet_resnet18 -seg_width_mult 0.25
  -seg_classes 7 -seg_backend cpu -seg_tile 64 -seg_margin 16 -seg_batch 3)
set(SEGP_RUNS)
math(EXPR SEGP_TILES "((260 + 31) / 32) * ((300 + 31) / 32)")
foreach(np 1 2 3 4)
  if(np EQUAL 1)
    set(lab unit)
  else()
    set(lab mpi)
  endif()
  rsl_add_test(NAME seg_pipeline_grid_np${np} NP ${np} LABELS ${lab} TIMEOUT 300 COMMAND $<TARGET_FILE:seg_run>
    -seg_image ${SEGP_FIX}/image.tif ${SEGP_MODEL} -dem ${SEGP_FIX}/dem.tif
    -seg_output ${SEGP_FIX}/map_grid_np${np}.tif -fractions_out ${SEGP_FIX}/fractions_np${np}.h5)
  rsl_add_test(NAME seg_pipeline_split_np${np} NP ${np} LABELS ${lab} TIMEOUT 300 COMMAND $<TARGET_FILE:seg_run>
    -seg_image ${SEGP_FIX}/image.tif ${SEGP_MODEL} -seg_output ${SEGP_FIX}/map_split_np${np}.tif
    -seg_probabilities ${SEGP_FIX}/prob_split_np${np}.tif)
  set_tests_properties(seg_pipeline_grid_np${np} seg_pipeline_split_np${np} PROPERTIES FIXTURES_REQUIRED segp_fix FIXTURES_SETUP segp_runs)
  # each tile computed once whatever the rank count: ceil(260 / 32) x ceil(300 / 32) tiles
  # of stride 64 - 2 x 16 on the 300 x 260 px image
  set_tests_properties(seg_pipeline_grid_np${np} seg_pipeline_split_np${np} PROPERTIES PASS_REGULAR_EXPRESSION "seg: ${SEGP_TILES} tiles computed")
  list(APPEND SEGP_RUNS seg_pipeline_grid_np${np} seg_pipeline_split_np${np})
endforeach()
# nDSM band rebuilt from DSM - DTM (bilinear on the image grid) instead of band 5
foreach(np 1 3)
  rsl_add_test(NAME seg_pipeline_ndsm_np${np} NP ${np} LABELS mpi TIMEOUT 300 COMMAND $<TARGET_FILE:seg_run>
    -seg_image ${SEGP_FIX}/image.tif ${SEGP_MODEL} -seg_bands 1,2,3,4 -seg_ndsm_dsm ${SEGP_FIX}/dsm.tif
    -seg_ndsm_dtm ${SEGP_FIX}/dem.tif -seg_output ${SEGP_FIX}/map_ndsm_np${np}.tif)
  set_tests_properties(seg_pipeline_ndsm_np${np} PROPERTIES FIXTURES_REQUIRED segp_fix FIXTURES_SETUP segp_runs)
  list(APPEND SEGP_RUNS seg_pipeline_ndsm_np${np})
endforeach()
# imagery with nodata holes (tiles without a valid pixel are skipped), and the class map
# as per-rank GeoTIFF blocks + a VRT mosaic
rsl_add_test(NAME seg_pipeline_holes_np1 NP 1 LABELS unit TIMEOUT 300 COMMAND $<TARGET_FILE:seg_run>
  -seg_image ${SEGP_FIX}/image_holes.tif ${SEGP_MODEL} -dem ${SEGP_FIX}/dem.tif -seg_output ${SEGP_FIX}/map_holes_np1.tif)
set_tests_properties(seg_pipeline_holes_np1 PROPERTIES PASS_REGULAR_EXPRESSION " [1-9][0-9]* skipped \\(no valid pixel\\)")
foreach(np 2 4)
  rsl_add_test(NAME seg_pipeline_vrt_np${np} NP ${np} LABELS mpi TIMEOUT 300 COMMAND $<TARGET_FILE:seg_run>
    -seg_image ${SEGP_FIX}/image_holes.tif ${SEGP_MODEL} -dem ${SEGP_FIX}/dem.tif
    -seg_output ${SEGP_FIX}/map_holes_np${np}.vrt -seg_probabilities ${SEGP_FIX}/prob_holes_np${np}.vrt)
  list(APPEND SEGP_RUNS seg_pipeline_vrt_np${np})
endforeach()
set_tests_properties(seg_pipeline_holes_np1 seg_pipeline_vrt_np2 seg_pipeline_vrt_np4 PROPERTIES FIXTURES_REQUIRED segp_fix FIXTURES_SETUP segp_runs)
list(APPEND SEGP_RUNS seg_pipeline_holes_np1)
# a DEM smaller than the image with a nodata patch: the map's domain (tiles outside skipped)
foreach(np 1 3)
  rsl_add_test(NAME seg_pipeline_domain_np${np} NP ${np} LABELS mpi TIMEOUT 300 COMMAND $<TARGET_FILE:seg_run>
    -seg_image ${SEGP_FIX}/image.tif ${SEGP_MODEL} -dem ${SEGP_FIX}/dem_domain.tif -seg_output ${SEGP_FIX}/map_domain_np${np}.tif)
  set_tests_properties(seg_pipeline_domain_np${np} PROPERTIES FIXTURES_REQUIRED segp_fix FIXTURES_SETUP segp_runs
    PASS_REGULAR_EXPRESSION " [1-9][0-9]* skipped \\(no valid pixel\\)")
  list(APPEND SEGP_RUNS seg_pipeline_domain_np${np})
endforeach()
# bitwise equality across rank counts, agreement with PyTorch, fractions vs numpy
rsl_add_pytest(NAME seg_pipeline_check LABELS mpi SCRIPT ${SEGP_DIR}/check_pipeline.py ARGS ${SEGP_FIX})
set_tests_properties(seg_pipeline_check PROPERTIES FIXTURES_REQUIRED "segp_fix;segp_runs" DEPENDS "${SEGP_RUNS}")

# bad inputs: an error naming the problem on every rank, exit 1, no hang (timeout)
rsl_add_pytest(NAME seg_pipeline_bad_inputs LABELS mpi TIMEOUT 300 SCRIPT ${SEGP_DIR}/check_bad_inputs.py
  ARGS ${SEGP_FIX} $<TARGET_FILE:seg_run>)
set_tests_properties(seg_pipeline_bad_inputs PROPERTIES FIXTURES_REQUIRED segp_fix)

# metrics and change maps vs numpy: synthetic rasters, then the real Gers labels (skipped
# when RUISSEL_DATA_DIR lacks them)
rsl_add_pytest(NAME seg_metrics_synthetic LABELS unit SCRIPT ${SEGP_DIR}/check_metrics.py
  ARGS synthetic ${CMAKE_CURRENT_BINARY_DIR}/seg_metrics_synthetic $<TARGET_FILE:ruissel>)
rsl_add_pytest(NAME seg_metrics_gers LABELS validation SCRIPT ${SEGP_DIR}/check_metrics.py
  ARGS gers ${CMAKE_CURRENT_BINARY_DIR}/seg_metrics_gers $<TARGET_FILE:ruissel>)

# the committed demo model, through the C stage, on the held-out demo scene: the accuracy
# recorded in input/demo/demo_model.json
rsl_add_pytest(NAME seg_demo_model LABELS validation TIMEOUT 600 SCRIPT ${SEGP_DIR}/check_demo.py
  ARGS ${CMAKE_CURRENT_BINARY_DIR}/seg_demo_heldout $<TARGET_FILE:seg_run> $<TARGET_FILE:ruissel>)
