#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# br-attach: the bridge, its ports and the pods' default routes.

# bats file_tags=root,netlink

load helpers

# Pods pod1..podN wired to the host by veth-link, with addresses.
make_pods() {
	local n=$1 pool=${2:-10.244.0.0/24}
	sb bash -c "seq -f pod%g $n | netns-new | veth-link --ipam $pool" \
		>"$BATS_TEST_TMPDIR/pods"
}

@test "creates the bridge up with its gateway address and podwire's mark" {
	run -0 --separate-stderr sb br-attach cni0 --gw 10.244.0.1/24
	assert_equal "$output" ""
	j=$(link_json cni0)
	assert_equal "$(jq -r .linkinfo.info_kind <<<"$j")" bridge
	assert_regex "$(jq -r .ifalias <<<"$j")" '^podwire: bridge=cni0 gw=10.244.0.1/24 created=[0-9]+$'
	assert_link_up_admin cni0
	assert_equal "$(addrs_of cni0)" 10.244.0.1/24
	# The MAC was set, not inherited from ports: locally administered.
	assert_regex "$(jq -r .address <<<"$j")" '^[0-9a-f][26ae]:'
	# Twice: the address is not added twice.
	run -0 sb br-attach cni0 --gw 10.244.0.1/24
	assert_equal "$(addrs_of cni0)" 10.244.0.1/24
}

@test "attaches each pod's host end, routes the pod via the gateway" {
	make_pods 3
	mac_before=$(link_json cni0 2>/dev/null | jq -r .address)
	run -0 sb bash -c "br-attach cni0 --gw 10.244.0.1/24 < '$BATS_TEST_TMPDIR/pods'"
	assert_equal "${#lines[@]}" 3
	for i in 1 2 3; do
		host=$(field host_ifname "$i")
		assert_equal "$(field bridge "$i")" cni0
		assert_equal "$(field gw "$i")" 10.244.0.1
		assert_equal "$(link_json "$host" | jq -r .master)" cni0
		assert_link_up "$host"
		assert_equal "$(sb ip -n pod$i -j route show default | jq -r '.[0].gateway')" 10.244.0.1
	done
	assert_equal "$(sb bridge -j link show | jq '[.[] | select(.master == "cni0")] | length')" 3
	# The pods reach each other and the gateway, and the host reaches them.
	run -0 ping_from pod1 10.244.0.3
	run -0 ping_from pod3 10.244.0.1
	run -0 sb ping -c1 -W2 10.244.0.4
}

@test "a new bridge has multicast snooping off; --mcast-snooping keeps it on" {
	run -0 sb br-attach cni0
	assert_equal "$(link_json cni0 | jq .linkinfo.info_data.mcast_snooping)" 0
	run -0 sb br-attach --mcast-snooping cni1
	assert_equal "$(link_json cni1 | jq .linkinfo.info_data.mcast_snooping)" 1
	# A bridge that exists is taken as it is, either way.
	sb ip link add br9 type bridge mcast_snooping 1
	run -0 sb br-attach br9
	assert_equal "$(link_json br9 | jq .linkinfo.info_data.mcast_snooping)" 1
	run -0 sb br-attach --mcast-snooping cni0
	assert_equal "$(link_json cni0 | jq .linkinfo.info_data.mcast_snooping)" 0
}

@test "the bridge's MAC does not change as ports come and go" {
	run -0 sb br-attach cni0 --gw 10.244.0.1/24
	mac=$(link_json cni0 | jq -r .address)
	make_pods 3
	run -0 sb bash -c "br-attach cni0 < '$BATS_TEST_TMPDIR/pods'"
	assert_equal "$(link_json cni0 | jq -r .address)" "$mac"
	run -0 sb netns-new -D pod1
	eventually no_link "$(field host_ifname 1)"
	assert_equal "$(link_json cni0 | jq -r .address)" "$mac"
}

