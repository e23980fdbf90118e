# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Helpers of the sakerd output tests (t85, t86) and of the daemon benchmark (bench-daemon.sh): sakerd
# run from /etc/saker laid out as `make install` does, syslog receivers (the sysrecv helper) and
# sakerd's statistics. Source after lib.sh. POSIX sh for busybox ash.
# Globals: SD_PID (sakerd), SD_EXIT (its exit statistics line, after sd_stop).

[ -n "${_saker_sd_loaded:-}" ] && return 0
_saker_sd_loaded=1

SD_ETC=/etc/saker
SD_PID=
SD_EXIT=

# sd_install CONFIG: lay out /etc/saker as `make install` does (saker_rules.yaml, an empty rules.d,
# saker.yaml) with CONFIG as saker.yaml: the keys an operator changes; every other key keeps the
# built-in default, which test_config checks to be the installed config/saker.yaml. sakerd -n must
# accept it. Removed when the test ends.
sd_install() {
	command -v sakerd >/dev/null 2>&1 || skip "sakerd not in the initramfs"
	[ -e "$SD_ETC" ] && fail "$SD_ETC exists already"
	mkdir -p "$SD_ETC/rules.d" || fail "mkdir $SD_ETC/rules.d"
	on_exit "rm -rf '$SD_ETC'"
	cp "${SAKER_RULES:-/saker/rules}/saker_rules.yaml" "$SD_ETC/saker_rules.yaml" || fail "cp rules"
	printf '%s\n' "$1" >"$SD_ETC/saker.yaml" || fail "write $SD_ETC/saker.yaml"
	_sd_out=$(sakerd -n 2>&1) || fail "sakerd -n: $_sd_out"
	case $_sd_out in
	*"configuration OK ($SD_ETC/saker.yaml"*) ;;
	*) fail "sakerd -n did not read $SD_ETC/saker.yaml: $_sd_out" ;;
	esac
}

# sd_start: run sakerd (default configuration path) in the background, stdout in sakerd.out, stderr
# in sakerd.err; wait up to 10 s until it runs. Stopped when the test ends.
sd_start() {
	: >sakerd.err
	sakerd >sakerd.out 2>sakerd.err &
	SD_PID=$!
	on_exit "kill $SD_PID 2>/dev/null; wait $SD_PID 2>/dev/null"
	_sd_i=0
	until grep -q 'sakerd: running' sakerd.err; do
		alive "$SD_PID" || fail "sakerd exited: $(cat sakerd.err)"
		[ $_sd_i -ge 100 ] && fail "sakerd not running after 10 s: $(cat sakerd.err)"
		sleep 0.1
		_sd_i=$((_sd_i + 1))
	done
}

# sd_stats_count: number of statistics lines sakerd printed so far.
sd_stats_count() {
	grep -c '"type":"sakerd_stats"' sakerd.err 2>/dev/null || true
}

# sd_stats: SIGUSR2, wait up to 10 s for the new statistics line and print it.
# Use as st=$(sd_stats) || exit 1.
sd_stats() {
	_sd_n=$(sd_stats_count)
	kill -USR2 "$SD_PID" || fail "sd_stats: sakerd is gone"
	_sd_i=0
	while [ "$(sd_stats_count)" -le "$_sd_n" ]; do
		[ $_sd_i -ge 100 ] && fail "sakerd: no statistics line within 10 s of SIGUSR2"
		sleep 0.1
		_sd_i=$((_sd_i + 1))
	done
	grep '"type":"sakerd_stats"' sakerd.err | tail -n 1
}

# sd_output STATS NAME: the counters of output NAME (file, syslog, remote_syslog...) in STATS.
sd_output() {
	# shellcheck disable=SC2016 # jq variable
	jq_get "$1" '.outputs[] | select(.name == $n)' -c --arg n "$2"
}

