# shellcheck shell=bash
# Helpers sourced by scripts/container-test.sh and perf/bench.sh to run a
# server under test in the background and stop it again. Not a program.

# alive PID: true while PID runs (an exited child not yet reaped is a zombie,
# which `kill -0` would still report as alive).
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# free_port: prints a loopback TCP port nobody listens on right now, below
# the kernel's ephemeral range (ip_local_port_range, 32768-60999 on Debian):
# a port in that range can be taken by any outgoing connection between this
# check and the bind, which parallel tests made happen ("Address already in
# use" in socket_activation and container-test under load).
free_port() {
  local port low=32768 span
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  span=$((low > 21024 ? low - 20000 : 40000))
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % span))
    # A refused connection means the port is free (to within a race).
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "free_port: no free port found" >&2
  return 1
}

# start_server OUT ERR PORT COMMAND...: starts a server in the background
# with stdout to OUT and stderr to ERR, then waits at most 10 s for
# 127.0.0.1:PORT to accept connections. Sets SERVER_PID. On failure prints
# ERR, stops the process and returns 1.
start_server() {
  local out=$1 err=$2 port=$3
  shift 3
  "$@" >"$out" 2>"$err" &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      return 0
    fi
    if ! alive "$SERVER_PID"; then
      echo "$1 exited before listening on port $port; its stderr:" >&2
      cat "$err" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "$1 did not listen on port $port within 10 s; its stderr:" >&2
  cat "$err" >&2
  stop_pid "$SERVER_PID"
  return 1
}

# stop_pid PID: SIGTERM, then SIGKILL after 5 s; reaps it if it is our child.
stop_pid() {
  local pid=$1
  if alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
  fi
  for _ in $(seq 1 50); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
}
