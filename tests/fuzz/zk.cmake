# libFuzzer targets for the zk proof deserializers (and their verifiers).
vinet_fuzz_target(zk_sumcheck ${CMAKE_CURRENT_SOURCE_DIR}/zk_sumcheck_fuzz.cpp DEPS vinet_zk)
vinet_fuzz_target(zk_logup ${CMAKE_CURRENT_SOURCE_DIR}/zk_logup_fuzz.cpp DEPS vinet_zk)
vinet_fuzz_target(zk_logup_batch ${CMAKE_CURRENT_SOURCE_DIR}/zk_logup_batch_fuzz.cpp DEPS vinet_zk)
vinet_fuzz_target(zk_ligero ${CMAKE_CURRENT_SOURCE_DIR}/zk_ligero_fuzz.cpp DEPS vinet_zk)
vinet_fuzz_target(zk_basefold ${CMAKE_CURRENT_SOURCE_DIR}/zk_basefold_fuzz.cpp DEPS vinet_zk)
vinet_fuzz_target(zk_basefold_hiding ${CMAKE_CURRENT_SOURCE_DIR}/zk_basefold_hiding_fuzz.cpp DEPS vinet_zk)
vinet_fuzz_target(zk_basefold_joint ${CMAKE_CURRENT_SOURCE_DIR}/zk_basefold_joint_fuzz.cpp DEPS vinet_zk)
