#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# pod-inspect --trace: one real echo, and the hops the kernel's evidence
# shows (routes, the bridge's forwarding entry, nftables verdicts through
# nftrace).  The happy paths of the seeds' network, then each of the
# mistakes --check knows: the trace must stop at the right hop and name
# the cause, and leave no nftables table of its own behind.

# bats file_tags=root,trace,san

load helpers

SETUP='netns-new pod1 pod2 | veth-link --ipam 10.244.0.0/24 | br-attach cni0 --gw 10.244.0.1/24 | nat-out --out uplink0'

setup() {
	sandbox_start
	make_wan
	run -0 sb bash -c "$SETUP"
}

teardown() {
	# Whatever happened, the tracer's table is gone.
	if [[ -n ${SB_PID:-} ]]; then
		run sb nft list tables
		[[ $output != *podwire-trace* ]] || echo "# left: $output" >&3
	fi
	sandbox_stop
}

trace() {
	run --separate-stderr sb pod-inspect --trace "$@"
}

# Hop N's line (1-based), without its number.
hop_line() {
	sed -n "${1}p" <<<"$output" | sed -E 's/^ *[0-9]+ //'
}

assert_no_trace_table() {
	run -0 sb nft list tables
	refute_output --partial podwire-trace
}

@test "--trace pod -> internet: the route, the bridge, the host's route, the masquerade, the answer" {
	trace pod1 198.51.100.2
	assert_success
	assert_equal "$(hop_line 1)" "pod1      eth0 10.244.0.2 -> route 198.51.100.2 via 10.244.0.1"
	assert_equal "$(hop_line 2)" "host      $(sb ip -j link show master cni0 | jq -r '.[0].ifname') -> bridge cni0"
	assert_equal "$(hop_line 3)" "host      cni0 10.244.0.1 -> route 198.51.100.2 dev uplink0"
	assert_line --regexp '^ 4 host      nft inet podwire postrouting: masquerade 10\.244\.0\.2 \(rule handle [0-9]+\)$'
	assert_line --regexp '^ 5 host      198\.51\.100\.2: answered \(ICMP echo reply, [0-9.]+ ms\)$'
	assert_equal "${#lines[@]}" 5
	assert_no_trace_table
}

@test "--trace pod -> pod on the same bridge names the port by the bridge's forwarding entry; pod -> gateway; host -> pod" {
	local p2
	p2=$(sb ip -j link show type veth | jq -r '.[] | select(.ifalias // "" | startswith("podwire: netns=pod2 ")) | .ifname')
	trace pod1 pod2
	assert_success
	assert_line --regexp "^ 3 host      bridge cni0 -> $p2 \\(forwarding entry for ([0-9a-f]{2}:){5}[0-9a-f]{2}\\)\$"
	assert_line --regexp '^ [0-9] pod2      eth0 10\.244\.0\.3: the destination.s interface$'
	assert_line --regexp '^ [0-9] pod2      10\.244\.0\.3: answered'
	# The MAC is pod2's, as its namespace says.
	mac=$(sb ip -n pod2 -j link show eth0 | jq -r '.[0].address')
	assert_output --partial "forwarding entry for $mac"

	trace pod1 10.244.0.1
	assert_success
	assert_line ' 3 host      cni0 10.244.0.1: an address of the host'

	trace host pod2
	assert_success
	assert_line ' 1 host      cni0 10.244.0.1 -> route 10.244.0.3 on link'
	assert_line --partial "bridge cni0 -> $p2"
	assert_no_trace_table
}

@test "-j: one JSON object per hop" {
	run -0 --separate-stderr sb pod-inspect -j --trace pod1 198.51.100.2
	assert_equal "$(jq -s length <<<"$output")" 5
	assert_equal "$(jq -r -s '.[0] | "\(.hop) \(.where) \(.dies)"' <<<"$output")" "1 pod1 no"
	assert_equal "$(jq -r -s '.[4].what' <<<"$output" | cut -d: -f1)" 198.51.100.2
}

@test "a forward chain that drops: the trace stops at its rule, by table, chain and handle; exit 1" {
	sb nft add table inet filter
	sb nft add chain inet filter forward '{ type filter hook forward priority 0; policy accept; }'
	sb nft add rule inet filter forward ip daddr 198.51.100.2 drop
	handle=$(sb nft -j list chain inet filter forward | jq -r '.nftables[] | select(.rule) | .rule.handle')
	trace pod1 198.51.100.2
	assert_failure 1
	assert_equal "$(tail -n1 <<<"$output" | sed -E 's/^ *[0-9]+ //')" "host      nft inet filter forward: drop (rule handle $handle)"
	refute_output --partial answered
	assert_no_trace_table
}

@test "a policy drop says policy" {
	sb nft add table ip guard
	sb nft add chain ip guard forward '{ type filter hook forward priority 0; policy drop; }'
	trace pod1 198.51.100.2
	assert_failure 1
	assert_equal "$(tail -n1 <<<"$output" | sed -E 's/^ *[0-9]+ //')" "host      nft ip guard forward: drop (policy)"
}

@test "no default route in the pod: the first hop dies" {
	sb ip -n pod1 route del default
	trace pod1 198.51.100.2
	assert_failure 1
	assert_output ' 1 pod1      no route to 198.51.100.2: Network is unreachable'
	assert_no_trace_table
}

@test "the pod's interface down, or without an address: no route, and why" {
	sb ip -n pod1 link set eth0 down
	trace pod1 198.51.100.2
	assert_failure 1
	assert_output ' 1 pod1      no route to 198.51.100.2: eth0 is down'
	sb ip -n pod1 link set eth0 up
	sb ip -n pod1 addr flush dev eth0
	trace pod1 198.51.100.2
	assert_failure 1
	assert_output ' 1 pod1      no route to 198.51.100.2: eth0 has no IPv4 address'
}

