# ZKML model benchmarks: commit, prove, verify per ONNX file (bench/zkml/run.sh).
add_executable(zkml_bench ${CMAKE_CURRENT_LIST_DIR}/zkml/zkml_bench.cpp)
target_link_libraries(zkml_bench PRIVATE vinet_zkml fmt::fmt)
target_include_directories(zkml_bench PRIVATE ${PROJECT_SOURCE_DIR}/src)
add_executable(zkml_batch_bench ${CMAKE_CURRENT_LIST_DIR}/zkml/zkml_batch_bench.cpp)
target_link_libraries(zkml_batch_bench PRIVATE vinet_zkml fmt::fmt)
