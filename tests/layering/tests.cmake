# The module layering (cmake/RslLayers.cmake, docs/developer.md): every #include of src/ and
# kernels/ against the table. The build runs the same check (target rsl_layers) and links
# each module alone with the modules below it (build-cpu/layer_check/rsl_layer_<module>).
add_test(NAME layering_includes COMMAND ${CMAKE_COMMAND} -DRSL_SOURCE_DIR=${CMAKE_SOURCE_DIR} -P ${CMAKE_SOURCE_DIR}/cmake/check_layers.cmake)
set_tests_properties(layering_includes PROPERTIES LABELS unit TIMEOUT 60)
