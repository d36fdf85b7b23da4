#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# veth-link: pairs with each end in its namespace, addressed and up.

# bats file_tags=root,netlink

load helpers

# build/tests/send-ra: one forged router advertisement (tests/tools).
SEND_RA=${PODWIRE_BIN%/bin}/tests/send-ra

# From inside NETNS, send a router advertisement out of DEV offering its
# sender as default router and PREFIX for SLAAC.
send_ra() {
	local ns=$1 dev=$2 prefix=$3
	[[ -x $SEND_RA ]] || fail "$SEND_RA is missing: make units builds it"
	sb ip netns exec "$ns" "$SEND_RA" "$dev" "$prefix"
}

# NETNS's IPv6 default routes, "GATEWAY PROTOCOL" one per line, sorted.
default_routes6() {
	sb ip -n "$1" -j -6 route show default |
		jq -r '.[] | "\(.gateway) \(.protocol)"' | sort
}

# Has NETNS a default route via GATEWAY?  (For eventually.)
routes_via() {
	default_routes6 "$1" | grep -q "^$2 "
}

# Has NETNS an address on eth0 that starts with PREFIX?  (For eventually.)
has_addr_in() {
	sb ip -n "$1" -j -6 addr show dev eth0 |
		jq -e --arg p "$2" 'any(.[0].addr_info[]; (.local // "") |
			startswith($p))' >/dev/null
}

# Both ends of a cable, checked through ip: up, addressed, peers of each
# other, marked as podwire's.
assert_cable() {
	local ns1=$1 if1=$2 a1=$3 ns2=$4 if2=$5 a2=$6 j1 j2
	assert_link_up "$if1" "$ns1"
	assert_link_up "$if2" "$ns2"
	assert_equal "$(addrs_of "$if1" "$ns1")" "$a1"
	assert_equal "$(addrs_of "$if2" "$ns2")" "$a2"
	j1=$(link_json "$if1" "$ns1")
	j2=$(link_json "$if2" "$ns2")
	jq -e '.linkinfo.info_kind == "veth"' <<<"$j1" >/dev/null
	# Each end's peer index (IFLA_LINK) is the other end's index.
	assert_equal "$(jq .link_index <<<"$j1")" "$(jq .ifindex <<<"$j2")"
	assert_equal "$(jq .link_index <<<"$j2")" "$(jq .ifindex <<<"$j1")"
	assert_regex "$(jq -r .ifalias <<<"$j1")" \
		"^podwire: netns=$ns1 ifname=$if1 peer_netns=$ns2 peer_ifname=$if2 created=[0-9]+$"
	assert_equal "$(jq -r .ifalias <<<"$j1")" "$(jq -r .ifalias <<<"$j2")"
}

@test "seed 000, 'Connect Two Namespaces': red and blue ping each other" {
	run -0 sb netns-new red blue
	run -0 --separate-stderr sb veth-link red:veth-red=10.0.0.1/24 blue:veth-blue=10.0.0.2/24
	assert_equal "$stderr" ""
	assert_equal "$(field netns)" red
	assert_equal "$(field ifname)" veth-red
	assert_equal "$(field addr)" 10.0.0.1/24
	assert_equal "$(field host_netns)" blue
	assert_equal "$(field host_ifname)" veth-blue
	assert_equal "$(field host_addr)" 10.0.0.2/24
	assert_equal "$(field mac)" "$(link_json veth-red red | jq -r .address)"
	assert_cable red veth-red 10.0.0.1/24 blue veth-blue 10.0.0.2/24
	run -0 ping_from red 10.0.0.2
	run -0 ping_from blue 10.0.0.1
}

@test "seed 004, 'Two namespaces, zero connectivity': ns-blue reaches ns-green" {
	run -0 sb netns-new ns-blue ns-green
	run -0 sb veth-link ns-blue:veth-blue=10.0.0.1/24 ns-green:veth-green=10.0.0.2/24
	assert_cable ns-blue veth-blue 10.0.0.1/24 ns-green veth-green 10.0.0.2/24
	run -0 ping_from ns-blue 10.0.0.2
}

@test "seed 000, Hands-On Part 1: ns1 and ns2, loopback up in both" {
	run -0 sb netns-new ns1 ns2
	run -0 sb veth-link ns1:veth-ns1=10.0.0.1/24 ns2:veth-ns2=10.0.0.2/24
	assert_cable ns1 veth-ns1 10.0.0.1/24 ns2 veth-ns2 10.0.0.2/24
	run -0 ping_from ns1 10.0.0.2
	run -0 ping_from ns1 127.0.0.1
}