# sd_stop: SIGTERM, wait up to 15 s (the outputs get 2 s to flush, 2 s to close); fail unless sakerd
# exits 0 with an exit statistics line, left in SD_EXIT.
sd_stop() {
	kill -TERM "$SD_PID"
	wait_exit "$SD_PID" 15 || fail "sakerd did not exit within 15 s of SIGTERM"
	[ "$WAIT_STATUS" -eq 0 ] || fail "sakerd exited with $WAIT_STATUS: $(tail -n 5 sakerd.err)"
	SD_EXIT=$(grep '"reason":"exit"' sakerd.err | tail -n 1)
	[ -n "$SD_EXIT" ] || fail "sakerd printed no exit statistics: $(tail -n 5 sakerd.err)"
}

# recv_start NAME MODE ADDR OUT: start `sysrecv MODE ADDR OUT` (tcp|udp PORT, unix PATH) in the
# background, stderr in NAME.err; wait up to 10 s until its socket is bound. Stopped when the test ends.
recv_start() {
	command -v sysrecv >/dev/null 2>&1 || skip "sysrecv helper not built (make vm-helpers)"
	rm -f "$1.ready"
	sysrecv "$2" "$3" "$4" "$1.ready" 2>>"$1.err" &
	_sd_rp=$!
	on_exit "kill $_sd_rp 2>/dev/null; wait $_sd_rp 2>/dev/null"
	_sd_i=0
	until [ -s "$1.ready" ]; do
		alive "$_sd_rp" || fail "sysrecv $2 $3 exited: $(cat "$1.err")"
		[ $_sd_i -ge 100 ] && fail "sysrecv $2 $3 not ready after 10 s"
		sleep 0.1
		_sd_i=$((_sd_i + 1))
	done
	[ "$(cat "$1.ready")" = "$_sd_rp" ] || fail "sysrecv pid $(cat "$1.ready") is not \$! $_sd_rp"
}

# recv_stop NAME: SIGTERM the receiver NAME (it first reads what is queued), wait for it; fail unless
# it exits 0.
recv_stop() {
	_sd_rp=$(cat "$1.ready") || fail "recv_stop: $1 was not started"
	kill -TERM "$_sd_rp" || fail "recv_stop: $1 (pid $_sd_rp) is gone"
	wait_exit "$_sd_rp" 10 || fail "sysrecv $1 did not exit within 10 s of SIGTERM"
	[ "$WAIT_STATUS" -eq 0 ] || fail "sysrecv $1 exited with $WAIT_STATUS: $(cat "$1.err")"
	rm -f "$1.ready"
}

# wait_lines FILE N SECONDS MSG: wait until FILE has at least N lines; fail with MSG otherwise.
wait_lines() {
	_sd_i=0
	while [ "$(wc -l <"$1" 2>/dev/null || echo 0)" -lt "$2" ]; do
		[ $_sd_i -ge $(($3 * 10)) ] && fail "$4 ($(wc -l <"$1" 2>/dev/null || echo 0) lines in $1 after $3 s, want $2)"
		sleep 0.1
		_sd_i=$((_sd_i + 1))
	done
}

# frames RAW OUT: split the octet-counted TCP stream RAW into one message per line in OUT; fail if RAW
# is not a sequence of whole RFC 6587 frames.
frames() {
	sysrecv frames "$1" >"$2" 2>frames.err || fail "bad octet-counting framing in $1: $(cat frames.err)"
}

# frame_count RAW: number of whole frames in RAW (0 while it ends in a partial frame or is missing).
frame_count() {
	if [ -s "$1" ] && sysrecv frames "$1" >frames.tmp 2>/dev/null; then
		wc -l <frames.tmp
	else
		echo 0
	fi
}

# wait_frames RAW N SECONDS MSG: wait until the TCP stream RAW holds at least N whole frames.
wait_frames() {
	_sd_i=0
	while [ "$(frame_count "$1")" -lt "$2" ]; do
		[ $_sd_i -ge $(($3 * 10)) ] && fail "$4 ($(frame_count "$1") frames in $1 after $3 s, want $2)"
		sleep 0.1
		_sd_i=$((_sd_i + 1))
	done
}
