# ABCI frame decoder: a byte stream from a socket into Requests.
vinet_fuzz_target(abci_frames ${CMAKE_CURRENT_SOURCE_DIR}/abci_frames.cpp DEPS vinet_abci)
target_include_directories(fuzz_abci_frames PRIVATE ${PROJECT_SOURCE_DIR}/src)

# A whole connection: bytes in, decode, dispatch, answers out (socketpair).
vinet_fuzz_target(abci_session ${CMAKE_CURRENT_SOURCE_DIR}/abci_session.cpp DEPS vinet_abci)
target_include_directories(fuzz_abci_session PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(fuzz_abci_session PRIVATE spdlog::spdlog)
