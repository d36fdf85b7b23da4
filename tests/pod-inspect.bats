#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# pod-inspect: overview, detail, --check with its fixes, --pid, --exec,
# --tree and --dot.
#
# The --check tests follow the first seed's "Common Mistakes" table: build
# a healthy pod, break exactly one thing, see --check name it and print
# its fix, run what it printed, and see --check pass again.

# bats file_tags=root,inspect

load helpers

# A healthy pod1 (and pod2) on cni0 with NAT out to a pretend internet.
healthy() {
	make_wan
	sb bash -c 'netns-new pod1 pod2 | veth-link --ipam 10.244.0.0/24 | br-attach cni0 --gw 10.244.0.1/24 | nat-out --bridge cni0' >/dev/null
	run -0 sb pod-inspect --check pod1 --to 198.51.100.2
}

# What the --check tests check: pod1 and the path to wan, unless a test
# says otherwise.
CHECK=(--check pod1 --to 198.51.100.2)

# --check fails on exactly what the test broke, with a fix.
assert_check_fails() {
	local what=$1
	run -1 --separate-stderr sb env PODWIRE_COLOR=never pod-inspect "${CHECK[@]}"
	assert_equal "$stderr" ""
	assert_line --regexp "^FAIL  $what: "
	fixes=$(sed -n 's/^      fix: //p' <<<"$output")
	[[ -n $fixes ]] || fail "no fix printed: $output"
}

# Run every fix --check printed, in order, then --check passes.
run_fixes_and_pass() {
	local fix
	while IFS= read -r fix; do
		run -0 sb bash -c "$fix"
	done <<<"$fixes"
	run -0 sb pod-inspect "${CHECK[@]}"
	refute_line --regexp '^FAIL'
}

# The seeds' first exercise, made with ip: a and b joined by one veth,
# no bridge, no host in between.
cable() {
	sb ip netns add a
	sb ip netns add b
	sb ip link add va netns a type veth peer vb netns b
	sb ip -n a addr add 10.0.0.1/24 dev va
	sb ip -n b addr add 10.0.0.2/24 dev vb
	sb ip -n a link set va up
	sb ip -n b link set vb up
	sb ip -n a link set lo up
	sb ip -n b link set lo up
	CHECK=(--check a)
	run -0 ping_from a 10.0.0.2
}

# A routed pod: its veth's host end holds the gateway, no bridge, NAT
# out through the uplink to wan (README.md, "A routed pod").
routed() {
	make_wan
	sb netns-new pod1 >/dev/null
	sb veth-link pod1:eth0=10.3.0.2/24 host1=10.3.0.1/24 >/dev/null
	sb ip -n pod1 route add default via 10.3.0.1
	sb nat-out --out uplink0 10.3.0.0/24 >/dev/null
	run -0 ping_from pod1 198.51.100.2
}

# Start `sleep` inside pod1 through pod-inspect --exec, and set pid to its
# PID once it is in pod1.  Asked of pod1, not by the name sleep: the
# sandbox's holder is a sleep too, and on a slow start (the sanitizer
# build) it was the one found.
sleep_in_pod1() {
	sb pod-inspect pod1 --exec sleep 600 3>&- &
	SB_EXTRA_PIDS="$SB_EXTRA_PIDS $!"
	eventually netns_has_pids pod1
	pid=$(sb ip netns pids pod1 | head -n 1)
}

@test "a healthy pod passes every check, one line each, and --to reaches wan" {
	healthy
	assert_line --index 0 --regexp '^topology: bridged: eth0 -- host end veth[0-9a-f]{8} -- bridge cni0$'
	assert_equal "$(grep -c '^ok ' <<<"$output")" "$((${#lines[@]} - 1))"
	assert_line --regexp '^ok    gateway 10.244.0.1 answers: '
	assert_line --regexp '^ok    a masquerade rule covers 10.244.0.0/24: inet podwire chain postrouting'
	assert_line --regexp '^ok    198.51.100.2 is reachable from the pod: '
}

@test "mistake: interface not up" {
	healthy
	sb ip -n pod1 link set eth0 down
	assert_check_fails "eth0 is up"
	assert_line "      fix: ip -n pod1 link set eth0 up"
	run_fixes_and_pass
	run -0 ping_from pod1 10.244.0.3
}

@test "mistake: missing IP address (the fix knows the pod's lease)" {
	healthy
	sb ip -n pod1 addr flush dev eth0
	assert_check_fails "eth0 has an IPv4 address"
	assert_line "      fix: ip -n pod1 addr add 10.244.0.2/24 dev eth0"
	run_fixes_and_pass
	run -0 ping_from pod1 10.244.0.1
}