@test "IPv6 between two namespaces, usable at once (no DAD wait)" {
	run -0 sb netns-new v6a v6b
	run -0 sb veth-link v6a:eth0=fd00::1/64 v6b:eth0=fd00::2/64
	assert_equal "$(field addr6)" fd00::1/64
	assert_equal "$(field host_addr6)" fd00::2/64
	assert_cable v6a eth0 fd00::1/64 v6b eth0 fd00::2/64
	run -0 ping_from v6a fd00::2
	run -0 ping_from v6b fd00::1
}

@test "dual stack on one cable" {
	run -0 sb netns-new ds1 ds2
	run -0 sb veth-link ds1:eth0=10.1.0.1/24,fd01::1/64 ds2:eth0=10.1.0.2/24,fd01::2/64
	assert_equal "$(addrs_of eth0 ds1 | sort)" $'10.1.0.1/24\nfd01::1/64'
	run -0 ping_from ds1 10.1.0.2
	run -0 ping_from ds1 fd01::2
}

@test "one endpoint: the other end stays on the host, named from the pod" {
	run -0 sb netns-new pod1
	run -0 sb veth-link pod1:eth0=10.2.0.2/24
	host=$(field host_ifname)
	assert_regex "$host" '^veth[0-9a-f]{8}$'
	assert_link_up "$host"
	assert_link_up eth0 pod1
	# The host end is in the sandbox's own namespace; its peer is in pod1.
	assert_equal "$(link_json "$host" | jq -r .link_netnsid)" \
		"$(sb ip -j netns list | jq '.[] | select(.name=="pod1") | .id')"
	# A re-run finds the same name and changes nothing.
	run -0 sb veth-link pod1:eth0=10.2.0.2/24
	assert_equal "$(field host_ifname)" "$host"
	assert_equal "$(count_links veth)" 1
}

@test "a host-side name can be given as the second endpoint" {
	run -0 sb netns-new pod1
	run -0 sb veth-link pod1:eth0=10.3.0.2/24 hostend0=10.3.0.1/24
	assert_equal "$(field host_ifname)" hostend0
	assert_link_up hostend0
	assert_equal "$(addrs_of hostend0)" 10.3.0.1/24
	run -0 ping_from pod1 10.3.0.1
}

@test "ends without IPv6 get no link-local address; every end gets accept_ra 0" {
	run -0 sb netns-new pod1 pod6
	run -0 sb veth-link pod1:eth0=10.4.0.2/24
	host=$(field host_ifname)
	run -0 sb veth-link pod6:eth0=fd04::2/64
	host6=$(field host_ifname)
	assert_equal "$(link_json eth0 pod1 | jq -r .inet6_addr_gen_mode)" none
	assert_equal "$(link_json "$host" | jq -r .inet6_addr_gen_mode)" none
	assert_equal "$(link_json "$host6" | jq -r .inet6_addr_gen_mode)" none
	# The pod end that carries IPv6 keeps its link-local address.
	assert_equal "$(link_json eth0 pod6 | jq -r .inet6_addr_gen_mode)" eui64
	sleep 0.5 # let a link-local address appear, if one were coming
	assert_equal "$(sb ip -j -6 addr show dev "$host" | jq '.[0].addr_info | length')" 0
	assert_equal "$(sb ip -n pod1 -j -6 addr show dev eth0 | jq '.[0].addr_info | length')" 0
	assert_equal "$(sb ip netns exec pod1 sysctl -n net.ipv6.conf.eth0.accept_ra)" 0
	assert_equal "$(sb sysctl -n net.ipv6.conf."$host".accept_ra)" 0
	# An end with IPv6 takes no router advertisement either.
	assert_equal "$(sysctl_in pod6 net.ipv6.conf.eth0.accept_ra)" 0
	assert_equal "$(sb sysctl -n net.ipv6.conf."$host6".accept_ra)" 0
	# Nor does a host end with an IPv6 address, or a cable's far end.
	run -0 sb netns-new pod7 red blue
	run -0 sb veth-link pod7:eth0=fd07::2/64 routed6=fd07::1/64
	assert_equal "$(sb sysctl -n net.ipv6.conf.routed6.accept_ra)" 0
	run -0 sb veth-link red:a=fd08::1/64 blue:b=fd08::2/64
	assert_equal "$(sysctl_in red net.ipv6.conf.a.accept_ra)" 0
	assert_equal "$(sysctl_in blue net.ipv6.conf.b.accept_ra)" 0
	# The namespace-wide defaults are not touched.
	assert_equal "$(sb ip netns exec pod1 sysctl -n net.ipv6.conf.default.accept_ra)" 1
	assert_equal "$(sysctl_in pod6 net.ipv6.conf.default.accept_ra)" 1
}

