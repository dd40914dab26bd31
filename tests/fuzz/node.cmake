# Node and client fuzz targets for what arrives over the network as JSON: the
# node's POST /v1/infer bodies (http_body.h, then the request; the tensor map
# in them is protocol_tensor_map's, protocol.cmake) and the CometBFT websocket frames the client and node read
# (event_frame.h). The targets compile just the parser sources they exercise
# (nlohmann-only files) instead of linking vinet_node / vinet_client, whose
# RocksDB, httplib and Boost.Beast parts no parser here reaches.
vinet_fuzz_target(node_http_body ${CMAKE_CURRENT_LIST_DIR}/node_http_body_fuzz.cpp
                  DEPS vinet_common vinet_protocol)
target_sources(fuzz_node_http_body PRIVATE ${PROJECT_SOURCE_DIR}/src/node/http_body.cpp)
vinet_fuzz_target(client_event_frame ${CMAKE_CURRENT_LIST_DIR}/client_event_frame_fuzz.cpp
                  DEPS vinet_common)
target_sources(fuzz_client_event_frame PRIVATE ${PROJECT_SOURCE_DIR}/src/client/event_frame.cpp)
vinet_fuzz_target(client_chat_answer ${CMAKE_CURRENT_LIST_DIR}/client_chat_answer_fuzz.cpp
                  DEPS vinet_common vinet_crypto vinet_protocol)
target_sources(fuzz_client_chat_answer PRIVATE ${PROJECT_SOURCE_DIR}/src/client/chat_reader.cpp)
vinet_fuzz_target(client_models ${CMAKE_CURRENT_LIST_DIR}/client_models_fuzz.cpp
                  DEPS vinet_common vinet_protocol)
target_sources(fuzz_client_models PRIVATE ${PROJECT_SOURCE_DIR}/src/client/model_checks.cpp)
# The claim store's records (claim_codec.h), read back from the node's RocksDB.
vinet_fuzz_target(node_claim_record ${CMAKE_CURRENT_LIST_DIR}/node_claim_record_fuzz.cpp
                  DEPS vinet_common vinet_protocol)
target_sources(fuzz_node_claim_record PRIVATE ${PROJECT_SOURCE_DIR}/src/node/claim_codec.cpp)
