#!/usr/bin/env bash
# Validates deploy/kubernetes/ offline (validate.mjs: the Kubernetes schemas
# from the npm package kubernetes-models, pinned by package-lock.json, and
# the checks across objects), shows that broken manifests are rejected, and
# checks the ConfigMap's tpserve.yaml with the build's `tpserve --check-config`.
# Usage: tests/tools/k8s-validate/run.sh TPSERVE_BINARY
# Needs node and npm (scripts/setup.sh --k8s); `npm ci` fetches the pinned
# packages from the configured npm registry into node_modules/ here.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
manifests=$root/deploy/kubernetes

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
  sed -n '6s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
  exit 2
fi
tpserve=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "k8s-validate: needs node and npm: scripts/setup.sh --k8s" >&2
  exit 1
fi

work=$(mktemp -d /tmp/tpserve-k8s.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() {
  echo "k8s-validate: FAIL: $*" >&2
  exit 1
}

(cd "$here" && timeout 300 npm ci --no-audit --no-fund --loglevel=error >"$work/npm.log" 2>&1) ||
  fail "npm ci: $(cat "$work/npm.log")"
validate() { (cd "$here" && timeout 60 node validate.mjs "$@"); }

# 1. The manifests as shipped.
validate --extract-config "$work/tpserve.yaml" "$manifests"/*.yaml

# 2. Each broken variant must be rejected, for the reason given: a schema type
#    error, a missing required field, a misspelt field (strict.mjs), and two
#    errors only the checks across objects see. A variant whose edit matched nothing fails the test.
reject() {
  local name=$1 edit=$2 file=$3 reason=$4
  mkdir -p "$work/$name"
  cp "$manifests"/*.yaml "$work/$name/"
  sed -i -e "$edit" "$work/$name/$file"
  cmp -s "$manifests/$file" "$work/$name/$file" && fail "$name: the edit '$edit' changed nothing"
  if validate "$work/$name"/*.yaml >"$work/$name.log" 2>&1; then
    fail "$name: the broken manifests were accepted"
  fi
  grep -qF -- "$reason" "$work/$name.log" || fail "$name: rejected, but not for '$reason': $(cat "$work/$name.log")"
  echo "k8s-validate: rejected $name: $(grep -F -- "$reason" "$work/$name.log" | head -1 | sed -e "s/^k8s-validate: //" -e "s|$work/||")"
}
reject replicas-string 's/replicas: 2 /replicas: "two" /' deployment.yaml "/spec/replicas must be integer"
reject no-containers 's/^      containers:/      containerz:/' deployment.yaml "must have required property containers"
reject misspelt-field 's/readinessProbe:/readinesProbe:/' deployment.yaml "containers[0].readinesProbe: unknown field"
reject grace-too-short 's/terminationGracePeriodSeconds: 30/terminationGracePeriodSeconds: 12/' deployment.yaml \
  "terminationGracePeriodSeconds 12 <= preStop"
reject service-admin-port 's/targetPort: http/targetPort: admin/' service.yaml "Service: exposes the admin port"

# 3. The ConfigMap's tpserve.yaml is a valid tpserve configuration. Its root,
#    /srv/www, exists in the image only: the repository's www/ stands in.
check_config() {
  "$tpserve" --check-config --config "$1" --root "$root/www" >"$work/check.out" 2>&1
}
checked="the ConfigMap's tpserve.yaml"
passed=$work/tpserve.yaml
if ! check_config "$work/tpserve.yaml"; then
  # A build without the admin listener (issue 17 item 3) knows no `admin`
  # key: that one refusal is reported, and the rest is still checked.
  grep -q "unknown key 'admin'" "$work/check.out" ||
    fail "tpserve --check-config refuses the ConfigMap's tpserve.yaml: $(cat "$work/check.out")"
  echo "k8s-validate: NOTE: this tpserve has no admin listener ('admin' is an unknown key); checking without it"
  awk '/^admin:/ { skip = 1; next } skip && /^[[:space:]]/ { next } { skip = 0; print }' \
    "$work/tpserve.yaml" >"$work/no-admin.yaml"
  check_config "$work/no-admin.yaml" ||
    fail "tpserve --check-config refuses the ConfigMap's tpserve.yaml: $(cat "$work/check.out")"
  checked="the ConfigMap's tpserve.yaml without 'admin'"
  passed=$work/no-admin.yaml
fi
echo "k8s-validate: $checked passes tpserve --check-config ($(grep -o 'I/O engine [a-z_]*' "$work/check.out" | head -1))"
# ... and a broken one is refused (so this check can fail).
sed 's/^workers: 2$/workers: two/' "$passed" >"$work/broken.yaml"
cmp -s "$passed" "$work/broken.yaml" && fail "broken config: the edit changed nothing"
check_config "$work/broken.yaml" && fail "tpserve --check-config accepted workers: two"
grep -q "broken.yaml:[0-9]*:[0-9]*: .*workers" "$work/check.out" ||
  fail "workers: two refused without file:line:column: $(cat "$work/check.out")"
echo "k8s-validate: workers: two refused: $(head -1 "$work/check.out" | sed "s|$work/||")"
echo "k8s-validate: PASS"