@test "seed 000, Hands-On Part 2: ns3 on br0 with a default route, pinged from the host" {
	run -0 sb netns-new ns3
	run -0 sb veth-link ns3:veth-ns3=10.0.0.3/24 veth-br
	run -0 sb br-attach br0 --gw 10.0.0.254/24 veth-br
	assert_equal "$(field host_ifname)" veth-br
	assert_equal "$(link_json veth-br | jq -r .master)" br0
	# Positional interfaces carry no pod, so its route is made by
	# record: the same pod again as a record does it.
	run -0 sb bash -c 'echo "netns=ns3 ifname=veth-ns3 host_ifname=veth-br addr=10.0.0.3/24" | br-attach br0 --gw 10.0.0.254/24'
	assert_equal "$(sb ip -n ns3 -j route show default | jq -r '.[0].gateway')" 10.0.0.254
	run -0 ping_from ns3 10.0.0.254
	run -0 sb ping -c2 -W2 10.0.0.3
	run -0 ping_from ns3 127.0.0.1
}

@test "re-running attaches nothing twice and keeps the routes" {
	make_pods 2
	run -0 sb bash -c "br-attach cni0 --gw 10.244.0.1/24 < '$BATS_TEST_TMPDIR/pods'"
	first=$output
	run -0 sb bash -c "br-attach cni0 --gw 10.244.0.1/24 < '$BATS_TEST_TMPDIR/pods'"
	assert_equal "$output" "$first"
	assert_equal "$(sb ip -n pod1 -j route show default | jq length)" 1
	assert_equal "$(addrs_of cni0)" 10.244.0.1/24
}

@test "--no-route leaves the pods' routes alone; --hairpin and --mtu apply" {
	make_pods 1
	run -0 sb bash -c "br-attach cni0 --gw 10.244.0.1/24 --no-route --hairpin --mtu 1400 < '$BATS_TEST_TMPDIR/pods'"
	host=$(field host_ifname)
	assert_equal "$(field gw)" ""
	assert_equal "$(sb ip -n pod1 -j route show default | jq length)" 0
	assert_equal "$(sb bridge -j -d link show dev "$host" | jq -r '.[0].hairpin')" true
	assert_equal "$(link_json cni0 | jq .mtu)" 1400
}

@test "a pod with another default route is not rerouted" {
	make_pods 1
	sb ip -n pod1 route add default via 10.244.0.99
	run -1 --separate-stderr sb bash -c "br-attach cni0 --gw 10.244.0.1/24 < '$BATS_TEST_TMPDIR/pods'"
	assert_equal "$stderr" "br-attach: line 1: namespace 'pod1' already has another default route; not replacing it with one via 10.244.0.1"
	assert_equal "$(sb ip -n pod1 -j route show default | jq -r '.[0].gateway')" 10.244.0.99
}

@test "a record without host_ifname is an error with its line number" {
	make_pods 1
	run -2 --separate-stderr sb bash -c "(cat '$BATS_TEST_TMPDIR/pods'; echo netns=pod1) | br-attach cni0"
	assert_equal "${#lines[@]}" 1
	assert_equal "$stderr" "br-attach: line 2: record has no host_ifname= field (veth-link writes it)"
}

@test "an interface that does not exist: exit 1, named" {
	run -1 --separate-stderr sb br-attach cni0 nosuch0
	assert_equal "$stderr" "br-attach: cannot attach 'nosuch0': no such interface"
}

@test "bad input: exit 2, one line, nothing made" {
	for args in "--gw 224.0.0.1 cni0" "--gw 10.0.0.0/24 cni0" "--gw 10.0.0.1/33 cni0" \
		"--mtu 10 cni0" "verylongbridgename0" "../br" "cni0 bad/name" "cni0 cni0" \
		"--gw 10.0.0.1/24,10.1.0.1/24 cni0"; do
		run -2 --separate-stderr sb br-attach $args
		assert_equal "$output" ""
		assert_regex "$stderr" "^br-attach: "
	done
	run -2 sb br-attach
	run -1 link_exists cni0
}