@test "a pod's forged router advertisement: the other pods ignore it, a --slaac pod takes it" {
	local pools=10.244.0.0/24,fd00:244::/64 gws=10.244.0.1/24,fd00:244::1/64
	local sender p
	# The control pod joins the bridge first.  The bridge floods to its
	# newest port first, and each copy is taken in turn from one queue,
	# so by the time the control has acted on the advertisement every
	# other pod has had it too.
	run -0 sb bash -c "netns-new ctl | veth-link --slaac --ipam $pools | br-attach cni0 --gw $gws"
	run -0 sb bash -c "netns-new pod1 pod2 pod3 | veth-link --ipam $pools | br-attach cni0 --gw $gws"
	for p in pod1 pod2 pod3; do
		assert_equal "$(sysctl_in "$p" net.ipv6.conf.eth0.accept_ra)" 0
	done
	assert_equal "$(sysctl_in ctl net.ipv6.conf.eth0.accept_ra)" 1
	assert_equal "$(sysctl_in ctl net.ipv6.conf.eth0.autoconf)" 1

	# An advertisement must come from a link-local address (RFC 4861),
	# and pod1's is usable once DAD is done with it.
	eventually link_local_of eth0 pod1 >/dev/null
	sender=$(link_local_of eth0 pod1)
	run -0 send_ra pod1 eth0 2001:db8:bad::/64

	# The control took it: the advertisement is one a pod acts on.
	eventually has_addr_in ctl 2001:db8:bad:
	eventually routes_via ctl "$sender"
	assert_equal "$(default_routes6 ctl)" $'fd00:244::1 static\n'"$sender ra"
	# The others did not: no address, route or default router from it.
	for p in pod2 pod3; do
		run -1 has_addr_in "$p" 2001:db8:bad:
		run -0 sb ip -n "$p" -6 route show
		refute_output --partial 2001:db8:bad:
		refute_output --partial "$sender"
		assert_equal "$(default_routes6 "$p")" "fd00:244::1 static"
	done
	# Nor did the host, through the bridge podwire made (before: an
	# address in the prefix on cni0 and a default route via pod1).
	assert_equal "$(sb sysctl -n net.ipv6.conf.cni0.accept_ra)" 0
	run -0 sb ip -6 addr show dev cni0
	refute_output --partial 2001:db8:bad:
	run -0 sb ip -6 route show default
	refute_output --partial "$sender"
	run -0 ping_from pod2 fd00:244::1
}

@test "--slaac keeps the pod end's IPv6 defaults; a re-run switches either way" {
	run -0 sb netns-new pod1 pod2 pod3
	# IPv4 only: with --slaac the pod end still gets its link-local
	# address, which SLAAC starts from; its host end takes nothing.
	run -0 sb veth-link --slaac pod1:eth0=10.4.0.2/24
	host=$(field host_ifname)
	assert_equal "$(link_json eth0 pod1 | jq -r .inet6_addr_gen_mode)" eui64
	assert_equal "$(sysctl_in pod1 net.ipv6.conf.eth0.accept_ra)" 1
	run -0 sb ip -n pod1 -6 addr show dev eth0 scope link
	assert_output --partial fe80::
	assert_equal "$(sb sysctl -n net.ipv6.conf."$host".accept_ra)" 0
	assert_equal "$(sb sysctl -n net.ipv6.conf."$host".disable_ipv6)" 1
	run -0 sb veth-link pod1:eth0=10.4.0.2/24
	assert_equal "$(sysctl_in pod1 net.ipv6.conf.eth0.accept_ra)" 0
	run -0 sb veth-link --slaac pod1:eth0=10.4.0.2/24
	assert_equal "$(sysctl_in pod1 net.ipv6.conf.eth0.accept_ra)" 1

	# Made without it (no link-local address), then run with it: the
	# link-local address comes back with the defaults.
	run -0 sb veth-link pod2:eth0=10.4.0.3/24
	assert_equal "$(sysctl_in pod2 net.ipv6.conf.eth0.addr_gen_mode)" 1
	run -0 sb veth-link --slaac pod2:eth0=10.4.0.3/24
	assert_equal "$(sysctl_in pod2 net.ipv6.conf.eth0.addr_gen_mode)" 0
	assert_equal "$(sysctl_in pod2 net.ipv6.conf.eth0.accept_ra)" 1
	run -0 sb ip -n pod2 -6 addr show dev eth0 scope link
	assert_output --partial fe80::

	# The defaults are the pod's namespace's, not a fixed 1.
	sb ip netns exec pod3 sysctl -qw net.ipv6.conf.default.accept_ra=2
	run -0 sb veth-link pod3:eth0=fd09::2/64
	assert_equal "$(sysctl_in pod3 net.ipv6.conf.eth0.accept_ra)" 0
	run -0 sb veth-link --slaac pod3:eth0=fd09::2/64
	assert_equal "$(sysctl_in pod3 net.ipv6.conf.eth0.accept_ra)" 2
}

