# Compiles through ccache when it is installed and no compiler launcher was
# chosen (-DCMAKE_CXX_COMPILER_LAUNCHER=... wins). CCACHE_BASEDIR is this
# source tree, so ccache hashes paths relative to the build directory: the
# wheel build (python/pyproject.toml, build/sdk-<tag>) and a fresh clone reuse
# the objects `make build` compiled into build/release. -DVINET_CCACHE=OFF
# compiles without it.
option(VINET_CCACHE "Compile through ccache when it is installed" ON)
if(VINET_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER AND NOT CMAKE_C_COMPILER_LAUNCHER)
  find_program(VINET_CCACHE_PROGRAM ccache)
  if(VINET_CCACHE_PROGRAM)
    set(vinet_launcher ${CMAKE_COMMAND} -E env CCACHE_BASEDIR=${PROJECT_SOURCE_DIR}
                       ${VINET_CCACHE_PROGRAM})
    set(CMAKE_C_COMPILER_LAUNCHER ${vinet_launcher})
    set(CMAKE_CXX_COMPILER_LAUNCHER ${vinet_launcher})
  endif()
endif()