@test "a name that exists but is not a bridge is refused" {
	sb ip link add notbr type veth peer name notbr1
	run -1 --separate-stderr sb br-attach notbr --gw 10.0.0.1/24
	assert_equal "$stderr" "br-attach: 'notbr' exists and is not a bridge (it is veth)"
	assert_equal "$(addrs_of notbr)" ""
}

@test "a port of another bridge is not moved" {
	sb ip link add other0 type bridge
	sb ip link add p0 type veth peer name p1
	sb ip link set p0 master other0
	run -1 --separate-stderr sb br-attach cni0 p0
	index=$(sb ip -j link show dev other0 | jq .[0].ifindex)
	assert_equal "$stderr" "br-attach: cannot attach 'p0': it is a port of other0 (ifindex $index)"
	assert_equal "$(link_json p0 | jq -r .master)" other0
}

@test "the 1,024th port is refused, saying why" {
	# Dummy-like cheap ports: veth pairs with both ends on the host.
	run -0 sb br-attach cni0
	sb bash -c 'for i in $(seq 1023); do echo "link add p$i type veth peer name q$i"; echo "link set p$i master cni0"; done | ip -batch -'
	sb ip link add p1024 type veth peer name q1024
	run -1 --separate-stderr sb br-attach cni0 p1024
	assert_equal "$stderr" "br-attach: cannot attach 'p1024': bridge 'cni0' holds at most 1023 ports"
}

@test "-D detaches, and -D BRIDGE deletes it once it is empty" {
	make_pods 2
	run -0 sb bash -c "br-attach cni0 --gw 10.244.0.1/24 < '$BATS_TEST_TMPDIR/pods'"
	h1=$(field host_ifname 1)
	h2=$(field host_ifname 2)
	run -1 --separate-stderr sb br-attach -D cni0
	assert_equal "$stderr" "br-attach: not deleting bridge 'cni0': 2 ports left ($h1); detach them first"
	run -0 sb br-attach -D cni0 "$h1" "$h2"
	assert_equal "$(link_json "$h1" | jq -r '.master // "none"')" none
	run -0 sb br-attach -D cni0 "$h1"
	run -0 sb br-attach -D cni0
	run -1 link_exists cni0
	run -0 sb br-attach -D cni0
}

@test "-D removes the pod's default route when the pod is still there" {
	make_pods 1
	run -0 sb bash -c "br-attach cni0 --gw 10.244.0.1/24 < '$BATS_TEST_TMPDIR/pods'"
	run -0 sb bash -c "br-attach -D cni0 --gw 10.244.0.1/24 < '$BATS_TEST_TMPDIR/pods'"
	assert_equal "$(sb ip -n pod1 -j route show default | jq length)" 0
	run -1 link_exists cni0
}

@test "-D refuses a bridge podwire did not make" {
	sb ip link add docker0 type bridge
	run -1 --separate-stderr sb br-attach -D docker0
	assert_equal "$stderr" "br-attach: refusing to delete 'docker0': podwire did not make it (no podwire: bridge mark)"
	run -0 link_exists docker0
}

@test "-n makes the bridge inside another namespace" {
	run -0 sb netns-new node
	run -0 sb br-attach -n node cni0 --gw 10.244.0.1/24
	run -0 link_exists cni0 node
	run -1 link_exists cni0
}

@test "without CAP_NET_ADMIN: says it needs root, exit 1" {
	run -1 --separate-stderr without_caps br-attach cni0
	assert_regex "$stderr" "^br-attach: setting up a bridge needs root \(CAP_NET_ADMIN is missing\)$"
	run -1 link_exists cni0
}

