#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The seeds' whole pod network from one pipeline, against a pretend
# internet: a "wan" namespace on TEST-NET-2 behind the host's uplink.
#
#   pod1..3 --eth0/veth--> cni0 10.244.0.1 (host) uplink0 198.51.100.1
#                                                   |
#                                          wan0 198.51.100.2 (wan)
#
# wan has no route back to 10.244.0.0/24, so a pod only hears back from it
# through the masquerade; and the listener in wan reports the address it
# saw, which must be the uplink's.

# bats file_tags=root,e2e,san

load helpers

SETUP='netns-new pod1 pod2 pod3 | veth-link --ipam 10.244.0.0/24 | br-attach cni0 --gw 10.244.0.1/24 | nat-out --out uplink0'
TEARDOWN='netns-new -D pod1 pod2 pod3 | veth-link -D --ipam 10.244.0.0/24 | br-attach -D cni0 --gw 10.244.0.1/24 | nat-out -D'

# What a pod's connection to wan looks like from wan's side.
peer_seen_by_wan() {
	sb ip netns exec "$1" socat -T 5 -u TCP:198.51.100.2:7000,connect-timeout=5 STDOUT
}

# Everything podwire makes, as the kernel and the lease store show it.
snapshot() {
	sb ip -j -d link show | jq -S -c '[.[] | {ifname, ifindex, ifalias, master, flags}]'
	for ns in pod1 pod2 pod3; do
		sb ip -n "$ns" -j addr show | jq -S -c '[.[] | {ifname, addr_info: [.addr_info[] | {local, prefixlen}]}]'
		sb ip -n "$ns" -j route show | jq -S -c .
	done
	sb nft -j list ruleset | jq -S -c '[.nftables[] | select(.rule) | .rule | {comment, expr}]'
	sb find /run/podwire -type f -not -name lock -not -name cursor | sort
}

@test "the pipeline: pods reach each other, the gateway, and wan through the masquerade" {
	make_wan
	run -0 --separate-stderr sb bash -c "$SETUP"
	assert_equal "$stderr" ""
	assert_equal "${#lines[@]}" 3
	assert_equal "${lines[0]}" "netns=pod1 ifname=eth0 host_ifname=$(field host_ifname 1) addr=10.244.0.2/24 mac=$(field mac 1) bridge=cni0 gw=10.244.0.1"
	run -0 ping_from pod1 10.244.0.3
	run -0 ping_from pod2 10.244.0.4
	run -0 ping_from pod3 10.244.0.1
	# The far side sees the host's uplink address, not the pod's.
	for ns in pod1 pod2 pod3; do
		run -0 peer_seen_by_wan "$ns"
		assert_equal "$output" 198.51.100.1
	done
	run -0 ping_from pod1 198.51.100.2
}

@test "without the masquerade, wan is out of reach (the test can fail)" {
	make_wan
	run -0 sb bash -c "${SETUP% | nat-out*}"
	sb sysctl -qw net.ipv4.ip_forward=1
	run -1 sb ip netns exec pod1 ping -n -c 1 -W 1 198.51.100.2
	run -0 sb nat-out --out uplink0 10.244.0.0/24
	run -0 ping_from pod1 198.51.100.2
}

@test "running the same pipeline again changes nothing" {
	make_wan
	run -0 sb bash -c "$SETUP"
	first=$output
	before=$(snapshot)
	run -0 sb bash -c "${SETUP/netns-new/netns-new -p}"
	assert_equal "$output" "$first"
	assert_equal "$(snapshot)" "$before"
	run -0 peer_seen_by_wan pod2
	assert_equal "$output" 198.51.100.1
}

# Nothing podwire made is left: namespaces, veths, bridge, leases, rules.
nothing_left() {
	[[ -z $(netns_list | grep -v '^wan$') ]] &&
		[[ $(count_links veth) -eq 1 ]] && # uplink0 only
		no_link cni0 &&
		[[ -z $(sb find /run/podwire/ipam -path '*/addr/*' -o -path '*/pod/*' 2>/dev/null | grep -E '/(addr|pod)/.') ]] &&
		[[ $(sb nft -j list ruleset | jq '[.nftables[] | select(.table)] | length') -eq 0 ]]
}

@test "the same pipeline with -D on each stage takes everything down" {
	make_wan
	run -0 sb bash -c "$SETUP"
	run -0 --separate-stderr sb bash -c "$TEARDOWN"
	assert_equal "$stderr" ""
	assert_equal "${#lines[@]}" 3
	# -D writes back what it released.
	assert_equal "$(field addr 2)" 10.244.0.3/24
	eventually nothing_left
	# And taking down what is gone succeeds.
	run -0 sb bash -c "$TEARDOWN"
}

@test "1,000 pods: four processes in all, then torn down to nothing" {
	local trace=$BATS_TEST_TMPDIR/trace i
	# strace counts the processes; LeakSanitizer cannot run under ptrace,
	# so the sanitizer pass runs the same pipeline without it (the plain
	# pass has counted).
	local -a t=("" "" "" "" "")
	if [[ -z ${PODWIRE_SANITIZED:-} ]]; then
		for i in 1 2 3 4; do
			t[i]="strace -f -qq -e trace=clone,clone3,fork,vfork,execve -o $trace.$i"
		done
	fi
	run -0 sb bash -c "seq -f pod%g 1000 \
		| ${t[1]} netns-new \
		| ${t[2]} veth-link --ipam 10.244.0.0/16 \
		| ${t[3]} br-attach cni0 --gw 10.244.0.1/16 \
		| ${t[4]} nat-out | wc -l"
	assert_equal "$output" 1000
	if [[ -z ${PODWIRE_SANITIZED:-} ]]; then
		for i in 1 2 3 4; do
			assert_equal "$(grep -c execve "$trace.$i")" 1
			run -1 grep -E 'clone|fork' "$trace.$i"
		done
	fi
	assert_equal "$(netns_list | wc -l)" 1000
	assert_equal "$(sb bridge -j link show | jq '[.[] | select(.master == "cni0")] | length')" 1000
	run -0 ping_from pod1000 10.244.0.2
	run -0 ping_from pod1 10.244.3.233
	run -0 sb bash -c "seq -f pod%g 1000 | netns-new -D | veth-link -D --ipam 10.244.0.0/16 | br-attach -D cni0 --gw 10.244.0.1/16 | nat-out -D | wc -l"
	assert_equal "$output" 1000
	eventually all_gone
}

all_gone() {
	[[ -z $(netns_list) ]] && [[ $(count_links veth) -eq 0 ]] && no_link cni0 &&
		[[ -z $(sb find /run/podwire/ipam -path '*/addr/*' -o -path '*/pod/*' | grep -E '/(addr|pod)/.') ]] &&
		[[ $(sb nft -j list ruleset | jq '[.nftables[] | select(.table)] | length') -eq 0 ]]
}
