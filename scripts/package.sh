#!/usr/bin/env bash
# Builds the Debian package: scripts/package.sh deb
#   -> build/packages/tpserve_<version>_<arch>.deb (+ tpserve-dbgsym_*.deb,
#      .buildinfo and .changes)
# With dpkg-buildpackage and debhelper (packaging/debian/rules says why
# rather than cpack) from a copy of the source tree in
# build/packages/src/tpserve-<version> (git's tracked and untracked,
# not ignored, files: the work tree as it is, never build/), to which
# packaging/debian becomes debian/ and packaging/systemd's units are added.
# The version is CMakeLists.txt's project version, which must be the one of
# packaging/debian/changelog. Installs the build tools if missing
# (scripts/setup.sh --package). Off a terminal, quiet unless it fails
# (then the build log's tail). Prints the .deb's path.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ "${1:-}" != deb ] || [ $# -ne 1 ]; then
  echo "usage: scripts/package.sh deb" >&2
  exit 2
fi

"$root/scripts/setup.sh" --package

version=$(sed -n 's/^project(tpserve VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
changelog_version=$(dpkg-parsechangelog -l "$root/packaging/debian/changelog" -S Version)
if [ "$version" != "$changelog_version" ]; then
  echo "package.sh: CMakeLists.txt says $version, packaging/debian/changelog $changelog_version:" \
    "add a changelog entry (dch -v $version)" >&2
  exit 1
fi

out=$root/build/packages
stage=$out/src/tpserve-$version
# The same path every time, so ccache (scripts: CCACHE_BASEDIR) hits.
rm -rf "$stage"
mkdir -p "$stage"
(
  cd "$root"
  git ls-files -z --cached --others --exclude-standard -- . ':!build' ':!packaging/debian' |
    while IFS= read -r -d '' file; do
      [ -e "$file" ] && printf '%s\0' "$file" # a deleted, not yet committed file
    done |
    tar --null -T - -cf - | tar -xf - -C "$stage"
)
cp -r "$root/packaging/debian" "$stage/debian"
cp "$root/packaging/systemd/tpserve.service" "$root/packaging/systemd/tpserve.socket" "$stage/debian/"

arch=$(dpkg --print-architecture)
rm -f "$out"/tpserve_*"_$arch".{deb,buildinfo,changes} "$out"/tpserve-dbgsym_*"_$arch".deb
log=$out/package-build.log
if ! (cd "$stage" && dpkg-buildpackage -b -us -uc --jobs=auto) >"$log" 2>&1; then
  tail -40 "$log" >&2
  echo "package.sh: dpkg-buildpackage failed (whole log: $log)" >&2
  exit 1
fi
for file in "$out"/src/tpserve_"$version"_"$arch".{deb,buildinfo,changes} \
  "$out"/src/tpserve-dbgsym_"$version"_"$arch".deb; do
  [ -e "$file" ] && mv "$file" "$out/"
done
echo "$out/tpserve_${version}_$arch.deb"
