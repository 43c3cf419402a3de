#!/usr/bin/env bash
# Prepares this Debian 12 machine to cross-build tpserve for Windows and to run
# the result under Wine:
#   1. the Linux build's packages (scripts/setup.sh) plus MinGW-w64 (posix
#      threads) and wine64 (Wine 8.0), installed only when missing;
#   2. yaml-cpp, Boost.Program_options and GoogleTest/GMock built as MinGW
#      static libraries into a cache outside any build tree,
#      ${TPSERVE_MINGW_CACHE:-${XDG_CACHE_HOME:-~/.cache}/tpserve-mingw}, each
#      keyed by its Debian version and the compiler's, so a second run builds
#      nothing (yaml-cpp and Boost come from Debian source packages: a deb-src
#      entry is derived from this machine's own apt sources when none exists);
#   3. a Wine prefix (default build/windows/wine, or $TPSERVE_WINEPREFIX),
#      created once because Wine's first start takes 10-20 s.
# Prints nothing when everything is already there. Runs as root, or through sudo.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
triplet=x86_64-w64-mingw32
cache=${TPSERVE_MINGW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tpserve-mingw}
prefix=$cache/$triplet
wineprefix=${TPSERVE_WINEPREFIX:-$root/build/windows/wine}
toolchain=$root/cmake/mingw-w64-x86_64.cmake
wine=/usr/lib/wine/wine64

case "${1:-}" in
  "") ;;
  -h | --help)
    sed -n '2,14s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
    exit 0
    ;;
  *)
    echo "usage: scripts/setup-windows.sh" >&2
    exit 2
    ;;
esac

say() { echo "setup-windows.sh: $*" >&2; }

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
  fi
fi
apt_get() {
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes apt-get "$@"
}

# --- 1. packages ---------------------------------------------------------------
"$root/scripts/setup.sh"

installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}
# dpkg-dev: dpkg-source, which `apt-get source` unpacks with; xz-utils: the tarballs.
missing=()
for package in g++-mingw-w64-x86-64-posix wine64 dpkg-dev xz-utils; do
  installed "$package" || missing+=("$package")
