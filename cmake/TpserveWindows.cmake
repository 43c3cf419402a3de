# The Windows platform, included from CMakeLists.txt when WIN32 (MinGW-w64
# cross build, cmake/mingw-w64-x86_64.cmake, or MSVC via CMakePresets.json).
# Defines tpserve_platform from server/platform/windows/*.cpp: the IOCP
# backend and everything else platform/Platform.h asks of the OS.

# Cross-built test executables run under Wine, for gtest discovery and for
# ctest, through wine-test.sh (a launch Wine fails silently is run again) and
# wine-run.sh, a wrapper that fixes the environment: a Wine prefix of this
# build's own (setup-windows.sh creates build/windows/wine ahead of time,
# because Wine's first start takes 10-20 s), no debug chatter, no display, no
# Mono/Gecko installers.
if(CMAKE_CROSSCOMPILING AND NOT CMAKE_CROSSCOMPILING_EMULATOR)
  find_program(TPSERVE_WINE NAMES wine64 PATHS /usr/lib/wine NO_DEFAULT_PATH)
  find_program(TPSERVE_WINE NAMES wine64 wine)
  if(TPSERVE_WINE)
    set(TPSERVE_WINEPREFIX "${CMAKE_BINARY_DIR}/wine" CACHE PATH "Wine prefix the tests run in")
    configure_file(${CMAKE_CURRENT_LIST_DIR}/wine-run.sh.in ${CMAKE_BINARY_DIR}/wine-run.sh
      FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                       WORLD_READ WORLD_EXECUTE
      @ONLY)
    configure_file(${CMAKE_CURRENT_LIST_DIR}/wine-test.sh.in ${CMAKE_BINARY_DIR}/wine-test.sh
      FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                       WORLD_READ WORLD_EXECUTE
      @ONLY)
    set(CMAKE_CROSSCOMPILING_EMULATOR ${CMAKE_BINARY_DIR}/wine-test.sh)
  else()
    message(STATUS "No wine64: the Windows tests build but cannot run here")
  endif()
endif()

file(GLOB TPSERVE_PLATFORM_SOURCES CONFIGURE_DEPENDS
  ${CMAKE_SOURCE_DIR}/server/platform/windows/*.cpp)
add_library(tpserve_platform STATIC ${TPSERVE_PLATFORM_SOURCES})
target_include_directories(tpserve_platform PUBLIC ${CMAKE_SOURCE_DIR}/server)
target_compile_options(tpserve_platform PRIVATE ${TPSERVE_WARNINGS})
# mswsock: AcceptEx, TransmitFile (TransmitPackets is resolved at run time).
target_link_libraries(tpserve_platform PUBLIC tpserve_core ws2_32 mswsock)
