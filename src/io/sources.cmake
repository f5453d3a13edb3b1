# io: GDAL rasters, the HDF5 result and checkpoint files, XDMF (below grid: fields are
# described by their DMDA, never by RslGrid)
list(APPEND RSL_IO_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/raster.c
  ${CMAKE_CURRENT_LIST_DIR}/resample.c
  ${CMAKE_CURRENT_LIST_DIR}/h5out.c
  ${CMAKE_CURRENT_LIST_DIR}/h5field.c
  ${CMAKE_CURRENT_LIST_DIR}/h5read.c
  ${CMAKE_CURRENT_LIST_DIR}/checkpoint.c
  ${CMAKE_CURRENT_LIST_DIR}/xdmf.c)
