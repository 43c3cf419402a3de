#!/usr/bin/env bash
# Installs the Debian 12 packages tpserve needs to build and test it, with
# --bench also those the benchmark (perf/bench.sh) needs, and with --docker
# those of scripts/seccomp-profile.sh. Only what is missing is installed, and
# `apt-get update` runs only then, so a second run is silent and costs a few
# dpkg-query calls. Runs as root, or through sudo where that
# exists.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: scripts/setup.sh [--bench] [--docker] [--tidy] [--package] [--boot] [--k8s] [--dry-run]
  --bench    also install the benchmark tools (wrk, nginx, gnuplot, Google Benchmark, strace)
  --docker   also install what scripts/seccomp-profile.sh needs (jq)
  --tidy     also install clang-tidy (scripts/tidy.sh)
  --package  also install the Debian packaging tools (scripts/package.sh, lintian)
  --boot     also install debootstrap and systemd-nspawn (tests/tools/systemd-boot-test.sh)
  --k8s      also install node and npm (tests/tools/k8s-validate) unless present
  --dry-run  print the missing packages and install nothing (exit 1 if any)
EOF
}

bench=0
docker=0
tidy=0
package=0
boot=0
k8s=0
dry_run=0
for arg in "$@"; do
  case "$arg" in
    --bench) bench=1 ;;
    --docker) docker=1 ;;
    --tidy) tidy=1 ;;
    --package) package=1 ;;
    --boot) boot=1 ;;
    --k8s) k8s=1 ;;
    --dry-run) dry_run=1 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done

# Each entry is one requirement: a package name, or alternatives separated by
# '|' (any one installed satisfies it; the first is the one installed).
required=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  node-llhttp liburing-dev libyaml-cpp-dev libboost-program-options-dev
  libgtest-dev libgmock-dev curl
  libseccomp-dev nlohmann-json3-dev  # tests/tools/seccomp_exec
  prometheus  # promtool check metrics and a real scrape (AdminTest, PrometheusTest)
)
if ((bench)); then
  required+=(wrk 'nginx-light|nginx|nginx-core|nginx-full|nginx-extras' 'gnuplot-nox|gnuplot|gnuplot-qt|gnuplot-x11' libbenchmark-dev strace)
fi
if ((tidy)); then
  required+=(clang-tidy)
fi
if ((package)); then
  required+=(debhelper dpkg-dev lintian)
fi
if ((boot)); then
  required+=(debootstrap systemd-container)
fi
if ((docker)); then
  required+=(jq)
fi
# A node from elsewhere (e.g. NodeSource, which bundles npm) is as good.
if ((k8s)) && { ! command -v node >/dev/null || ! command -v npm >/dev/null; }; then
  required+=(nodejs npm)
fi

installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

missing=()
for requirement in "${required[@]}"; do
  IFS='|' read -r -a alternatives <<<"$requirement"
  satisfied=0
  for package in "${alternatives[@]}"; do
    if installed "$package"; then satisfied=1; break; fi
  done
  ((satisfied)) || missing+=("${alternatives[0]}")
done

((${#missing[@]} == 0)) && exit 0

if ((dry_run)); then
  echo "missing: ${missing[*]}"
  exit 1
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
  else
    echo "setup.sh: not root and no sudo; install these as root: ${missing[*]}" >&2
    exit 1
  fi
fi

echo "setup.sh: installing ${missing[*]}" >&2
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes \
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
