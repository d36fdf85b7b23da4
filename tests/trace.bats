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

# The last hop's line, without its number.
last_hop() {
	tail -n1 <<<"$output" | sed -E 's/^ *[0-9]+ //'
}

# The veth on the host whose mark names pod $1.
host_end_of() {
	sb ip -j link show type veth | jq -r --arg p "podwire: netns=$1 " '.[] | select(.ifalias // "" | startswith($p)) | .ifname'
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
	assert_equal "$(last_hop)" "host      nft inet filter forward: drop (rule handle $handle)"
	refute_output --partial answered
	assert_no_trace_table
}

@test "a policy drop says policy" {
	sb nft add table ip guard
	sb nft add chain ip guard forward '{ type filter hook forward priority 0; policy drop; }'
	trace pod1 198.51.100.2
	assert_failure 1
	assert_equal "$(last_hop)" "host      nft ip guard forward: drop (policy)"
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
	assert_equal "$(last_hop)" "host      the way back to 10.244.0.2 is dev cni0, not $host where it came in: the reply would not reach it"
}

@test "the host end down, the bridge down: the trace stops there and says so" {
	host=$(sb ip -j link show master cni0 | jq -r '.[] | select(.ifalias | startswith("podwire: netns=pod1 ")) | .ifname')
	sb ip link set "$host" down
	trace pod1 198.51.100.2
	assert_failure 1
	assert_equal "$(last_hop)" "host      $host (the other end of pod1's eth0) is down"
	sb ip link set "$host" up
	sb ip link set cni0 down
	trace pod1 198.51.100.2
	assert_failure 1
	assert_equal "$(last_hop)" "host      $host -> bridge cni0, which is down"
}

@test "forwarding off: the host's hop says it does not forward" {
	sb sysctl -qw net.ipv4.ip_forward=0
	trace pod1 198.51.100.2
	assert_failure 1
	assert_line --partial 'cni0 10.244.0.1 -> route 198.51.100.2 dev uplink0'
	assert_equal "$(last_hop)" "host      the host does not forward IPv4 (net.ipv4.ip_forward = 0)"
}

@test "the gateway gone from the bridge: no neighbour answers for it" {
	sb ip addr del 10.244.0.1/24 dev cni0
	trace pod1 198.51.100.2
	assert_failure 1
	assert_equal "$(last_hop)" "pod1      no neighbour answer for 10.244.0.1: bridge cni0 has no IPv4 address"
	# Another address there, not the gateway's.
	sb ip addr add 10.244.0.254/24 dev cni0
	sb ip -n pod1 neigh flush all
	trace pod1 198.51.100.2
	assert_failure 1
	assert_equal "$(last_hop)" "pod1      no neighbour answer for 10.244.0.1: bridge cni0 does not hold it"
}

@test "no masquerade: the echo goes out and no answer comes back" {
	run -0 sb nat-out -D --force 10.244.0.0/24
	trace pod1 198.51.100.2
	assert_failure 1
	refute_output --partial masquerade
	assert_equal "$(last_hop)" "host      198.51.100.2: no answer (3 ICMP echoes, 700 ms each): the reply did not come back"
}

# A trace that goes unanswered (no masquerade), started in the
# background; once its table is there, TRACER_JOB is bats' job and
# TRACER_PID pod-inspect's PID.
start_tracer() {
	local pidfile=$BATS_TEST_TMPDIR/trace.pid
	run -0 sb nat-out -D --force 10.244.0.0/24
	sb sh -c 'echo $$ >"$1"; exec pod-inspect --trace pod1 198.51.100.2' \
		trace "$pidfile" >/dev/null 2>&1 3>&- &
	TRACER_JOB=$!
	eventually bash -c "nsenter --target $SB_PID --net --mount nft list tables | grep -q podwire-trace"
	TRACER_PID=$(cat "$pidfile")
}

