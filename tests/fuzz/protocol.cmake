# Protocol fuzz targets: the client's signed request (bytes from the node's
# HTTP API and from every SubmitClaims claim).
vinet_fuzz_target(protocol_request ${CMAKE_CURRENT_SOURCE_DIR}/protocol_request.cpp
                  DEPS vinet_protocol)
# The user-facing tensor map JSON (inputs of POST /v1/infer, outputs the client
# reads, CLI --input), after the node's untrusted-JSON limits.
vinet_fuzz_target(protocol_tensor_map ${CMAKE_CURRENT_SOURCE_DIR}/protocol_tensor_map_fuzz.cpp
                  DEPS vinet_protocol vinet_common)
