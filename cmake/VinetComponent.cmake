# vinet_component(NAME [DEPS target...] [PRIVATE_DEPS target...])
# Builds library vinet_<NAME> from every .cpp under src/<NAME>/ (recursively),
# with include/ as its public include directory. A folder with no sources yet
# becomes an INTERFACE library so that dependents still configure.
function(vinet_component NAME)
  cmake_parse_arguments(ARG "" "" "DEPS;PRIVATE_DEPS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  set(target vinet_${NAME})
  if(sources)
    add_library(${target} STATIC ${sources})
    target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/include
                                         PRIVATE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(${target} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  else()
    add_library(${target} INTERFACE)
    target_include_directories(${target} INTERFACE ${PROJECT_SOURCE_DIR}/include)
    target_link_libraries(${target} INTERFACE ${ARG_DEPS})
  endif()
endfunction()

# vinet_unit_tests(NAME DEPS target...)
# One GoogleTest binary `NAME_tests` from every *_test.cpp in the current folder.
function(vinet_unit_tests NAME)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cpp)
  if(NOT sources)
    return()
  endif()
  add_executable(${NAME}_tests ${sources})
  target_include_directories(${NAME}_tests PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${NAME}_tests PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${NAME}_tests PRIVATE
    VINET_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    VINET_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared")
  include(GoogleTest)
  # Growth-rate checks (a test name containing "Linear": doubling an input
  # must not more than ~double its cost) compare two timings of this process,
  # so they run alone: RUN_SERIAL keeps other tests off the shared caches.
  gtest_discover_tests(${NAME}_tests DISCOVERY_TIMEOUT 60 TEST_FILTER "-*Linear*"
                       PROPERTIES LABELS ${NAME})
  gtest_discover_tests(${NAME}_tests DISCOVERY_TIMEOUT 60 TEST_FILTER "*Linear*"
                       PROPERTIES LABELS ${NAME} RUN_SERIAL TRUE)
endfunction()

# vinet_fuzz_target(NAME SOURCE DEPS target...): a libFuzzer binary fuzz_NAME.
function(vinet_fuzz_target NAME SOURCE)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  add_executable(fuzz_${NAME} ${SOURCE})
  target_link_libraries(fuzz_${NAME} PRIVATE ${ARG_DEPS})
  target_link_options(fuzz_${NAME} PRIVATE -fsanitize=fuzzer)
  add_dependencies(fuzz_all fuzz_${NAME})
endfunction()
