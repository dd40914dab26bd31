# Protocol fuzz targets: the client's signed request (bytes from the node's
# HTTP API and from every SubmitClaims claim).
vinet_fuzz_target(protocol_request ${CMAKE_CURRENT_SOURCE_DIR}/protocol_request.cpp
                  DEPS vinet_protocol)