@test "mistake: no route to the gateway" {
	healthy
	sb ip -n pod1 route del default
	assert_check_fails "default route \(IPv4\)"
	assert_line "      fix: ip -n pod1 route add default via 10.244.0.1"
	run ! sb ip netns exec pod1 ping -n -c1 -W1 198.51.100.2
	run_fixes_and_pass
	run -0 ping_from pod1 198.51.100.2
}

@test "mistake: bridge not up" {
	healthy
	sb ip link set cni0 down
	assert_check_fails "bridge cni0 is up"
	assert_line "      fix: ip link set cni0 up"
	assert_line --regexp '^FAIL  gateway 10.244.0.1 answers: no reply'
	run_fixes_and_pass
	run -0 ping_from pod1 10.244.0.3
}

@test "mistake: missing NAT" {
	healthy
	run -0 sb nat-out -D --force 10.244.0.0/24
	assert_check_fails "a masquerade rule covers 10.244.0.0/24"
	assert_line "      fix: nat-out --bridge cni0 10.244.0.0/24"
	run_fixes_and_pass
}

@test "a host end taken off its bridge is put back on it" {
	healthy
	host=$(sb ip -j link show master cni0 | jq -r '.[0].ifname')
	sb ip link set "$host" nomaster
	assert_check_fails "host end $host is a bridge port"
	assert_line "      fix: ip link set $host master cni0"
	run_fixes_and_pass
	run -0 ping_from pod1 10.244.0.3
}

@test "NAT out by an uplink that does not exist is named, and its fix works" {
	healthy
	run -0 sb nat-out --out nosuch0 --bridge cni0 10.244.0.0/24
	assert_check_fails "a masquerade rule covers 10.244.0.0/24"
	assert_line --regexp '^FAIL  a masquerade rule covers 10.244.0.0/24: inet podwire chain postrouting, handle [0-9]+, masquerades only what leaves by nosuch0, and the host has no nosuch0$'
	assert_line "      fix: nat-out --bridge cni0 10.244.0.0/24"
	run_fixes_and_pass
	run -0 ping_from pod1 198.51.100.2
}

@test "mistake: forgot loopback" {
	healthy
	sb ip -n pod1 link set lo down
	assert_check_fails "loopback is up"
	assert_line "      fix: ip -n pod1 link set lo up"
	run_fixes_and_pass
	run -0 ping_from pod1 127.0.0.1
}

@test "forwarding off is named, with the sysctl that fixes it" {
	healthy
	sb sysctl -qw net.ipv4.ip_forward=0
	assert_check_fails "the host forwards IPv4"
	assert_line "      fix: sysctl -w net.ipv4.ip_forward=1"
	run_fixes_and_pass
}

@test "a FORWARD chain with policy drop is found, and its fix lets traffic through" {
	healthy
	sb nft add table inet filter
	sb nft add chain inet filter forward '{ type filter hook forward priority 0; policy drop; }'
	run -1 sb ip netns exec pod1 ping -n -c1 -W1 198.51.100.2
	assert_check_fails "no forward chain drops 10.244.0.0/24"
	assert_line --regexp '^FAIL  no forward chain drops 10.244.0.0/24: inet filter chain forward has policy drop and no rule accepts it$'
	assert_line "      fix: nft insert rule inet filter forward ip saddr 10.244.0.0/24 accept && nft insert rule inet filter forward ip daddr 10.244.0.0/24 accept"
	run_fixes_and_pass
	run -0 ping_from pod1 198.51.100.2
}

@test "a rule that drops the subnet is named by its handle" {
	healthy
	sb nft add table ip guard
	sb nft add chain ip guard gate '{ type filter hook forward priority -10; }'
	sb nft add rule ip guard gate ip saddr 10.244.0.0/16 drop
	assert_check_fails "no forward chain drops 10.244.0.0/24"
	assert_line --regexp '^FAIL  no forward chain drops 10.244.0.0/24: ip guard chain gate drops it \(rule handle [0-9]+\)$'
	# A rule for another subnet changes nothing.
	sb nft flush chain ip guard gate
	sb nft add rule ip guard gate ip saddr 10.9.0.0/16 drop
	run -0 sb pod-inspect --check pod1
}

