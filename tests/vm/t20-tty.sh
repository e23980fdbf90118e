#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# t20-tty: a shell on a pty (ptyrun) is reported with its controlling tty "pts/N" (the name `tty`
# prints), the tty's device number and stdin/stdout/stderr "tty"; a shell in a new session without a
# terminal and with stdin from /dev/null has tty null, tty_dev 0 and stdin "other".
# shellcheck disable=SC2016,SC2119 # jq programs name $vars; load_module/stop_trace take optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"

load_module
start_trace out.json err.json

# 1. Shell on a pty. It records its pid, `tty`, and the pts major/minor (hex) while the pts exists.
ptyrun sh -c 'echo $$ >pty.pid; t=$(tty) && echo "$t" >pty.name && stat -c "%t %T" "$t" >pty.dev' >pty.out 2>&1 ||
	fail "ptyrun sh failed: $(cat pty.out)"
pp=$(cat pty.pid)
name=$(cat pty.name)
case $name in /dev/pts/[0-9]*) ;; *) fail "tty inside ptyrun printed '$name'" ;; esac
read -r maj min <pty.dev
want_dev=$(dev_encode "$(printf %d "0x$maj")" "$(printf %d "0x$min")")

# 2. No terminal: new session, stdin /dev/null (a char device, not a tty), stdout/stderr a file.
setsid sh -c 'echo $$ >notty.pid' </dev/null >notty.out 2>&1 || fail "setsid sh failed: $(cat notty.out)"
np=$(cat notty.pid)

stop_trace

ev=$(jq_first out.json '.type == "exec" and .pid == $p and .args[0] == "sh"' --argjson p "$pp")
[ -n "$ev" ] || fail "no exec event for the sh under ptyrun (pid $pp)"
event_check "$ev" '.tty == $t' "pty sh: tty must be what tty(1) printed inside" --arg t "${name#/dev/}"
event_check "$ev" ".tty_dev == $want_dev" "pty sh: tty_dev must encode $name ($maj:$min hex)"
event_check "$ev" '.stdin == "tty" and .stdout == "tty" and .stderr == "tty"' "pty sh: fds 0-2 are the pty"
event_check "$ev" ".session_leader == true and .sid == $pp" "pty sh: ptyrun made it a session leader"
# Every later event of that shell (its opens of pty.*, exit) carries the same tty. (Before the exec,
# the same pid was ptyrun's child opening the pts before TIOCSCTTY: not yet its tty.)
t0=$(jq_get "$ev" .ts)
assert_none out.json '.pid == $p and .ts >= $t0 and (.tty != $t or .tty_dev != $d)' "pty sh: an event lost the tty" \
	--argjson p "$pp" --argjson t0 "$t0" --arg t "${name#/dev/}" --argjson d "$want_dev"
assert_some out.json '.type == "exit" and .pid == $p and .tty == $t' "pty sh: no exit event with the tty" \
	--argjson p "$pp" --arg t "${name#/dev/}"
# Its children (the forks for tty/stat) inherit the controlling tty.
assert_some out.json '.type == "fork" and .ppid == $p and .tty == $t and .tty_dev == $d' \
	"pty sh: a forked child does not carry the tty" --argjson p "$pp" --arg t "${name#/dev/}" --argjson d "$want_dev"

ev=$(jq_first out.json '.type == "exec" and .pid == $p and .args[0] == "sh"' --argjson p "$np")
[ -n "$ev" ] || fail "no exec event for the setsid sh (pid $np)"
event_check "$ev" '.tty == null and .tty_dev == 0' "setsid sh: no controlling tty"
event_check "$ev" '.stdin == "other"' "setsid sh: stdin is /dev/null (a char device that is no tty)"
event_check "$ev" '.stdout == "file" and .stderr == "file"' "setsid sh: stdout/stderr are a regular file"
event_check "$ev" ".session_leader == true and .sid == $np" "setsid sh: session leader"

unload_module
