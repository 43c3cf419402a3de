#pragma once
// The one way platform/windows includes the Windows API: winsock2.h must come
// before windows.h (which otherwise drags in the old winsock.h), and the
// lean/no-min-max switches stay local to these files instead of the build.
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
// clang-format off
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <mswsock.h>
// clang-format on