@test "iptables-nft rules count: its MASQUERADE, its FORWARD policy and the iptables fix" {
	healthy
	run -0 sb nat-out -D --force 10.244.0.0/24
	sb iptables -t nat -A POSTROUTING -s 10.244.0.0/24 ! -o cni0 -j MASQUERADE
	sb iptables -P FORWARD DROP
	assert_check_fails "no forward chain drops 10.244.0.0/24"
	assert_line --regexp '^ok    a masquerade rule covers 10.244.0.0/24: ip nat chain POSTROUTING, handle [0-9]+$'
	assert_line "      fix: iptables -I FORWARD -s 10.244.0.0/24 -j ACCEPT && iptables -I FORWARD -d 10.244.0.0/24 -j ACCEPT"
	run_fixes_and_pass
	run -0 ping_from pod1 198.51.100.2
}

@test "--pid of a process started inside the pod with --exec" {
	healthy
	sleep_in_pod1
	run -0 sb pod-inspect --pid "$pid"
	assert_line --regexp "^pid=$pid object=addr ifname=eth0 addr=10.244.0.2/24 scope=global$"
	run -0 sb pod-inspect --check --pid "$pid"
	assert_line --regexp '^ok    eth0 has an IPv4 address: 10.244.0.2/24$'
	# The overview counts the process in pod1.
	run -0 sb pod-inspect
	assert_line --regexp '^netns=pod1 owner=podwire procs=1 ifname=eth0 '
	run -0 sb pod-inspect --pid "$pid" --exec ip -j addr show dev eth0
	assert_equal "$(jq -r '.[0].addr_info[0].local' <<<"$output")" 10.244.0.2
}

@test "a PID that does not exist, and PIDs that are not PIDs" {
	run -1 --separate-stderr sb pod-inspect --pid 4000000
	assert_equal "$stderr" "pod-inspect: cannot inspect pid 4000000: no such process (or it has exited)"
	for bad in 0 -1 4294967296 12abc " 1" 0x10 4194305 ""; do
		run -2 --separate-stderr sb pod-inspect --pid "$bad"
		assert_regex "$stderr" "^pod-inspect: invalid PID '.*': give 1-4194304"
	done
}

@test "PID 1's namespace, from inside a pod's sandbox, is refused" {
	run -1 --separate-stderr sb pod-inspect --pid 1
	assert_regex "$stderr" "it is the network namespace of PID 1, the host's own"
}

@test "a target that is not a namespace, and one that does not exist" {
	run -1 --separate-stderr sb pod-inspect /etc/hostname
	assert_regex "$stderr" "^pod-inspect: cannot inspect /etc/hostname: not a network namespace"
	run -1 --separate-stderr sb pod-inspect nosuch
	assert_equal "$stderr" "pod-inspect: cannot inspect nosuch: no such namespace"
	run -1 sb pod-inspect --check nosuch
	run -2 sb pod-inspect "a b"
	run -2 sb pod-inspect ../x
}

@test "the detail: links, addresses, routes; one line answers 'what is pod1's address'" {
	healthy
	run -0 sb ip netns exec pod1 ping -c1 -W2 10.244.0.1
	run -0 sb pod-inspect pod1
	assert_line --regexp '^netns=pod1 object=link ifname=eth0 ifindex=[0-9]+ kind=veth state=up admin=up mtu=1500 mac=[0-9a-f:]{17} host_ifname=veth[0-9a-f]{8} host_state=[a-z]+ bridge=cni0 bridge_state=up bridge_addr=10.244.0.1/24$'
	assert_line 'netns=pod1 object=route dst=default gw=10.244.0.1 dev=eth0 proto=static'
	assert_line --regexp '^netns=pod1 object=neigh dst=10.244.0.1 mac=[0-9a-f:]{17} dev=eth0 state=[a-z]+$'
	run -0 sb bash -c "pod-inspect pod1 | awk -F' addr=' '/object=addr ifname=eth0/ {split(\$2, a, \" \"); print a[1]}'"
	assert_equal "$output" 10.244.0.2/24
	run -0 sb bash -c 'pod-inspect -j pod1 | jq -e -s "map(select(.object == \"link\")) | length == 2"'
}

@test "the overview: one record per pod, 100 pods in one process" {
	run -0 sb bash -c 'seq -f pod%g 100 | netns-new | veth-link --ipam 10.244.0.0/24 | br-attach cni0 --gw 10.244.0.1/24 >/dev/null'
	run -0 sb bash -c "strace -f -qq -e trace=clone,clone3,fork,vfork,execve -o '$BATS_TEST_TMPDIR/trace' pod-inspect"
	assert_equal "${#lines[@]}" 100
	assert_equal "$(grep -c execve "$BATS_TEST_TMPDIR/trace")" 1
	run -1 grep -E 'clone|fork' "$BATS_TEST_TMPDIR/trace"
	run -0 sb pod-inspect
	assert_line --regexp '^netns=pod42 owner=podwire procs=0 ifname=eth0 state=[a-z]+ mac=[0-9a-f:]{17} addr=10.244.0.43/24 host_ifname=veth[0-9a-f]{8} host_state=[a-z]+ bridge=cni0 bridge_state=up$'
	# The overview feeds the teardown.
	run -0 sb bash -c 'pod-inspect | netns-new -D | veth-link -D --ipam 10.244.0.0/24 | br-attach -D cni0 | wc -l'
	assert_equal "$output" 100
	eventually no_links veth
	run -1 link_exists cni0
}

