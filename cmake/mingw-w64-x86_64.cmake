# Cross-compiles for 64-bit Windows with Debian's MinGW-w64 (g++-mingw-w64-x86-64-posix:
# the posix thread model, so std::thread and std::mutex work).
#   cmake -S . -B build/windows -G Ninja -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64-x86_64.cmake
# yaml-cpp, Boost.Program_options and GoogleTest are not packaged for MinGW:
# scripts/setup-windows.sh builds them into a cache prefix, which is the only
# place (besides the MinGW sysroot) packages, headers and libraries are looked
# up, so nothing from the Linux /usr/include or /usr/lib leaks in.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(TPSERVE_MINGW_TRIPLET x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${TPSERVE_MINGW_TRIPLET}-gcc-posix)
set(CMAKE_CXX_COMPILER ${TPSERVE_MINGW_TRIPLET}-g++-posix)
set(CMAKE_RC_COMPILER ${TPSERVE_MINGW_TRIPLET}-windres)

# The dependency prefix; the same default as scripts/setup-windows.sh. Kept in
# the cache so a later re-configure (from Ninja, another shell) finds the same one.
if(NOT TPSERVE_MINGW_PREFIX)
  if(DEFINED ENV{TPSERVE_MINGW_CACHE} AND NOT "$ENV{TPSERVE_MINGW_CACHE}" STREQUAL "")
    set(_tpserve_cache "$ENV{TPSERVE_MINGW_CACHE}")
  elseif(DEFINED ENV{XDG_CACHE_HOME} AND NOT "$ENV{XDG_CACHE_HOME}" STREQUAL "")
    set(_tpserve_cache "$ENV{XDG_CACHE_HOME}/tpserve-mingw")
  else()
    set(_tpserve_cache "$ENV{HOME}/.cache/tpserve-mingw")
  endif()
  set(TPSERVE_MINGW_PREFIX "${_tpserve_cache}/${TPSERVE_MINGW_TRIPLET}"
    CACHE PATH "MinGW builds of yaml-cpp, Boost.Program_options and GoogleTest")
endif()
# try_compile projects re-read this file: hand them the same prefix.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES TPSERVE_MINGW_PREFIX)

set(CMAKE_FIND_ROOT_PATH /usr/${TPSERVE_MINGW_TRIPLET} ${TPSERVE_MINGW_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# One self-contained .exe: libgcc, libstdc++ and winpthread linked in, so
# neither Windows nor Wine needs the MinGW runtime DLLs next to it.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
