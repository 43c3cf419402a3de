#!/usr/bin/env bash
# Builds the Dockerfile with podman and runs the image, from a clean Debian 12
# machine (root; no image registry needed):
#   1. installs podman, runc and debootstrap if missing (apt, the machine's
#      configured sources);
#   2. makes the base images docker.io/library/debian:12 and :12-slim from a
#      `debootstrap --variant=minbase bookworm` tree with `podman import`
#      (no registry is reachable here); the tree's tarball is cached under
#      ~/.cache/tpserve-container, keyed by the local bookworm InRelease, and
#      the import is skipped when the image carries that key already;
#   3. `podman build` (the build stage runs scripts/setup.sh and the
#      profile-guided scripts/build.sh release);
#   4. checks the runtime image: no shared library missing, every package in
#      the Dockerfile's RUNTIME_PACKAGES used, /bin/sleep there (preStop);
#   5. runs the image twice: (a) confined as deploy/kubernetes confines it
#      (podman's default seccomp profile, which refuses io_uring with ENOSYS:
#      start-up line `I/O engine epoll (io_uring refused: ... ENOSYS ...)`;
#      read-only root, no capabilities, no-new-privileges), and (b) under
#      config/seccomp-io_uring.json (`I/O engine io_uring`); each time GETs /,
#      a missing file (404) and a range (206 + Content-Range), checks the
#      admin endpoints when the binary has --admin-listen, checks that PID 1
#      (tpserve) runs as uid/gid 10001 named tpserve, and stops it with
#      `podman stop`, which must leave exit code 0.
# Every step is bounded in time; containers are removed on exit, the images
# are kept (a second run reuses them: see docs/docker.md for timings).
# The runtime flags are the ones this VM needs: crun refuses its hybrid
# cgroups (runc, cgroupfs), and it lacks CAP_SYS_RESOURCE, so the ulimits are
# explicit and below the host's.
# Usage: scripts/container-test.sh [--no-build]   (--no-build: test the existing image)
set -euo pipefail
# The whole script is one block, read before it runs: editing the file while
# a run is under way cannot change what that run executes.
{
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/common.sh
source scripts/common.sh  # free_port

build=1
case "${1:-}" in
  --no-build) build=0 ;;
  "") ;;
  *)
    sed -n '2,29s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
    exit 2
    ;;
esac

image=localhost/tpserve:latest  # deploy/kubernetes/deployment.yaml names it
cache=${XDG_CACHE_HOME:-$HOME/.cache}/tpserve-container
podman=(podman --runtime runc --cgroup-manager cgroupfs)
limits=(--ulimit nofile=4096:4096 --ulimit nproc=4096:4096)
started=$SECONDS

say() { printf '[%4ds] %s\n' $((SECONDS - started)) "$*"; }
fail() {
  echo "container-test: FAIL: $*" >&2
  exit 1
}

# Rootful podman and debootstrap: as root, or through sudo where that exists.
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || fail "run as root (rootful podman, debootstrap)"
  exec sudo "$PWD/scripts/container-test.sh" "$@"
fi

containers=()
work=$(mktemp -d /tmp/tpserve-container.XXXXXX)
# shellcheck disable=SC2317 # run by the trap
cleanup() {
  local name
  for name in "${containers[@]}"; do
    timeout 60 "${podman[@]}" rm -f -t 5 "$name" >/dev/null 2>&1 || true
  done
  # debootstrap mounts /proc and /sys in the tree; if it stopped half-way,
  # they are still mounted: never remove through them.
  findmnt -rn -o TARGET | grep "^$work/" | sort -r | xargs -r umount -l 2>/dev/null || true
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

# --- 1. the tools -----------------------------------------------------------
installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}
missing=()
for package in podman runc debootstrap curl; do
  installed "$package" || missing+=("$package")