@test "--tree draws bridges, veths and pods; cables between pods too" {
	healthy
	run -0 sb netns-new red blue
	run -0 sb veth-link red:veth-red=10.0.0.1/24 blue:veth-blue=10.0.0.2/24
	run -0 sb pod-inspect --tree
	assert_line --index 0 'cni0  bridge up 10.244.0.1/24'
	assert_line --regexp '^\|-- veth[0-9a-f]{8} up -- pod1:eth0 up 10.244.0.2/24$'
	assert_line --regexp '^`-- veth[0-9a-f]{8} up -- pod2:eth0 up 10.244.0.3/24$'
	assert_line '(no bridge)'
	assert_line '`-- uplink0 up -- wan:wan0 up 198.51.100.2/24'
	assert_line '(pod to pod)'
	assert_line '|-- red:veth-red 10.0.0.1/24 == blue:veth-blue'
}

@test "--dot is Graphviz that dot accepts" {
	command -v dot >/dev/null || skip "graphviz is not installed"
	healthy
	run -0 sb bash -c 'pod-inspect --dot | dot -Tsvg >/dev/null'
	run -0 sb pod-inspect --dot
	assert_line --index 0 'graph podwire {'
	assert_line --partial '"host cni0" -- "host veth'
}

@test "--exec runs the command inside, with its exit status; -- works too" {
	healthy
	run -0 sb pod-inspect pod1 --exec ip -j addr show dev eth0
	assert_equal "$(jq -r '.[0].addr_info[0].local' <<<"$output")" 10.244.0.2
	run -0 sb pod-inspect pod1 -- sh -c 'cat /proc/net/dev | grep -c eth0'
	assert_equal "$output" 1
	run -3 sb pod-inspect pod1 --exec sh -c 'exit 3'
	run -127 --separate-stderr sb pod-inspect pod1 --exec no-such-command
	assert_equal "$stderr" "pod-inspect: cannot run 'no-such-command': No such file or directory"
	run -2 sb pod-inspect pod1 --exec
	run -2 sb pod-inspect --exec true
}

@test "usage errors: one line and the hint, exit 2" {
	for args in "--check" "--tree pod1" "--check --tree pod1" "--to 10.0.0.1 pod1" \
		"--check --to 10.0.0.300 pod1" "pod1 pod2" "--pid 5 pod1"; do
		run -2 --separate-stderr sb pod-inspect $args
		assert_equal "$(wc -l <<<"$stderr")" 2
	done
}

@test "dual stack: each family's address is checked, each with its lease" {
	sb ip netns add wan
	sb bash -c 'netns-new pod1 | veth-link --ipam 10.244.0.0/24,fd00:244::/64 | br-attach cni0 --gw 10.244.0.1/24,fd00:244::1/64 | nat-out --bridge cni0' >/dev/null
	sb ip -n pod1 -6 addr del fd00:244::2/64 dev eth0
	run -1 sb pod-inspect --check pod1
	assert_line --regexp '^ok    eth0 has an IPv4 address: 10.244.0.2/24$'
	assert_line --regexp '^FAIL  eth0 has an IPv6 address: none$'
	assert_line "      fix: ip -n pod1 -6 addr add fd00:244::2/64 dev eth0"
}

@test "a pod given by --pid still gets fixes by name and from its lease" {
	healthy
	sleep_in_pod1
	sb ip -n pod1 addr flush dev eth0
	run -1 sb pod-inspect --check --pid "$pid"
	assert_line "      fix: ip -n pod1 addr add 10.244.0.2/24 dev eth0"
	assert_line "      fix: ip -n pod1 route add default via 10.244.0.1"
}

@test "with -n as a path, fixes reach the host through nsenter" {
	run -0 sb netns-new node pod1
	run -0 sb bash -c 'echo pod1 | veth-link -n node --ipam 10.244.0.0/24 | br-attach -n node cni0 --gw 10.244.0.1/24' 
	sb ip -n node link set cni0 down
	run -1 sb pod-inspect -n /run/netns/node --check pod1
	assert_line "      fix: nsenter --net=/run/netns/node ip link set cni0 up"
	run -1 sb pod-inspect -n node --check pod1
	assert_line "      fix: ip -n node link set cni0 up"
}

