#!/usr/bin/env bash
# tpserve against nginx, measured in the same run with wrk on loopback.
#
# Installs what is missing (scripts/setup.sh --bench), builds the release
# server, writes a document root to a temporary directory, starts tpserve and
# nginx (perf/nginx.conf) on free loopback ports with the same number of
# workers, checks that both serve every workload's files byte for byte, then
# runs the workloads INTERLEAVED: round 1 (tpserve, nginx), round 2 (...), so
# that drift of the machine hits both alike. Prints a table of medians with
# the ratio to nginx, writes every round and the medians to
# RESULTS/latest.csv and, when gnuplot is there, a chart RESULTS/latest.png.
#
# Workloads (WORKLOADS selects some, in this order):
#   small-keepalive  1 KiB, CONNS connections, keep-alive
#   small-close      1 KiB, CONNS connections, `Connection: close` per request
#   medium           64 KiB, CONNS connections, keep-alive
#   large            32 MiB, LARGE_CONNS connections: MB/s and CPU s/GB
#   many-conns       1 KiB, MANY_CONNS connections, keep-alive
#   many-files       FILES files of 1 KiB, uniformly at random (many-files.lua)
#   idle-memory      RSS of the server holding IDLE_CONNS idle keep-alive
#                    connections, one request made on each (hold-connections.py)
#
# Environment (defaults in brackets):
#   DURATION [10]   seconds per wrk run        ROUNDS [3]   interleaved rounds
#   WORKLOADS [all of the above]  e.g. WORKLOADS="small-keepalive medium"
#   CONNS [64]      wrk connections of small-*, medium and many-files
#   LARGE_CONNS [8] MANY_CONNS [1000] FILES [10000] IDLE_CONNS [10000]
#   THREADS [1]     wrk threads (-t1, nothing pinned: nginx's best figure on
#                   2 cores, measured; tpserve gets the same)
#   WRK_CPUS / SERVER_CPUS ["" = any]  taskset -c lists pinning wrk (and the
#                   idle-memory client) / the servers, e.g. WRK_CPUS=0 SERVER_CPUS=1
#   WORKERS [nproc] server workers (tpserve --workers, nginx worker_processes)
#   WARMUP [1]      seconds of wrk per server and workload before round 1
#   SERVERS ["tpserve-io_uring tpserve-epoll nginx"]  servers to measure; a
#                   tpserve-BACKEND entry runs tpserve with --io-backend BACKEND,
#                   plain "tpserve" lets it choose (auto); "floor" adds the do-nothing
#                   responder of perf/floor/ (same 1 KiB response to every request,
#                   small-keepalive, small-close, many-conns only): the bound set by
#                   the kernel and the client on this machine
#   TPSERVE [build/release/tpserve]  a binary to measure instead of building
#   A/B of two builds in one interleaved run: a tpserve entry may end in
#                   :LABEL, which runs the binary named by TPSERVE_LABEL, e.g.
#                   TPSERVE_before=/tmp/tpserve-old SERVERS="tpserve-epoll:before
#                   tpserve-epoll nginx"
#   RESULTS [perf/results]  where latest.csv and latest.png go
#   STRACE [0]      1: count the servers' system calls per request instead
#                   (strace -c -f on every server process during each run;
#                   each round then prints calls/request and the top calls).
#                   strace slows the servers: such a run's req/s, CPU and
#                   latency say nothing, and it writes no results. E.g.
#                   STRACE=1 ROUNDS=1 DURATION=3 WORKLOADS="small-keepalive small-close"
#
# The default run (7 workloads, 3 servers, 3 rounds of 10 s) takes about
# 10 minutes, plus the build. A quick check: DURATION=2 ROUNDS=1 WARMUP=0.
#
# CPU µs/req: Δ(utime+stime) of the server's processes (tpserve: its one
# process, all threads; nginx: master and workers) over the run, ÷ requests;
# CPU s/GB: the same Δ ÷ body gigabytes (10^9 bytes). MB/s counts response
# bodies only (req/s × file size). RSS: the sum of VmRSS over the server's
# processes (PSS, which splits pages nginx's processes share, in the CSV).
# wrk CPU %: wrk's own user + system time over the run, in % of one core:
# near 100 × THREADS, the client is the limit and req/s cannot rank servers
# (their CPU per request still does).
#
# Descriptors: the soft `ulimit -n` is raised to the hard limit (at most
# 65536); idle-memory needs IDLE_CONNS + 1024 (11,024 by default) for the
# client and for each server process, many-conns MANY_CONNS + 64.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD
# shellcheck source=scripts/common.sh
source scripts/common.sh

DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
CONNS=${CONNS:-64}
LARGE_CONNS=${LARGE_CONNS:-8}
MANY_CONNS=${MANY_CONNS:-1000}
FILES=${FILES:-10000}
IDLE_CONNS=${IDLE_CONNS:-10000}
THREADS=${THREADS:-1}
WRK_CPUS=${WRK_CPUS:-}
SERVER_CPUS=${SERVER_CPUS:-}
WORKERS=${WORKERS:-$(nproc)}
WARMUP=${WARMUP:-1}
SERVERS=${SERVERS:-tpserve-io_uring tpserve-epoll nginx}
RESULTS=${RESULTS:-perf/results}
STRACE=${STRACE:-0}
read -r -a servers <<<"$SERVERS"

# Every workload, one per line: name, file (a path under the document root;
# many-files: the prefix of its FILES files), body bytes per request,
# connections, and the mode: keepalive, close (`Connection: close` on every
# request: accept/close churn), files (perf/many-files.lua) or idle
# (perf/hold-connections.py holds the connections, RSS is measured).
ALL_WORKLOADS=(
  "small-keepalive 1k.bin 1024 $CONNS keepalive"
  "small-close 1k.bin 1024 $CONNS close"
  "medium 64k.bin 65536 $CONNS keepalive"
  "large 32m.bin 33554432 $LARGE_CONNS keepalive"
  "many-conns 1k.bin 1024 $MANY_CONNS keepalive"
  "many-files files 1024 $CONNS files"
  "idle-memory 1k.bin 1024 $IDLE_CONNS idle"
)
# Files written besides the workloads' own, for later workloads.
EXTRA_FILES=("16k.bin 16384" "1m.bin 1048576")

workloads=()
if [ -n "${WORKLOADS:-}" ]; then
  for wanted in $WORKLOADS; do
    found=
    for workload in "${ALL_WORKLOADS[@]}"; do
      [ "${workload%% *}" = "$wanted" ] && found=$workload
    done
    if [ -z "$found" ]; then
      echo "unknown workload: $wanted (known: $(printf '%s ' "${ALL_WORKLOADS[@]%% *}"))" >&2
      exit 2
    fi
    workloads+=("$found")
  done
else
  workloads=("${ALL_WORKLOADS[@]}")
fi

