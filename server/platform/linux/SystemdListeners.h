#pragma once
// Socket activation: listening sockets that systemd (a .socket unit) or
// systemd-socket-activate opened and passed in, read as sd_listen_fds(3)
// does, without libsystemd: $LISTEN_PID names this process, $LISTEN_FDS
// counts the descriptors, which start at 3. Each is matched to a `listen:`
// address by the address and port it is bound to (getsockname), never by
// position or $LISTEN_FDNAMES, so the unit and the config can list them in
// any order.
//
// One descriptor per address, shared by every worker (each gets a dup):
// the kernel's SO_REUSEPORT spreading is replaced by whichever worker
// accepts first. tpserve cannot join systemd's socket with SO_REUSEPORT
// sockets of its own, since a reuseport group admits only sockets of the
// same user and tpserve runs as another. Every worker's io_uring or epoll
// is woken by a new connection and one wins the accept.
#include <span>
#include <string>
#include <vector>

#include "config/Config.h"
#include "net/SocketAddress.h"
#include "platform/linux/Listener.h"

namespace tpserve::platform {

// SD_LISTEN_FDS_START: the first passed descriptor.
inline constexpr int kFirstPassedFd = 3;

// $LISTEN_PID and $LISTEN_FDS' values (nullptr when unset) for the process
// `self`: the number of passed descriptors. 0 when LISTEN_PID is unset or
// names another process (the variables were inherited, not meant for us) or
// LISTEN_FDS is unset. False + error when a value is not a number (or the
// count not in 0..65536).
bool parse_listen_fds(const char* listen_pid, const char* listen_fds, long self, unsigned& count,
                      std::string& error);

// For each configured address, the index in `passed` of the socket bound to
// it, or -1 when none is (tpserve binds that one itself). False + error when
// a passed socket matches no configured address, or two match one address.
// An address matches when family, bytes and port are equal (the config's
// "*" is 0.0.0.0: a [::] socket, IPv6-only or not, does not match it).
bool match_passed_listeners(std::span<const net::SocketAddress> passed,
                            std::span<const config::ListenAddress> configured,
                            std::vector<int>& passed_for_address, std::string& error);

// The listeners to serve with: the passed sockets (made nonblocking and
// close-on-exec) where systemd passed one, bind_listeners' own sockets for
// the other addresses; `out` as bind_listeners gives it. Unsets LISTEN_PID,
// LISTEN_FDS and LISTEN_FDNAMES, so that no child inherits them. False +
// error, naming the descriptor and its address, when a passed descriptor is
// not a listening TCP socket or matches no configured address. Start-up
// only, before the workers start.
bool open_listeners(const std::vector<config::ListenAddress>& addresses, unsigned workers,
                    BoundListeners& out, std::string& error);

}  // namespace tpserve::platform