@test "a route that fails detaches what this run attached (atomic per record)" {
	make_pods 1
	sb ip -n pod1 route add default via 10.244.0.77
	run -1 sb bash -c "br-attach cni0 --gw 10.244.0.1/24 < '$BATS_TEST_TMPDIR/pods'"
	host=$(sed -n 's/.*host_ifname=\([^ ]*\).*/\1/p' "$BATS_TEST_TMPDIR/pods")
	assert_equal "$(link_json "$host" | jq -r '.master // "none"')" none
}

@test "in a teardown pipeline a bridge podwire did not make just stays" {
	make_pods 1
	sb ip link add br0 type bridge
	run -0 sb bash -c "br-attach br0 --gw 10.244.0.1/24 < '$BATS_TEST_TMPDIR/pods'"
	run -0 sb bash -c 'netns-new -D pod1 | veth-link -D --ipam 10.244.0.0/24 | br-attach -D br0'
	run -0 link_exists br0
}

@test "-D removes the route through the gw the record carries, without --gw" {
	make_pods 1
	run -0 sb bash -c "br-attach cni0 --gw 10.244.0.1/24 < '$BATS_TEST_TMPDIR/pods' | br-attach -D cni0"
	assert_equal "$(sb ip -n pod1 -j route show default | jq length)" 0
}

@test "a record in br-attach's own namespace is fine when no route is made" {
	sb sh -c ': > /run/netns/self && mount --bind /proc/self/ns/net /run/netns/self'
	sb ip link add h1 type veth peer name h2
	run -0 sb bash -c 'echo "netns=self host_ifname=h1" | br-attach cni0'
	run -1 --separate-stderr sb bash -c 'echo "netns=self host_ifname=h1 addr=10.244.0.9/24" | br-attach cni0 --gw 10.244.0.1/24'
	assert_regex "$stderr" "refusing to set a default route in 'self'"
}

@test "addresses in records must be ADDR/LEN of their family" {
	for bad in "addr=10.244.0.2" "addr=fd00::2/64" "addr6=10.244.0.2/24" "gw=10.0.0.1/24"; do
		run -2 --separate-stderr sb bash -c "echo 'netns=p host_ifname=h $bad' | br-attach cni0 --gw 10.244.0.1/24"
		assert_regex "$stderr" "^br-attach: line 1: invalid "
	done
	run -2 --separate-stderr sb br-attach cni0 bad/x
	assert_regex "$stderr" "^br-attach: invalid interface name 'bad/x'"
}

@test "an IPv6 gateway is usable at once (no DAD wait)" {
	run -0 sb bash -c 'echo pod1 | netns-new | veth-link --ipam 10.244.0.0/24,fd00:244::/64 | br-attach cni0 --gw 10.244.0.1/24,fd00:244::1/64'
	assert_equal "$(field gw6)" fd00:244::1
	run -0 sb ip -j -6 addr show dev cni0
	assert_equal "$(jq -r '.[0].addr_info[] | select(.local == "fd00:244::1") | (.tentative // false)' <<<"$output")" false
	run -0 sb ip netns exec pod1 ping -c1 -W2 fd00:244::1
}

@test "a gateway outside the pod's own subnet fails the record, naming both" {
	# Before: exit 0, attached, and no default route.
	run -1 --separate-stderr sb bash -c 'echo pod1 | netns-new | veth-link --ipam 10.244.1.0/24 | br-attach cni0 --gw 10.244.0.1/16'
	assert_equal "$stderr" "br-attach: line 1: pod1's address 10.244.1.2/24 is not in the subnet of gateway 10.244.0.1/16 of bridge 'cni0': no default route could reach it"
	assert_equal "$output" ""
	assert_equal "$(sb ip -n pod1 -j route show default | jq length)" 0
	# The bridge this run made, with nothing attached, is gone again.
	run -1 link_exists cni0
	# With --no-route the pod is only attached: no route is wanted.
	run -0 sb bash -c 'echo pod1 | veth-link --ipam 10.244.1.0/24 | br-attach cni0 --gw 10.244.0.1/16 --no-route'
	assert_equal "$(field bridge)" cni0
}