@test "a forward chain that accepts what comes from the bridge lets the pod out" {
	healthy
	sb nft add table inet filter
	sb nft add chain inet filter forward '{ type filter hook forward priority 0; policy drop; }'
	sb nft add rule inet filter forward iifname cni0 oifname != cni0 accept
	sb nft add rule inet filter forward ct state established,related accept
	run -0 sb pod-inspect --check pod1
	run -0 ping_from pod1 198.51.100.2
	# An accept for another interface does not count.
	sb nft flush chain inet filter forward
	sb nft add rule inet filter forward iifname eth9 accept
	assert_check_fails "no forward chain drops 10.244.0.0/24"
}

@test "iptables-nft's -i/-o rules are judged like nft's" {
	healthy
	sb iptables -P FORWARD DROP
	sb iptables -A FORWARD -i cni0 ! -o cni0 -j ACCEPT
	run -0 sb pod-inspect --check pod1
	sb iptables -F FORWARD
	sb iptables -A FORWARD -i eth+ -j ACCEPT
	assert_check_fails "no forward chain drops 10.244.0.0/24"
}

@test "source NAT to an address counts as the masquerade" {
	healthy
	run -0 sb nat-out -D --force 10.244.0.0/24
	sb nft add table ip nat
	sb nft add chain ip nat post '{ type nat hook postrouting priority srcnat; }'
	sb nft add rule ip nat post ip saddr 10.244.0.0/24 oifname uplink0 snat to 198.51.100.1
	run -0 sb pod-inspect --check pod1 --to 198.51.100.2
	assert_line --regexp '^ok    a masquerade rule covers 10.244.0.0/24: ip nat chain post, handle [0-9]+$'
}

@test "without CAP_SYS_ADMIN it says it needs root; drawings take no -j or -q" {
	run -1 --separate-stderr without_caps pod-inspect
	assert_equal "$stderr" "pod-inspect: looking into namespaces needs root (CAP_SYS_ADMIN is missing)"
	run -2 sb pod-inspect --tree -j
	run -2 sb pod-inspect --dot -q
}

@test "the overview marks whose each namespace is; the man page's teardown leaves others' alone" {
	run -0 sb bash -c 'seq -f pod%g 3 | netns-new | veth-link --ipam 10.244.0.0/24 | br-attach cni0 --gw 10.244.0.1/24 >/dev/null'
	sb ip netns add cni-1234
	run -0 sb pod-inspect
	assert_line 'netns=cni-1234 owner=other procs=0'
	assert_line --regexp '^netns=pod2 owner=podwire procs=0 ifname=eth0 '
	run -0 sb bash -c 'pod-inspect | grep owner=podwire | netns-new -D | veth-link -D --ipam 10.244.0.0/24 | br-attach -D cni0 | wc -l'
	assert_output 3
	assert_equal "$(netns_list)" cni-1234
	eventually no_links veth
	# Without the filter, netns-new refuses it, and says so.
	run -1 --separate-stderr sb bash -c 'pod-inspect | netns-new -D'
	assert_equal "$stderr" "netns-new: line 1: refusing to delete namespace 'cni-1234': podwire did not make it; --force deletes it anyway"
	assert_equal "$(netns_list)" cni-1234
}

# ---- Topologies ---------------------------------------------------------

@test "the seeds' first exercise: two namespaces on one veth pass, with no host check" {
	cable
	for pod in a b; do
		run -0 sb pod-inspect --check "$pod"
		refute_line --regexp '^FAIL'
	done
	run -0 sb pod-inspect --check a
	assert_line --index 0 'topology: point-to-point: va -- vb in namespace b'
	assert_line 'ok    far end vb is up: up'
	assert_line 'ok    far end vb has an IPv4 address in 10.0.0.0/24: 10.0.0.2/24'
	assert_line 'ok    route from va to 10.0.0.2: dev va'
	assert_line 'ok    route from vb to 10.0.0.1: dev vb'
	assert_line 'ok    far end 10.0.0.2 answers: it answered an ICMP echo'
	refute_line --partial 'forward'
	refute_line --partial 'masquerade'
	refute_line --partial 'gateway'
	refute_line --partial 'nat-out'
	run -0 sb bash -c 'pod-inspect -j --check a | jq -e -s ".[0] == {netns: \"a\", topology: \"point-to-point\", ifname: \"va\", peer_netns: \"b\", peer_ifname: \"vb\"}"'
}