done
if ((${#missing[@]})); then
  say "installing ${missing[*]}"
  apt_get update -qq
  apt_get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- 2. MinGW dependencies -----------------------------------------------------
source_version() { dpkg-query -W -f='${source:Version}' "$1"; }
compiler="g++-mingw-w64-x86-64-posix $(dpkg-query -W -f='${Version}' g++-mingw-w64-x86-64-posix)"

mkdir -p "$prefix" "$cache/stamps" "$cache/logs"
# One setup at a time per cache (two shells, CI jobs sharing a machine).
exec 9>"$cache/.lock"
flock 9

# current NAME KEY: true when NAME was built with exactly KEY.
current() { [ "$(cat "$cache/stamps/$1" 2>/dev/null)" = "$2" ]; }
stamp() { echo "$2" >"$cache/stamps/$1"; }

# run_logged NAME COMMAND...: runs quietly into logs/NAME.log; on failure shows its end.
run_logged() {
  local name=$1
  shift
  if ! "$@" >>"$cache/logs/$name.log" 2>&1; then
    tail -n 40 "$cache/logs/$name.log" >&2
    say "building $name failed (full log: $cache/logs/$name.log)"
    exit 1
  fi
}

# A deb-src twin of every Debian entry in the machine's own apt sources (those
# whose suite is this release's codename or codename-*; third-party sources
# often publish no sources). Written once; nothing here names a host.
deb_src_file=/etc/apt/sources.list.d/tpserve-deb-src.sources
ensure_deb_src() {
  if [ -n "$(apt-cache showsrc yaml-cpp 2>/dev/null | head -n 1)" ]; then return 0; fi
  local codename
  # shellcheck disable=SC1091
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  [ -n "$codename" ] || { say "no VERSION_CODENAME in /etc/os-release"; exit 1; }
  if [ ! -f "$deb_src_file" ]; then
    local files=() entries
    [ -f /etc/apt/sources.list ] && files+=(/etc/apt/sources.list)
    for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
      [ -f "$f" ] && [ "$f" != "$deb_src_file" ] && files+=("$f")
    done
    entries=$(awk -v codename="$codename" '
      function debian_suites(list,   n, i, parts, out) {
        n = split(list, parts, /[ \t]+/); out = ""
        for (i = 1; i <= n; i++)
          if (parts[i] == codename || index(parts[i], codename "-") == 1)
            out = out (out == "" ? "" : " ") parts[i]
        return out
      }
      function flush(   s) {
        if (types ~ /(^|[ \t])deb([ \t]|$)/ && enabled != "no" && uris != "") {
          s = debian_suites(suites)
          if (s != "") {
            printf "Types: deb-src\nURIs: %s\nSuites: %s\nComponents: %s\n", uris, s, comps
            if (signed != "") printf "Signed-By: %s\n", signed
            printf "\n"
          }
        }
        types = uris = suites = comps = signed = enabled = ""
      }
      FNR == 1 { flush() }
      FILENAME ~ /\.sources$/ {
        if ($0 ~ /^[ \t]*$/) { flush(); next }
        if ($0 ~ /^#/) next
        key = tolower($1); sub(/:$/, "", key)
        value = $0; sub(/^[^:]*:[ \t]*/, "", value)
        if (key == "types") types = value
        else if (key == "uris") uris = value
        else if (key == "suites") suites = value
        else if (key == "components") comps = value
        else if (key == "signed-by") signed = value
        else if (key == "enabled") enabled = tolower(value)
        next
      }
      # one-line format: deb [options] uri suite components...
      $1 == "deb" {
        line = $0; sub(/^deb[ \t]+/, "", line); opts = ""
        if (line ~ /^\[/) {
          opts = substr(line, 2, index(line, "]") - 2)
          line = substr(line, index(line, "]") + 1); sub(/^[ \t]+/, "", line)
        }
        n = split(line, w, /[ \t]+/)
        types = "deb"; uris = w[1]; suites = w[2]; comps = ""
        for (i = 3; i <= n; i++) comps = comps (comps == "" ? "" : " ") w[i]
        if (match(opts, /signed-by=[^ \t]+/)) signed = substr(opts, RSTART + 10, RLENGTH - 10)
        flush()
      }
      END { flush() }
    ' "${files[@]}")
    if [ -z "$entries" ]; then
      say "no Debian $codename entry in the apt sources to derive a deb-src entry from"
      exit 1
    fi
    say "adding source package entries ($deb_src_file)"
    # shellcheck disable=SC2016
    printf '# Written by tpserve scripts/setup-windows.sh: deb-src twins of this\n# machine'"'"'s Debian sources, for `apt-get source`.\n\n%s\n' "$entries" |
      "${as_root[@]}" tee "$deb_src_file" >/dev/null
  fi
  apt_get update -qq
  if [ -z "$(apt-cache showsrc yaml-cpp 2>/dev/null | head -n 1)" ]; then
    say "apt still knows no source packages after adding $deb_src_file"
    exit 1
  fi
}

# fetch_source PACKAGE VERSION DIR [--download-only]: the installed version if
# the archive still has it, else the archive's current one.
fetch_source() {
  local package=$1 version=$2 dir=$3
  shift 3
  mkdir -p "$dir"
  (cd "$dir" && { apt-get source -qq "$@" "$package=$version" || apt-get source -qq "$@" "$package"; })
}

work=$cache/work
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

# yaml-cpp: the library and its CMake package (target yaml-cpp).
yaml_version=$(source_version libyaml-cpp-dev)
yaml_key="$yaml_version $compiler"
if ! current yaml-cpp "$yaml_key"; then
  say "building yaml-cpp $yaml_version for MinGW into $prefix"
  rm -rf "$work" && : >"$cache/logs/yaml-cpp.log"
  ensure_deb_src
  run_logged yaml-cpp fetch_source yaml-cpp "$yaml_version" "$work/src"
  yaml_src=$(find "$work/src" -mindepth 1 -maxdepth 1 -type d -name 'yaml-cpp-*' | head -n 1)
  run_logged yaml-cpp cmake -S "$yaml_src" -B "$work/build" -G Ninja \
    -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DTPSERVE_MINGW_PREFIX="$prefix" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" \
    -DYAML_BUILD_SHARED_LIBS=OFF -DYAML_CPP_BUILD_TESTS=OFF \
    -DYAML_CPP_BUILD_TOOLS=OFF -DYAML_CPP_BUILD_CONTRIB=OFF
  run_logged yaml-cpp cmake --build "$work/build" --target install
  rm -rf "$work"
  stamp yaml-cpp "$yaml_key"
fi

# Boost.Program_options: Debian's own /usr/include/boost headers (the version
# the Linux build uses), seen through a directory that holds nothing but a
# `boost` symlink: -I/usr/include would put glibc's headers before MinGW's.
# Only the 11 sources of libs/program_options/src are extracted and compiled.
# The versioned package (libboost-program-options1.74-dev, source boost1.74)
# that the unversioned -dev package of scripts/setup.sh pulled in.
read -r boost_source boost_version < <(dpkg-query -W \
  -f='${db:Status-Abbrev} ${source:Package} ${source:Version}\n' \
  'libboost-program-options1.*-dev' 2>/dev/null | awk '$1 == "ii" { print $2, $3 }' | sort -V |
  tail -n 1) || true
[ -n "${boost_version:-}" ] || { say "libboost-program-options-dev is not installed"; exit 1; }
boost_upstream=${boost_version%%+*}
boost_upstream=${boost_upstream#*:}
boost_key="$boost_version $compiler"
if ! current boost-program-options "$boost_key"; then
  say "building Boost.Program_options $boost_upstream for MinGW into $prefix"
  rm -rf "$work" && : >"$cache/logs/boost-program-options.log"
  ensure_deb_src
  run_logged boost-program-options fetch_source "$boost_source" "$boost_version" "$work/src" \
    --download-only
  orig=$(find "$work/src" -maxdepth 1 -name '*.orig.tar.*' | head -n 1)
  run_logged boost-program-options tar -xf "$orig" -C "$work/src" --wildcards \
    '*/libs/program_options/src/*'
  mkdir -p "$prefix/boost/include" "$prefix/lib" "$work/obj"
  ln -sfn /usr/include/boost "$prefix/boost/include/boost"
  jobs=$(nproc 2>/dev/null || echo 2)
  # shellcheck disable=SC2016
  find "$work/src" -path '*/libs/program_options/src/*.cpp' -print0 |
    xargs -0 -P "$jobs" -I{} sh -c 'exec "$0" -std=c++17 -O2 -DNDEBUG -DBOOST_ALL_NO_LIB \
      -isystem "$1" -c "$2" -o "$3/$(basename "$2" .cpp).o" >>"$4" 2>&1' \
      "$triplet-g++-posix" "$prefix/boost/include" {} "$work/obj" \
      "$cache/logs/boost-program-options.log" ||
    { tail -n 40 "$cache/logs/boost-program-options.log" >&2; say "building Boost failed"; exit 1; }
  rm -f "$prefix/lib/libboost_program_options.a"
  run_logged boost-program-options "$triplet-ar" rcs "$prefix/lib/libboost_program_options.a" \
    "$work/obj"/*.o
  # A CMake package, so find_package(Boost COMPONENTS program_options) in
  # CMakeLists.txt finds this build in config mode, as it finds Debian's on Linux.
  config_dir=$prefix/lib/cmake/Boost-$boost_upstream
  mkdir -p "$config_dir"
  cat >"$config_dir/BoostConfigVersion.cmake" <<EOF
set(PACKAGE_VERSION "$boost_upstream")
if(PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION)
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
else()
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
  if(PACKAGE_FIND_VERSION STREQUAL PACKAGE_VERSION)
    set(PACKAGE_VERSION_EXACT TRUE)
  endif()
endif()
EOF
  cat >"$config_dir/BoostConfig.cmake" <<'EOF'
# Written by tpserve scripts/setup-windows.sh: Boost.Program_options built with
# MinGW against Debian's Boost headers (include/ holds only a `boost` symlink).
get_filename_component(_tpserve_boost_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
set(Boost_VERSION "${PACKAGE_VERSION}")
if(NOT Boost_VERSION)
  include("${CMAKE_CURRENT_LIST_DIR}/BoostConfigVersion.cmake")
  set(Boost_VERSION "${PACKAGE_VERSION}")
endif()
set(Boost_INCLUDE_DIRS "${_tpserve_boost_prefix}/boost/include")
if(NOT TARGET Boost::headers)
  add_library(Boost::headers INTERFACE IMPORTED)
  set_target_properties(Boost::headers PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${Boost_INCLUDE_DIRS}"
    INTERFACE_COMPILE_DEFINITIONS "BOOST_ALL_NO_LIB")
  add_library(Boost::boost ALIAS Boost::headers)
endif()
if(NOT TARGET Boost::program_options)
  add_library(Boost::program_options STATIC IMPORTED)
  set_target_properties(Boost::program_options PROPERTIES
    IMPORTED_LOCATION "${_tpserve_boost_prefix}/lib/libboost_program_options.a"
    INTERFACE_LINK_LIBRARIES Boost::headers)
endif()
set(Boost_program_options_FOUND TRUE)
set(Boost_LIBRARIES Boost::program_options)
foreach(_tpserve_component IN LISTS Boost_FIND_COMPONENTS)
  if(NOT _tpserve_component STREQUAL "program_options")
    set(Boost_${_tpserve_component}_FOUND FALSE)
    if(Boost_FIND_REQUIRED_${_tpserve_component})
      set(Boost_FOUND FALSE)
      set(Boost_NOT_FOUND_MESSAGE "only program_options is built for MinGW")
    endif()
  endif()
endforeach()
EOF
  rm -rf "$work"
  stamp boost-program-options "$boost_key"
fi

# GoogleTest and GMock from Debian's /usr/src/googletest.
gtest_version=$(source_version libgtest-dev)
gtest_key="$gtest_version $compiler"
if ! current googletest "$gtest_key"; then
  say "building GoogleTest $gtest_version for MinGW into $prefix"
  rm -rf "$work" && : >"$cache/logs/googletest.log"
  run_logged googletest cmake -S /usr/src/googletest -B "$work/build" -G Ninja \
    -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DTPSERVE_MINGW_PREFIX="$prefix" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" \
    -DBUILD_GMOCK=ON -DINSTALL_GTEST=ON -DBUILD_SHARED_LIBS=OFF
  run_logged googletest cmake --build "$work/build" --target install
  rm -rf "$work"
  stamp googletest "$gtest_key"
fi

# --- 3. Wine prefix ------------------------------------------------------------
# Headless: no DISPLAY, and no Mono/Gecko installers (mscoree, mshtml disabled).
if [ ! -f "$wineprefix/system.reg" ]; then
  say "creating the Wine prefix $wineprefix"
  mkdir -p "$wineprefix"
  : >"$cache/logs/wineboot.log"
  run_logged wineboot env -u DISPLAY WINEPREFIX="$wineprefix" WINEDEBUG=-all \
    WINEDLLOVERRIDES="mscoree,mshtml=" "$wine" wineboot -i
  # wineboot returns before the registry is flushed: wait for the server to go.
  run_logged wineboot env WINEPREFIX="$wineprefix" /usr/lib/wine/wineserver -w
fi
