#!/usr/bin/env python3
"""Opens N keep-alive connections to an HTTP server, makes one request on
each, and holds them all idle so that perf/bench.sh can read the server's
memory (the idle-memory workload).

Output, one line each, flushed at once (perf/bench.sh waits for "held"):
  held N FAILED SECONDS   N connections open and answered; FAILED could not be
                          opened or got no complete 2xx answer; SECONDS to open
  open-after M            after --hold seconds, M of the N are still open
                          (the server closed the others)

It needs one descriptor per connection: the soft RLIMIT_NOFILE is raised to
N + 64 (up to the hard limit; as root the hard limit too), and the script
stops with a message when that is not possible: run it under `ulimit -n`
at least N + 64 (10,064 for the default 10,000).

Standard library only. Usage:
  hold-connections.py --port PORT [--host 127.0.0.1] [--path /1k.bin]
                      [--count 10000] [--hold 2] [--batch 256]
"""

import argparse
import resource
import select
import socket
import sys
import time


def raise_fd_limit(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= needed:
        return
    if hard != resource.RLIM_INFINITY and hard < needed:
        try:  # Only root (CAP_SYS_RESOURCE) may raise the hard limit.
            resource.setrlimit(resource.RLIMIT_NOFILE, (needed, needed))
            return
        except (ValueError, OSError):
            sys.exit(f"hold-connections: needs {needed} descriptors, the hard limit "
                     f"is {hard}: raise it (ulimit -Hn {needed}) or lower --count")
    resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


def read_response(sock):
    """Reads one response with a Content-Length body; True when it is a 2xx."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return False
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = lines[0].split(b" ")
    if len(status) < 2 or not status[1].startswith(b"2"):
        return False
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return False
        body += chunk
    return len(body) == length


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/1k.bin")
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--hold", type=float, default=2.0,
                        help="seconds to hold the connections after 'held'")
    parser.add_argument("--batch", type=int, default=256,
                        help="connections opened before their answers are read "
                             "(keep below the server's listen backlog)")
    args = parser.parse_args()
    raise_fd_limit(args.count + 64)

    request = (f"GET {args.path} HTTP/1.1\r\nHost: {args.host}:{args.port}\r\n"
               "\r\n").encode()
    held = []
    failed = 0
    start = time.monotonic()
    remaining = args.count
    while remaining > 0:
        batch = []
        for _ in range(min(args.batch, remaining)):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.settimeout(10)
            try:
                sock.connect((args.host, args.port))
                sock.sendall(request)
                batch.append(sock)
            except OSError:
                sock.close()
                failed += 1
        remaining -= min(args.batch, remaining)
        for sock in batch:
            try:
                ok = read_response(sock)
            except (OSError, ValueError):
                ok = False
            if ok:
                held.append(sock)
            else:
                sock.close()
                failed += 1
    elapsed = time.monotonic() - start
    print(f"held {len(held)} {failed} {elapsed:.2f}", flush=True)

    time.sleep(args.hold)
    # An idle connection the server has closed reads as EOF (or an error):
    # poll them all at once rather than 10,000 recv calls that could block.
    poller = select.poll()
    by_fd = {}
    for sock in held:
        poller.register(sock.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
        by_fd[sock.fileno()] = sock
    closed = 0
    for fd, _ in poller.poll(0):
        try:
            if by_fd[fd].recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b"":
                closed += 1
        except BlockingIOError:
            pass  # Readable with data: an unexpected byte, but still open.
        except OSError:
            closed += 1
    print(f"open-after {len(held) - closed}", flush=True)
    for sock in held:
        sock.close()


if __name__ == "__main__":
    main()
