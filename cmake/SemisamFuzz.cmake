# SEMISAM_FUZZ=ON: a build of the io layer (and tensor beneath it) for libFuzzer. Every object gets
# coverage instrumentation (-fsanitize=fuzzer-no-link) and AddressSanitizer + UBSan; undefined
# behaviour aborts (no recovery) so that the fuzzer records it as a crash. Only the harnesses link
# libFuzzer's main (tests/fuzz/CMakeLists.txt). The main build never includes this file.
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "SEMISAM_FUZZ needs clang (libFuzzer): configure with "
                      "-DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang, or run scripts/fuzz.sh")
endif()
set(SEMISAM_CUDA OFF CACHE BOOL "Build the CUDA backend" FORCE)
set(SEMISAM_CPU_LIBS OFF CACHE BOOL "Use oneDNN and OpenBLAS for the CPU backend" FORCE)
set(SEMISAM_BUILD_TESTS OFF CACHE BOOL "Build the GoogleTest suite" FORCE)
set(SEMISAM_SANITIZE OFF CACHE BOOL "Sanitizers (set here for all code instead)" FORCE)
set(_semisam_fuzz_flags -fsanitize=fuzzer-no-link,address,undefined
    -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g)
add_compile_options(${_semisam_fuzz_flags})
add_link_options(-fsanitize=address,undefined)