@test "the same cable made by netns-new and veth-link passes" {
	run -0 sb netns-new red blue
	run -0 sb veth-link red:veth-red=10.0.0.1/24 blue:veth-blue=10.0.0.2/24
	run -0 ping_from red 10.0.0.2
	run -0 sb pod-inspect --check blue
	assert_line --index 0 'topology: point-to-point: veth-blue -- veth-red in namespace red'
	refute_line --regexp '^FAIL'
}

@test "cable: the far end down" {
	cable
	sb ip -n b link set vb down
	assert_check_fails "far end vb is up"
	assert_line "      fix: ip -n b link set vb up"
	run_fixes_and_pass
	run -0 ping_from a 10.0.0.2
}

@test "cable: an address missing at either end, and what it should be" {
	cable
	sb ip -n a addr flush dev va
	assert_check_fails "va has an IPv4 address"
	assert_line "      fix: ip -n a addr add 10.0.0.1/24 dev va"
	run_fixes_and_pass
	sb ip -n b addr flush dev vb
	assert_check_fails "far end vb has an IPv4 address in 10.0.0.0/24"
	assert_line "      fix: ip -n b addr add 10.0.0.2/24 dev vb"
	run_fixes_and_pass
	run -0 ping_from a 10.0.0.2
}

@test "cable: no route, either way" {
	cable
	sb ip -n a route del 10.0.0.0/24 dev va
	run ! sb ip netns exec a ping -n -c1 -W1 10.0.0.2
	assert_check_fails "route from va to 10.0.0.2"
	assert_line "      fix: ip -n a route add 10.0.0.0/24 dev va"
	run_fixes_and_pass
	sb ip -n b route del 10.0.0.0/24 dev vb
	assert_check_fails "route from vb to 10.0.0.1"
	assert_line "      fix: ip -n b route add 10.0.0.0/24 dev vb"
	run_fixes_and_pass
	run -0 ping_from a 10.0.0.2
}

@test "a routed pod passes, and is never told to join a bridge" {
	routed
	# A bridge elsewhere on the host changes nothing.
	run -0 sb br-attach cni0 --gw 10.244.0.1/24
	run -0 sb pod-inspect --check pod1 --to 198.51.100.2
	assert_line --index 0 'topology: routed: eth0 -- host end host1 (no bridge)'
	assert_line 'ok    host end host1 holds the gateway 10.3.0.1: yes'
	assert_line 'ok    the host routes 10.3.0.2 to host1: yes'
	assert_line --regexp '^ok    a masquerade rule covers 10.3.0.0/24: inet podwire chain postrouting'
	refute_line --regexp '^FAIL'
	refute_line --regexp 'bridge port|br-attach|master'
}

@test "routed: forwarding off" {
	routed
	sb sysctl -qw net.ipv4.ip_forward=0
	assert_check_fails "the host forwards IPv4"
	assert_line "      fix: sysctl -w net.ipv4.ip_forward=1"
	run_fixes_and_pass
	run -0 ping_from pod1 198.51.100.2
}

@test "routed: NAT missing" {
	routed
	run -0 sb nat-out -D --force 10.3.0.0/24
	assert_check_fails "a masquerade rule covers 10.3.0.0/24"
	assert_line "      fix: nat-out 10.3.0.0/24"
	run_fixes_and_pass
	run -0 ping_from pod1 198.51.100.2
}

@test "routed: no default route, the pod's address gone, the host end's gone" {
	routed
	sb ip -n pod1 route del default
	assert_check_fails "default route \(IPv4\)"
	assert_line "      fix: ip -n pod1 route add default via 10.3.0.1"
	run_fixes_and_pass
	sb ip -n pod1 addr flush dev eth0
	assert_check_fails "eth0 has an IPv4 address"
	assert_line "      fix: ip -n pod1 addr add 10.3.0.2/24 dev eth0"
	run_fixes_and_pass
	sb ip addr flush dev host1
	assert_check_fails "host end host1 holds the gateway 10.3.0.1"
	assert_line "      fix: ip addr add 10.3.0.1/24 dev host1"
	run_fixes_and_pass
	run -0 ping_from pod1 198.51.100.2
}

@test "routed: the host end down" {
	routed
	sb ip link set host1 down
	assert_check_fails "host end host1 is up"
	assert_line "      fix: ip link set host1 up"
	run_fixes_and_pass
	run -0 ping_from pod1 198.51.100.2
}

