#!/usr/bin/env bash
# Checks the Dockerfile's runtime stage without a Docker engine: rebuilds its
# file layout (the COPY lines after the last FROM) under a temporary prefix
# from a release build, then
#   1. checks that every shared library of the binary comes from a package in
#      the Dockerfile's RUNTIME_PACKAGES or from debian:12-slim itself (its
#      Essential packages, and libc6, libstdc++6 and libgcc-s1, which apt
#      needs), and that RUNTIME_PACKAGES lists nothing unused,
#   2. runs the ENTRYPOINT (paths moved under the prefix) with --check-config,
#      as uid 10001 when run as root, as the image does,
#   3. serves the layout on a loopback port and fetches /, /style.css and
#      /tpserve.svg (200) and a missing file (404),
#   4. runs the ENTRYPOINT under seccomp as a container would, with
#      tests/tools' helpers compiled on the fly: under the layout's
#      /etc/tpserve/seccomp-io_uring.json it runs io_uring when asked; under
#      that profile minus io_uring (Docker >= 25's default, a plain
#      `docker run`) it falls back to epoll and logs EPERM
#      (tests/tools/docker_profile_test.sh); with io_uring refused by ENOSYS
#      (Podman) it falls back to epoll too.
# Usage: scripts/docker-layout-check.sh [--keep]   (--keep leaves the prefix)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
# shellcheck source=scripts/common.sh
source scripts/common.sh

keep=0
[ "${1:-}" = --keep ] && keep=1

scripts/setup.sh
scripts/build.sh release tpserve

prefix=$(mktemp -d /tmp/tpserve-docker-layout.XXXXXX)
chmod 755 "$prefix"  # the unprivileged user must traverse it
# The seccomp helpers live beside the layout, not in it.
tools=$(mktemp -d /tmp/tpserve-docker-tools.XXXXXX)
chmod 755 "$tools"
server_pid=
cleanup() {
  [ -n "$server_pid" ] && stop_pid "$server_pid"
  rm -rf "$tools"
  if ((keep)); then echo "layout kept in $prefix"; else rm -rf "$prefix"; fi
}
trap cleanup EXIT

fail() {
  echo "docker-layout-check: FAIL: $*" >&2
  exit 1
}

# The runtime stage: everything after the last FROM.
runtime=$(awk '/^FROM /{stage=""} {stage = stage $0 "\n"} END{printf "%s", stage}' Dockerfile)

