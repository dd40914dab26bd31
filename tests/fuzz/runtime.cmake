# The ONNX loader (untrusted model files / bytes): parse, validate, plan and
# run once, plus the int8 quantizer on what loads.
vinet_fuzz_target(runtime_onnx_loader ${CMAKE_CURRENT_SOURCE_DIR}/runtime_onnx_loader.cpp
                  DEPS vinet_runtime)
# The quantized model decoder (committed int8 models loaded by nodes/provers).
vinet_fuzz_target(runtime_qmodel_decode ${CMAKE_CURRENT_SOURCE_DIR}/runtime_qmodel_decode.cpp
                  DEPS vinet_runtime)
