# The CPU backend's libraries: OpenMP (the one persistent thread pool, shared with oneDNN and
# OpenBLAS), oneDNN (3-D convolution) and OpenBLAS (GEMM). oneDNN and OpenBLAS are optional: without
# them (an offline machine that lacks the packages) the CPU backend runs its reference loops only,
# and `semisam info` says so. Debian's oneDNN is built on OpenMP; OpenBLAS is taken in its OpenMP
# variant (libopenblas-openmp-dev) so that all three share libgomp's pool instead of two pools
# spinning against each other.
find_package(OpenMP REQUIRED COMPONENTS CXX)

option(SEMISAM_CPU_LIBS "Use oneDNN and OpenBLAS for the CPU backend when they are found" ON)
set(SEMISAM_CPU_ISA "portable" CACHE STRING
    "Instruction set for semisam's own CPU loops: portable (x86-64 baseline, runs on any x86-64), avx2 (x86-64-v3), native")
set_property(CACHE SEMISAM_CPU_ISA PROPERTY STRINGS portable avx2 native)

add_library(semisam_cpu_libs INTERFACE)
target_link_libraries(semisam_cpu_libs INTERFACE OpenMP::OpenMP_CXX)
set(SEMISAM_HAS_ONEDNN 0)
set(SEMISAM_HAS_OPENBLAS 0)
if(SEMISAM_CPU_LIBS)
  # Found by hand: Debian's dnnl-config.cmake insists on OpenCL headers for its GPU runtime,
  # which the CPU path never uses.
  find_library(SEMISAM_DNNL_LIBRARY NAMES dnnl)
  find_path(SEMISAM_DNNL_INCLUDE oneapi/dnnl/dnnl.hpp)
  if(SEMISAM_DNNL_LIBRARY AND SEMISAM_DNNL_INCLUDE)
    set(SEMISAM_HAS_ONEDNN 1)
    target_link_libraries(semisam_cpu_libs INTERFACE ${SEMISAM_DNNL_LIBRARY})
    target_include_directories(semisam_cpu_libs SYSTEM INTERFACE ${SEMISAM_DNNL_INCLUDE})
  endif()
  # The OpenMP build first; its directory lands in the binaries' RPATH, so at run time the loader
  # takes it rather than whichever variant Debian's alternatives point libopenblas.so.0 at.
  find_library(SEMISAM_OPENBLAS_LIBRARY NAMES openblas
    PATHS /usr/lib/x86_64-linux-gnu/openblas-openmp /usr/lib/aarch64-linux-gnu/openblas-openmp
    NO_DEFAULT_PATH)
  find_path(SEMISAM_OPENBLAS_INCLUDE cblas.h
    PATHS /usr/include/x86_64-linux-gnu/openblas-openmp /usr/include/aarch64-linux-gnu/openblas-openmp
    NO_DEFAULT_PATH)
  if(SEMISAM_OPENBLAS_LIBRARY AND SEMISAM_OPENBLAS_INCLUDE)
    set(SEMISAM_HAS_OPENBLAS 1)
    target_link_libraries(semisam_cpu_libs INTERFACE ${SEMISAM_OPENBLAS_LIBRARY})
    target_include_directories(semisam_cpu_libs SYSTEM INTERFACE ${SEMISAM_OPENBLAS_INCLUDE})
  endif()
endif()
target_compile_definitions(semisam_cpu_libs INTERFACE SEMISAM_HAS_ONEDNN=${SEMISAM_HAS_ONEDNN}
                                                      SEMISAM_HAS_OPENBLAS=${SEMISAM_HAS_OPENBLAS})
if(SEMISAM_CPU_ISA STREQUAL "avx2")
  set(SEMISAM_CPU_ISA_FLAGS -march=x86-64-v3)
elseif(SEMISAM_CPU_ISA STREQUAL "native")
  set(SEMISAM_CPU_ISA_FLAGS -march=native)
elseif(SEMISAM_CPU_ISA STREQUAL "portable")
  set(SEMISAM_CPU_ISA_FLAGS "")
else()
  message(FATAL_ERROR "SEMISAM_CPU_ISA must be portable, avx2 or native, got '${SEMISAM_CPU_ISA}'")
endif()
message(STATUS "semisam: CPU backend oneDNN=${SEMISAM_HAS_ONEDNN} OpenBLAS(OpenMP)=${SEMISAM_HAS_OPENBLAS} ISA=${SEMISAM_CPU_ISA}")
