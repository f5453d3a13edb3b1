# classmap: class maps and nomenclatures, the part of seg that hydro and scenario use
list(APPEND RSL_CLASSMAP_SOURCES ${CMAKE_CURRENT_LIST_DIR}/classmap.c ${CMAKE_CURRENT_LIST_DIR}/nomenclature.c)
# seg engine (model, weights, backends)
list(APPEND RSL_SEG_SOURCES ${CMAKE_CURRENT_LIST_DIR}/safetensors.c ${CMAKE_CURRENT_LIST_DIR}/model.c ${CMAKE_CURRENT_LIST_DIR}/modelcard.c ${CMAKE_CURRENT_LIST_DIR}/calibration.c
  ${CMAKE_CURRENT_LIST_DIR}/backend.c ${CMAKE_CURRENT_LIST_DIR}/backend_host.c ${CMAKE_CURRENT_LIST_DIR}/backend_ref.c
  ${CMAKE_CURRENT_LIST_DIR}/backend_cpu.c ${CMAKE_CURRENT_LIST_DIR}/backend_cpu_dnnl.c
  ${CMAKE_CURRENT_LIST_DIR}/backend_cuda.c)
# seg pipeline (stage, tiling, metrics)
list(APPEND RSL_SEG_SOURCES ${CMAKE_CURRENT_LIST_DIR}/segment.c ${CMAKE_CURRENT_LIST_DIR}/tiling.c ${CMAKE_CURRENT_LIST_DIR}/metrics.c)