@test "SIGTERM or SIGINT (Ctrl-C) in the middle: exit 130 and the tracer's table is gone" {
	for sig in TERM INT; do
		start_tracer
		kill -"$sig" "$TRACER_PID"
		# Not `run wait`: run's subshell has no child to wait for.
		rc=0
		wait "$TRACER_JOB" || rc=$?
		assert_equal "$rc" 130
		assert_no_trace_table
	done
}

@test "kill -9 in the middle leaves the tracer's table; the next trace removes it and works" {
	start_tracer
	pid=$TRACER_PID
	kill -KILL "$pid"
	wait "$TRACER_JOB" || true
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

@test "--tcp: an open port answers, a closed one refuses (RST), a reject rule is named a reject" {
	trace --tcp 7000 pod1 198.51.100.2
	assert_success
	assert_line --partial 'nft inet podwire postrouting: masquerade 10.244.0.2'
	assert_line --regexp '^ 5 host      198\.51\.100\.2: answered \(TCP port 7000 open: SYN-ACK, [0-9.]+ ms\)$'
	trace --tcp 7001 pod1 198.51.100.2
	assert_failure 1
	assert_regex "$(last_hop)" '^host      198\.51\.100\.2: refused \(TCP RST, [0-9.]+ ms\): it arrived, and nothing listens on TCP port 7001$'
	# The tracer marks the probe's flow only: its protocol and port.
	sb nft add table inet filter
	sb nft add chain inet filter forward '{ type filter hook forward priority 0; policy accept; }'
	sb nft add rule inet filter forward tcp dport 7000 reject with tcp reset
	handle=$(sb nft -j list chain inet filter forward | jq -r '.nftables[] | select(.rule) | .rule.handle')
	trace --tcp 7000 pod1 198.51.100.2
	assert_failure 1
	assert_equal "$(last_hop)" "host      nft inet filter forward: reject (rule handle $handle)"
	# ICMP is not TCP: the echo passes that chain by its policy.
	trace pod1 198.51.100.2
	assert_success
	assert_line ' 4 host      nft inet filter forward: accept (policy)'
	# Pod to pod, and host to pod.
	sb ip netns exec pod2 socat TCP-LISTEN:80,reuseaddr,fork SYSTEM:true 3>&- &
	SB_EXTRA_PIDS="$SB_EXTRA_PIDS $!"
	eventually sb ip netns exec pod2 sh -c 'ss -Hltn sport = :80 | grep -q LISTEN'
	trace --tcp 80 pod1 pod2
	assert_success
	assert_regex "$(last_hop)" '^pod2      10\.244\.0\.3: answered \(TCP port 80 open'
	# By its address, the pod is still named: by the bridge's port.
	trace --tcp 81 host 10.244.0.3
	assert_failure 1
	assert_regex "$(last_hop)" '^pod2      10\.244\.0\.3: refused \(TCP RST'
	assert_no_trace_table
}

@test "--udp: a reply answers, ICMP port unreachable refuses, silence is no answer" {
	sb ip netns exec wan socat UDP-RECVFROM:5353,fork SYSTEM:'echo pong' 3>&- &
	SB_EXTRA_PIDS="$SB_EXTRA_PIDS $!"
	eventually sb ip netns exec wan sh -c 'ss -Hlun sport = :5353 | grep -q UNCONN'
	trace --udp 5353 pod1 198.51.100.2
	assert_success
	assert_regex "$(last_hop)" '^host      198\.51\.100\.2: answered \(a UDP datagram from port 5353, [0-9.]+ ms\)$'
	trace --udp 5354 pod1 198.51.100.2
	assert_failure 1
	assert_regex "$(last_hop)" '^host      198\.51\.100\.2: refused \(ICMP port unreachable, [0-9.]+ ms\): it arrived, and nothing listens on UDP port 5354$'
	# A listener that never answers.
	sb ip netns exec wan socat -u UDP-RECV:5355 OPEN:/dev/null 3>&- &
	SB_EXTRA_PIDS="$SB_EXTRA_PIDS $!"
	eventually sb ip netns exec wan sh -c 'ss -Hlun sport = :5355 | grep -q UNCONN'
	trace --udp 5355 pod1 198.51.100.2
	assert_failure 1
	assert_equal "$(last_hop)" "host      198.51.100.2: no answer (3 UDP datagrams to port 5355, 700 ms each): the reply did not come back, or nothing there answers a datagram"
	assert_no_trace_table
}

@test "--tcp and --udp: bad ports and misplaced options are usage errors" {
	for p in 0 65536 -1 x 0x50 ''; do
		run -2 --separate-stderr sb pod-inspect --trace --tcp "$p" pod1 198.51.100.2
		assert_equal "$stderr" "pod-inspect: invalid port '$p': give 1-65535"$'\n'"Try 'pod-inspect --help' for more information."
	done
	run -2 --separate-stderr sb pod-inspect --trace --tcp 80 --udp 53 pod1 198.51.100.2
	[[ $stderr == "pod-inspect: one --tcp or --udp at a time"* ]] || fail "$stderr"
	run -2 --separate-stderr sb pod-inspect --check --tcp 80 pod1
	[[ $stderr == "pod-inspect: --tcp and --udp go with --trace"* ]] || fail "$stderr"
	assert_no_trace_table
}

@test "a cable (the seeds' first exercise): the far end, its interface, and what goes wrong there" {
	run -0 sb netns-new red blue
	run -0 sb veth-link red:veth-red=10.0.0.1/24 blue:veth-blue=10.0.0.2/24
	trace red blue
	assert_success
	assert_output "$(printf '%s\n' \
		' 1 red       veth-red 10.0.0.1 -> route 10.0.0.2 on link' \
		" 2 blue      veth-blue: the far end of red's veth-red" \
		" 3 blue      veth-blue 10.0.0.2: the destination's interface")"$'\n'"$(sed -n 4p <<<"$output")"
	assert_regex "$(last_hop)" '^blue      10\.0\.0\.2: answered \(ICMP echo reply'
	# peer_up: the far end down.
	sb ip -n blue link set veth-blue down
	trace red blue
	assert_failure 1
	assert_equal "$(last_hop)" "blue      veth-blue (the far end of red's veth-red) is down"
	sb ip -n blue link set veth-blue up
	# peer_route: the far end's way back leaves by another interface.
	sb ip -n blue link add x0 type veth peer name x1
	sb ip -n blue link set x0 up
	sb ip -n blue route add 10.0.0.1/32 dev x0
	trace red 10.0.0.2
	assert_failure 1
	assert_equal "$(last_hop)" "blue      the way back to 10.0.0.1 is dev x0, not veth-blue where it came in: the reply would not reach it"
	sb ip -n blue route del 10.0.0.1/32 dev x0
	# peer_addr: the far end without the address, and it does not
	# forward (red's neighbour entry, still fresh, sends it there).
	sb ip -n blue addr flush dev veth-blue
	trace red 10.0.0.2
	assert_failure 1
	assert_equal "$(last_hop)" "blue      10.0.0.2 is no address of blue, which does not forward IPv4 (net.ipv4.ip_forward = 0): the packet ends there"
	# ... and once red has forgotten it, no neighbour answers.
	sb ip -n red neigh flush all
	trace red 10.0.0.2
	assert_failure 1
	assert_equal "$(last_hop)" "red       no neighbour answer for 10.0.0.2: far end veth-blue in blue has no IPv4 address"
	assert_no_trace_table
}

@test "a routed pod: through its host end and the masquerade; the gateway missing there; the way back elsewhere" {
	run -0 sb netns-new pod9
	run -0 sb veth-link pod9:eth0=10.3.0.2/24 host9=10.3.0.1/24
	sb ip -n pod9 route add default via 10.3.0.1
	run -0 sb nat-out --out uplink0 10.3.0.0/24
	trace pod9 198.51.100.2
	assert_success
	assert_line ' 2 host      host9 (on no bridge: the host routes it)'
	assert_line ' 3 host      host9 10.3.0.1 -> route 198.51.100.2 dev uplink0'
	assert_line --regexp '^ 4 host      nft inet podwire postrouting: masquerade 10\.3\.0\.2 \(rule handle [0-9]+\)$'
	trace --tcp 7000 pod9 198.51.100.2
	assert_success
	# host_route: the host's route to the pod leaves by another device.
	sb ip link add z0 type veth peer name z1
	sb ip link set z0 up
	sb ip route add 10.3.0.2/32 dev z0
	trace pod9 198.51.100.2
	assert_failure 1
	assert_equal "$(last_hop)" "host      the way back to 10.3.0.2 is dev z0, not host9 where it came in: the reply would not reach it"
	sb ip route del 10.3.0.2/32 dev z0
	# host_gw: the host end holds another address, not the gateway.
	sb ip addr del 10.3.0.1/24 dev host9
	sb ip addr add 10.3.0.9/24 dev host9
	sb ip -n pod9 neigh flush all
	trace pod9 198.51.100.2
	assert_failure 1
	assert_equal "$(last_hop)" "pod9      no neighbour answer for 10.3.0.1: host end host9 does not hold it"
	assert_no_trace_table
}

@test "the gateway's address held by another pod on the bridge: the trace names the pod that answers" {
	sb ip addr del 10.244.0.1/24 dev cni0
	sb ip -n pod2 addr add 10.244.0.1/24 dev eth0
	sb ip -n pod1 neigh flush all
	trace pod1 198.51.100.2
	assert_failure 1
	mac=$(sb ip -n pod2 -j link show eth0 | jq -r '.[0].address')
	bmac=$(sb ip -j link show cni0 | jq -r '.[0].address')
	assert_equal "$(last_hop)" "host      gateway 10.244.0.1 answers from $mac, pod2's (port $(host_end_of pod2)), not from bridge cni0's $bmac: pod2 holds the gateway's address too"
}

@test "a pod's address held by another pod on the bridge: the replies go there, and the trace says who" {
	sb ip -n pod2 addr flush dev eth0
	sb ip -n pod2 addr add 10.244.0.2/24 dev eth0
	sb ip -n pod2 route add default via 10.244.0.1
	# pod1 asks no ARP of the host (which would teach it pod1's MAC);
	# pod2 does: the host's entry for 10.244.0.2 is pod2's.
	bmac=$(sb ip -j link show cni0 | jq -r '.[0].address')
	sb ip -n pod1 neigh replace 10.244.0.1 lladdr "$bmac" dev eth0 nud permanent
	run -0 sb ip netns exec pod2 ping -c1 -W2 10.244.0.1
	mac2=$(sb ip -n pod2 -j link show eth0 | jq -r '.[0].address')
	run -0 sb ip -j neigh show 10.244.0.2 dev cni0
	assert_equal "$(jq -r '.[0].lladdr' <<<"$output")" "$mac2"
	trace pod1 198.51.100.2
	assert_failure 1
	assert_equal "$(last_hop)" "host      pod2:eth0 on bridge cni0 holds 10.244.0.2 too: the replies to pod1 can go there"
	refute_output --partial answered
}

@test "a veth whose other end is not on the host (both ends in the pod): the trace says the host is not on its path" {
	run -0 sb netns-new pod9
	sb ip -n pod9 link add e0 type veth peer name e1
	sb ip -n pod9 addr add 10.9.0.1/24 dev e0
	sb ip -n pod9 link set e0 up
	sb ip -n pod9 link set e1 up
	trace pod9 10.9.0.2
	assert_failure 1
	assert_line ' 1 pod9      e0 10.9.0.1 -> route 10.9.0.2 on link'
	assert_line " 2 pod9      e0's other end is not on the host: the host's part of the path is not traced"
	assert_equal "$(last_hop)" "pod9      10.9.0.2: no answer (3 ICMP echoes, 700 ms each): the reply did not come back"
}

@test "a service address behind destination NAT: no route of the host's own, yet answered; the DNAT rule's chain is shown" {
	sb nft add table ip svc
	sb nft add chain ip svc pre '{ type nat hook prerouting priority -100; }'
	sb nft add rule ip svc pre ip daddr 10.96.0.10 dnat to 198.51.100.2
	handle=$(sb nft -j list chain ip svc pre | jq -r '.nftables[] | select(.rule) | .rule.handle')
	run -0 --separate-stderr sb pod-inspect -j --trace pod1 10.96.0.10
	assert_equal "$(jq -r -s '.[2].what' <<<"$output")" "cni0 10.244.0.1 -> no route to 10.96.0.10 of the host's own, yet it was answered: a destination NAT rule rewrote the address"
	assert_equal "$(jq -r -s '.[3].what' <<<"$output")" "nft ip svc pre: accept (rule handle $handle)"
	assert_equal "$(jq -r -s '.[-1].what' <<<"$output" | cut -d' ' -f1-2)" "10.96.0.10: answered"
	# An answered trace has no hop that died.
	assert_equal "$(jq -s 'map(select(.dies == "yes")) | length' <<<"$output")" 0
}

@test "lo down: the pod's own address is out of its reach" {
	trace pod1 10.244.0.2
	assert_success
	assert_line ' 1 pod1      10.244.0.2 is an address of pod1 itself'
	assert_regex "$(last_hop)" '^pod1      10\.244\.0\.2: answered'
	sb ip -n pod1 link set lo down
	trace pod1 10.244.0.2
	assert_failure 1
	assert_output ' 1 pod1      10.244.0.2 is an address of pod1 itself, and lo is down: nothing reaches it'
}

@test "two traces at once, with a flood of another's traced packets: each shows its own packet's verdicts" {
	sb nft add table inet filter
	sb nft add chain inet filter forward '{ type filter hook forward priority 0; policy accept; }'
	sb nft add rule inet filter forward ip saddr 10.244.0.3 drop
	handle=$(sb nft -j list chain inet filter forward | jq -r '.nftables[] | select(.rule) | .rule.handle')
	# pod2 traces again and again, and pings wan 20 times a second: its
	# tracer marks every one of those echoes, each dropped.
	local stop=$BATS_TEST_TMPDIR/stop errs=$BATS_TEST_TMPDIR/loop.err
	sb sh -c 'while [ ! -e "$1" ]; do
			pod-inspect --trace pod2 198.51.100.2 >/dev/null
			st=$?; [ "$st" = 1 ] || echo "exit $st" >&2
		done' loop "$stop" 2>"$errs" 3>&- &
	local loop=$!
	sb ip netns exec pod2 ping -q -i 0.05 198.51.100.2 >/dev/null 2>&1 3>&- &
	SB_EXTRA_PIDS="$SB_EXTRA_PIDS $!"
	eventually bash -c "nsenter --target $SB_PID --net --mount nft list tables | grep -q podwire-trace"
	for i in 1 2 3; do
		trace pod1 198.51.100.2
		assert_success
		refute_output --partial drop
		refute_output --partial podwire-trace
		assert_line --partial 'nft inet podwire postrouting: masquerade 10.244.0.2'
	done
	touch "$stop"
	wait "$loop"
	# pod2's own traces were whole: each ended at its drop (exit 1), and
	# none failed (an overrun of the reports' socket was one).
	assert_equal "$(cat "$errs")" ""
	trace pod2 198.51.100.2
	assert_failure 1
	assert_equal "$(last_hop)" "host      nft inet filter forward: drop (rule handle $handle)"
	assert_no_trace_table
}

@test "without root it says so, and leaves nothing" {
	run -1 --separate-stderr without_caps pod-inspect --trace --tcp 80 pod1 198.51.100.2
	assert_equal "$stderr" "pod-inspect: tracing a packet needs root (CAP_SYS_ADMIN is missing)"
	assert_output ""
	assert_no_trace_table
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
