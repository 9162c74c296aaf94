# Decides whether the CUDA backend is built and for which architectures.
# The CUDA backend builds wherever nvcc exists, GPU or not, so CUDA code never rots unseen.
include(CheckLanguage)
check_language(CUDA)
if(CMAKE_CUDA_COMPILER)
  set(_semisam_cuda_default ON)
else()
  set(_semisam_cuda_default OFF)
endif()
option(SEMISAM_CUDA "Build the CUDA backend" ${_semisam_cuda_default})

if(SEMISAM_CUDA)
  if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
    # 'native' needs a visible GPU; without one build for Hopper (H100/H200) only, which keeps
    # the CPU-only CI build short.
    execute_process(COMMAND nvidia-smi -L RESULT_VARIABLE _smi_rc OUTPUT_QUIET ERROR_QUIET)
    if(_smi_rc EQUAL 0)
      set(CMAKE_CUDA_ARCHITECTURES native)
    else()
      set(CMAKE_CUDA_ARCHITECTURES 90)
    endif()
  endif()
  enable_language(CUDA)
  set(CMAKE_CUDA_STANDARD 17)
  set(CMAKE_CUDA_STANDARD_REQUIRED ON)
  find_package(CUDAToolkit REQUIRED)
  # cuDNN: CUDNN_ROOT (CMake variable or environment) first and alone when given, so that a newer
  # cuDNN (the PyTorch wheel's nvidia/cudnn, which tools/gpu-check.sh picks) wins over an older
  # system copy; else the CUDA toolkit's and the system's folders. The wheel ships only
  # libcudnn.so.9, no unversioned libcudnn.so, hence the second name.
  if(NOT CUDNN_ROOT AND DEFINED ENV{CUDNN_ROOT})
    set(CUDNN_ROOT $ENV{CUDNN_ROOT})
  endif()
  if(CUDNN_ROOT)
    find_path(CUDNN_INCLUDE_DIR cudnn.h PATHS ${CUDNN_ROOT} PATH_SUFFIXES include NO_DEFAULT_PATH)
    find_library(CUDNN_LIBRARY NAMES cudnn libcudnn.so.9 PATHS ${CUDNN_ROOT}
                 PATH_SUFFIXES lib lib64 NO_DEFAULT_PATH)
  endif()
  find_path(CUDNN_INCLUDE_DIR cudnn.h
    HINTS ${CUDAToolkit_INCLUDE_DIRS} PATH_SUFFIXES include
    PATHS /usr/include/x86_64-linux-gnu /usr/include)
  find_library(CUDNN_LIBRARY NAMES cudnn libcudnn.so.9
    HINTS ${CUDAToolkit_LIBRARY_DIR} ${CUDAToolkit_LIBRARY_ROOT}
    PATH_SUFFIXES lib lib64
    PATHS /usr/lib/x86_64-linux-gnu /usr/local/cuda/lib)
  if(NOT CUDNN_INCLUDE_DIR OR NOT CUDNN_LIBRARY)
    message(FATAL_ERROR "SEMISAM_CUDA is ON but cuDNN was not found (set CUDNN_ROOT)")
  endif()
  add_library(semisam_cudnn INTERFACE)
  target_include_directories(semisam_cudnn INTERFACE ${CUDNN_INCLUDE_DIR})
  target_link_libraries(semisam_cudnn INTERFACE ${CUDNN_LIBRARY})
  # The header's version, for the build record; `semisam info` prints the one loaded at run time.
  file(STRINGS ${CUDNN_INCLUDE_DIR}/cudnn_version.h _cudnn_ver REGEX "^#define CUDNN_(MAJOR|MINOR|PATCHLEVEL) ")
  string(REGEX REPLACE ".*CUDNN_MAJOR ([0-9]+).*CUDNN_MINOR ([0-9]+).*CUDNN_PATCHLEVEL ([0-9]+).*"
         "\\1.\\2.\\3" _cudnn_ver "${_cudnn_ver}")
  message(STATUS "semisam: CUDA backend ON (architectures ${CMAKE_CUDA_ARCHITECTURES}, cuDNN ${_cudnn_ver}: ${CUDNN_LIBRARY})")
else()
  message(STATUS "semisam: CUDA backend OFF (CPU only)")
endif()
