// Installing and removing the service, the Win32 error texts, and the
// service part of platform/Platform.h on Windows.
#include "platform/windows/WindowsService.h"

#include <chrono>
#include <cstdio>
#include <thread>
#include <utility>

#include "platform/windows/Win32.h"

namespace tpserve::platform {

namespace winservice {

namespace {

constexpr const wchar_t* kServiceName = L"tpserve";
constexpr auto kStopWait = std::chrono::seconds(30);

// Sole owner of a service-manager or service handle (CloseServiceHandle).
class ScHandle {
public:
    explicit ScHandle(SC_HANDLE handle) noexcept : handle_(handle) {}
    ~ScHandle() {
        if (handle_ != nullptr) ::CloseServiceHandle(handle_);
    }
    ScHandle(const ScHandle&) = delete;
    ScHandle& operator=(const ScHandle&) = delete;
    [[nodiscard]] SC_HANDLE get() const noexcept { return handle_; }
    explicit operator bool() const noexcept { return handle_ != nullptr; }

private:
    SC_HANDLE handle_;
};

std::string narrow(std::wstring_view wide) {
    if (wide.empty()) return {};
    const int size = ::WideCharToMultiByte(CP_UTF8, 0, wide.data(), static_cast<int>(wide.size()),
                                           nullptr, 0, nullptr, nullptr);
    std::string out(static_cast<std::size_t>(size > 0 ? size : 0), '\0');
    if (size > 0) {
        ::WideCharToMultiByte(CP_UTF8, 0, wide.data(), static_cast<int>(wide.size()), out.data(),
                              size, nullptr, nullptr);
    }
    return out;
}

// The command line's paths: UTF-8 as the rest of tpserve reads them, else
// the ANSI code page the C runtime gave argv in.
std::wstring widen(std::string_view text) {
    if (text.empty()) return {};
    for (const UINT page : {static_cast<UINT>(CP_UTF8), static_cast<UINT>(CP_ACP)}) {
        const DWORD flags = page == CP_UTF8 ? MB_ERR_INVALID_CHARS : 0;
        const int size = ::MultiByteToWideChar(page, flags, text.data(),
                                               static_cast<int>(text.size()), nullptr, 0);
        if (size <= 0) continue;
        std::wstring out(static_cast<std::size_t>(size), L'\0');
        ::MultiByteToWideChar(page, flags, text.data(), static_cast<int>(text.size()), out.data(),
                              size);
        return out;
    }
    return {};
}

std::wstring own_executable() {
    std::wstring path(MAX_PATH, L'\0');
    for (;;) {
        const DWORD n = ::GetModuleFileNameW(nullptr, path.data(), static_cast<DWORD>(path.size()));
        if (n == 0) return {};
        if (n < path.size()) {
            path.resize(n);
            return path;
        }
        path.resize(path.size() * 2);  // truncated: ERROR_INSUFFICIENT_BUFFER
    }
}

// Exit code for a failed service-manager call: 2 for what the user can fix
// by asking differently (elevation, install before uninstall...), 1 otherwise.
int fail(const char* what, DWORD error) {
    const char* hint = "";
    if (error == ERROR_ACCESS_DENIED) hint = " (run from an elevated prompt: as Administrator)";
    if (error == ERROR_SERVICE_EXISTS) hint = " (tpserve --service uninstall removes it)";
    if (error == ERROR_SERVICE_DOES_NOT_EXIST) hint = " (tpserve --service install adds it)";
    (void)std::fprintf(stderr, "tpserve: %s: %s%s\n", what, error_text(error).c_str(), hint);
    const bool usage = error == ERROR_ACCESS_DENIED || error == ERROR_SERVICE_EXISTS ||
                       error == ERROR_SERVICE_DOES_NOT_EXIST ||
                       error == ERROR_SERVICE_MARKED_FOR_DELETE;
    return usage ? 2 : 1;
}

// Description and restart-on-failure; a manager that refuses them still
// has a working service, so these only warn.
void configure_extras(SC_HANDLE service, const std::wstring& config) {
    std::wstring text = L"tpserve static-file HTTP/1.1 server";
    if (!config.empty()) text += L" (" + config + L")";
    SERVICE_DESCRIPTIONW description{text.data()};
    if (!::ChangeServiceConfig2W(service, SERVICE_CONFIG_DESCRIPTION, &description)) {
        (void)std::fprintf(stderr, "tpserve: warning: service description: %s\n",
                           error_text(::GetLastError()).c_str());
    }
    // Restart 5 s after each failure; the failure count resets after a day.
    SC_ACTION restart[3] = {
        {SC_ACTION_RESTART, 5000}, {SC_ACTION_RESTART, 5000}, {SC_ACTION_RESTART, 5000}};
    SERVICE_FAILURE_ACTIONSW actions{};
    actions.dwResetPeriod = 24 * 60 * 60;
    actions.cActions = 3;
    actions.lpsaActions = restart;
    if (!::ChangeServiceConfig2W(service, SERVICE_CONFIG_FAILURE_ACTIONS, &actions)) {
        (void)std::fprintf(stderr, "tpserve: warning: restart on failure: %s\n",
                           error_text(::GetLastError()).c_str());
        return;
    }
    // A non-zero exit code (STOPPED with an error) counts as a failure too,
    // not only a crash.
    SERVICE_FAILURE_ACTIONS_FLAG flag{TRUE};
    if (!::ChangeServiceConfig2W(service, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, &flag)) {
        (void)std::fprintf(stderr, "tpserve: warning: restart after an error exit: %s\n",
                           error_text(::GetLastError()).c_str());
    }
}

}  // namespace

std::string error_text(unsigned long code) {
    wchar_t* buffer = nullptr;
    const DWORD n = ::FormatMessageW(
        FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
        nullptr, code, 0, reinterpret_cast<wchar_t*>(&buffer), 0, nullptr);
    std::wstring text = n != 0 && buffer != nullptr ? std::wstring(buffer, n) : L"unknown error";
    if (buffer != nullptr) ::LocalFree(buffer);
    while (!text.empty() && (text.back() == L'\n' || text.back() == L'\r' || text.back() == L' ' ||
                             text.back() == L'.'))
        text.pop_back();
    return narrow(text) + " (error " + std::to_string(code) + ")";
}

int install(const ServiceSettings& settings) {
    const std::wstring exe =
        settings.executable.empty() ? own_executable() : widen(settings.executable);
    if (exe.empty()) return fail("cannot name this executable", ::GetLastError());
    const std::wstring config = widen(settings.config_path);
    std::wstring command = L"\"" + exe + L"\" --service run";
    if (!config.empty()) command += L" --config \"" + config + L"\"";

    const ScHandle manager(
        ::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT | SC_MANAGER_CREATE_SERVICE));
    if (!manager) return fail("cannot open the service manager", ::GetLastError());
    const ScHandle service(::CreateServiceW(
        manager.get(), kServiceName, L"tpserve", SERVICE_CHANGE_CONFIG | SERVICE_QUERY_STATUS,
        SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START, SERVICE_ERROR_NORMAL, command.c_str(),
        nullptr, nullptr, nullptr, nullptr /* LocalSystem */, nullptr));
    if (!service) return fail("cannot create the service tpserve", ::GetLastError());
    configure_extras(service.get(), config);
    (void)std::fprintf(stderr,
                       "tpserve: service tpserve installed (automatic start): %s\n"
                       "tpserve: start it now with: sc start tpserve\n",
                       narrow(command).c_str());
    return 0;
}

int uninstall() {
    const ScHandle manager(::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT));
    if (!manager) return fail("cannot open the service manager", ::GetLastError());
    const ScHandle service(
        ::OpenServiceW(manager.get(), kServiceName, SERVICE_STOP | SERVICE_QUERY_STATUS | DELETE));
    if (!service) return fail("cannot open the service tpserve", ::GetLastError());

