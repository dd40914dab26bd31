# ABCI frame decoder: a byte stream from a socket into Requests.
vinet_fuzz_target(abci_frames ${CMAKE_CURRENT_SOURCE_DIR}/abci_frames.cpp DEPS vinet_abci)
target_include_directories(fuzz_abci_frames PRIVATE ${PROJECT_SOURCE_DIR}/src)
