#!/usr/bin/env python3
"""Send the same raw HTTP requests to nginx and tpserve and tabulate the differences.

Creates a temporary document root, starts nginx (nginx.conf.in beside this
file) and tpserve (TPSERVE_YAML below) on loopback ports as the current user,
runs every case in CASES against both over raw sockets (so every byte sent is
under our control), stops both servers (also on errors, Ctrl+C and SIGTERM)
and prints a table of status + key headers per server and whether they agree.

Differences are findings, not failures: the exit status is 0 whenever the
comparison ran, 1 when it could not (a server did not start, deadline hit).
Standard library only. See README.md beside this file.
"""

import argparse
import concurrent.futures
import ctypes
import gzip
import hashlib
import json
import os
import posixpath
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from email.utils import format_datetime, parsedate_to_datetime
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))

# Every file and directory of the document root gets this mtime, so both
# servers compute the same Last-Modified and the date-based cases are exact.
MTIME = datetime(2024, 3, 1, 12, 0, 0, tzinfo=timezone.utc)

# Relative path -> content of every file make_docroot() wrote; bodies and
# ranges are checked against it, so a server that agrees with the other on a
# wrong answer is still caught.
FILES = {}

TPSERVE_YAML = """\
# tpserve side of tests/tools/nginx-compare (the twin of nginx.conf.in)
listen: ["127.0.0.1:{port}"]
workers: 1
root: {root}
index: [index.html]
serve_hidden: false
listing: false
error_pages: {{404: /errors/404.html}}
precompressed: {{enabled: true}}
headers:
  - match: "*"
    set: {{X-Content-Type-Options: nosniff}}
  - match: "*.{{css,js}}"
    max_age: 7d
limits:
  max_ranges: 16
  keepalive_requests: 1000
log:
  access: {tmp}/tpserve-access.log
  error: {tmp}/tpserve-error.log
sites:
  - hosts: [localhost]
    default: true
  - hosts: [list.test]
    listing: true
"""

# Response fields compared, in table order. "closed" is observed, not a
# header: whether the server closed the connection after its last response.
FIELDS = ["status", "Content-Length", "Content-Type", "Content-Range", "Content-Encoding",
          "Vary", "Location", "Allow", "Cache-Control", "Expires", "ETag", "Last-Modified",
          "Accept-Ranges", "X-Content-Type-Options", "Transfer-Encoding", "Connection",
          "closed", "interim", "body"]
SHORT = {"Content-Length": "CL", "Content-Type": "CT", "Content-Range": "CR",
         "Content-Encoding": "CE", "Location": "Loc", "Cache-Control": "CC",
         "Expires": "Exp", "Last-Modified": "LM", "Accept-Ranges": "AR",
         "X-Content-Type-Options": "XCTO", "Transfer-Encoding": "TE",
         "Connection": "Conn", "interim": "1xx"}
# Shown in the table only when they differ (they are in the details anyway).
QUIET = {"Last-Modified", "Accept-Ranges", "X-Content-Type-Options", "Expires"}
# A difference only in these leaves the verdict "same (minor: ...)": they do
# not change what a client or cache does with the response.
MINOR = {"Accept-Ranges", "Transfer-Encoding"}


# --------------------------------------------------------------------------
# Document root


def make_docroot(root):
    body = b"".join(b"line %03d of text.txt: 0123456789abcdefg\n" % i for i in range(25))
    assert len(body) == 1000
    css = b"".join(b".rule-%03d { color: #%06x; margin: 0 }\n" % (i, i * 4099) for i in range(60))
    files = {
        "index.html": b"<!DOCTYPE html>\n<title>home</title>\n<p>root index</p>\n",
        "text.txt": body,
        "data.bin": bytes(range(256)) * 64,
        "style.css": css,
        "style.css.gz": gzip.compress(css, mtime=0),
        "withindex/index.html": b"<!DOCTYPE html>\n<title>withindex</title>\n",
        "noindex/a.txt": b"a\n",
        "noindex/b c.txt": b"file name with a space\n",
        "noindex/<script>.html": b"<!DOCTYPE html>\n<title>escaped?</title>\n",
        "noindex/.secret": b"hidden in a listed directory\n",
        "noindex/sub/deep.txt": b"deep\n",
        ".hidden": b"hidden file\n",
        ".git/config": b"[core]\n",
        "errors/404.html": b"<!DOCTYPE html>\n<title>custom 404</title>\n<p>custom not found</p>\n",
    }
    for rel, data in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    stamp = MTIME.timestamp()
    for dirpath, dirnames, filenames in os.walk(root, topdown=False):
        for name in filenames + dirnames:
            os.utime(os.path.join(dirpath, name), (stamp, stamp))
    os.utime(root, (stamp, stamp))
    return files