for server in "${servers[@]}"; do
  case "${server%%:*}" in tpserve | tpserve-io_uring | tpserve-epoll | nginx | floor) ;;
    *) echo "unknown server: $server" >&2; exit 2 ;;
  esac
  if [[ "$server" == *:* ]]; then
    label=${server#*:}
    binary_var=TPSERVE_$label
    if [[ "$server" != tpserve*:* || ! "$label" =~ ^[A-Za-z0-9_]+$ || ! -x "${!binary_var:-}" ]]; then
      echo "bench: $server needs a tpserve entry and $binary_var naming an executable" >&2
      exit 2
    fi
  fi
done

# --- descriptors -------------------------------------------------------------
fds_needed=256
for workload in "${workloads[@]}"; do
  read -r _ _ _ conns mode <<<"$workload"
  need=$((conns + 64))
  [ "$mode" = idle ] && need=$((conns + 1024))
  ((need > fds_needed)) && fds_needed=$need
done
hard=$(ulimit -Hn)
[ "$hard" = unlimited ] && hard=65536
target=$((hard < 65536 ? hard : 65536))
((target < fds_needed)) && ulimit -Hn "$fds_needed" 2>/dev/null && target=$fds_needed
ulimit -Sn "$target" 2>/dev/null || true
if (($(ulimit -Sn) < fds_needed)); then
  echo "bench: these workloads need ulimit -n >= $fds_needed; the hard limit is $(ulimit -Hn)" \
    "(raise it as root, or lower IDLE_CONNS / MANY_CONNS)" >&2
  exit 1
fi
# The servers' connection limit per worker: the largest connection count
# spread over the workers, a quarter to spare, plus 1024 (see nginx.conf).
max_conns=$CONNS
for workload in "${workloads[@]}"; do
  read -r _ _ _ conns _ <<<"$workload"
  ((conns > max_conns)) && max_conns=$conns
done
worker_connections=$((max_conns * 5 / 4 / WORKERS + 1024))

wrk_runs=0 idle_runs=0
for workload in "${workloads[@]}"; do
  if [[ "$workload" == *" idle" ]]; then idle_runs=$((idle_runs + 1)); else wrk_runs=$((wrk_runs + 1)); fi
done
total=$((${#servers[@]} * (wrk_runs * (ROUNDS * DURATION + WARMUP) + idle_runs * ROUNDS * (IDLE_CONNS / 4000 + 7))))
split="wrk -t$THREADS, wrk on CPUs ${WRK_CPUS:-any}, servers on CPUs ${SERVER_CPUS:-any} (each in its own session), $WORKERS server worker(s), $(nproc) cores"
echo "bench: ${#workloads[@]} workload(s) x ${#servers[@]} server(s) x $ROUNDS round(s) x ${DURATION}s" \
  "(+${WARMUP}s warm-up each): about ${total}s of load, plus start-up"
echo "bench: $split; ulimit -n $(ulimit -Sn)"

scripts/setup.sh --bench
tpserve_bin=${TPSERVE:-}
if [ -z "$tpserve_bin" ] && [[ " ${servers[*]} " == *" tpserve"* ]]; then
  scripts/build.sh release tpserve
  tpserve_bin=$repo/build/release/tpserve
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
# Every server runs in a session of its own, as under a service manager or
# as a daemon: with the kernel's autogroup scheduling (on in Debian) a
# session is one scheduling group, so a server sharing the bench's session
# would split the CPU with wrk per thread instead of group against group,
# and the client, the bottleneck on two cores, would get less of it. (Not
# forking: the PID stays the server's.)
wrk_prefix=() server_prefix=(setsid)
[ -n "$WRK_CPUS" ] && wrk_prefix=(taskset -c "$WRK_CPUS")
[ -n "$SERVER_CPUS" ] && server_prefix+=(taskset -c "$SERVER_CPUS")

work=$(mktemp -d /tmp/tpserve-bench.XXXXXX)
chmod 755 "$work"
docroot=$work/www
mkdir -p "$docroot" "$work/nginx"
declare -A pid=() url=()
wrk_pid=
cleanup() {
  local name
  [ -n "$wrk_pid" ] && stop_pid "$wrk_pid"
  for name in "${!pid[@]}"; do stop_pid "${pid[$name]}"; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- document root -------------------------------------------------------------
payload() { head -c "$1" < <(yes 'tpserve benchmark payload'); }
for workload in "${workloads[@]}"; do
  read -r _ file bytes _ mode <<<"$workload"
  if [ "$mode" = files ]; then
    # FILES files of BYTES bytes in directories of 100, each different (its
    # number first) so that a mix-up shows. printf is a builtin: no fork each.
    [ -d "$docroot/$file" ] && continue
    body=$(payload "$((bytes - 6))")
    for ((n = 0; n < FILES; n++)); do
      dir=$(printf '%s/%s/%02d' "$docroot" "$file" $((n / 100)))
      ((n % 100 == 0)) && mkdir -p "$dir"
      printf '%05d %s' "$n" "$body" >"$(printf '%s/f%04d.bin' "$dir" "$n")"
    done
  else
    [ -f "$docroot/$file" ] || payload "$bytes" >"$docroot/$file"
  fi
done
for extra in "${EXTRA_FILES[@]}"; do
  read -r file bytes <<<"$extra"
  payload "$bytes" >"$docroot/$file"
done

# --- servers -------------------------------------------------------------------
# A listening port below the kernel's ephemeral range: the runs leave tens of
# thousands of client sockets (TIME_WAIT, held connections) on ephemeral
# ports, and a server port among them may fail to bind.
bench_port() {
  local low port
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || low=32768
  ((low > 11024)) || { free_port; return; }
  for _ in $(seq 1 50); do
    port=$((10000 + RANDOM % (low - 10000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null &&
      ! ss -Htan "sport = :$port" 2>/dev/null | grep -q .; then
      echo "$port"
      return 0
    fi
  done
  echo "bench: no free port found" >&2
  return 1
}

start_nginx() {
  local port user_line='' temp_paths='' module
  port=$(bench_port)
  # As root, nginx would switch its workers to "nobody"; keep the current user.
  [ "$(id -u)" -eq 0 ] && user_line="user root;"
  temp_paths="    client_body_temp_path $work/nginx/client_body;"
  for module in proxy fastcgi uwsgi scgi; do
    if ! "$nginx_bin" -V 2>&1 | grep -q -- "--without-http_${module}_module"; then
      temp_paths+=$'\n'"    ${module}_temp_path $work/nginx/$module;"
    fi
  done
  local conf=$work/nginx/nginx.conf
  local template
  template=$(<perf/nginx.conf)
  template=${template//@USER_LINE@/$user_line}
  template=${template//@TEMP_PATHS@/$temp_paths}
  template=${template//@WORKERS@/$WORKERS}
  template=${template//@WORKER_CONNECTIONS@/$worker_connections}
  template=${template//@PREFIX@/$work/nginx}
  template=${template//@PORT@/$port}
  template=${template//@ROOT@/$docroot}
  printf '%s\n' "$template" >"$conf"
  if ! start_server "$work/nginx/stdout" "$work/nginx/stderr" "$port" "${server_prefix[@]}" \
    "$nginx_bin" -p "$work/nginx" -c "$conf" -e "$work/nginx/error.log"; then
    cat "$work/nginx/error.log" >&2 2>/dev/null || true
    exit 1
  fi
  pid[nginx]=$SERVER_PID
  url[nginx]=http://127.0.0.1:$port
}

# start_floor: perf/floor/floor.cpp, built here (one g++ call).
start_floor() {
  local port dir=$work/floor
  mkdir -p "$dir"
  g++ -std=c++20 -O2 -pthread "$repo/perf/floor/floor.cpp" -o "$dir/floor" || exit 1
  port=$(bench_port)
  start_server "$dir/stdout" "$dir/stderr" "$port" "${server_prefix[@]}" \
    "$dir/floor" "$port" "$WORKERS" || exit 1
  pid[floor]=$SERVER_PID
  url[floor]=http://127.0.0.1:$port
}

# start_tpserve_peer NAME: "tpserve" (backend auto) or "tpserve-BACKEND",
# either with ":LABEL" for the binary $TPSERVE_LABEL.
start_tpserve_peer() {
  local name=$1 port backend=auto dir=$work/${1//:/-} kind=${1%%:*} binary=$tpserve_bin
  [ "$kind" != tpserve ] && backend=${kind#tpserve-}
  if [[ "$name" == *:* ]]; then
    local binary_var=TPSERVE_${name#*:}
    binary=${!binary_var}
  fi
  port=$(bench_port)
  mkdir -p "$dir"
  # The defaults of config/default.yaml, but like nginx above: never close
  # a benchmark connection for having served "enough", the same connection
  # limit per worker as nginx's worker_connections, and the same staleness
  # window as its open_file_cache_valid (60 s; tpserve's default is 1 s).
  local conf=$dir/tpserve.yaml
  printf '%s\n' "# perf/bench.sh: config/default.yaml's defaults but for this" \
    "limits:" "  keepalive_requests: 100000000" \
    "  max_connections: $worker_connections" \
    "cache:" "  validity: 60s" >"$conf"
  start_server "$dir/stdout" "$dir/stderr" "$port" "${server_prefix[@]}" \
    "$binary" --config "$conf" --root "$docroot" --io-backend "$backend" \
    --listen "127.0.0.1:$port" --workers "$WORKERS" --access-log off --log-level warn ||
    exit 1
  pid[$name]=$SERVER_PID
  url[$name]=http://127.0.0.1:$port
}

# The server's processes: tpserve is one process (threads are counted in its
# stat); nginx is the master and its worker children. (The started process
# is setsid, and taskset with SERVER_CPUS: both exec the server, so the PID
# is the server's.)
server_pids() {
  local main=$1 file stat rest
  echo "$main"
  for file in /proc/[0-9]*/stat; do
    { stat=$(<"$file"); } 2>/dev/null || continue
    rest=${stat##*) }
    read -r _ ppid _ <<<"$rest"
    [ "$ppid" = "$main" ] && echo "${stat%% *}"
  done
}

# children_cpu_ms: sets CHILDREN_MS to the user + system time of this shell's
# finished children (and theirs), in ms: taken around a wrk run, wrk's own
# CPU time. Not called as $(...): `times` in a subshell would see a fresh
# process, so it runs here and writes to a file.
children_cpu_ms() {
  local children
  times >"$work/times"
  { read -r _; read -r children; } <"$work/times"
  CHILDREN_MS=$(awk -v t="$children" 'BEGIN {
    n = split(t, f, " "); ms = 0
    for (i = 1; i <= n; i++) { split(f[i], p, "m"); ms += (p[1] * 60 + p[2] + 0) * 1000 }
    printf "%d\n", ms
  }')
}

# cpu_ticks PID...: the sum of utime + stime (fields 14 and 15) in clock ticks.
cpu_ticks() {
  local sum=0 p stat fields
  for p in "$@"; do
    { stat=$(<"/proc/$p/stat"); } 2>/dev/null || continue
    read -r -a fields <<<"${stat##*) }"
    sum=$((sum + fields[11] + fields[12]))
  done
  echo "$sum"
}

# memory_kb FIELD PID...: the sum of FIELD (VmRSS from status, Pss from
# smaps_rollup) in kB over the processes.
memory_kb() {
  local field=$1 file=status sum=0 p key value _
  shift
  [ "$field" = Pss ] && file=smaps_rollup
  for p in "$@"; do
    while read -r key value _; do
      [ "$key" = "$field:" ] && sum=$((sum + value))
    done <"/proc/$p/$file" 2>/dev/null || true
  done
  echo "$sum"
}

for server in "${servers[@]}"; do
  case "$server" in
    tpserve*) start_tpserve_peer "$server" ;;
    nginx) start_nginx ;;
    floor) start_floor ;;
  esac
  echo "$server: ${url[$server]} (pid ${pid[$server]}, $WORKERS worker(s))"
done

# Both must serve the very bytes of every file before anything is measured
# (many-files: its first, a middle and its last file).
for workload in "${workloads[@]}"; do
  read -r name file _ _ mode <<<"$workload"
  paths=("$file")
  if [ "$mode" = files ]; then
    paths=()
    for n in 0 $((FILES / 2)) $((FILES - 1)); do
      paths+=("$(printf '%s/%02d/f%04d.bin' "$file" $((n / 100)) "$n")")
    done
  fi
  for path in "${paths[@]}"; do
    for server in "${servers[@]}"; do
      [ "$server" = floor ] && continue  # it serves the right length, not the file
      if ! curl -sf --max-time 10 "${url[$server]}/$path" | cmp -s - "$docroot/$path"; then
        echo "bench: $server does not serve $path correctly; not measuring" >&2
        exit 1
      fi
    done
  done
done

# --- measurement -----------------------------------------------------------------
hz=$(getconf CLK_TCK)
csv_rows=$work/rows.csv
: >"$csv_rows"

# measure SERVER WORKLOAD ROUND: one wrk run; appends a CSV row unless ROUND is "warmup".
measure() {
  local server=$1 workload=$2 round=$3 name file bytes conns mode seconds
  read -r name file bytes conns mode <<<"$workload"
  if [ "$mode" = idle ]; then
    [ "$round" = warmup ] || measure_idle "$server" "$workload" "$round"
    return 0
  fi
  local args=(-s perf/wrk-report.lua "${url[$server]}/$file")
  [ "$mode" = close ] && args=(-H "Connection: close" "${args[@]}")
  [ "$mode" = files ] && args=(-s perf/many-files.lua "${url[$server]}" -- "$FILES" "/$file")
  seconds=$DURATION
  [ "$round" = warmup ] && seconds=$WARMUP
  local pids before after out client_before client_after
  mapfile -t pids < <(server_pids "${pid[$server]}")
  before=$(cpu_ticks "${pids[@]}")
  children_cpu_ms
  client_before=$CHILDREN_MS
  # In the background so that a signal stops the run at once (see cleanup).
  local strace_pid='' trace=$work/strace.txt
  if ((STRACE)) && [ "$round" != warmup ]; then
    local attach=() p
    for p in "${pids[@]}"; do attach+=(-p "$p"); done
    strace -c -f -o "$trace" "${attach[@]}" 2>/dev/null &
    strace_pid=$!
    sleep 0.5  # attached to every thread before the load starts
  fi
  timeout $((seconds + 30)) "${wrk_prefix[@]}" wrk -t"$THREADS" -c"$conns" -d"${seconds}s" \
    --latency "${args[@]}" >"$work/wrk.out" 2>&1 &
  wrk_pid=$!
  if ! wait "$wrk_pid"; then
    echo "bench: wrk failed against $server:" >&2
    cat "$work/wrk.out" >&2
    exit 1
  fi
  wrk_pid=
  if [ -n "$strace_pid" ]; then
    kill -INT "$strace_pid" 2>/dev/null || true
    wait "$strace_pid" 2>/dev/null || true
  fi
  children_cpu_ms
  client_after=$CHILDREN_MS
  out=$(<"$work/wrk.out")
  after=$(cpu_ticks "${pids[@]}")
  [ "$round" = warmup ] && return 0
  local line
  line=$(grep '^WRK_RESULT ' <<<"$out") || { echo "bench: no result from wrk: $out" >&2; exit 1; }
  local requests=0 duration_us=0 p50_us=0 p99_us=0 err_connect=0 err_read=0 err_write=0 err_timeout=0 err_status=0 kv
  for kv in ${line#WRK_RESULT }; do
    case "${kv%%=*}" in
      requests | duration_us | p50_us | p99_us | err_connect | err_read | err_write | err_timeout | err_status)
        printf -v "${kv%%=*}" '%s' "${kv#*=}" ;;
    esac
  done
  awk -v w="$name" -v s="$server" -v r="$round" -v n="$requests" -v us="$duration_us" \
    -v size="$bytes" -v p50="$p50_us" -v p99="$p99_us" -v conns="$conns" \
    -v non2xx="$err_status" -v sock=$((err_connect + err_read + err_write + err_timeout)) \
    -v ticks=$((after - before)) -v hz="$hz" -v client_ms=$((client_after - client_before)) 'BEGIN {
      rps = n / (us / 1e6)
      cpu = n ? ticks * 1e6 / hz / n : 0
      per_gb = n ? ticks / hz / (n * size / 1e9) : 0
      client = us ? client_ms * 1e5 / us : 0
      printf "%s,%s,%s,%d,%.3f,%.1f,%.2f,%.1f,%.1f,%d,%d,%.2f,%.3f,0,0,0,%d,%.0f\n",
        w, s, r, n, us / 1e6, rps, rps * size / 1e6, p50, p99, non2xx, sock, cpu, per_gb, conns, client
    }' >>"$csv_rows"
  local row
  IFS=, read -r -a row < <(tail -n1 "$csv_rows")
  if [ -n "$strace_pid" ]; then
    # strace -c's table: calls in column 4; the last line is the total.
    awk -v w="$name" -v s="$server" -v r="$round" -v n="$requests" '
      /^[ 0-9.]+ +[0-9.]+ +[0-9]+ +[0-9]+/ { calls[$NF] = $4; order[++k] = $NF }
      END {
        if (!n) { printf "  %-15s %-17s round %s: no requests\n", w, s, r; exit }
        printf "  %-15s %-17s round %s: %.2f system calls/request:", w, s, r, calls["total"] / n
        for (i = 1; i <= k && i <= 7; i++)
          if (order[i] != "total") printf " %s %.2f", order[i], calls[order[i]] / n
        printf "\n"
      }' "$trace"
    return 0
  fi
  # Which errors, when there are any: a timeout is wrk's (2 s per request).
  local kinds=
  ((row[9] + row[10] > 0)) && kinds=" (non-2xx $err_status, connect $err_connect, read $err_read, write $err_write, timeout $err_timeout)"
  printf '  %-15s %-17s round %s: %8.0f req/s %9.1f MB/s %7.2f CPU us/req  %s errors%s\n' \
    "$name" "$server" "$round" "${row[5]}" "${row[6]}" "${row[11]}" $((row[9] + row[10])) "$kinds"
}

# measure_idle SERVER WORKLOAD ROUND: RSS before, and while the client holds
# CONNS idle keep-alive connections (one request made on each).
measure_idle() {
  local server=$1 workload=$2 round=$3 name file bytes conns mode
  read -r name file bytes conns mode <<<"$workload"
  local pids base_kb rss_kb pss_kb port=${url[$server]##*:}
  mapfile -t pids < <(server_pids "${pid[$server]}")
  base_kb=$(memory_kb VmRSS "${pids[@]}")
  : >"$work/hold.out"
  "${wrk_prefix[@]}" python3 perf/hold-connections.py --port "$port" --path "/$file" \
    --count "$conns" --hold 5 >"$work/hold.out" 2>&1 &
  wrk_pid=$!
  local waited=0
  until grep -q '^held ' "$work/hold.out"; do
    if ! alive "$wrk_pid" || ((waited > 1200)); then
      echo "bench: the idle-memory client failed against $server:" >&2
      cat "$work/hold.out" >&2
      exit 1
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  # Read the memory of a server at rest: 3 s after the last answer, once
  # each server's own idle housekeeping has run (nginx frees a request's
  # pool when it ends; tpserve's workers free a burst's buffers within two
  # 1 s windows of it).
  sleep 3
  rss_kb=$(memory_kb VmRSS "${pids[@]}")
  pss_kb=$(memory_kb Pss "${pids[@]}")
  wait "$wrk_pid" || true
  wrk_pid=
  local held failed open_secs open_after
  read -r _ held failed open_secs <"$work/hold.out"
  open_after=$(awk '$1 == "open-after" { print $2 }' "$work/hold.out")
  open_after=${open_after:-0}
  printf '%s,%s,%s,%d,%.3f,0,0,0,0,0,%d,0,0,%.1f,%.1f,%.1f,%d\n' "$name" "$server" "$round" \
    "$held" "$open_secs" $((failed + held - open_after)) \
    "$(awk -v k="$rss_kb" 'BEGIN { print k / 1024 }')" \
    "$(awk -v k="$base_kb" 'BEGIN { print k / 1024 }')" \
    "$(awk -v k="$pss_kb" 'BEGIN { print k / 1024 }')" "$conns" >>"$csv_rows"
  printf '  %-15s %-17s round %s: %d connections held, RSS %.1f MB (%.1f MB before)  %d errors\n' \
    "$name" "$server" "$round" "$held" "$(awk -v k="$rss_kb" 'BEGIN { print k / 1024 }')" \
    "$(awk -v k="$base_kb" 'BEGIN { print k / 1024 }')" $((failed + held - open_after))
  # The server closes CONNS connections now: not in the next run's CPU time.
  sleep 1
}

# The floor answers 1 KiB to everything: it is measured on the 1 KiB workloads only.
measures() {
  [ "$1" != floor ] || [[ " small-keepalive small-close many-conns " == *" ${2%% *} "* ]]
}

if ((WARMUP > 0)); then
  for workload in "${workloads[@]}"; do
    for server in "${servers[@]}"; do
      measures "$server" "$workload" && measure "$server" "$workload" warmup
    done
  done
fi
for ((round = 1; round <= ROUNDS; round++)); do
  for workload in "${workloads[@]}"; do
    for server in "${servers[@]}"; do
      measures "$server" "$workload" && measure "$server" "$workload" "$round"
    done
  done
done

# --- results ---------------------------------------------------------------------
if ((STRACE)); then
  echo "bench: STRACE=1 counted system calls; no results written (req/s and CPU under strace mean nothing)"
  exit 0
fi
mkdir -p "$RESULTS"
csv=$RESULTS/latest.csv
header=workload,server,round,requests,seconds,req_per_s,body_mb_per_s,p50_us,p99_us,non_2xx,socket_errors
header+=,cpu_us_per_req,cpu_s_per_gb,rss_mb,rss_before_mb,pss_mb,connections,vs_nginx,cpu_vs_nginx
header+=,client_cpu_pct
# Per round: the ratio to nginx of the same round (req/s; idle-memory: RSS)
# and of CPU per request. Medians per (workload, server), of the figures and
# of those per-round ratios, with the ratios' range in the table.
awk -F, -v OFS=, -v header="$header" -v conf="rounds=$ROUNDS duration=${DURATION}s; $split" '
  function median(list,   a, n, i, j, t) {
    n = split(list, a, " ")
    if (n == 0) return ""
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  function minmax(list,   a, n, i, lo, hi) {
    n = split(list, a, " "); lo = hi = a[1]
    for (i = 2; i <= n; i++) { if (a[i] + 0 < lo + 0) lo = a[i]; if (a[i] + 0 > hi + 0) hi = a[i] }
    return sprintf("%.2f-%.2f", lo, hi)
  }
  {
    client[NR] = $18; $18 = ""; NF = 17
    rows[NR] = $0; key = $1 SUBSEP $2
    if (!(key in seen)) { seen[key] = 1; order[++nkeys] = key }
    for (f = 4; f <= 17; f++) col[key, f] = col[key, f] " " $f
    clients[key] = clients[key] " " (client[NR] == "" ? 0 : client[NR])
    main[$1, $2, $3] = $14 > 0 ? $14 : $6
    cpu[$1, $2, $3] = $12
  }
  function ratio(a, b) { return b > 0 ? sprintf("%.3f", a / b) : "" }
  END {
    print header > CSV
    for (i = 1; i <= NR; i++) {
      $0 = rows[i]
      $18 = ratio(main[$1, $2, $3], main[$1, "nginx", $3]); $19 = ratio(cpu[$1, $2, $3], cpu[$1, "nginx", $3])
      if ($18 != "") vs[$1, $2] = vs[$1, $2] " " $18
      if ($19 != "") vsc[$1, $2] = vsc[$1, $2] " " $19
      $20 = client[i]
      print > CSV
    }
    printf "\n%-15s %-17s %9s %8s %7s %7s %6s %7s %8s  %-19s %-17s %6s\n", "workload", "server", "req/s", "MB/s", "p50 ms", "p99 ms", "errors",
      "CPU", "CPU s/GB", "vs nginx (range)", "CPU vs nginx", "wrk"
    printf "%-15s %-17s %9s %8s %7s %7s %6s %7s %8s  %-19s %-17s %6s\n", "", "", "", "", "", "", "", "us/req", "", "idle: RSS", "", "CPU %"
    for (k = 1; k <= nkeys; k++) {
      split(order[k], ws, SUBSEP); w = ws[1]; s = ws[2]
      for (f = 4; f <= 17; f++) m[f] = median(col[order[k], f])
      $0 = ""; $1 = w; $2 = s; $3 = "median"
      for (f = 4; f <= 17; f++) $f = m[f]
      $18 = median(vs[w, s]); $19 = median(vsc[w, s]); $20 = median(clients[order[k]])
      print > CSV
      r = vs[w, s] == "" ? "-" : sprintf("%.2f (%s)", $18, minmax(vs[w, s]))
      rc = vsc[w, s] == "" ? "-" : sprintf("%.2f (%s)", $19, minmax(vsc[w, s]))
      if (s == "nginx") r = rc = "1 (the peer)"
      if (m[14] > 0) {
        printf "%-15s %-17s %9s %8s %7s %7s %6d %7s %8s  %-19s RSS %.1f MB with %d connections (%.1f before: %.1f KiB each), PSS %.1f MB\n",
          w, s, "-", "-", "-", "-", m[10] + m[11], "-", "-", r, m[14], m[17], m[15], (m[14] - m[15]) * 1024 / (m[17] ? m[17] : 1), m[16]
      } else {
        printf "%-15s %-17s %9.0f %8.1f %7.3f %7.3f %6d %7.2f %8s  %-19s %-17s %6.0f\n", w, s, m[6], m[7], m[8] / 1000, m[9] / 1000, m[10] + m[11],
          m[12], (m[7] >= m[6] ? sprintf("%.3f", m[13]) : "-"), r, rc, $20
      }
    }
    printf "(medians of %s)\n", conf
  }' CSV="$csv" "$csv_rows"
echo "wrote $csv"
if command -v gnuplot >/dev/null 2>&1; then
  if gnuplot -e "csv='$csv'; png='$RESULTS/latest.png'" perf/chart.gnuplot 2>"$work/gnuplot.err"; then
    echo "wrote $RESULTS/latest.png"
  else
    echo "bench: gnuplot failed:" >&2
    cat "$work/gnuplot.err" >&2
  fi
fi