@test "a pod at the gateway's address, or at another pod's, is refused naming the holder" {
	run -0 sb netns-new pod1 pod2 pod3
	run -0 sb bash -c 'echo pod1 | veth-link --ipam 10.244.0.0/24 | br-attach cni0 --gw 10.244.0.1/24'
	# Before: the pod was made its own gateway, and --check said the
	# gateway answered (the pod answered itself).
	run -1 --separate-stderr sb bash -c "echo 'netns=pod2 addr=10.244.0.1/24' | veth-link | br-attach cni0 --gw 10.244.0.1/24"
	assert_equal "$stderr" "br-attach: line 1: pod2's address 10.244.0.1/24 is the gateway of bridge 'cni0': the pod would answer for its own gateway"
	run -1 --separate-stderr sb bash -c "echo 'netns=pod3 addr=10.244.0.2/24' | veth-link | br-attach cni0"
	assert_equal "$stderr" "br-attach: line 1: address 10.244.0.2/24 is already held by pod1:eth0 on bridge 'cni0'"
	# Neither was attached; pod1 still answers at its address.
	assert_equal "$(sb bridge -j link show | jq '[.[] | select(.master == "cni0")] | length')" 1
	run -0 sb ping -c1 -W2 10.244.0.2
	# A re-run of pod1 itself is not a clash with itself.
	run -0 sb bash -c 'echo pod1 | veth-link --ipam 10.244.0.0/24 | br-attach cni0'
}

@test "one gateway per family: another is refused before anything changes" {
	run -0 sb br-attach cni0 --gw 10.244.0.1/24,fd00:244::1/64
	assert_equal "$(jq -r .ifalias <<<"$(link_json cni0)" | cut -d' ' -f2-4)" "bridge=cni0 gw=10.244.0.1/24 gw6=fd00:244::1/64"
	make_pods 1
	# A typo'd /16, another address, another IPv6 gateway: before, each
	# piled up beside the first (and a changed one failed on the route
	# after adding its address).
	for gw in 10.244.0.1/16 10.244.0.254/24 fd00:244::2/64; do
		run -1 --separate-stderr sb bash -c "br-attach cni0 --gw $gw < '$BATS_TEST_TMPDIR/pods'"
		assert_equal "$stderr" "br-attach: cni0 has gateway $( [[ $gw == *:* ]] && echo fd00:244::1/64 || echo 10.244.0.1/24); \`br-attach -D cni0\` first"
	done
	assert_equal "$(sb ip -4 -j addr show dev cni0 | jq -r '[.[0].addr_info[].local] | join(" ")')" 10.244.0.1
	assert_equal "$(sb ip -6 -j addr show dev cni0 scope global | jq -r '[.[0].addr_info[].local] | join(" ")')" fd00:244::1
	assert_equal "$(sb ip -j route show dev cni0 | jq -r '[.[].dst] | join(" ")')" 10.244.0.0/24
	assert_equal "$(sb bridge -j link show | jq '[.[] | select(.master == "cni0")] | length')" 0
	# No room for pods beside the gateway: exit 2.
	for gw in 10.244.0.1/31 10.244.0.1/32 fd00:244::1/127 fd00:244::1/128; do
		run -2 --separate-stderr sb br-attach cni0 --gw $gw
		assert_regex "$stderr" "leaves no room for pods beside the gateway"
	done
	# A bridge someone else made: its own address is its gateway.
	sb ip link add br9 type bridge
	sb ip addr add 10.9.0.1/24 dev br9
	run -1 --separate-stderr sb br-attach br9 --gw 10.9.0.254/24
	assert_equal "$stderr" "br-attach: br9 has gateway 10.9.0.1/24; \`br-attach -D br9\` first"
}

@test "without --gw, a podwire bridge's recorded gateway routes the pods" {
	run -0 sb br-attach cni0 --gw 10.244.0.1/24
	make_pods 1
	run -0 sb bash -c "br-attach cni0 < '$BATS_TEST_TMPDIR/pods'"
	assert_equal "$(field gw)" 10.244.0.1
	run -0 ping_from pod1 10.244.0.1
}