    SERVICE_STATUS status{};
    if (::QueryServiceStatus(service.get(), &status) && status.dwCurrentState != SERVICE_STOPPED) {
        (void)std::fprintf(stderr, "tpserve: stopping the service tpserve...\n");
        if (!::ControlService(service.get(), SERVICE_CONTROL_STOP, &status) &&
            ::GetLastError() != ERROR_SERVICE_NOT_ACTIVE &&
            ::GetLastError() != ERROR_SERVICE_CANNOT_ACCEPT_CTRL) {
            return fail("cannot stop the service tpserve", ::GetLastError());
        }
        const auto deadline = std::chrono::steady_clock::now() + kStopWait;
        while (::QueryServiceStatus(service.get(), &status) &&
               status.dwCurrentState != SERVICE_STOPPED &&
               std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(250));
        if (status.dwCurrentState != SERVICE_STOPPED) {
            (void)std::fprintf(stderr,
                               "tpserve: warning: the service did not stop within %lld s; it "
                               "is removed once it does\n",
                               static_cast<long long>(kStopWait.count()));
        }
    }
    if (!::DeleteService(service.get()))
        return fail("cannot delete the service tpserve", ::GetLastError());
    (void)std::fprintf(stderr, "tpserve: service tpserve removed\n");
    return 0;
}

}  // namespace winservice

int service_command(std::string_view action, const ServiceSettings& settings,
                    const std::function<int()>& body) {
    if (action == "install") {
        if (const int check = body(); check != 0) return check;
        return winservice::install(settings);
    }
    if (action == "uninstall") return winservice::uninstall();
    if (action == "run") return winservice::run(body);
    (void)std::fprintf(stderr, "tpserve: --service: expected install, uninstall or run\n");
    return 2;
}

void notify_ready() {
    winservice::report_running();
}

void notify_stopping() {
    winservice::report_stop_pending();
}

void notify_reloading() {
    // The service control manager has no reloading state: the service stays
    // RUNNING while its configuration is re-read (issue 20 wires PARAMCHANGE).
}

}  // namespace tpserve::platform