# --- the layout ----------------------------------------------------------------
# COPY [--from=build] SRC DST: from the build stage, /src is the repository
# (WORKDIR /src, COPY . .); from the context, SRC is relative to it.
while read -r _ args; do
  read -r -a words <<<"$args"
  from_build=0
  if [[ ${words[0]} == --from=* ]]; then
    [ "${words[0]}" = --from=build ] || fail "unexpected COPY ${words[0]}"
    from_build=1
    words=("${words[@]:1}")
  fi
  ((${#words[@]} == 2)) || fail "unexpected COPY line: COPY $args"
  src=${words[0]} dst=$prefix${words[1]}
  if ((from_build)); then
    [[ $src == /src/* ]] || fail "build-stage source outside /src: $src"
    src=$root/${src#/src/}
  else
    src=$root/$src
  fi
  if [ -d "$src" ]; then
    mkdir -p "$dst"
    cp -a "$src/." "$dst/"
  elif [[ $dst == */ ]]; then
    mkdir -p "$dst"
    cp -a "$src" "$dst"
  else
    mkdir -p "$(dirname "$dst")"
    cp -a "$src" "$dst"
  fi
done < <(grep -E '^COPY ' <<<"$runtime")

# --- the ENTRYPOINT, its absolute paths moved under the prefix ----------------
entry_line=$(grep -E '^ENTRYPOINT \[' <<<"$runtime") || fail "no exec-form ENTRYPOINT"
entry_json=${entry_line#ENTRYPOINT }
entry_json=${entry_json#[}
entry_json=${entry_json%]}
entry=()
# One word per line; sed because the separator's spacing varies.
# shellcheck disable=SC2001
while IFS= read -r word; do
  word=${word#\"}
  word=${word%\"}
  [[ $word == /* ]] && word=$prefix$word
  entry+=("$word")
done < <(sed 's/", *"/"\n"/g' <<<"$entry_json")
binary=${entry[0]}
[ -x "$binary" ] || fail "the ENTRYPOINT binary is not in the layout: ${binary#"$prefix"}"
echo "layout: $(cd "$prefix" && find . -type f | wc -l) files under $prefix"
echo "entrypoint: ${entry[*]#"$prefix"}"

# --- 1. shared libraries ----------------------------------------------------
runtime_packages=$(sed -n 's/^ARG RUNTIME_PACKAGES="\(.*\)"$/\1/p' <<<"$runtime")
[ -n "$runtime_packages" ] || fail "no ARG RUNTIME_PACKAGES in the runtime stage"
owner() {
  # Merged /usr: a library may be registered under /lib or /usr/lib.
  local path=$1 alt
  case "$path" in /usr/*) alt=${path#/usr} ;; *) alt=/usr$path ;; esac
  { dpkg -S "$path" 2>/dev/null || dpkg -S "$alt" 2>/dev/null || dpkg -S "$(readlink -f "$path")" 2>/dev/null; } |
    head -n1 | cut -d: -f1
}
ldd "$binary" | grep -q 'not found' && fail "unresolved libraries: $(ldd "$binary" | grep 'not found')"
while read -r lib; do
  package=$(owner "$lib")
  [ -n "$package" ] || fail "no package owns $lib"
  if [[ " $runtime_packages " == *" $package "* ]]; then continue; fi
  case "$package" in libc6 | libstdc++6 | libgcc-s1) continue ;; esac
  [ "$(dpkg-query -W -f='${Essential}' "$package")" = yes ] && continue
  fail "$lib comes from $package, which is neither in RUNTIME_PACKAGES nor in debian:12-slim"
done < <(ldd "$binary" | grep -o '/[^ ]*' | grep -v '^/lib64/ld-linux' | sort -u)
for package in $runtime_packages; do
  used=0
  while read -r lib; do
    [ "$(owner "$lib")" = "$package" ] && used=1
  done < <(ldd "$binary" | grep -o '/[^ ]*')
  ((used)) || fail "RUNTIME_PACKAGES lists $package, which the binary does not use"
done
echo "libraries: ok ($runtime_packages + base)"

# --- 2. --check-config as the image's user -------------------------------------
as_user=()
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
  as_user=(setpriv --reuid=10001 --regid=10001 --clear-groups)
fi
"${as_user[@]}" "${entry[@]}" --check-config || fail "--check-config exited with $?"
echo "check-config: ok${as_user:+ (as uid 10001)}"

# --- 3. serve the layout on loopback ---------------------------------------------
# The image listens on 0.0.0.0:8080; here a free loopback port stands in.
served=()
for ((i = 0; i < ${#entry[@]}; i++)); do
  if [ "${entry[i]}" = --listen ]; then
    i=$((i + 1))
    continue
  fi
  served+=("${entry[i]}")
done
port=$(free_port)
logs=$prefix/logs
mkdir -p "$logs"
chmod 777 "$logs"
start_server "$logs/stdout" "$logs/stderr" "$port" \
  "${as_user[@]}" "${served[@]}" --listen "127.0.0.1:$port" ||
  fail "the server did not start"
server_pid=$SERVER_PID
url=http://127.0.0.1:$port
expect() {
  local want=$1 path=$2 got
  got=$(curl -s -o "$logs/body" -w '%{http_code}' --max-time 5 "$url$path") || true
  [ "$got" = "$want" ] || fail "GET $path: status $got, expected $want"
}
expect 200 /
grep -q 'It works!' "$logs/body" || fail "GET / is not the default site"
expect 200 /style.css
expect 200 /tpserve.svg
expect 404 /no-such-file.html
stop_pid "$server_pid"
server_pid=
echo "serve: ok ($url: /, /style.css, /tpserve.svg 200; missing file 404)"

# --- 4. under seccomp, as in a container ----------------------------------------
profile=$prefix/etc/tpserve/seccomp-io_uring.json
[ -f "$profile" ] || fail "the layout has no /etc/tpserve/seccomp-io_uring.json"
c++ -std=c++20 -O1 -o "$tools/seccomp_exec" tests/tools/seccomp_exec.cpp -lseccomp ||
  fail "cannot build tests/tools/seccomp_exec.cpp"
cc -O1 -o "$tools/refuse_io_uring" tests/tools/refuse_io_uring.c ||
  fail "cannot build tests/tools/refuse_io_uring.c"
"${as_user[@]}" tests/tools/docker_profile_test.sh "$tools/seccomp_exec" "$profile" -- \
  "${served[@]}" | sed 's/^/seccomp: /' || fail "the server under the seccomp profiles"
"${as_user[@]}" "$tools/refuse_io_uring" ENOSYS -- "${served[@]}" --io-backend auto \
  --check-config 2>"$logs/enosys.err" || fail "--check-config under ENOSYS: $(cat "$logs/enosys.err")"
grep -q 'I/O engine epoll.*ENOSYS' "$logs/enosys.err" ||
  fail "io_uring refused with ENOSYS, but no epoll fallback: $(cat "$logs/enosys.err")"
echo "seccomp: io_uring refused with ENOSYS (Podman): auto -> epoll"
echo "docker-layout-check: PASS"