@test "a host end on no bridge: the trace says so, and finds the reply's way back leads elsewhere" {
	host=$(sb ip -j link show master cni0 | jq -r '.[] | select(.ifalias | startswith("podwire: netns=pod1 ")) | .ifname')
	sb ip link set "$host" nomaster
	trace pod1 198.51.100.2
	assert_failure 1
	assert_line " 2 host      $host (on no bridge: the host routes it)"
	assert_equal "$(tail -n1 <<<"$output" | sed -E 's/^ *[0-9]+ //')" "host      the way back to 10.244.0.2 is dev cni0, not $host where it came in: the reply would not reach it"
}

@test "the host end down, the bridge down: the trace stops there and says so" {
	host=$(sb ip -j link show master cni0 | jq -r '.[] | select(.ifalias | startswith("podwire: netns=pod1 ")) | .ifname')
	sb ip link set "$host" down
	trace pod1 198.51.100.2
	assert_failure 1
	assert_equal "$(tail -n1 <<<"$output" | sed -E 's/^ *[0-9]+ //')" "host      $host (the other end of pod1's eth0) is down"
	sb ip link set "$host" up
	sb ip link set cni0 down
	trace pod1 198.51.100.2
	assert_failure 1
	assert_equal "$(tail -n1 <<<"$output" | sed -E 's/^ *[0-9]+ //')" "host      $host -> bridge cni0, which is down"
}

@test "forwarding off: the host's hop says it does not forward" {
	sb sysctl -qw net.ipv4.ip_forward=0
	trace pod1 198.51.100.2
	assert_failure 1
	assert_line --partial 'cni0 10.244.0.1 -> route 198.51.100.2 dev uplink0'
	assert_equal "$(tail -n1 <<<"$output" | sed -E 's/^ *[0-9]+ //')" "host      the host does not forward IPv4 (net.ipv4.ip_forward = 0)"
}

@test "the gateway gone from the bridge: no neighbour answers for it" {
	sb ip addr del 10.244.0.1/24 dev cni0
	trace pod1 198.51.100.2
	assert_failure 1
	assert_equal "$(tail -n1 <<<"$output" | sed -E 's/^ *[0-9]+ //')" "pod1      no neighbour answer for 10.244.0.1: nothing on the link has that address"
}

@test "no masquerade: the echo goes out and no answer comes back" {
	run -0 sb nat-out -D --force 10.244.0.0/24
	trace pod1 198.51.100.2
	assert_failure 1
	refute_output --partial masquerade
	assert_equal "$(tail -n1 <<<"$output" | sed -E 's/^ *[0-9]+ //')" "host      198.51.100.2: no answer (3 ICMP echoes, 700 ms each): the reply did not come back"
}

@test "SIGTERM in the middle: exit 130 and the tracer's table is gone" {
	run -0 sb nat-out -D --force 10.244.0.0/24
	local pidfile=$BATS_TEST_TMPDIR/trace.pid
	sb sh -c 'echo $$ >"$1"; exec pod-inspect --trace pod1 198.51.100.2' \
		trace "$pidfile" >/dev/null 2>&1 3>&- &
	job=$!
	# Wait for its table, then end it, by its PID.
	eventually bash -c "nsenter --target $SB_PID --net --mount nft list tables | grep -q podwire-trace"
	kill -TERM "$(cat "$pidfile")"
	# Not `run wait`: run's subshell has no child to wait for.
	rc=0
	wait "$job" || rc=$?
	assert_equal "$rc" 130
	assert_no_trace_table
}

@test "kill -9 in the middle leaves the tracer's table; the next trace removes it and works" {
	run -0 sb nat-out -D --force 10.244.0.0/24
	local pidfile=$BATS_TEST_TMPDIR/trace.pid
	sb sh -c 'echo $$ >"$1"; exec pod-inspect --trace pod1 198.51.100.2' \
		trace "$pidfile" >/dev/null 2>&1 3>&- &
	job=$!
	eventually bash -c "nsenter --target $SB_PID --net --mount nft list tables | grep -q podwire-trace"
	pid=$(cat "$pidfile")
	kill -KILL "$pid"
	wait "$job" || true
	run -0 sb nft list tables
	assert_output --partial "podwire-trace-$pid"
	# A table of the same name pattern whose process lives is left.
	sb nft add table inet "podwire-trace-$SB_PID"
	run -0 sb nat-out --out uplink0 10.244.0.0/24
	trace pod1 198.51.100.2
	assert_success
	run -0 sb nft list tables
	refute_output --partial "podwire-trace-$pid"
	assert_output --partial "podwire-trace-$SB_PID"
	sb nft delete table inet "podwire-trace-$SB_PID"
}

@test "bad input: no destination, a bad one, a missing pod: exit 2 or 1, nothing left" {
	run -2 --separate-stderr sb pod-inspect --trace pod1
	run -2 --separate-stderr sb pod-inspect --trace pod1 '../x'
	run -1 --separate-stderr sb pod-inspect --trace nosuch 198.51.100.2
	[[ $stderr == "pod-inspect: cannot trace from nosuch: "* ]] || fail "$stderr"
	run -1 --separate-stderr sb pod-inspect --trace pod1 nosuch
	[[ $stderr == "pod-inspect: cannot trace to 'nosuch': "* ]] || fail "$stderr"
	assert_no_trace_table
}
