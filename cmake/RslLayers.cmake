# The module layering of libruissel (docs/developer.md): each module with the modules
# directly below it. A module may include and call only the modules it reaches through
# this table (and kernels/, header-only single-source functions). src/CMakeLists.txt links
# each module's library to the ones below it and builds a link check per module;
# cmake/check_layers.cmake checks every #include line against the same table.
set(RSL_MODULES core io grid classmap seg hydro scenario swe output app)
set(RSL_BELOW_core)
set(RSL_BELOW_io core)
set(RSL_BELOW_grid io)
set(RSL_BELOW_classmap grid)
set(RSL_BELOW_seg classmap)
set(RSL_BELOW_hydro classmap)
set(RSL_BELOW_scenario classmap)
set(RSL_BELOW_swe seg hydro scenario)
set(RSL_BELOW_output swe)
set(RSL_BELOW_app output)
# Files whose module is not their directory's (classmap lives in src/seg/).
set(RSL_MODULE_OF_seg/classmap classmap)
set(RSL_MODULE_OF_seg/nomenclature classmap)
set(RSL_MODULE_OF_ruissel app)

# rsl_layers_reach(module out): every module below `module`, transitively.
function(rsl_layers_reach module out)
  set(todo ${RSL_BELOW_${module}})
  set(seen)
  while(todo)
    list(POP_FRONT todo m)
    if(NOT m IN_LIST seen)
      list(APPEND seen ${m})
      list(APPEND todo ${RSL_BELOW_${m}})
    endif()
  endwhile()
  set(${out} ${seen} PARENT_SCOPE)
endfunction()

# rsl_layers_module_of(path out): module of a path relative to src/ or the source root
# ("seg/classmap.h", "io/raster.c", "kernels/swe_flux.h", "ruissel.c").
function(rsl_layers_module_of path out)
  string(REGEX REPLACE "\\.[a-z]+$" "" stem "${path}")
  if(DEFINED RSL_MODULE_OF_${stem})
    set(${out} ${RSL_MODULE_OF_${stem}} PARENT_SCOPE)
  else()
    string(REGEX REPLACE "/.*" "" dir "${path}")
    set(${out} ${dir} PARENT_SCOPE)
  endif()
endfunction()