@test "an MTU under 1280 leaves an end no IPv6; raised on a re-run, accept_ra is 0" {
	run -0 sb netns-new pod1
	run -0 sb veth-link --mtu 1000 pod1:eth0
	assert_equal "$(link_json eth0 pod1 | jq .mtu)" 1000
	run -1 sb ip netns exec pod1 test -e /proc/sys/net/ipv6/conf/eth0
	# 1500 gives the end IPv6 with its namespace's defaults (accept_ra
	# 1): the re-run turns it off.
	run -0 sb veth-link --mtu 1500 pod1:eth0
	assert_equal "$(sysctl_in pod1 net.ipv6.conf.eth0.accept_ra)" 0
	run -0 sb veth-link --mtu 1000 pod1:eth0
	assert_equal "$(link_json eth0 pod1 | jq .mtu)" 1000
}

@test "a host end meant for a bridge has IPv6 off; others keep it" {
	run -0 sb netns-new pod1 pod2 red blue
	run -0 sb veth-link pod1:eth0=10.4.0.2/24
	host=$(field host_ifname)
	assert_equal "$(sb sysctl -n net.ipv6.conf."$host".disable_ipv6)" 1
	assert_equal "$(sb ip netns exec pod1 sysctl -n net.ipv6.conf.eth0.disable_ipv6)" 0
	# A routed host end (with an address) and a cable's far end keep it.
	run -0 sb veth-link pod2:eth0=10.5.0.2/24 routed0=10.5.0.1/24
	assert_equal "$(sb sysctl -n net.ipv6.conf.routed0.disable_ipv6)" 0
	run -0 sb veth-link red:a blue:b
	assert_equal "$(sb ip netns exec blue sysctl -n net.ipv6.conf.b.disable_ipv6)" 0
}

@test "--mtu sets both ends" {
	run -0 sb netns-new m1 m2
	run -0 sb veth-link --mtu 1400 m1:eth0 m2:eth0
	assert_equal "$(link_json eth0 m1 | jq .mtu)" 1400
	assert_equal "$(link_json eth0 m2 | jq .mtu)" 1400
	for bad in 0 67 65536 -1 1e3 0x500 " 1400" 01400; do
		run -2 sb veth-link --mtu "$bad" m1:eth1 m2:eth1
	done
	run -1 link_exists eth1 m1
}

@test "each end gets one TX and one RX queue, or --queues of them" {
	run -0 sb netns-new q1 q2
	run -0 sb veth-link q1:eth0
	assert_equal "$(link_json eth0 q1 | jq '[.num_tx_queues, .num_rx_queues]' -c)" "[1,1]"
	run -0 sb veth-link --queues 4 q2:eth0
	assert_equal "$(link_json eth0 q2 | jq '[.num_tx_queues, .num_rx_queues]' -c)" "[4,4]"
	assert_equal "$(link_json "$(field host_ifname)" | jq .num_tx_queues)" 4
	for bad in 0 65 -1 x; do
		run -2 sb veth-link --queues "$bad" q1:eth1
	done
}