# --------------------------------------------------------------------------
# Servers


def set_pdeathsig():
    """Runs in the child: die with the driver even if it is SIGKILLed."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, name, argv, port, stderr_path):
        self.name, self.argv, self.port, self.stderr_path = name, argv, port, stderr_path
        self.proc = None

    def start(self, wait=10.0):
        with open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=err,
                                         preexec_fn=set_pdeathsig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited with %s before listening:\n%s"
                                   % (self.name, self.proc.returncode, self.stderr()))
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("%s did not listen on port %d within %.0f s:\n%s"
                           % (self.name, self.port, wait, self.stderr()))

    def stderr(self):
        try:
            with open(self.stderr_path, errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)


# --------------------------------------------------------------------------
# Raw HTTP client


class Response:
    def __init__(self):
        self.version = self.reason = ""
        self.status = None
        self.headers = []  # [(name, value)] in order received
        self.body = b""
        self.interim = []  # 1xx statuses before this response

    def get(self, name):
        values = [v for n, v in self.headers if n.lower() == name.lower()]
        return ", ".join(values) if values else None


class Reader:
    def __init__(self, sock, deadline):
        self.sock, self.deadline, self.buf, self.eof = sock, deadline, b"", False

    def fill(self):
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        self.sock.settimeout(remaining)
        data = self.sock.recv(65536)
        if not data:
            self.eof = True
            raise EOFError
        self.buf += data

    def until(self, marker):
        while marker not in self.buf:
            self.fill()
        head, self.buf = self.buf.split(marker, 1)
        return head

    def take(self, n):
        while len(self.buf) < n:
            self.fill()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def rest(self):
        try:
            while True:
                self.fill()
        except EOFError:
            pass
        data, self.buf = self.buf, b""
        return data


def read_response(reader, method, interim_only=False):
    """One final response (1xx interim ones are recorded on it)."""
    resp = Response()
    while True:
        head = reader.until(b"\r\n\r\n").decode("latin-1")
        lines = head.split("\r\n")
        parts = lines[0].split(" ", 2)
        resp.version, resp.status = parts[0], int(parts[1])
        resp.reason = parts[2] if len(parts) > 2 else ""
        resp.headers = [(n.strip(), v.strip()) for n, v in
                        (line.split(":", 1) for line in lines[1:] if ":" in line)]
        if 100 <= resp.status < 200:
            resp.interim.append(resp.status)
            if interim_only:
                return resp
            continue
        break
    te = (resp.get("Transfer-Encoding") or "").lower()
    if method == "HEAD" or resp.status in (204, 304):
        return resp
    if "chunked" in te:
        chunks = []
        while True:
            size = int(reader.until(b"\r\n").split(b";")[0], 16)
            if size == 0:
                while reader.until(b"\r\n"):  # trailer fields, then the empty line
                    pass
                break
            chunks.append(reader.take(size))
            reader.take(2)
        resp.body = b"".join(chunks)
    elif resp.get("Content-Length") is not None:
        resp.body = reader.take(int(resp.get("Content-Length").split(",")[0]))
    else:
        resp.body = reader.rest()
    return resp


class Outcome:
    def __init__(self):
        self.responses = []
        self.closed = ""
        self.error = ""


def run_case(case, port, subs, timeout):
    out = Outcome()
    deadline = time.monotonic() + timeout
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    except OSError as e:
        out.error = "connect: %s" % e
        return out
    with sock:
        reader = Reader(sock, deadline)
        requests = [r(subs) if callable(r) else r for r in case.requests]
        try:
            if case.expect_body is not None:
                # Send the head and give the server a second to say 100
                # Continue; then send the body (after the second anyway, as
                # curl does), or none if a final response came instead.
                sock.sendall(requests[0])
                reader.deadline = time.monotonic() + 1.0
                first = None
                try:
                    first = read_response(reader, method_of(requests[0]), interim_only=True)
                except TimeoutError:
                    pass
                reader.deadline = deadline
                if first is not None and first.interim:
                    sock.sendall(case.expect_body)
                    final = read_response(reader, method_of(requests[0]))
                    final.interim = first.interim
                    out.responses.append(final)
                elif first is not None:
                    out.responses.append(first)  # a final response straight away
                else:
                    sock.sendall(case.expect_body)
                    out.responses.append(read_response(reader, method_of(requests[0])))
            else:
                sock.sendall(b"".join(requests))
                for raw in requests:
                    out.responses.append(read_response(reader, method_of(raw)))
        except TimeoutError:
            out.error = "timeout"
        except EOFError:
            out.error = "closed before a complete response"
        except (OSError, ValueError, IndexError) as e:
            out.error = "%s: %s" % (type(e).__name__, e)
        if out.error:
            out.closed = "closed" if reader.eof else "?"
            return out
        # Did the server keep the connection? A short wait tells on loopback.
        reader.deadline = time.monotonic() + case.close_wait
        try:
            reader.fill()
            out.closed = "extra bytes: %r" % reader.buf[:40]
        except EOFError:
            out.closed = "closed"
        except TimeoutError:
            out.closed = "open"
        except OSError:
            out.closed = "closed"  # reset
    return out


def method_of(raw):
    return raw.split(b" ", 1)[0].decode("latin-1")


# --------------------------------------------------------------------------
# Cases


class Case:
    def __init__(self, name, requests, body="auto", expect_body=None, close_wait=0.25):
        self.name = name
        self.requests = requests if isinstance(requests, list) else [requests]
        self.body = body  # auto | exact | listing | ignore
        self.expect_body = expect_body
        self.close_wait = close_wait

    def describe(self, max_len=70):
        """The request line(s) and the fields that matter, for the table."""
        shown = []
        for r in self.requests:
            raw = r(PLACEHOLDERS) if callable(r) else r
            text = raw.decode("latin-1")
            head = text.split("\r\n\r\n")[0].split("\r\n")
            line = head[0]
            hosts = [h for h in head[1:] if h.lower().startswith("host:")]
            # The usual "Host: localhost" is implied; any other Host is shown.
            extra = [h for h in head[1:] if not (hosts == [h] and h.lower() == "host: localhost")]
            extra = [h if len(h) < 60 else h[:30] + "...(%d bytes)" % len(h) for h in extra]
            if len(line) > 60:
                line = line[:40] + "...(%d bytes)" % len(line)
            shown.append("; ".join([line] + extra[:4] + (["+%d fields" % (len(extra) - 4)]
                                                          if len(extra) > 4 else [])))
        return " || ".join(shown)


# What the table shows for the per-server values baseline() learns.
PLACEHOLDERS = {"etag": '"ETAG"', "etag_gz": '"ETAG-GZ"'}


def http_date(dt):
    return format_datetime(dt.astimezone(timezone.utc), usegmt=True)


def req(method, target, headers=(), version="HTTP/1.1", host="localhost", body=b""):
    """A request, or a function of the per-server placeholders when it uses {etag} etc."""
    def build(subs):
        lines = ["%s %s %s" % (method, target, version)]
        if host is not None:
            lines.append("Host: " + host)
        lines += [h.format(**subs) for h in headers]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
    if any("{" in h for h in headers):
        return build
    return build({})


def cases():
    lm = http_date(MTIME)
    older = http_date(MTIME - timedelta(days=1))
    newer = http_date(MTIME + timedelta(days=1))
    rfc850 = MTIME.strftime("%A, %d-%b-%y %H:%M:%S GMT")
    asctime = MTIME.strftime("%a %b ") + "%2d" % MTIME.day + MTIME.strftime(" %H:%M:%S %Y")
    many16 = ",".join("%d-%d" % (i * 10, i * 10) for i in range(16))
    many17 = ",".join("%d-%d" % (i * 10, i * 10) for i in range(17))
    t = "/text.txt"
    R = lambda spec, *h, **kw: req("GET", t, ("Range: " + spec,) + h, **kw)  # noqa: E731
    return [
        # --- plain GET/HEAD
        Case("get-text", req("GET", t)),
        Case("head-text", req("HEAD", t)),
        Case("get-binary", req("GET", "/data.bin")),
        Case("get-index", req("GET", "/")),
        Case("get-query", req("GET", t + "?v=1&x")),
        Case("get-pct-encoded", req("GET", "/%74ext.txt")),
        Case("http10-get", req("GET", t, version="HTTP/1.0", host=None)),
        # --- ranges
        Case("range-single", R("bytes=0-99")),
        Case("range-suffix", R("bytes=-100")),
        Case("range-open", R("bytes=900-")),
        Case("range-past-end", R("bytes=990-5000")),
        Case("range-suffix-huge", R("bytes=-5000")),
        Case("range-multi", R("bytes=0-9,20-29,40-49")),
        Case("range-overlap", R("bytes=0-99,50-149")),
        Case("range-adjacent", R("bytes=0-9,10-19")),
        Case("range-close", R("bytes=0-9,12-20")),
        Case("range-reverse", R("bytes=500-599,0-99")),
        Case("range-one-unsatisfiable", R("bytes=0-9,5000-6000")),
        Case("range-out-of-range", R("bytes=5000-6000")),
        Case("range-at-size", R("bytes=1000-")),
        Case("range-malformed", R("bytes=abc")),
        Case("range-inverted", R("bytes=5-2")),
        Case("range-part-malformed", R("bytes=0-9,x-y")),
        Case("range-unknown-unit", R("items=0-5")),
        Case("range-16", R("bytes=" + many16)),
        Case("range-17-too-many", R("bytes=" + many17)),
        Case("range-sum-over-size", R("bytes=0-599,400-999")),
        Case("range-head", req("HEAD", t, ("Range: bytes=0-99",))),
        # --- If-Range
        Case("if-range-etag", R("bytes=0-9", "If-Range: {etag}")),
        Case("if-range-etag-stale", R("bytes=0-9", 'If-Range: "stale"')),
        Case("if-range-etag-weak", R("bytes=0-9", "If-Range: W/{etag}")),
        Case("if-range-date", R("bytes=0-9", "If-Range: " + lm)),
        Case("if-range-date-stale", R("bytes=0-9", "If-Range: " + older)),
        # --- If-None-Match / If-Modified-Since
        Case("inm-match", req("GET", t, ("If-None-Match: {etag}",))),
        Case("inm-weak", req("GET", t, ("If-None-Match: W/{etag}",))),
        Case("inm-list", req("GET", t, ('If-None-Match: "x", {etag}, "y"',))),
        Case("inm-star", req("GET", t, ("If-None-Match: *",))),
        Case("inm-nomatch", req("GET", t, ('If-None-Match: "nope"',))),
        Case("inm-head", req("HEAD", t, ("If-None-Match: {etag}",))),
        Case("ims-equal", req("GET", t, ("If-Modified-Since: " + lm,))),
        Case("ims-rfc850", req("GET", t, ("If-Modified-Since: " + rfc850,))),
        Case("ims-asctime", req("GET", t, ("If-Modified-Since: " + asctime,))),
        Case("ims-older", req("GET", t, ("If-Modified-Since: " + older,))),
        Case("ims-newer", req("GET", t, ("If-Modified-Since: " + newer,))),
        Case("ims-invalid", req("GET", t, ("If-Modified-Since: yesterday",))),
        Case("ims-with-inm-nomatch",
             req("GET", t, ('If-None-Match: "nope"', "If-Modified-Since: " + lm))),
        # --- If-Match / If-Unmodified-Since
        Case("if-match", req("GET", t, ("If-Match: {etag}",))),
        Case("if-match-star", req("GET", t, ("If-Match: *",))),
        Case("if-match-weak", req("GET", t, ("If-Match: W/{etag}",))),
        Case("if-match-fail", req("GET", t, ('If-Match: "nope"',))),
        Case("if-match-fail-inm-match",
             req("GET", t, ('If-Match: "nope"', "If-None-Match: {etag}"))),
        Case("ius-older", req("GET", t, ("If-Unmodified-Since: " + older,))),
        Case("ius-equal", req("GET", t, ("If-Unmodified-Since: " + lm,))),
        # --- precompressed variants (style.css + style.css.gz)
        Case("ae-gzip", req("GET", "/style.css", ("Accept-Encoding: gzip",))),
        Case("ae-gzip-deflate-br", req("GET", "/style.css", ("Accept-Encoding: gzip, deflate, br",))),
        Case("ae-br", req("GET", "/style.css", ("Accept-Encoding: br",))),
        Case("ae-gzip-q0", req("GET", "/style.css", ("Accept-Encoding: gzip;q=0, br",))),
        Case("ae-star", req("GET", "/style.css", ("Accept-Encoding: *",))),
        Case("ae-absent", req("GET", "/style.css")),
        Case("ae-gzip-range", req("GET", "/style.css", ("Accept-Encoding: gzip", "Range: bytes=0-9"))),
        Case("ae-gzip-inm", req("GET", "/style.css", ("Accept-Encoding: gzip",
                                                       "If-None-Match: {etag_gz}"))),
        Case("ae-gzip-head", req("HEAD", "/style.css", ("Accept-Encoding: gzip",))),
        Case("ae-gzip-http10", req("GET", "/style.css", ("Accept-Encoding: gzip",),
                                   version="HTTP/1.0", host=None)),
        Case("ae-gzip-no-variant", req("GET", t, ("Accept-Encoding: gzip",))),
        # --- methods
        Case("options-path", req("OPTIONS", t)),
        Case("options-star", req("OPTIONS", "*")),
        Case("trace", req("TRACE", "/")),
        Case("post", req("POST", t, ("Content-Length: 0",))),
        Case("delete", req("DELETE", t)),
        Case("unknown-method", req("FOO", t)),
        Case("lowercase-method", req("get", t)),
        # --- versions, Host, sites
        Case("http10-no-host", req("GET", t, version="HTTP/1.0", host=None)),
        Case("http11-no-host", req("GET", t, host=None)),
        Case("http11-empty-host", req("GET", t, host="")),
        Case("two-hosts", req("GET", t, ("Host: list.test",))),
        Case("bad-host", req("GET", t, host="bad host")),
        Case("http12", req("GET", t, version="HTTP/1.2")),
        Case("http20", req("GET", t, version="HTTP/2.0")),
        Case("absolute-form", req("GET", "http://list.test/noindex/", host="localhost"),
             body="listing"),
        Case("host-unconfigured", req("GET", "/noindex/", host="unknown.example")),
        Case("host-case-port", req("GET", "/noindex/", host="LIST.TEST:8080"), body="listing"),
        # --- paths, directories, listings
        Case("dir-no-slash", req("GET", "/withindex")),
        Case("dir-no-slash-query", req("GET", "/withindex?a=1")),
        Case("dir-index", req("GET", "/withindex/")),
        Case("dir-no-index", req("GET", "/noindex/")),
        Case("listing-html", req("GET", "/noindex/", host="list.test"), body="listing"),
        Case("listing-json-query", req("GET", "/noindex/?format=json", host="list.test"),
             body="listing"),
        Case("listing-json-accept", req("GET", "/noindex/", ("Accept: application/json",),
                                        host="list.test"), body="listing"),
        Case("listing-no-slash", req("GET", "/noindex", host="list.test")),
        Case("script-file", req("GET", "/noindex/%3Cscript%3E.html")),
        Case("hidden-file", req("GET", "/.hidden")),
        Case("hidden-dir", req("GET", "/.git/config")),
        Case("hidden-in-listed-dir", req("GET", "/noindex/.secret", host="list.test")),
        Case("encoded-traversal", req("GET", "/%2e%2e/%2e%2e/etc/passwd")),
        Case("encoded-dotdot-inside", req("GET", "/noindex/%2e%2e/text.txt")),
        Case("raw-dotdot-inside", req("GET", "/noindex/../text.txt")),
        Case("encoded-slash", req("GET", "/noindex%2fa.txt")),
        Case("nul-byte", req("GET", "/text.txt%00.html")),
        Case("double-slash", req("GET", "//text.txt")),
        Case("double-slash-inner", req("GET", "/withindex//index.html")),
        Case("file-trailing-slash", req("GET", "/text.txt/")),
        Case("404-custom", req("GET", "/missing.txt"), body="exact"),
        Case("404-custom-list-site", req("GET", "/missing/", host="list.test"), body="exact"),
        # --- limits
        Case("uri-9000", req("GET", "/" + "a" * 9000)),
        Case("header-line-9000", req("GET", t, ("X-Big: " + "b" * 9000,))),
        Case("headers-total-20k", req("GET", t, tuple("X-F%d: %s" % (i, "c" * 3990)
                                                      for i in range(5)))),
        Case("header-fields-120", req("GET", t, tuple("X-N%d: v" % i for i in range(120)))),
        # --- connection handling
        Case("expect-100", req("GET", t, ("Content-Length: 5", "Expect: 100-continue")),
             expect_body=b"hello"),
        Case("get-with-body", req("GET", t, ("Content-Length: 5",), body=b"hello")),
        Case("connection-close", req("GET", t, ("Connection: close",))),
        Case("http10-keep-alive", req("GET", t, ("Connection: keep-alive",), version="HTTP/1.0")),
        Case("pipelined", [req("GET", t), req("HEAD", "/data.bin")]),
    ]


# --------------------------------------------------------------------------
# Normalisation and comparison


def etag_kind(value):
    if value is None:
        return "-"
    return "weak" if value.startswith("W/") else "strong"


def parse_multipart(resp):
    """[(Content-Type, Content-Range, data)] of a multipart/byteranges body."""
    ctype = resp.get("Content-Type") or ""
    m = re.search(r'boundary="?([^";]+)"?', ctype)
    if not m:
        return None
    delim = b"--" + m.group(1).encode()
    parts = []
    for chunk in resp.body.split(delim)[1:]:
        if chunk.startswith(b"--"):
            break
        head, _, data = chunk.partition(b"\r\n\r\n")
        fields = {}
        for line in head.decode("latin-1").strip().split("\r\n"):
            if ":" in line:
                n, v = line.split(":", 1)
                fields[n.strip().lower()] = v.strip()
        if data.endswith(b"\r\n"):
            data = data[:-2]
        parts.append((fields.get("content-type"), fields.get("content-range"), data))
    return parts


def summarize_listing(resp):
    ctype = (resp.get("Content-Type") or "").lower()
    if "json" in ctype:
        try:
            items = json.loads(resp.body)
            return "json " + json.dumps(sorted(
                [[i.get("name"), i.get("type"), i.get("size"), i.get("mtime")] for i in items]))
        except (ValueError, AttributeError) as e:
            return "bad json: %s" % e
    text = resp.body.decode("utf-8", "replace")
    hrefs = sorted(set(re.findall(r'href="([^"]*)"', text)))
    # The file "<script>.html" must appear as text, never as markup.
    escaped = "&lt;script&gt;" in text and "<script>" not in text
    return "html hrefs=%s <script>-escaped=%s" % (hrefs, escaped)


def file_for(raw_request, resp):
    """The bytes the response should carry, from the request target, or None."""
    target = raw_request.split(b" ")[1].decode("latin-1")
    if "://" in target:
        target = "/" + target.split("://", 1)[1].partition("/")[2]
    path = posixpath.normpath("/" + urllib.parse.unquote(target.split("?")[0])).lstrip("/")
    for candidate in (path, posixpath.join(path, "index.html")):
        if (resp.get("Content-Encoding") or "").lower() == "gzip":
            candidate += ".gz"
        if candidate in FILES:
            return FILES[candidate]
    return None


def range_ok(content, content_range, data):
    m = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+)", (content_range or "").strip())
    if content is None or not m:
        return False
    first, last, size = map(int, m.groups())
    return size == len(content) and content[first:last + 1] == data


def body_key(case, resp, first_line_method, content):
    if first_line_method == "HEAD" or resp.status in (204, 304):
        return "none" if not resp.body else "unexpected %d bytes" % len(resp.body)
    if case.body == "listing" and resp.status == 200:
        return summarize_listing(resp)
    if case.body == "exact":
        return "%d bytes sha1:%s" % (len(resp.body), hashlib.sha1(resp.body).hexdigest()[:10])
    if case.body == "ignore" or resp.status >= 300:
        return "(own page)"
    if "multipart/byteranges" in (resp.get("Content-Type") or ""):
        parts = parse_multipart(resp)
        if parts is None:
            return "multipart without boundary"
        return "parts " + "; ".join("%s [%s] %d bytes%s" % (
            cr, ct, len(d), "" if range_ok(content, cr, d) else " NOT-THE-FILE'S-BYTES")
            for ct, cr, d in parts)
    if resp.status == 206:
        wrong = not range_ok(content, resp.get("Content-Range"), resp.body)
    else:
        wrong = content is not None and resp.body != content
    return "%d bytes sha1:%s%s" % (len(resp.body), hashlib.sha1(resp.body).hexdigest()[:10],
                                   " NOT-THE-FILE'S-BYTES" if wrong else "")


def normalize(case, resp, raw_request, port):
    """Field -> comparable string for one response."""
    method = method_of(raw_request)
    http11 = raw_request.split(b"\r\n", 1)[0].endswith(b"HTTP/1.1")
    row = {}
    row["status"] = str(resp.status)
    for name in FIELDS[1:-3]:
        value = resp.get(name)
        row[name] = "-" if value is None else value
    ctype = row["Content-Type"]
    if ctype != "-":
        ctype = re.sub(r"\s+", "", ctype.lower())
        ctype = re.sub(r"boundary=[^;]+", "boundary=*", ctype)
        row["Content-Type"] = ctype
    if row["Vary"] != "-":
        row["Vary"] = ", ".join(sorted(t.strip().lower() for t in row["Vary"].split(",")))
    if row["Connection"] != "-":
        tokens = [t.strip().lower() for t in row["Connection"].split(",")]
        # keep-alive is the default between HTTP/1.1 peers (RFC 9112 §9.3):
        # saying it changes nothing, so only other tokens are compared. What
        # the server really does is the observed "closed" field.
        if http11 and resp.version == "HTTP/1.1":
            tokens = [t for t in tokens if t != "keep-alive"]
        row["Connection"] = ", ".join(tokens) or "-"
    row["Location"] = row["Location"].replace(":%d" % port, ":PORT")
    row["ETag"] = etag_kind(resp.get("ETag"))
    if row["Expires"] != "-" and resp.get("Date"):
        try:
            delta = (parsedate_to_datetime(row["Expires"]) - parsedate_to_datetime(resp.get("Date")))
            row["Expires"] = "Date%+ds" % round(delta.total_seconds())
        except (TypeError, ValueError):
            pass
    body = body_key(case, resp, method, file_for(raw_request, resp))
    row["body"] = body
    # The length of a page each server writes itself, or of a multipart body
    # with its own boundary, is not comparable: check the framing is right
    # instead (a Content-Length that matches, or chunked), whichever is used.
    if body == "(own page)" or body.startswith(("parts ", "html ", "json ")):
        cl = resp.get("Content-Length")
        if cl is not None:
            row["Content-Length"] = "ok" if int(cl) == len(resp.body) else "WRONG %s != %d" % (
                cl, len(resp.body))
        elif "chunked" in row["Transfer-Encoding"].lower():
            row["Content-Length"] = "ok"
        row["Transfer-Encoding"] = "-"
    # A generated page's charset parameter says nothing (the built-in pages
    # are ASCII; JSON has no charset parameter, RFC 8259 §11).
    if (body == "(own page)" or body.startswith(("html ", "json "))) and ctype != "-":
        row["Content-Type"] = row["Content-Type"].split(";")[0]
    row["interim"] = ",".join(map(str, resp.interim)) or "-"
    return row


def rows_for(case, outcome, port):
    if outcome.error and not outcome.responses:
        return [{"status": "ERROR " + outcome.error}]
    rows = []
    for raw, resp in zip(case.requests, outcome.responses):
        raw = raw(PLACEHOLDERS) if callable(raw) else raw
        rows.append(normalize(case, resp, raw, port))
    if outcome.error:
        rows.append({"status": "ERROR " + outcome.error})
    rows[-1]["closed"] = outcome.closed
    return rows


def summary(rows, other_rows):
    """Status and the key fields present (and any differing field) for the table."""
    out = []
    for i, row in enumerate(rows):
        other = other_rows[i] if i < len(other_rows) else {}
        bits = [row.get("status", "?")]
        for name in FIELDS[1:]:
            if name in ("body",):
                continue
            value = row.get(name, "-")
            differs = value != other.get(name, "-")
            if value == "-" or (name in QUIET and not differs):
                continue
            if name == "closed" and value == "open" and not differs:
                continue
            if name == "Last-Modified" and differs:
                value = "yes"
            bits.append("%s=%s" % (SHORT.get(name, name), value))
        out.append(" ".join(bits))
    return " || ".join(out)


def differences(rows_a, rows_b):
    diffs = []
    for i in range(max(len(rows_a), len(rows_b))):
        a = rows_a[i] if i < len(rows_a) else {}
        b = rows_b[i] if i < len(rows_b) else {}
        prefix = "#%d " % (i + 1) if max(len(rows_a), len(rows_b)) > 1 else ""
        for name in FIELDS:
            if a.get(name, "-") != b.get(name, "-"):
                diffs.append((prefix + name, a.get(name, "-"), b.get(name, "-")))
    return diffs


# --------------------------------------------------------------------------
# Baseline values each server computes itself (ETags differ by design)


def baseline(port, timeout):
    subs = dict(PLACEHOLDERS)
    probes = {"etag": req("HEAD", "/text.txt"),
              "etag_gz": req("HEAD", "/style.css", ("Accept-Encoding: gzip",))}
    for key, raw in probes.items():
        out = run_case(Case("baseline", raw, close_wait=0), port, subs, timeout)
        if not out.responses or out.responses[0].get("ETag") is None:
            raise RuntimeError("no ETag from port %d for %s" % (port, key))
        subs[key] = out.responses[0].get("ETag")
    return subs


# --------------------------------------------------------------------------
# Output


def verdict(diffs, markdown):
    if not diffs:
        return "same"
    names = [d[0] for d in diffs]
    major = [n for n in names if n.split(" ")[-1] not in MINOR]
    if not major:
        return "same (minor: %s)" % ", ".join(names)
    status = [n for n in major if n.split(" ")[-1] == "status"]
    # A different status explains the rest of the fields.
    shown = ", ".join(status or major)
    return ("**different**: " if markdown else "DIFFERENT: ") + shown


def print_table(results, markdown, out):
    if markdown:
        out.write("| # | case | request | nginx | tpserve | verdict |\n")
        out.write("|---|---|---|---|---|---|\n")
        for i, (case, sn, st, diffs) in enumerate(results, 1):
            cells = [str(i), case.name, "`%s`" % case.describe().replace("|", "\\|"),
                     sn.replace("|", "\\|"), st.replace("|", "\\|"), verdict(diffs, True)]
            out.write("| " + " | ".join(cells) + " |\n")
    else:
        for i, (case, sn, st, diffs) in enumerate(results, 1):
            out.write("%3d %-26s %s\n" % (i, case.name, case.describe()))
            out.write("      nginx   : %s\n" % sn)
            out.write("      tpserve : %s\n" % st)
            out.write("      -> %s\n" % verdict(diffs, False))
    out.write("\n")


def print_details(results, out):
    out.write("Differences in detail (field: nginx | tpserve)\n")
    for case, _, _, diffs in results:
        if not diffs:
            continue
        out.write("\n[%s] %s\n" % (case.name, case.describe()))
        for name, a, b in diffs:
            out.write("    %-18s %s\n    %-18s %s\n" % (name + ":", a, "", "| " + b))


# --------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tpserve", required=True, help="the tpserve binary")
    parser.add_argument("--nginx", default="/usr/sbin/nginx", help="the nginx binary")
    parser.add_argument("--nginx-conf", default=os.path.join(HERE, "nginx.conf.in"),
                        help="nginx config template (e.g. a copy with gzip_vary on)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--only", default="", help="run only cases whose name contains this")
    parser.add_argument("--raw", action="store_true",
                        help="also print each raw response head (for investigating a case)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--timeout", type=float, default=3.0, help="per request, seconds")
    parser.add_argument("--deadline", type=float, default=120.0,
                        help="whole run, seconds (servers are stopped when it passes)")
    args = parser.parse_args()

    # SIGTERM (e.g. from timeout(1)) unwinds through the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("compare.py: terminated"))
    signal.signal(signal.SIGALRM, deadline_passed)
    signal.alarm(int(args.deadline))

    tmp = tempfile.mkdtemp(prefix="nginx-compare.")
    servers = []
    try:
        root = os.path.join(tmp, "root")
        os.mkdir(root)
        FILES.update(make_docroot(root))
        nginx_port, tp_port = free_port(), free_port()
        with open(args.nginx_conf) as f:
            conf = f.read()
        for key, value in (("@TMP@", tmp), ("@ROOT@", root), ("@PORT@", str(nginx_port))):
            conf = conf.replace(key, value)
        with open(os.path.join(tmp, "nginx.conf"), "w") as f:
            f.write(conf)
        with open(os.path.join(tmp, "tpserve.yaml"), "w") as f:
            f.write(TPSERVE_YAML.format(port=tp_port, root=root, tmp=tmp))
        servers = [
            Server("nginx", [args.nginx, "-p", tmp + "/", "-c", os.path.join(tmp, "nginx.conf"),
                             "-e", os.path.join(tmp, "nginx-error.log")],
                   nginx_port, os.path.join(tmp, "nginx.stderr")),
            Server("tpserve", [args.tpserve, "--config", os.path.join(tmp, "tpserve.yaml")],
                   tp_port, os.path.join(tmp, "tpserve.stderr")),
        ]
        for server in servers:
            server.start()
        subs = {nginx_port: baseline(nginx_port, args.timeout),
                tp_port: baseline(tp_port, args.timeout)}

        selected = [c for c in cases() if args.only in c.name]
        results = []
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            for case in selected:
                fn, ft = (pool.submit(run_case, case, port, subs[port], args.timeout)
                          for port in (nginx_port, tp_port))
                on, ot = fn.result(), ft.result()
                rn, rt = rows_for(case, on, nginx_port), rows_for(case, ot, tp_port)
                results.append((case, summary(rn, rt), summary(rt, rn), differences(rn, rt)))
                if args.raw:
                    for label, outcome in (("nginx", on), ("tpserve", ot)):
                        for resp in outcome.responses:
                            print("--- %s %s: %s %s %s" % (case.name, label, resp.version,
                                                          resp.status, resp.reason))
                            for n, v in resp.headers:
                                print("    %s: %s" % (n, v))
                            print("    [body %d bytes] %r" % (len(resp.body), resp.body[:120]))
                        if outcome.error:
                            print("--- %s %s: %s" % (case.name, label, outcome.error))
        for server in servers:
            if server.proc.poll() is not None:
                raise RuntimeError("%s died during the run:\n%s" % (server.name, server.stderr()))
        out = sys.stdout
        out.write("nginx %s (port %d) vs tpserve %s (port %d); %d cases\n\n" % (
            nginx_version(args.nginx), nginx_port, args.tpserve, tp_port, len(results)))
        print_table(results, args.markdown, out)
        print_details(results, out)
        verdicts = [verdict(r[3], False) for r in results]
        same = sum(1 for v in verdicts if v == "same")
        minor = sum(1 for v in verdicts if v.startswith("same ("))
        out.write("\n%d cases: %d same, %d same but for minor fields, %d different\n" % (
            len(results), same, minor, len(results) - same - minor))
        return 0
    except (RuntimeError, TimeoutError, OSError) as e:
        sys.stderr.write("compare.py: %s\n" % e)
        return 1
    finally:
        signal.alarm(0)
        for server in servers:
            server.stop()
        if args.keep:
            sys.stderr.write("compare.py: kept %s\n" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def deadline_passed(*_):
    raise TimeoutError("the --deadline passed")


def nginx_version(path):
    try:
        text = subprocess.run([path, "-v"], capture_output=True, text=True, timeout=5).stderr
        return text.strip().split("/")[-1]
    except (OSError, subprocess.TimeoutExpired):
        return "?"


if __name__ == "__main__":
    sys.exit(main())
