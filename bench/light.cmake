# Light client: genesis → height 10,000 on a synthetic chain signed by test
# keys (skipping vs sequential), and one claim proof's verification.
add_executable(light_bench ${CMAKE_CURRENT_SOURCE_DIR}/light/light_bench.cpp)
target_link_libraries(light_bench PRIVATE vinet_light vinet_light_testing benchmark::benchmark)