@test "a pipeline of 100 pods: every pod wired, in one veth-link process" {
	run -0 sb bash -c "seq -f pod%g 100 | netns-new | strace -f -qq -e trace=clone,clone3,fork,vfork,execve -o '$BATS_TEST_TMPDIR/trace' veth-link -j"
	assert_equal "${#lines[@]}" 100
	local records=$output
	assert_equal "$(grep -c execve "$BATS_TEST_TMPDIR/trace")" 1
	run -1 grep -E 'clone|fork' "$BATS_TEST_TMPDIR/trace"
	assert_equal "$(count_links veth)" 100
	# Every record names a host end that exists, whose peer is eth0 in
	# the record's namespace.
	local rec ns host
	while read -r rec; do
		ns=$(jq -r .netns <<<"$rec")
		host=$(jq -r .host_ifname <<<"$rec")
		assert_equal "$(jq -r .ifname <<<"$rec")" eth0
		assert_link_up eth0 "$ns"
		assert_equal "$(link_json "$host" | jq .link_index)" \
			"$(link_json eth0 "$ns" | jq .ifindex)"
		assert_equal "$(jq -r .mac <<<"$rec")" \
			"$(link_json eth0 "$ns" | jq -r .address)"
	done <<<"$records"
	# Sysctls were written in the right namespace for every pod, across
	# the renewals of the proc instance they go through (lib/sysctl.c).
	run -0 sb bash -c 'for p in pod{1..100}; do
		nsenter --net=/run/netns/$p cat /proc/sys/net/ipv6/conf/eth0/accept_ra
	done | sort | uniq -c'
	assert_equal "$(echo $output)" "100 0"
	run -0 sb bash -c "jq -r .host_ifname | while read -r h; do
		cat /proc/sys/net/ipv6/conf/\$h/accept_ra /proc/sys/net/ipv6/conf/\$h/disable_ipv6
	done | sort | uniq -c" <<<"$records"
	assert_equal "$(echo $output)" "100 0 100 1"
}

@test "re-running a pipeline is safe and changes nothing" {
	run -0 sb bash -c 'seq -f pod%g 20 | netns-new | veth-link --ipam 10.5.0.0/24'
	first=$output
	before=$(sb ip -j -d link show type veth | jq -S '[.[] | {ifname, ifalias, ifindex}]')
	run -0 sb bash -c 'seq -f pod%g 20 | netns-new -p | veth-link --ipam 10.5.0.0/24'
	assert_equal "$output" "$first"
	after=$(sb ip -j -d link show type veth | jq -S '[.[] | {ifname, ifalias, ifindex}]')
	assert_equal "$after" "$before"
	assert_equal "$(addrs_of eth0 pod7)" 10.5.0.8/24
}

@test "-D deletes the pair from either end, and gone is fine" {
	run -0 sb netns-new red blue
	run -0 sb veth-link red:a=10.6.0.1/24 blue:b=10.6.0.2/24
	run -0 sb veth-link -D blue:b red:a
	run -1 link_exists a red
	run -1 link_exists b blue
	run -0 sb veth-link red:a=10.6.0.1/24 blue:b=10.6.0.2/24
	run -0 sb veth-link -D red:a
	run -1 link_exists b blue
	run -0 sb veth-link -D red:a
	run -0 sb netns-new pod1
	run -0 sb veth-link pod1:eth0
	host=$(field host_ifname)
	run -0 sb veth-link -D pod1:eth0
	assert_equal "$(field host_ifname)" "$host"
	run -1 link_exists "$host"
	run -1 link_exists eth0 pod1
}

@test "-D refuses a host end that is another pod's, and a non-veth" {
	run -0 sb netns-new pod1 pod2
	run -0 sb veth-link pod1:eth0 shared0
	run -1 --separate-stderr sb veth-link -D pod2:eth0 shared0
	assert_equal "$stderr" "veth-link: refusing to delete 'shared0': it is the pair of pod1:eth0"
	run -0 link_exists shared0
	sb ip link add notveth type bridge
	run -1 --separate-stderr sb veth-link -D pod2:eth0 notveth
	assert_equal "$stderr" "veth-link: refusing to delete 'notveth': it is not a veth"
	run -0 link_exists notveth
	# A veth podwire did not make (no mark) is not deleted either.
	sb ip link add taken0 type veth peer name taken1
	run -1 --separate-stderr sb veth-link -D taken0
	assert_equal "$stderr" "veth-link: refusing to delete 'taken0': podwire did not make it (no podwire: mark)"
	run -0 link_exists taken0
}

