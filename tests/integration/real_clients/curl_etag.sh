#!/bin/sh
# Real-client checks with curl against a running tpserve (started by
# RealClientsTest.cpp):
#   1. a download saving its ETag (--etag-save), then a revalidation with
#      --etag-compare that must get 304 and no body;
#   2. a download cut short and resumed with `curl -C -` (a Range request),
#      which must get 206 and end up byte-identical to the file.
# usage: curl_etag.sh URL WORKDIR EXPECTED_FILE
#   URL            the file's URL, e.g. http://127.0.0.1:8080/big.bin
#   WORKDIR        an empty scratch directory
#   EXPECTED_FILE  the file as it is on disk, to compare with
# Exits 0 when every check passes; says which one failed otherwise.
set -euf  # -f: no globbing, so the "*" of --noproxy stays literal

url=$1
work=$2
expected=$3
curl_opts="--silent --show-error --max-time 20 --noproxy *"

fail() {
  echo "curl_etag.sh: FAIL: $*" >&2
  exit 1
}

# 1. ETag round trip.
code=$(curl $curl_opts --etag-save "$work/etag" -o "$work/full" -w '%{http_code}' "$url")
[ "$code" = 200 ] || fail "first download: HTTP $code, expected 200"
[ -s "$work/etag" ] || fail "--etag-save saved no ETag"
cmp -s "$work/full" "$expected" || fail "the download differs from the file"
echo "etag: $(cat "$work/etag")"

code=$(curl $curl_opts --etag-compare "$work/etag" -o "$work/again" -w '%{http_code}' "$url")
[ "$code" = 304 ] || fail "revalidation with --etag-compare: HTTP $code, expected 304"
if [ -s "$work/again" ]; then
  fail "the 304 came with a body ($(wc -c <"$work/again") bytes)"
fi

# A changed ETag (what a client holds after the file changed) must get 200.
printf '"not-the-etag"\n' >"$work/old-etag"
code=$(curl $curl_opts --etag-compare "$work/old-etag" -o "$work/fresh" -w '%{http_code}' "$url")
[ "$code" = 200 ] || fail "--etag-compare with another ETag: HTTP $code, expected 200"
cmp -s "$work/fresh" "$expected" || fail "the 200 after a stale ETag differs from the file"

# 2. Resume a cut-short download.
head -c 1000 "$expected" >"$work/partial"
code=$(curl $curl_opts -C - -o "$work/partial" -w '%{http_code}' "$url")
[ "$code" = 206 ] || fail "resume with -C -: HTTP $code, expected 206"
cmp -s "$work/partial" "$expected" || fail "the resumed download differs from the file"

# Resuming a complete file: 416 (nothing left), and the file stays intact.
code=$(curl $curl_opts -C - -o "$work/partial" -w '%{http_code}' "$url" 2>/dev/null || true)
[ "$code" = 416 ] || fail "resume of a complete download: HTTP $code, expected 416"
cmp -s "$work/partial" "$expected" || fail "resuming a complete download changed it"

echo "curl_etag.sh: all checks passed"