@test "a veth whose far end is a bridge's port in another namespace says where to look" {
	run -0 sb netns-new node pod1
	run -0 sb bash -c 'echo pod1 | veth-link -n node --ipam 10.244.0.0/24 | br-attach -n node cni0 --gw 10.244.0.1/24'
	run -1 sb pod-inspect --check pod1
	assert_line --index 0 --regexp '^topology: unknown: eth0 -- veth[0-9a-f]{8} in namespace node, a port of cni0 there$'
	assert_line --regexp '^FAIL  its host end exists: .* check with pod-inspect -n node$'
	# Through -n node, node is the host and the pod is bridged there.
	run -1 sb pod-inspect -n node --check pod1
	assert_line --index 0 --regexp '^topology: bridged: eth0 -- host end veth[0-9a-f]{8} -- bridge cni0$'
	assert_line --regexp '^ok    its host end exists: '
}

@test "routed: a forward chain is judged by what comes in by the host end" {
	routed
	sb iptables -P FORWARD DROP
	sb iptables -A FORWARD -i host1 ! -o host1 -j ACCEPT
	sb iptables -A FORWARD -m state --state ESTABLISHED,RELATED -j ACCEPT
	run -0 sb pod-inspect "${CHECK[@]}"
	run -0 ping_from pod1 198.51.100.2
	sb iptables -D FORWARD -i host1 ! -o host1 -j ACCEPT
	assert_check_fails "no forward chain drops 10.3.0.0/24"
	assert_line "      fix: iptables -I FORWARD -s 10.3.0.0/24 -j ACCEPT && iptables -I FORWARD -d 10.3.0.0/24 -j ACCEPT"
	run_fixes_and_pass
	run -0 ping_from pod1 198.51.100.2
}

# ---- Names a pod's root chose ----------------------------------------------

@test "a name a pod's root chose goes into no fix" {
	healthy
	sb ip -n pod1 link set eth0 down
	sb ip -n pod1 link set eth0 name 'a;id>x'
	run -1 sb env PODWIRE_COLOR=never pod-inspect --check pod1
	assert_line "FAIL  a;id>x is up: down (no fix: 'a;id>x' is not a name podwire puts in a command)"
	refute_line --partial 'id>x up'
	refute_line --regexp '^      fix: .*id>x'
	run -0 sb bash -c 'pod-inspect -j --check pod1 | jq -e -s "map(select(.check == \"if_up\"))[0] | (has(\"fix\") | not) and .what == \"a;id>x is up\""'
	# The same in a cable, at its far end.
	run -0 sb netns-new red blue
	run -0 sb veth-link red:veth-red=10.0.0.1/24 blue:veth-blue=10.0.0.2/24
	sb ip -n blue link set veth-blue down
	sb ip -n blue link set veth-blue name 'b`id`'
	run -1 sb pod-inspect --check red
	assert_line "FAIL  far end b\`id\` is up: down (no fix: 'b\`id\`' is not a name podwire puts in a command)"
	refute_line --regexp '^      fix: .*id`'
}

@test "control bytes in a pod's names reach no terminal raw, in any output" {
	healthy
	sb ip -n pod1 link set eth0 down
	sb ip -n pod1 link set eth0 name $'e\e[2Jx'
	sb ip -n pod1 link add $'q\x01r' type veth peer name $'s\x7ft'
	for args in "--check pod1" "pod1" "" "--tree" "--dot"; do
		run -0 sb bash -c "pod-inspect $args | tr -d '\\n\\t' | LC_ALL=C grep -c '[[:cntrl:]]'; true"
		assert_output 0
		run sb pod-inspect $args
		assert_output --partial 'x1b[2Jx'
	done
	run -1 sb pod-inspect --check pod1
	assert_line 'FAIL  q\x01r is up: down (no fix: '"'"'q\x01r'"'"' is not a name podwire puts in a command)'
}

@test "a podwire mark a pod's root rewrote is escaped in the drawing" {
	run -0 sb netns-new red blue
	run -0 sb veth-link red:veth-red=10.0.0.1/24 blue:veth-blue=10.0.0.2/24
	sb ip -n red link set veth-red alias 'podwire: netns=red ifname=veth-red peer_netns=b\lue peer_ifname=x;y created=1'
	run -0 sb pod-inspect --tree
	assert_line '|-- red:veth-red 10.0.0.1/24 == b\\lue:x;y'
}