@test "-D from either end of a cable, even named alone" {
	run -0 sb netns-new b c
	run -0 sb veth-link b:x c:x
	assert_equal "$(link_json x c | jq -r .ifalias)" \
		"$(link_json x b | jq -r .ifalias)"
	assert_regex "$(link_json x c | jq -r .ifalias)" \
		'^podwire: netns=b ifname=x peer_netns=c peer_ifname=x created=[0-9]+$'
	run -0 sb veth-link -D c:x
	run -1 link_exists x b
	run -0 sb veth-link vA vB
	run -0 sb veth-link -D vB
	run -1 link_exists vA
}

@test "teardown followed at once by setup: the stale pair is replaced" {
	for round in 1 2 3; do
		run -0 sb bash -c 'seq -f pod%g 5 | netns-new | veth-link -q --ipam 10.11.0.0/24'
		run -0 sb bash -c 'seq -f pod%g 5 | netns-new -D | veth-link -q -D --ipam 10.11.0.0/24'
	done
	run -0 sb bash -c 'seq -f pod%g 5 | netns-new | veth-link --ipam 10.11.0.0/24'
	for i in 1 2 3 4 5; do
		host=$(field host_ifname "$i")
		assert_equal "$(link_json "$host" | jq .link_index)" \
			"$(link_json eth0 "pod$i" | jq .ifindex)"
	done
	run -0 ping_from pod1 127.0.0.1
}

@test "a re-run applies --mtu to an existing pair" {
	run -0 sb netns-new pod1
	run -0 sb veth-link pod1:eth0
	run -0 sb veth-link --mtu 1400 pod1:eth0
	assert_equal "$(link_json eth0 pod1 | jq .mtu)" 1400
	assert_equal "$(link_json "$(field host_ifname)" | jq .mtu)" 1400
}

@test "'-' reads records from stdin, even from a terminal-less pipe of one" {
	run -0 sb netns-new pod1
	run -0 sb bash -c 'echo pod1 | veth-link -'
	assert_equal "$(field netns)" pod1
	run -0 link_exists eth0 pod1
}

@test "--keep-going does not soften bad operands: still exit 2" {
	run -0 sb netns-new pod1
	run -2 sb veth-link --keep-going pod1:same pod1:same
	run -2 sb veth-link --keep-going "pod1:a b"
	run -2 sb netns-new --keep-going good "a b"
	assert_equal "$(netns_list)" pod1
}

@test "PID 1's namespace is refused from elsewhere (-n /proc/1/ns/net)" {
	run -0 sb netns-new pod1
	run -1 --separate-stderr sb veth-link -n /proc/1/ns/net pod1:eth0
	assert_equal "$stderr" "veth-link: cannot enter namespace '/proc/1/ns/net': it is the network namespace of PID 1, the host's own; podwire does not reach into it from elsewhere"
	run -1 link_exists eth0 pod1
	# A /run/netns entry bound to it is refused the same way.
	sb sh -c ': > /run/netns/host && mount --bind /proc/1/ns/net /run/netns/host'
	run -1 --separate-stderr sb veth-link host:eth0
	assert_regex "$stderr" "it is the network namespace of PID 1"
}

@test "without root, --ipam says root is needed, not that the store is bad" {
	run -0 sb netns-new pod1
	run -1 --separate-stderr sb setpriv --reuid=65534 --regid=65534 --clear-groups veth-link --ipam 10.12.0.0/24 pod1:eth0
	assert_equal "$stderr" "veth-link: creating veth pairs needs root (CAP_NET_ADMIN is missing)"
}

@test "teardown after netns-new -D: the kernel reaps the pairs" {
	run -0 sb bash -c 'seq -f pod%g 30 | netns-new | veth-link'
	assert_equal "$(count_links veth)" 30
	run -0 sb bash -c 'seq -f pod%g 30 | netns-new -D | veth-link -D'
	assert_equal "${#lines[@]}" 30
	eventually no_links veth
	assert_equal "$(netns_list)" ""
}

@test "a refused address rolls the pair back: no interface left anywhere" {
	run -0 sb netns-new pod1
	# IPv6 disabled for new links in pod1: the pod end's IPv6 address is
	# refused after the pair exists.
	sb ip netns exec pod1 sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	run -1 --separate-stderr sb veth-link pod1:eth0=fd07::2/64
	assert_regex "$stderr" "^veth-link: cannot configure 'eth0' in pod1: .*$"
	assert_equal "$(wc -l <<<"$stderr")" 1
	assert_equal "$(count_links veth)" 0
	assert_equal "$(sb ip -n pod1 -j link | jq length)" 1
}

