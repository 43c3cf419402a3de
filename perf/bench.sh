#!/usr/bin/env bash
# tpserve against nginx, measured in the same run with wrk on loopback.
#
# Installs what is missing (scripts/setup.sh --bench), builds the release
# server, writes a document root to a temporary directory, starts tpserve and
# nginx (perf/nginx.conf) on free loopback ports with the same number of
# workers, checks that both serve every workload's file byte for byte, then
# runs the workloads INTERLEAVED: round 1 (tpserve, nginx), round 2 (...), so
# that drift of the machine hits both alike. Prints a table of medians and
# writes every round and the medians to perf/results/latest.csv.
#
# Environment (defaults in brackets):
#   DURATION [10]   seconds per wrk run        ROUNDS [3]   interleaved rounds
#   CONNS [64]      wrk connections            THREADS [1]  wrk threads
#   WORKERS [nproc] server workers (tpserve --workers, nginx worker_processes)
#   WARMUP [1]      seconds of wrk per server and workload before round 1
#   SERVERS ["tpserve-io_uring tpserve-epoll nginx"]  servers to measure; a
#                   tpserve-BACKEND entry runs tpserve with --io-backend BACKEND,
#                   plain "tpserve" lets it choose (auto)
#   TPSERVE [build/release/tpserve]  a binary to measure instead of building
#
# CPU µs/req: Δ(utime+stime) of the server's processes (tpserve: its one
# process, all threads; nginx: master and workers) over the run, ÷ requests.
# MB/s counts response bodies only (req/s × file size).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD
# shellcheck source=scripts/common.sh
source scripts/common.sh

DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
CONNS=${CONNS:-64}
THREADS=${THREADS:-1}
WORKERS=${WORKERS:-$(nproc)}
WARMUP=${WARMUP:-1}
SERVERS=${SERVERS:-tpserve-io_uring tpserve-epoll nginx}
read -r -a servers <<<"$SERVERS"

# The workloads, one per line: name, file (created in the document root with
# this many bytes), wrk connections, and whether each request asks for
# `Connection: close` (accept/close churn) or keeps the connection alive.
# Later workloads (64 KiB, 1 MiB, ranges, many files...) are added here.
WORKLOADS=(
  "1k-keepalive 1k.bin 1024 $CONNS keepalive"
  "1k-close 1k.bin 1024 $CONNS close"
)

for server in "${servers[@]}"; do
  case "$server" in tpserve | tpserve-io_uring | tpserve-epoll | nginx) ;;
    *) echo "unknown server: $server" >&2; exit 2 ;;
  esac
done

