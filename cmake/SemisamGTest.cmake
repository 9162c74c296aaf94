# Finds GoogleTest: the installed package (Debian's libgtest-dev) or, failing that, its sources:
# /usr/src/googletest (Debian's googletest package) or the copy that scripts/fetch-deps.sh
# unpacks into .deps/googletest for offline machines (the GPU machine).
find_package(GTest QUIET)
if(NOT GTest_FOUND)
  set(_semisam_gtest_src "")
  foreach(_dir /usr/src/googletest ${PROJECT_SOURCE_DIR}/.deps/googletest)
    if(NOT _semisam_gtest_src AND EXISTS ${_dir}/CMakeLists.txt)
      set(_semisam_gtest_src ${_dir})
    endif()
  endforeach()
  if(_semisam_gtest_src)
    message(STATUS "semisam: GoogleTest built from ${_semisam_gtest_src}")
    set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
    set(BUILD_GMOCK OFF CACHE BOOL "" FORCE)
    add_subdirectory(${_semisam_gtest_src} ${CMAKE_BINARY_DIR}/googletest EXCLUDE_FROM_ALL)
    # GoogleTest 1.11 and newer define these names themselves; older sources do not.
    if(NOT TARGET GTest::gtest)
      add_library(GTest::gtest ALIAS gtest)
    endif()
    if(NOT TARGET GTest::gtest_main)
      add_library(GTest::gtest_main ALIAS gtest_main)
    endif()
  else()
    message(FATAL_ERROR "GoogleTest not found: run scripts/setup.sh, or scripts/fetch-deps.sh on a "
                        "machine with a registry and carry .deps/ to an offline one")
  endif()
endif()
include(GoogleTest)

# semisam_add_test_suite(name dir libs...): one test executable per source folder, every *.cpp in it.
function(semisam_add_test_suite name dir)
  file(GLOB _sources CONFIGURE_DEPENDS ${dir}/*.cpp)
  if(NOT _sources)
    return()
  endif()
  add_executable(${name} ${_sources})
  target_link_libraries(${name} PRIVATE ${ARGN} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE SEMISAM_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data")
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  semisam_apply_flags(${name})
  # One CPU thread per test process: ctest runs suites side by side, and tests that need more
  # threads (thread-count independence) set them explicitly.
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 600 ENVIRONMENT SEMISAM_THREADS=1)
endfunction()