@test "the peer's name taken in the pod: nothing is left on the host" {
	run -0 sb netns-new pod1
	sb ip -n pod1 link add eth0 type veth peer name other
	run -1 --separate-stderr sb veth-link pod1:eth0
	assert_equal "$stderr" "veth-link: cannot create the pair: 'eth0' already exists in namespace pod1"
	assert_equal "$(count_links veth)" 0
}

@test "a host end name held by something else is not adopted" {
	run -0 sb netns-new pod1
	sb ip link add taken0 type veth peer name taken1
	run -1 --separate-stderr sb veth-link pod1:eth0 taken0
	assert_equal "$stderr" "veth-link: cannot create the pair: 'taken0' already exists and is not this pod's veth"
	assert_equal "$(count_links veth)" 2
	run -1 link_exists eth0 pod1
}

@test "a missing namespace: exit 1, named, nothing made" {
	run -1 --separate-stderr sb veth-link nosuch:eth0=10.8.0.2/24
	assert_equal "$stderr" "veth-link: cannot use namespace 'nosuch': no such namespace"
	assert_equal "$(count_links veth)" 0
}

@test "bad endpoints: one line, exit 2, nothing made" {
	run -0 sb netns-new pod1
	local long16 long
	long16=$(printf 'x%.0s' {1..16})
	for bad in "pod1:$long16" "pod1:../x" "../x:eth0" "pod1:a b" "pod1:" ":eth0" \
		"pod1:eth0=10.0.0.1" "pod1:eth0=10.0.0.1/33" "pod1:eth0=010.0.0.1/24" \
		"pod1:eth0=10.0.0.0/24" "pod1:eth0=fe80::1%eth0/64" \
		"pod1:veth%d" "pod1:a:b" "pod1:eth0=" "pod1:all" $'pod1:e\x1b[2J'; do
		run -2 --separate-stderr sb veth-link "$bad"
		assert_equal "$output" ""
		assert_equal "$(wc -l <<<"$stderr")" 1
		assert_regex "$stderr" "^veth-link: invalid endpoint '.*': it "
		run -1 grep -P '[\x00-\x08\x0b-\x1f\x7f]' <<<"$stderr"
	done
	run -2 sb veth-link pod1:a pod1:b pod1:c
	run -2 sb veth-link pod1:same pod1:same
	assert_equal "$(count_links veth)" 0
	assert_equal "$(sb ip -n pod1 -j link | jq length)" 1
}

@test "a malformed record on line 3 of a pipe: line 3 named, exit 2, pods 1-2 done" {
	run -0 sb netns-new pod1 pod2 pod3
	run -2 --separate-stderr sb bash -c 'printf "netns=pod1\nnetns=pod2\nnetns=pod3 addr=10.9.0.3\nnetns=pod4\n" | veth-link'
	assert_equal "${#lines[@]}" 2
	assert_equal "$stderr" "veth-link: line 3: invalid addr '10.9.0.3': it has no prefix length (write ADDR/LEN, e.g. 10.0.0.1/24)"
	assert_equal "$(count_links veth)" 2
	run -1 link_exists eth0 pod3
}

# A record of netns=NS and n-1 more fields k1=v ... .
full_record() {
	local ns=$1 n=$2 i line="netns=$1"
	for ((i = 1; i < n; i++)); do line+=" k$i=v"; done
	echo "$line"
}

@test "a record with no room for the fields veth-link adds: exit 2, nothing made" {
	run -0 sb netns-new pod1 pod2
	# 60 fields leave room for 4: ifname, host_ifname, mac, addr, addr6
	# need 5.  Before, 63 fields lost addr= and mac= and exited 0, and
	# 64 without ifname= crashed.
	for n in 60 63 64; do
		run -2 --separate-stderr sb bash -c \
			"echo '$(full_record pod1 "$n")' | veth-link --ipam 10.244.0.0/24"
		assert_equal "$stderr" "veth-link: line 1: record has no room left for ifname, host_ifname, mac, addr and addr6 (a record holds 64 fields in 4096 bytes)"
		assert_equal "$output" ""
	done
	run -2 sb bash -c "echo '$(full_record pod1 62)' | veth-link"
	assert_equal "$(count_links veth)" 0
	run -2 sb ls /run/podwire/ipam/10.244.0.0_24/addr/10.244.0.2
	# 59 fields fit: the record comes out with ifname, host_ifname,
	# mac and addr added (an IPv4 pool: no addr6).
	run -0 --separate-stderr sb bash -c \
		"echo '$(full_record pod2 59)' | veth-link --ipam 10.244.0.0/24"
	assert_equal "$(wc -w <<<"$output")" 63
	assert_equal "$(field addr)" 10.244.0.2/24
	assert_equal "$(field mac)" "$(jq -r .address <<<"$(link_json eth0 pod2)")"
	# A long line: the fields would push it past 4096 bytes.
	run -2 --separate-stderr sb bash -c \
		"echo netns=pod1 k=\$(head -c 4040 /dev/zero | tr '\\0' x) | veth-link"
	assert_regex "$stderr" '^veth-link: line 1: record has no room left for '
	assert_equal "$(count_links veth)" 1
}

