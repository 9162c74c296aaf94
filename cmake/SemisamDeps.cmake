# zlib, HDF5 and libpng: the system's packages when they are installed (scripts/setup.sh), else
# the static copies that scripts/fetch-deps.sh unpacks into .deps/prefix for offline machines (the
# GPU machine). Static so that the binaries need none of them at run time: Debian's shared
# libhdf5 drags in libcurl and libcrypto, which a bare image may lack.
set(SEMISAM_DEPS_PREFIX "${PROJECT_SOURCE_DIR}/.deps/prefix" CACHE PATH
    "Carried static zlib/HDF5/libpng (scripts/fetch-deps.sh), used where the system has none")

find_package(ZLIB QUIET)
if(NOT ZLIB_FOUND AND EXISTS ${SEMISAM_DEPS_PREFIX}/lib/libz.a)
  set(ZLIB_ROOT ${SEMISAM_DEPS_PREFIX})
  find_package(ZLIB REQUIRED)
  message(STATUS "semisam: zlib from ${SEMISAM_DEPS_PREFIX} (static)")
endif()
if(NOT ZLIB_FOUND)
  message(FATAL_ERROR "zlib not found: run scripts/setup.sh, or scripts/fetch-deps.sh on a machine "
                      "with a registry and carry .deps/ to an offline one")
endif()

find_package(HDF5 QUIET COMPONENTS C)
if(NOT HDF5_FOUND AND EXISTS ${SEMISAM_DEPS_PREFIX}/lib/libhdf5.a)
  # Set by hand, not through FindHDF5: without the h5cc wrapper FindHDF5 does not learn the
  # static archive's own dependencies (szip from libaec, zlib, libdl, libm).
  find_package(Threads REQUIRED)
  set(HDF5_FOUND TRUE)
  set(HDF5_C_INCLUDE_DIRS ${SEMISAM_DEPS_PREFIX}/include)
  set(HDF5_C_LIBRARIES ${SEMISAM_DEPS_PREFIX}/lib/libhdf5.a ${SEMISAM_DEPS_PREFIX}/lib/libsz.a
                       ${SEMISAM_DEPS_PREFIX}/lib/libaec.a ZLIB::ZLIB Threads::Threads
                       ${CMAKE_DL_LIBS} m)
  set(HDF5_C_DEFINITIONS "")
  message(STATUS "semisam: HDF5 from ${SEMISAM_DEPS_PREFIX} (static)")
endif()
if(NOT HDF5_FOUND)
  message(FATAL_ERROR "HDF5 not found: run scripts/setup.sh, or scripts/fetch-deps.sh on a machine "
                      "with a registry and carry .deps/ to an offline one")
endif()

# libpng stays optional (src/CMakeLists.txt): found here first so that the carried copy is seen;
# PNG_ROOT is inherited by src/, whose find_package(PNG QUIET) then reuses the cached result.
find_package(PNG QUIET)
if(NOT PNG_FOUND AND EXISTS ${SEMISAM_DEPS_PREFIX}/lib/libpng16.a)
  set(PNG_ROOT ${SEMISAM_DEPS_PREFIX})
  find_package(PNG QUIET)
  if(PNG_FOUND)
    message(STATUS "semisam: libpng from ${SEMISAM_DEPS_PREFIX} (static)")
  endif()
endif()