@test "--gw without a prefix length takes the pod's or the bridge's" {
	run -0 sb bash -c 'seq -f pod%g 2 | netns-new | veth-link --ipam 10.244.0.0/24 --gw 10.244.0.1/24 | br-attach cni0 --gw 10.244.0.1'
	assert_equal "$(addrs_of cni0)" 10.244.0.1/24
	assert_equal "$(field gw 2)" 10.244.0.1
	run -0 ping_from pod2 10.244.0.1
	# The bridge's own gateway: no pod needed.
	run -0 sb br-attach cni0 --gw 10.244.0.1
	# Neither: exit 1, nothing made.
	run -1 --separate-stderr sb br-attach br7 --gw 10.7.0.1
	assert_equal "$stderr" "br-attach: --gw 10.7.0.1 has no prefix length, and neither the bridge nor the pod's address gives one: write 10.7.0.1/LEN"
	run -1 link_exists br7
}

@test "a failed run leaves no bridge it made (exit 1 and exit 2)" {
	# Before, each of these made the bridge (and its gateway and route)
	# before reading the first record, and left it.
	run -1 sb br-attach br3 --gw 10.3.0.1/24 nosuch
	run -2 sb bash -c "head -c 100000 /dev/zero | tr '\\0' a | br-attach brz --gw 10.4.0.1/24"
	run -2 sb bash -c "echo 'netns=p host_ifname=h addr=1.2.3.4' | br-attach bry --gw 10.5.0.1/24"
	for br in br3 brz bry; do
		run -1 link_exists $br
	done
	assert_equal "$(sb ip -j route | jq -r '[.[].dst] | join(" ")')" ""
	# A bridge that was there stays, with its ports.
	make_pods 1
	run -0 sb bash -c "br-attach cni0 --gw 10.244.0.1/24 < '$BATS_TEST_TMPDIR/pods'"
	run -1 sb br-attach cni0 nosuch
	run -0 link_exists cni0
	assert_equal "$(sb bridge -j link show | jq '[.[] | select(.master == "cni0")] | length')" 1
	# Nothing on stdin and no operand: making the bridge is the job.
	run -0 sb bash -c 'br-attach br5 --gw 10.55.0.1/24 </dev/null'
	run -0 link_exists br5
}

@test "a record with no room for bridge= and gw=: exit 2, nothing attached" {
	make_pods 1
	line=$(cat "$BATS_TEST_TMPDIR/pods")
	for ((i = $(wc -w <<<"$line"); i < 62; i++)); do line+=" k$i=v"; done
	run -2 --separate-stderr sb bash -c "echo '$line' | br-attach cni0 --gw 10.244.0.1/24"
	assert_equal "$stderr" "br-attach: line 1: record has no room left for bridge, gw and gw6 (a record holds 64 fields in 4096 bytes)"
	run -1 link_exists cni0
	run -0 sb bash -c "echo '$line' | br-attach cni0 --gw 10.244.0.1/24 --no-route"
	assert_equal "$(wc -w <<<"$output")" 63
}

@test "a record's routes are all or nothing: a failed IPv6 route takes the IPv4 one back" {
	run -0 sb bash -c 'echo pod1 | netns-new | veth-link --ipam 10.244.0.0/24,fd00:244::/64' 
	rec=$output
	sb ip -n pod1 -6 route add default via fd00:244::99
	run -1 sb bash -c "echo '$rec' | br-attach cni0 --gw 10.244.0.1/24,fd00:244::1/64"
	assert_equal "$(sb ip -n pod1 -j route show default | jq length)" 0
	host=$(sed -n 's/.*host_ifname=\([^ ]*\).*/\1/p' <<<"$rec")
	assert_equal "$(link_json "$host" | jq -r '.master // "none"')" none
}
