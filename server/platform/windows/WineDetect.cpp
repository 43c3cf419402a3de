#include "platform/windows/WineDetect.h"

#include "platform/windows/Win32.h"

namespace tpserve::platform {

const char* wine_version() noexcept {
    using WineGetVersion = const char*(CDECL*)();
    const HMODULE ntdll = ::GetModuleHandleW(L"ntdll.dll");
    if (ntdll == nullptr) return nullptr;
    const FARPROC proc = ::GetProcAddress(ntdll, "wine_get_version");
    if (proc == nullptr) return nullptr;
    // GetProcAddress returns a generic function pointer; this is its real type.
    const auto get = reinterpret_cast<WineGetVersion>(reinterpret_cast<void*>(proc));
    return get();
}

}  // namespace tpserve::platform