@test "a record without netns is refused with its line number" {
	run -2 --separate-stderr sb bash -c 'echo "ifname=eth0" | veth-link'
	assert_equal "$stderr" "veth-link: line 1: record has no netns= field"
}

@test "without CAP_NET_ADMIN: says it needs root, exit 1, nothing made" {
	run -0 sb netns-new pod1
	run -1 --separate-stderr without_caps veth-link pod1:eth0
	assert_equal "$stderr" \
		"veth-link: creating veth pairs needs root (CAP_NET_ADMIN is missing)"
	assert_equal "$(count_links veth)" 0
	run -2 without_caps veth-link "pod1:a b"
}

@test "-n runs the host side inside another namespace, like ip -n" {
	run -0 sb netns-new host2 pod1
	run -0 sb veth-link -n host2 pod1:eth0=10.10.0.2/24 h0=10.10.0.1/24
	run -0 link_exists h0 host2
	run -1 link_exists h0
	run -0 ping_from pod1 10.10.0.1
	run -1 --separate-stderr sb veth-link -n nosuch pod1:eth1
	assert_equal "$stderr" "veth-link: cannot enter namespace 'nosuch': no such namespace"
}

@test "-D of a pod whose namespace lost its name but still runs: its pair goes, then its lease" {
	local host pid
	run -0 sb bash -c 'echo pod1 | netns-new | veth-link --ipam 10.9.0.0/24 | br-attach cni0 --gw 10.9.0.1/24'
	host=$(field host_ifname)
	sb ip netns exec pod1 sleep 600 3>&- &
	SB_EXTRA_PIDS="$SB_EXTRA_PIDS $!"
	eventually netns_has_pids pod1
	pid=$(sb ip netns pids pod1)
	sb ip netns del pod1
	# The pod runs on, nameless, its address on the bridge.
	run -0 sb nsenter -t "$pid" -n ip -j addr show dev eth0
	assert_equal "$(jq -r '.[0].addr_info[0].local' <<<"$output")" 10.9.0.2
	run -0 sb bash -c 'echo pod1 | veth-link -D --ipam 10.9.0.0/24'
	assert_equal "$(field addr)" 10.9.0.2/24
	run -1 link_exists "$host"
	run -1 sb nsenter -t "$pid" -n ip link show dev eth0
	# So the address can go to a new pod without a clash.
	run -0 sb bash -c 'echo "netns=pod2 addr=10.9.0.2/24" | netns-new | veth-link --ipam 10.9.0.0/24'
	assert_equal "$(field addr)" 10.9.0.2/24
}

@test "-D that cannot remove the pair keeps the lease, and its record says lease=kept" {
	local host2
	run -0 sb bash -c 'printf "pod1\npod2\n" | netns-new | veth-link --ipam 10.9.0.0/24'
	host2=$(field host_ifname 2)
	# A record that names pod1 with pod2's host end: that end is refused.
	run -1 --separate-stderr sb bash -c "echo 'netns=pod1 ifname=eth0 host_ifname=$host2' | veth-link -D --ipam 10.9.0.0/24"
	assert_equal "$stderr" "veth-link: line 1: refusing to delete '$host2': it is the pair of pod2:eth0"
	assert_equal "$output" "netns=pod1 ifname=eth0 host_ifname=$host2 lease=kept"
	run -0 sb cat /run/podwire/ipam/10.9.0.0_24/pod/pod1@eth0
	assert_equal "$output" 10.9.0.2
	assert_equal "$(addrs_of eth0 pod1)" 10.9.0.2/24
}
