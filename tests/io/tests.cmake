# io: GDAL raster reads/resampling/writes, parallel HDF5 output, XDMF, GeoTIFF export.
# Reference rasters come from make_rasters.py (GDAL Python, independent of the C reader);
# every file lands in <build>/tests/io_data.
set(IO_DIR ${CMAKE_CURRENT_LIST_DIR})
set(IO_DATA ${CMAKE_CURRENT_BINARY_DIR}/io_data)

rsl_add_pytest(NAME io_make_rasters LABELS unit SCRIPT ${IO_DIR}/make_rasters.py ARGS ${IO_DATA})
set_tests_properties(io_make_rasters PROPERTIES FIXTURES_SETUP io_rasters)

rsl_test_exe(test_io_raster ${IO_DIR}/test_raster.c)
rsl_test_exe(test_io_resample ${IO_DIR}/test_resample.c)
rsl_test_exe(test_io_errors ${IO_DIR}/test_errors.c)
rsl_test_exe(test_io_h5 ${IO_DIR}/test_h5.c)

set(IO_H5_PREFIXES)
foreach(np 1 2 3 4)
  if(np EQUAL 1)
    set(lab unit)
  else()
    set(lab mpi)
  endif()
  rsl_add_test(NAME io_raster_np${np} NP ${np} LABELS ${lab} TIMEOUT 120 COMMAND $<TARGET_FILE:test_io_raster> ${IO_DATA})
  set_tests_properties(io_raster_np${np} PROPERTIES FIXTURES_REQUIRED io_rasters)
  rsl_add_test(NAME io_h5_np${np} NP ${np} LABELS ${lab} TIMEOUT 120 COMMAND $<TARGET_FILE:test_io_h5> ${IO_DATA}/h5_np${np})
  set_tests_properties(io_h5_np${np} PROPERTIES FIXTURES_REQUIRED io_rasters FIXTURES_SETUP io_h5_np${np})
  list(APPEND IO_H5_PREFIXES ${IO_DATA}/h5_np${np})
endforeach()
foreach(np 1 3)
  if(np EQUAL 1)
    set(lab unit)
  else()
    set(lab mpi)
  endif()
  rsl_add_test(NAME io_resample_np${np} NP ${np} LABELS ${lab} TIMEOUT 120 COMMAND $<TARGET_FILE:test_io_resample> ${IO_DATA})
  # a hang (one rank waiting for the others) fails on the timeout
  rsl_add_test(NAME io_errors_np${np} NP ${np} LABELS ${lab} TIMEOUT 60 COMMAND $<TARGET_FILE:test_io_errors> ${IO_DATA})
  set_tests_properties(io_resample_np${np} io_errors_np${np} PROPERTIES FIXTURES_REQUIRED io_rasters)
endforeach()

rsl_add_pytest(NAME io_h5_check LABELS unit SCRIPT ${IO_DIR}/check_h5.py ARGS ${IO_H5_PREFIXES})
set_tests_properties(io_h5_check PROPERTIES FIXTURES_REQUIRED "io_h5_np1;io_h5_np2;io_h5_np3;io_h5_np4")
rsl_add_pytest(NAME io_h5_to_geotiff LABELS unit SCRIPT ${IO_DIR}/check_h5_to_geotiff.py ARGS ${IO_DATA}/h5_np2.h5)
set_tests_properties(io_h5_to_geotiff PROPERTIES FIXTURES_REQUIRED io_h5_np2)

# real data (shared SRTM DEM): both steps skip (77) when RUISSEL_DATA_DIR lacks it
rsl_add_pytest(NAME io_real_reference LABELS unit SCRIPT ${IO_DIR}/real_reference.py ARGS ${IO_DATA})
set_tests_properties(io_real_reference PROPERTIES FIXTURES_SETUP io_real)
rsl_test_exe(test_io_real ${IO_DIR}/test_real.c)
rsl_add_test(NAME io_real_np2 NP 2 LABELS mpi TIMEOUT 120 COMMAND $<TARGET_FILE:test_io_real> ${RUISSEL_DATA_DIR} ${IO_DATA})
set_tests_properties(io_real_np2 PROPERTIES FIXTURES_REQUIRED io_real)

# end to end: DEM GeoTIFF -> ruissel (2 ranks) -> HDF5 -> h5_to_geotiff -> the same GeoTIFF
rsl_add_pytest(NAME io_dem_roundtrip LABELS mpi SCRIPT ${IO_DIR}/check_dem_roundtrip.py TIMEOUT 300)

# ParaView (pvpython) loads the XDMF sidecar with both readers from another directory
rsl_add_pytest(NAME io_xdmf_paraview LABELS mpi SCRIPT ${IO_DIR}/check_xdmf_paraview.py TIMEOUT 600)

# -out_compress: compressed parallel writes hold the uncompressed run's values, bitwise
rsl_add_pytest(NAME io_compress LABELS mpi SCRIPT ${IO_DIR}/check_compress.py TIMEOUT 300)