runs=$((${#WORKLOADS[@]} * ${#servers[@]}))
total=$((runs * (ROUNDS * DURATION + WARMUP)))
echo "bench: ${#WORKLOADS[@]} workload(s) x ${#servers[@]} server(s) x $ROUNDS round(s) x ${DURATION}s" \
  "(+${WARMUP}s warm-up each): about ${total}s of load, plus start-up"

scripts/setup.sh --bench
tpserve_bin=${TPSERVE:-}
if [ -z "$tpserve_bin" ] && [[ " ${servers[*]} " == *" tpserve"* ]]; then
  scripts/build.sh release tpserve
  tpserve_bin=$repo/build/release/tpserve
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

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
for workload in "${WORKLOADS[@]}"; do
  read -r _ file bytes _ <<<"$workload"
  head -c "$bytes" < <(yes 'tpserve benchmark payload') >"$docroot/$file"
done

# --- servers -------------------------------------------------------------------
start_nginx() {
  local port user_line='' temp_paths='' module
  port=$(free_port)
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
  template=${template//@PREFIX@/$work/nginx}
  template=${template//@PORT@/$port}
  template=${template//@ROOT@/$docroot}
  printf '%s\n' "$template" >"$conf"
  if ! start_server "$work/nginx/stdout" "$work/nginx/stderr" "$port" \
    "$nginx_bin" -p "$work/nginx" -c "$conf" -e "$work/nginx/error.log"; then
    cat "$work/nginx/error.log" >&2 2>/dev/null || true
    exit 1
  fi
  pid[nginx]=$SERVER_PID
  url[nginx]=http://127.0.0.1:$port
}

# start_tpserve_peer NAME: "tpserve" (backend auto) or "tpserve-BACKEND".
start_tpserve_peer() {
  local name=$1 port backend=auto dir=$work/$1
  [ "$name" != tpserve ] && backend=${name#tpserve-}
  port=$(free_port)
  mkdir -p "$dir"
  # The defaults of config/default.yaml, but like nginx above: never close
  # a benchmark connection for having served "enough".
  local conf=$dir/tpserve.yaml
  printf '%s\n' "# perf/bench.sh: config/default.yaml's defaults but for this" \
    "limits:" "  keepalive_requests: 100000000" >"$conf"
  start_server "$dir/stdout" "$dir/stderr" "$port" \
    "$tpserve_bin" --config "$conf" --root "$docroot" --io-backend "$backend" \
    --listen "127.0.0.1:$port" --workers "$WORKERS" --access-log off --log-level warn ||
    exit 1
  pid[$name]=$SERVER_PID
  url[$name]=http://127.0.0.1:$port
}

# The server's processes: tpserve is one process (threads are counted in its
# stat); nginx is the master and its worker children.
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

for server in "${servers[@]}"; do
  case "$server" in
    tpserve*) start_tpserve_peer "$server" ;;
    nginx) start_nginx ;;
  esac
  echo "$server: ${url[$server]} (pid ${pid[$server]}, $WORKERS worker(s))"
done

# Both must serve the very bytes of every file before anything is measured.
for workload in "${WORKLOADS[@]}"; do
  read -r name file _ _ _ <<<"$workload"
  for server in "${servers[@]}"; do
    if ! curl -sf --max-time 5 "${url[$server]}/$file" | cmp -s - "$docroot/$file"; then
      echo "bench: $server does not serve $file correctly; not measuring" >&2
      exit 1
    fi
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
  local headers=()
  [ "$mode" = close ] && headers=(-H "Connection: close")
  seconds=$DURATION
  [ "$round" = warmup ] && seconds=$WARMUP
  local pids before after out
  mapfile -t pids < <(server_pids "${pid[$server]}")
  before=$(cpu_ticks "${pids[@]}")
  # In the background so that a signal stops the run at once (see cleanup).
  timeout $((seconds + 30)) wrk -t"$THREADS" -c"$conns" -d"${seconds}s" --latency "${headers[@]}" \
    -s perf/wrk-report.lua "${url[$server]}/$file" >"$work/wrk.out" 2>&1 &
  wrk_pid=$!
  if ! wait "$wrk_pid"; then
    echo "bench: wrk failed against $server:" >&2
    cat "$work/wrk.out" >&2
    exit 1
  fi
  wrk_pid=
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
    -v size="$bytes" -v p50="$p50_us" -v p99="$p99_us" \
    -v non2xx="$err_status" -v sock=$((err_connect + err_read + err_write + err_timeout)) \
    -v ticks=$((after - before)) -v hz="$hz" 'BEGIN {
      rps = n / (us / 1e6)
      cpu = n ? ticks * 1e6 / hz / n : 0
      printf "%s,%s,%s,%d,%.3f,%.1f,%.2f,%.1f,%.1f,%d,%d,%.2f\n",
        w, s, r, n, us / 1e6, rps, rps * size / 1e6, p50, p99, non2xx, sock, cpu
    }' >>"$csv_rows"
  local row
  IFS=, read -r -a row < <(tail -n1 "$csv_rows")
  printf '  %s %-17s round %s: %8.0f req/s  %6.2f CPU us/req  %s errors\n' \
    "$name" "$server" "$round" "${row[5]}" "${row[11]}" $((row[9] + row[10]))
}

if ((WARMUP > 0)); then
  for workload in "${WORKLOADS[@]}"; do
    for server in "${servers[@]}"; do measure "$server" "$workload" warmup; done
  done
fi
for ((round = 1; round <= ROUNDS; round++)); do
  for workload in "${WORKLOADS[@]}"; do
    for server in "${servers[@]}"; do measure "$server" "$workload" "$round"; done
  done
done

# --- results ---------------------------------------------------------------------
mkdir -p perf/results
csv=perf/results/latest.csv
header=workload,server,round,requests,seconds,req_per_s,body_mb_per_s,p50_us,p99_us,non_2xx,socket_errors,cpu_us_per_req
# Medians per (workload, server), and the per-round req/s ratio to nginx.
awk -F, -v OFS=, -v header="$header" -v conf="rounds=$ROUNDS duration=${DURATION}s threads=$THREADS workers=$WORKERS" '
  function median(list,   a, n, i, j, t) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  function minmax(list,   a, n, i, lo, hi) {
    n = split(list, a, " "); lo = hi = a[1]
    for (i = 2; i <= n; i++) { if (a[i] + 0 < lo + 0) lo = a[i]; if (a[i] + 0 > hi + 0) hi = a[i] }
    return sprintf("%.2f-%.2f", lo, hi)
  }
  {
    rows[NR] = $0; key = $1 SUBSEP $2
    if (!(key in seen)) { seen[key] = 1; order[++nkeys] = key }
    for (f = 4; f <= 12; f++) col[key, f] = col[key, f] " " $f
    rps[$1, $2, $3] = $6
  }
  END {
    print header > CSV
    for (i = 1; i <= NR; i++) print rows[i] > CSV
    printf "\n%-13s %-17s %11s %9s %8s %8s %7s %9s  %s\n", "workload", "server", "req/s", "MB/s", "p50 ms", "p99 ms", "errors", "CPU us/req", "req/s vs nginx (rounds)"
    for (k = 1; k <= nkeys; k++) {
      split(order[k], ws, SUBSEP); w = ws[1]; s = ws[2]
      for (f = 4; f <= 12; f++) m[f] = median(col[order[k], f])
      $0 = ""; $1 = w; $2 = s; $3 = "median"
      for (f = 4; f <= 12; f++) $f = m[f]
      print > CSV
      ratio = "-"
      if ((w, "nginx") in seen) {
        list = ""
        for (key in rps) { split(key, p, SUBSEP); if (p[1] == w && p[2] == s && (w, "nginx", p[3]) in rps) list = list " " rps[key] / rps[w, "nginx", p[3]] }
        ratio = sprintf("%.2f (%s)", median(list), minmax(list))
      }
      printf "%-13s %-17s %11.0f %9.1f %8.3f %8.3f %7d %9.2f  %s\n", w, s, m[6], m[7], m[8] / 1000, m[9] / 1000, m[10] + m[11], m[12], ratio
    }
    printf "(medians of %s)\n", conf
  }' CSV="$csv" "$csv_rows"
echo "wrote $csv"