done
if ((${#missing[@]})); then
  say "installing ${missing[*]}"
  # Another apt may hold the lock (a parallel setup): wait for it, bounded.
  apt=(apt-get -o DPkg::Lock::Timeout=600 -q)
  timeout 900 "${apt[@]}" update >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt-get update"; }
  DEBIAN_FRONTEND=noninteractive timeout 900 "${apt[@]}" install -y --no-install-recommends \
    "${missing[@]}" >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt-get install ${missing[*]}"; }
fi
say "podman $(podman version --format '{{.Client.Version}}'), $(runc --version | head -1)"

# --- 2. the base images -----------------------------------------------------
# The mirror and its state come from the machine's apt configuration: the
# bookworm Packages index's site, and its InRelease as the cache key (a new
# snapshot of the archive makes a new tree).
# shellcheck disable=SC2016 # apt's own $(FIELD) syntax
mirror=$(apt-get indextargets --format '$(SITE) $(RELEASE) $(IDENTIFIER)' |
  awk '$2 == "bookworm" && $3 == "Packages" { print $1; exit }')
[ -n "$mirror" ] || fail "no bookworm source in the apt configuration (apt-get indextargets)"
release=$(find /var/lib/apt/lists -maxdepth 1 -name '*_dists_bookworm_InRelease' | head -1)
[ -n "$release" ] || fail "no bookworm InRelease under /var/lib/apt/lists (run apt-get update)"
key=$(sha256sum "$release" | cut -c1-16)
tarball=$cache/debian-12-minbase-$key.tar

base_key() {
  "${podman[@]}" image inspect --format '{{index .Labels "tpserve.base-key"}}' "$1" 2>/dev/null || true
}
if [ "$(base_key docker.io/library/debian:12)" != "$key" ] ||
  [ "$(base_key docker.io/library/debian:12-slim)" != "$key" ]; then
  if [ ! -s "$tarball" ]; then
    say "debootstrap --variant=minbase bookworm from $mirror"
    mkdir -p "$cache"
    tree=$work/rootfs
    timeout 1200 debootstrap --variant=minbase bookworm "$tree" "$mirror" >"$work/debootstrap.log" 2>&1 ||
      { tail -30 "$work/debootstrap.log"; fail "debootstrap"; }
    # The image's apt uses the host's sources and the Acquire settings that
    # make them work (a pinned snapshot's expired Valid-Until, a proxy).
    rm -f "$tree"/etc/apt/sources.list
    cp /etc/apt/sources.list "$tree"/etc/apt/ 2>/dev/null || true
    find /etc/apt/sources.list.d -maxdepth 1 \( -name '*.list' -o -name '*.sources' \) \
      -exec cp {} "$tree"/etc/apt/sources.list.d/ \;
    apt-config dump | grep -E '^Acquire::(Check-Valid-Until|Check-Date|https?::Proxy) ' \
      >"$tree"/etc/apt/apt.conf.d/99host || true
    # As in Debian's own images: no cached .debs, no package lists.
    rm -rf "$tree"/var/cache/apt/archives/*.deb "$tree"/var/lib/apt/lists/*
    tar -C "$tree" --numeric-owner -cf "$tarball.part" .
    mv "$tarball.part" "$tarball"
    rm -rf --one-file-system "$tree"
  fi
  say "podman import $(basename "$tarball") as debian:12 and debian:12-slim"
  id=$(timeout 600 "${podman[@]}" import -q --change "LABEL tpserve.base-key=$key" \
    --change 'CMD ["bash"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "$tarball" docker.io/library/debian:12) || fail "podman import"
  "${podman[@]}" tag "$id" docker.io/library/debian:12-slim
  # Older trees' tarballs are not needed any more.
  find "$cache" -maxdepth 1 -name 'debian-12-minbase-*.tar' ! -name "$(basename "$tarball")" -delete
else
  say "base images debian:12 and :12-slim present (key $key)"
fi

# --- 3. the image -------------------------------------------------------------
if ((build)); then
  say "podman build"
  build_started=$SECONDS
  # The runs below use the image ID this build wrote, not the tag: an
  # interrupted build cannot leave an older image under test.
  if ! timeout 2400 "${podman[@]}" build --network host "${limits[@]}" --pull=never \
    --iidfile "$work/image-id" -t "$image" . >"$work/build.log" 2>&1 || [ ! -s "$work/image-id" ]; then
    tail -40 "$work/build.log"
    fail "podman build"
  fi
  image=$(cat "$work/image-id")
  id=${image#sha256:}
  say "podman build: $((SECONDS - build_started)) s, image ${id:0:12}"
  say "image size $("${podman[@]}" image inspect --format '{{.Size}}' "$image" | awk '{ printf "%.0f MB", $1 / 1e6 }')"
fi
"${podman[@]}" image exists "$image" || fail "no image $image (build it: drop --no-build)"

# --- 4. shared libraries --------------------------------------------------------
# The binary starting proves none is missing; this also names a missing one,
# and finds a package listed for nothing.
runtime_packages=$(sed -n 's/^ARG RUNTIME_PACKAGES="\(.*\)"$/\1/p' Dockerfile)
[ -n "$runtime_packages" ] || fail "no ARG RUNTIME_PACKAGES in the Dockerfile"
# shellcheck disable=SC2016 # a script for the image's shell
timeout 120 "${podman[@]}" run --rm "${limits[@]}" --network none --entrypoint /bin/sh "$image" -c '
  set -e
  ldd /usr/local/bin/tpserve >/tmp/ldd
  if grep "not found" /tmp/ldd; then exit 1; fi
  for package in $0; do
    used=0
    for lib in $(grep -o "/[^ ]*" /tmp/ldd); do
      dpkg -S "$lib" "$(readlink -f "$lib")" 2>/dev/null | grep -q "^$package:" && used=1
    done
    [ "$used" = 1 ] || { echo "RUNTIME_PACKAGES lists $package, which the binary does not use"; exit 1; }
  done
  [ -x /bin/sleep ] || { echo "no /bin/sleep (the Kubernetes preStop runs it)"; exit 1; }' "$runtime_packages" >"$work/libs.log" 2>&1 || fail "runtime libraries: $(cat "$work/libs.log")"
say "libraries: none missing; RUNTIME_PACKAGES ($runtime_packages) all used; /bin/sleep present"

# --- 5. run it --------------------------------------------------------------------
# run_case NAME ENGINE_LINE_REGEX PODMAN_RUN_OPTIONS...: starts the image, checks
# its engine line, GETs, uid, stop and exit code.
port=
run_case() {
  local name=$1 expected=$2 logs status range user code
  shift 2
  local container=tpserve-test-$name-$$ attempt publish extra=()
  containers+=("$container")
  ((admin)) && extra=(--admin-listen 0.0.0.0:9145)
  # The image listens on 0.0.0.0:8080 (and 9145); free loopback ports map to
  # them. free_port can race with another process (an ephemeral port taken
  # meanwhile): a bind that fails is retried on new ports, 5 times at most.
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    publish=(-p "127.0.0.1:$port:8080")
    if ((admin)); then
      admin_port=$(free_port)
      publish+=(-p "127.0.0.1:$admin_port:9145")
    fi
    timeout 120 "${podman[@]}" run -d --name "$container" "${limits[@]}" "$@" \
      "${publish[@]}" "$image" "${extra[@]}" >/dev/null 2>"$work/run.err" && break
    if ! grep -q 'address already in use' "$work/run.err" || ((attempt == 5)); then
      fail "$name: podman run: $(cat "$work/run.err")"
    fi
    say "$name: a published port was taken meanwhile; again on other ports"
    timeout 60 "${podman[@]}" rm -f "$container" >/dev/null 2>&1 || true
  done
  # Bounded poll for the listener (10 s); no fixed sleep decides anything.
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    [ "$("${podman[@]}" inspect --format '{{.State.Running}}' "$container")" = true ] ||
      fail "$name: exited early: $("${podman[@]}" logs "$container" 2>&1)"
    sleep 0.1
  done
  logs=$(timeout 30 "${podman[@]}" logs "$container" 2>&1)
  grep -qE -- "$expected" <<<"$logs" || fail "$name: no '$expected' in the log: $logs"
  say "$name: $(grep -m1 'I/O engine' <<<"$logs" | sed -E 's/.*(I\/O engine [a-z_]+( \([^()]*(\([^()]*\)[^()]*)*\))?).*/\1/')"

  status=$(curl -s -o "$work/body" -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/") || true
  [ "$status" = 200 ] || fail "$name: GET / gave $status"
  grep -q 'It works!' "$work/body" || fail "$name: GET / is not the default site"
  status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/no-such-file") || true
  [ "$status" = 404 ] || fail "$name: GET /no-such-file gave $status"
  range=$(curl -s -o "$work/range" -D - -r 0-9 --max-time 5 "http://127.0.0.1:$port/") || true
  grep -q '^HTTP/1.1 206' <<<"$range" || fail "$name: range GET: $range"
  grep -qi '^Content-Range: bytes 0-9/[0-9]' <<<"$range" || fail "$name: no Content-Range: $range"
  [ "$(stat -c %s "$work/range")" = 10 ] || fail "$name: range body is not 10 bytes"
  say "$name: GET / 200, /no-such-file 404, Range 0-9 -> 206 $(grep -i '^Content-Range' <<<"$range" | tr -d '\r')"

  if ((admin)); then
    local url=http://127.0.0.1:$admin_port
    for path in /healthz /readyz; do
      status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$url$path") || true
      [ "$status" = 200 ] || fail "$name: admin GET $path gave $status"
    done
    curl -s --max-time 5 "$url/metrics" | grep -q '^tpserve_' || fail "$name: admin /metrics has no tpserve_ metric"
    say "$name: --admin-listen 0.0.0.0:9145: /healthz 200, /readyz 200, /metrics has tpserve_*"
  fi

  # PID 1 is tpserve itself (exec-form ENTRYPOINT): its real and effective
  # uid and gid, and the names the image gives them.
  user=$(timeout 30 "${podman[@]}" exec "$container" sh -c \
    'grep -E "^(Uid|Gid):" /proc/1/status | cut -f2,3; getent passwd 10001 | cut -d: -f1; getent group 10001 | cut -d: -f1' |
    tr -s '\t\n' '  ')
  user=${user% }
  [ "$user" = "10001 10001 10001 10001 tpserve tpserve" ] ||
    fail "$name: PID 1 runs as uid, gid, names '$user', expected 10001 10001 10001 10001 tpserve tpserve"
  say "$name: PID 1 uid/gid 10001 (tpserve:tpserve) ($(timeout 30 "${podman[@]}" top "$container" huser hgroup args | tail -1 | tr -s ' '))"

  timeout 60 "${podman[@]}" stop -t 20 "$container" >/dev/null || fail "$name: podman stop"
  code=$("${podman[@]}" inspect --format '{{.State.ExitCode}}' "$container")
  [ "$code" = 0 ] || fail "$name: exit code $code after podman stop: $("${podman[@]}" logs --tail 5 "$container" 2>&1)"
  say "$name: podman stop -> exit 0"
  "${podman[@]}" rm "$container" >/dev/null
}

# The admin listener (/healthz, /readyz: the Kubernetes probes) is checked
# when the binary has it (issue 17 item 3; the output says when it has not).
admin=0 admin_port=
if timeout 60 "${podman[@]}" run --rm "${limits[@]}" --network none "$image" --help 2>&1 | grep -q -- --admin-listen; then
  admin=1
else
  say "NOTE: this tpserve has no --admin-listen: the admin endpoints are not checked"
fi

# (a) as deploy/kubernetes/deployment.yaml confines it: the runtime's default
#     seccomp profile, a read-only root, no capabilities, no new privileges.
run_case default-seccomp 'I/O engine epoll \(io_uring refused: .*ENOSYS' \
  --read-only --cap-drop ALL --security-opt no-new-privileges
# (b) io_uring allowed.
run_case io_uring-profile 'I/O engine io_uring' --security-opt seccomp=config/seccomp-io_uring.json
say "container-test: PASS"
exit 0
}
