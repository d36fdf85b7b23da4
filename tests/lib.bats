#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The library alone builds a pod and takes it down: build/tests/lib-pod
# links libpodwire.a and nothing of the pipeline layer, as the CNI plugin
# and veth-prune will.  What it made is read back with iproute2 and nft,
# and proven with packets: the pod reaches its gateway, and the far side
# of the uplink sees the uplink's address (the masquerade).

# bats file_tags=root,lib,san

load helpers

LIB_POD=${PODWIRE_BIN%/bin}/tests/lib-pod

# The far side's view of a connection from the pod.
peer_seen_by_wan() {
	sb ip netns exec "$1" socat -T 5 -u TCP:198.51.100.2:7000,connect-timeout=5 STDOUT
}

# The masquerade rules for a subnet in podwire's table, as nft shows them.
masq_rules() {
	sb nft -j list ruleset | jq -c --arg net "$1" '[.nftables[] | select(.rule)
		| .rule | select(.table == "podwire" and (.comment | startswith("podwire: subnet=\($net)")))
		| select(any(.expr[]; has("masquerade")))] | length'
}

lease_files() {
	sb find /run/podwire/ipam -path '*/addr/*' -o -path '*/pod/*' 2>/dev/null |
		grep -E '/(addr|pod)/.' || true
}

@test "the library alone builds one pod end to end and takes it down" {
	make_wan
	run -0 --separate-stderr sb "$LIB_POD" up pod1 10.77.0.0/24 10.77.0.1/24 br77 uplink0
	assert_equal "$stderr" ""
	assert_output --regexp '^addr=10\.77\.0\.2/24 host_ifname=veth[0-9a-f]{8}$'
	host=$(field host_ifname)

	# The namespace as ip makes it, the pod end addressed and up.
	run -0 netns_list
	assert_line pod1
	assert_equal "$(addrs_of eth0 pod1)" 10.77.0.2/24
	assert_link_up eth0 pod1
	# The host end: marked, up, a port of the bridge.
	assert_link_up "$host"
	link_json "$host" | jq -e '.master == "br77" and
		(.ifalias | startswith("podwire: netns=pod1 ifname=eth0 peer_ifname='"$host"' created="))'
	# The bridge: marked, up, holding the gateway.
	link_json br77 | jq -e '.ifalias | startswith("podwire: bridge=br77 gw=10.77.0.1/24 created=")'
	assert_link_up br77
	assert_equal "$(addrs_of br77)" 10.77.0.1/24
	# The route, the lease, forwarding and the rule.
	sb ip -n pod1 -j route show default | jq -e '.[0].gateway == "10.77.0.1"'
	run -0 lease_files
	assert_line /run/podwire/ipam/10.77.0.0_24/addr/10.77.0.2
	assert_line /run/podwire/ipam/10.77.0.0_24/pod/pod1@eth0
	assert_equal "$(sb sysctl -n net.ipv4.ip_forward)" 1
	assert_equal "$(masq_rules 10.77.0.0/24)" 1

	# Packets: the gateway answers, and wan sees the uplink's address.
	run -0 ping_from pod1 10.77.0.1
	run -0 peer_seen_by_wan pod1
	assert_equal "$output" 198.51.100.1

	run -0 --separate-stderr sb "$LIB_POD" down pod1 10.77.0.0/24 br77
	assert_equal "$stderr" ""
	run -0 netns_list
	refute_line pod1
	eventually no_link "$host"
	run -1 link_exists br77
	run -0 lease_files
	assert_output ""
	assert_equal "$(sb nft -j list ruleset | jq '[.nftables[] | select(.table)] | length')" 0
	# The uplink is still there: nothing that was not the pod's went.
	assert_link_up uplink0
}

@test "lib-pod links no pipeline object: no record, stage or CLI symbol in it" {
	run -0 nm "$LIB_POD"
	refute_line --regexp ' T (rec|stage|cli|msg|view|draw|endpoint)_'
	refute_line --regexp ' T pw_(err|usage_err|prog|x[a-z]+)$'
	assert_line --regexp ' T veth_pair_add$'
}