@test "-j carries names as they are: jq -r gives back the kernel's bytes" {
	healthy
	sb ip -n pod1 link add 'x\y' type veth peer name $'e\e[1m"\xff'
	names=$BATS_TEST_TMPDIR/names
	# Each byte above 0x7e is \u00XX, its ISO 8859-1 reading (rec.h).
	sb bash -c 'pod-inspect -j pod1 | jq -j "select(.object == \"link\") | .ifname, \"\n\""' |
		iconv -f UTF-8 -t ISO-8859-1 >"$names"
	run -0 grep -Fxc 'x\y' "$names"
	assert_output 1
	run -0 env LC_ALL=C grep -Fxc $'e\e[1m"\xff' "$names"
	assert_output 1
	run -0 sb bash -c 'pod-inspect -j pod1 | jq -r "select(.object == \"link\") | .ifname"'
	assert_line 'x\y'
	run -0 sb bash -c 'pod-inspect -j --check pod1 | jq -r "select(.check == \"if_up\") | .what"'
	assert_line 'x\y is up'
	# Text records stay escaped, one word each.
	run -0 sb pod-inspect pod1
	assert_line --regexp '^netns=pod1 object=link ifname=x\\\\y ifindex='
	assert_line --regexp '^netns=pod1 object=link ifname=e\\x1b\[1m"\\xff ifindex='
}

@test "--leases lists the store, says which pods are gone, and feeds their teardown" {
	run -0 sb bash -c 'seq -f pod%g 3 | netns-new | veth-link -q --ipam 10.9.0.0/29,fd09::/64'
	run -0 sb netns-new -q -D pod2
	run -0 --separate-stderr sb pod-inspect --leases
	assert_equal "${#lines[@]}" 6
	assert_regex "${lines[1]}" '^pool=10.9.0.0/29 addr=10.9.0.3/29 netns=pod2 ifname=eth0 created=[0-9]+ pod=gone$'
	assert_equal "$(grep -c 'pod=exists$' <<<"$output")" 4
	assert_regex "${lines[3]}" '^pool=fd09::/64 addr6=fd09::2/64 netns=pod1 '
	run -0 sb pod-inspect --leases -j 10.9.0.0/29
	assert_equal "$(jq -r 'select(.pod == "gone") | .addr' <<<"$output")" 10.9.0.3/29
	# The gone pod's records, piped into the teardown, free its leases.
	run -0 sb bash -c 'pod-inspect --leases | grep pod=gone | veth-link -q -D --ipam 10.9.0.0/29,fd09::/64'
	run -0 sb pod-inspect --leases
	assert_equal "${#lines[@]}" 4
	run -1 grep pod2 <<<"$output"
	run -2 sb ls /run/podwire/ipam/10.9.0.0_29/addr/10.9.0.3
	# Bad input: exit 2.
	run -2 sb pod-inspect --leases 10.9.0.1/29
	run -2 sb pod-inspect --leases --pid 1
	run -2 sb pod-inspect --leases --check pod1
}

@test "--check: a pod's address held twice, or the gateway's held by a pod, is a FAIL" {
	run -0 sb bash -c 'netns-new p1 p2 p3 | veth-link --ipam 10.244.0.0/24 | br-attach cni0 --gw 10.244.0.1/24 | nat-out'
	run -0 sb pod-inspect --check p1
	assert_line "ok    10.244.0.2 is the pod's alone: yes"
	assert_line --regexp "^ok    gateway 10.244.0.1 is bridge cni0: $(link_json cni0 | jq -r .address)$"
	# Behind br-attach's back (which refuses both): p3 takes p1's
	# address, p2 adds the gateway's.  Before, --check said ok: the
	# gateway "answered" p2 (p2 itself).
	sb ip -n p3 addr flush dev eth0
	sb ip -n p3 addr add 10.244.0.2/24 dev eth0
	sb ip -n p2 addr add 10.244.0.1/24 dev eth0
	run -1 sb pod-inspect --check p1
	assert_line "FAIL  10.244.0.2 is the pod's alone: p3:eth0 on the bridge holds it too"
	run -1 sb pod-inspect --check p2
	assert_line "FAIL  10.244.0.3 is the pod's alone: eth0 also holds the gateway's address 10.244.0.1: the pod answers for its own gateway"
	# Only p2 holds the gateway now: p1's echo is answered by p2's MAC.
	sb ip -n p3 addr flush dev eth0
	sb ip addr del 10.244.0.1/24 dev cni0
	sb ip -n p1 neigh flush all
	run -1 sb pod-inspect --check p1
	assert_line --regexp "^FAIL  gateway 10.244.0.1 is bridge cni0: it answers from $(link_json eth0 p2 | jq -r .address), not from the bridge's $(link_json cni0 | jq -r .address): another host on the bridge holds its address$"
}
