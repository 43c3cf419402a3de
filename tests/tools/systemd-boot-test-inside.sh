#!/bin/bash
# Runs inside the machine booted by tests/tools/systemd-boot-test.sh, as the
# one-shot unit tpserve-boot-test.service, with the package in
# /run/tpserve-boot-test. Prints each step; the last line is
# "BOOT-TEST PASS" or "BOOT-TEST FAIL: why". The unit powers the machine off
# afterwards, whatever happened.
set -uo pipefail

here=/run/tpserve-boot-test
config=/etc/tpserve/tpserve.yaml

step() { echo "boot-test: $*"; }
fail() {
  echo "boot-test: journal of tpserve.service:"
  journalctl -u tpserve.service -u tpserve.socket --no-pager -o short-precise | tail -n 30
  echo "BOOT-TEST FAIL: $*"
  exit 1
}
# until_true SECONDS COMMAND...: polls every 0.1 s, bounded.
until_true() {
  local limit=$(($1 * 10))
  shift
  for ((i = 0; i < limit; i++)); do
    "$@" && return 0
    sleep 0.1
  done
  return 1
}
http_get() { curl -sS --max-time 5 -D "$here/../tpserve-head" -o "$here/../tpserve-body" "$@"; }
main_pid() { systemctl show -P MainPID tpserve.service; }

step "$(systemctl --version | head -1), $(uname -r)"

step "dpkg -i $(dpkg-deb -f $here/tpserve.deb Package)_$(dpkg-deb -f $here/tpserve.deb Version)"
dpkg -i "$here/tpserve.deb" || fail "dpkg -i"
getent passwd tpserve || fail "the postinst made no tpserve user"
[ "$(systemctl is-enabled tpserve.service)" = enabled ] || fail "tpserve.service not enabled"
[ "$(systemctl is-enabled tpserve.socket)" = disabled ] || fail "tpserve.socket should be disabled"
dpkg-query -W -f='conffiles:${Conffiles}\n' tpserve

step "systemctl start tpserve (the postinst has started it already, as Debian does)"
systemctl start tpserve.service || fail "systemctl start"
systemctl show -p ActiveState -p SubState -p MainPID -p User -p NRestarts tpserve.service
[ "$(systemctl is-active tpserve.service)" = active ] || fail "not active after start"
pid=$(main_pid)
step "main process $pid runs as $(ps -o user= -p "$pid"), capabilities: $(grep CapEff /proc/"$pid"/status)"
[ "$(ps -o user= -p "$pid")" = tpserve ] || fail "not running as tpserve"

step "GET http://127.0.0.1/ and http://[::1]/ (port 80: CAP_NET_BIND_SERVICE)"
http_get http://127.0.0.1/ || fail "GET over IPv4"
head -1 "$here/../tpserve-head"
grep -q '^HTTP/1.1 200' "$here/../tpserve-head" || fail "GET / is not 200"
cmp -s "$here/../tpserve-body" /usr/share/tpserve/www/index.html || fail "GET / is not index.html"
http_get 'http://[::1]/style.css' || fail "GET over IPv6"
head -1 "$here/../tpserve-head"

step "change $config (a header rule), systemctl reload"
cat >>"$config" <<'YAML'
headers:
  - match: "*"
    set: {X-Boot-Test: reloaded}
YAML
has_new_header() {
  http_get http://127.0.0.1/ 2>/dev/null && grep -qi '^X-Boot-Test: reloaded' "$here/../tpserve-head"
}
# A process that died of the SIGHUP (a build without reload) fails at once.
new_header_or_gone() {
  [ "$(systemctl is-active tpserve.service)" = active ] || return 0
  has_new_header
}
has_new_header && fail "the new header is there before the reload"
started=$(date +%s%N)
systemctl reload tpserve.service || fail "systemctl reload"
# systemd 252 returns once SIGHUP is sent (the unit's ExecReload): wait,
# bounded, for the new configuration to answer.
until_true 10 new_header_or_gone
[ "$(systemctl is-active tpserve.service)" = active ] || fail "tpserve is not running after the reload"
has_new_header || fail "no X-Boot-Test header 10 s after the reload"
step "the new header is served $((($(date +%s%N) - started) / 1000000)) ms after systemctl reload"
grep -i '^X-Boot-Test' "$here/../tpserve-head"
[ "$(main_pid)" = "$pid" ] || fail "the main process changed: the reload restarted it"
[ "$(systemctl show -P NRestarts tpserve.service)" = 0 ] || fail "the service was restarted"

step "access log, then logrotate -f (its postrotate sends SIGUSR1: reopen)"
tail -n 2 /var/log/tpserve/access.log
if [ -f "$here/skip-logrotate" ]; then
  step "logrotate step SKIPPED (TPSERVE_BOOT_SKIP_LOGROTATE=1)"
else
logrotate -f /etc/logrotate.d/tpserve || fail "logrotate"
[ -s /var/log/tpserve/access.log.1 ] || fail "logrotate did not rotate access.log"
# Until tpserve has reopened, its lines still go to access.log.1.
logs_to_new_file() { http_get http://127.0.0.1/about.html && [ -s /var/log/tpserve/access.log ]; }
until_true 10 logs_to_new_file || fail "no line in the new access.log 10 s after the rotation"
ls -l /var/log/tpserve/
tail -n 1 /var/log/tpserve/access.log
[ "$(main_pid)" = "$pid" ] || fail "the main process changed at the rotation"
fi

step "systemctl stop tpserve"
systemctl stop tpserve.service || fail "systemctl stop"
systemctl show -p Result -p ExecMainCode -p ExecMainStatus tpserve.service
[ "$(systemctl show -P ExecMainStatus tpserve.service)" = 0 ] || fail "ExecMainStatus is not 0"
[ "$(systemctl show -P Result tpserve.service)" = success ] || fail "Result is not success"

step "journal of tpserve.service"
journalctl -u tpserve.service --no-pager -o short-precise | tail -n 20

# systemd holds 0.0.0.0:80 and [::]:80 (without SO_REUSEPORT): a tpserve
# that bound its own sockets instead of the passed ones would fail to start.
step "socket activation: systemctl enable --now tpserve.socket"
systemctl enable --now tpserve.socket 2>&1 || fail "enable tpserve.socket"
[ "$(systemctl is-active tpserve.service)" = inactive ] || fail "the service runs before a connection"
http_get http://127.0.0.1/ || fail "GET through the socket unit"
head -1 "$here/../tpserve-head"
# tpserve answers as soon as it listens; systemd counts it active once
# READY=1 arrives, an instant later.
service_active() { [ "$(systemctl is-active tpserve.service)" = active ]; }
until_true 10 service_active || fail "the connection did not start the service"
systemctl show -p TriggeredBy -p MainPID tpserve.service
journalctl -u tpserve.service --no-pager -o cat -n 4
http_get 'http://[::1]/' || fail "GET over IPv6 through the socket unit"
head -1 "$here/../tpserve-head"
systemctl stop tpserve.socket tpserve.service || fail "stop"
[ "$(systemctl show -P ExecMainStatus tpserve.service)" = 0 ] || fail "ExecMainStatus is not 0"
step "stopped: $(systemctl show -p Result -p ExecMainStatus tpserve.service | tr '\n' ' ')"

echo "BOOT-TEST PASS"
