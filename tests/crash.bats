#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Killed at the worst moment: each test kills a program with SIGKILL at
# one exact system call (strace -e inject=...:signal=SIGKILL), inside the
# window between making an object and marking it, checks that the kill
# really left the object half-made, then re-runs and checks that podwire
# converges: the re-run finishes the object, the teardown removes it,
# and no intent is left.  scripts/reliability does the same at random
# points over a whole pipeline.

load helpers

POOL=10.9.0.0/24

# The alias of DEV (in NETNS), "" for none.
alias_of() {
	link_json "$@" | jq -r '.ifalias // ""'
}

# Nothing left under /run/podwire/intent.
no_intents() {
	run -0 sb find /run/podwire/intent -type f
	assert_output ""
}

@test "veth-link killed between making a pair and marking it: the re-run adopts the pair" {
	local n host leased
	sb netns-new pod1 pod2 >/dev/null
	# The call after the create: the pair is there, its mark not yet.
	n=$(call_index sendto 'NLM_F_CREATE' "echo pod2 | veth-link --ipam $POOL")
	[[ -n $n ]]
	sb bash -c "echo pod2 | veth-link -D --ipam $POOL" >/dev/null
	kill_at veth-link sendto $((n + 1)) "echo pod1 | veth-link --ipam $POOL"
	assert_failure 137
	host=$(sb ip -j link show type veth | jq -r '.[0].ifname')
	[[ $host == veth* ]]
	assert_equal "$(alias_of "$host")" ""
	run -0 sb find /run/podwire/intent/veth -type f
	assert_output --partial "@$host"
	leased=$(sb cat /run/podwire/ipam/10.9.0.0_24/pod/pod1@eth0)

	run -0 sb bash -c "echo pod1 | veth-link --ipam $POOL"
	assert_equal "$(field host_ifname)" "$host"
	assert_equal "$(field addr)" "$leased/24"
	assert_equal "$(alias_of "$host")" \
		"$(alias_of eth0 pod1)"
	[[ $(alias_of "$host") == "podwire: netns=pod1 ifname=eth0 peer_ifname=$host created="* ]]
	assert_equal "$(addrs_of eth0 pod1)" "$leased/24"
	no_intents
}

@test "veth-link killed before the pod end's accept_ra is set: the re-run sets it" {
	local n host
	sb netns-new pod1 pod2 >/dev/null
	# The open of the pod end's accept_ra: the pair is there, unmarked,
	# its pod end still taking router advertisements (the kernel's
	# default for an end with IPv6).
	# (Counted on veth-link alone: bash, which call_index traces too,
	# opens files of its own.)
	sb strace -f -qq -o "$BATS_TEST_TMPDIR/trace" -e trace=openat \
		veth-link pod2:eth0=fd09::2/64 >/dev/null
	n=$(grep -v -e '+++' -e '---' "$BATS_TEST_TMPDIR/trace" |
		grep -n -m1 'conf/eth0/accept_ra' | cut -d: -f1)
	[[ -n $n ]]
	sb veth-link -D pod2:eth0 >/dev/null
	kill_at veth-link openat "$n" "veth-link pod1:eth0=fd09::2/64"
	assert_failure 137
	host=$(sb ip -j link show type veth | jq -r '.[0].ifname')
	[[ $host == veth* ]]
	assert_equal "$(alias_of "$host")" ""
	assert_equal "$(sb ip netns exec pod1 sysctl -n net.ipv6.conf.eth0.accept_ra)" 1

	run -0 sb veth-link pod1:eth0=fd09::2/64
	assert_equal "$(field host_ifname)" "$host"
	[[ $(alias_of "$host") == "podwire: netns=pod1 ifname=eth0 peer_ifname=$host created="* ]]
	assert_equal "$(sb ip netns exec pod1 sysctl -n net.ipv6.conf.eth0.accept_ra)" 0
	assert_equal "$(sb sysctl -n net.ipv6.conf."$host".accept_ra)" 0
	no_intents
}

@test "veth-link -D deletes a pair a killed run left unmarked, and no other" {
	local n host
	sb netns-new pod1 pod2 >/dev/null
	n=$(call_index sendto 'NLM_F_CREATE' "echo pod2 | veth-link --ipam $POOL")
	sb bash -c "echo pod2 | veth-link -D --ipam $POOL" >/dev/null
	kill_at veth-link sendto $((n + 1)) "echo pod1 | veth-link --ipam $POOL"
	assert_failure 137
	host=$(sb ip -j link show type veth | jq -r '.[0].ifname')
	assert_equal "$(alias_of "$host")" ""
	# Another pod's teardown does not take it.
	run -1 sb bash -c "echo 'netns=pod2 ifname=eth0 host_ifname=$host' | veth-link -D"
	run -0 link_exists "$host"

	run -0 sb bash -c "echo pod1 | veth-link -D --ipam $POOL"
	run -1 link_exists "$host"
	run -0 sb find /run/podwire/ipam -path '*/addr/*' -o -path '*/pod/*'
	assert_output ""
	no_intents
}

@test "an unmarked veth with no intent is still not podwire's" {
	local host
	sb netns-new pod1 >/dev/null
	host=$(sb bash -c "echo pod1 | veth-link" | sed 's/.*host_ifname=\([^ ]*\).*/\1/')
	sb bash -c "echo pod1 | veth-link -D" >/dev/null
	sb ip link add "$host" type veth peer name eth0 netns pod1
	run -1 --separate-stderr sb bash -c "echo pod1 | veth-link"
	assert_equal "$stderr" "veth-link: line 1: cannot create the pair: '$host' already exists and is not this pod's veth"
	run -1 sb bash -c "echo pod1 | veth-link -D"
	run -0 link_exists "$host"
}

@test "veth-link killed after claiming a lease: the re-run keeps the address, the teardown frees it" {
	local n leased
	sb netns-new pod1 pod2 >/dev/null
	# The call right after the lease is linked to its address: its
	# temporary file goes.
	n=$(call_index unlinkat '\.lease.*= 0$' "echo pod2 | veth-link --ipam $POOL")
	[[ -n $n ]]
	sb bash -c "echo pod2 | veth-link -D --ipam $POOL" >/dev/null
	kill_at veth-link unlinkat "$n" "echo pod1 | veth-link --ipam $POOL"
	assert_failure 137
	# The lease is there, the only one.
	run -0 sb ls /run/podwire/ipam/10.9.0.0_24/addr
	[[ $output == 10.9.0.* && $output != *$'\n'* ]]
	leased=$output
	# The temporary it was linked from is left: the next lease written
	# must not go through it (before: pod2's lease text rewrote pod1's
	# lease, and pod1's next run took a second address).
	run -0 sb bash -c "echo pod2 | veth-link --ipam $POOL"
	run -0 sb cat "/run/podwire/ipam/10.9.0.0_24/addr/$leased"
	assert_regex "$output" '^netns=pod1 ifname=eth0 created=[0-9]+ boot=[0-9a-f-]+$'
	run -0 sb bash -c "echo pod2 | veth-link -D --ipam $POOL"

	run -0 sb bash -c "echo pod1 | veth-link --ipam $POOL"
	assert_equal "$(field addr)" "$leased/24"
	run -0 sb bash -c "echo pod1 | veth-link -D --ipam $POOL"
	run -0 sb find /run/podwire/ipam -path '*/addr/*' -o -path '*/pod/*'
	assert_output ""
}

@test "SIGTERM while a record is applied waits for the record: the pair is made and marked" {
	local host
	sb netns-new pod1 >/dev/null
	run sb bash -c "echo pod1 | strace -f -qq -o /dev/null -e trace=sendto \
		-e inject=sendto:signal=SIGTERM:when=1 veth-link --ipam $POOL"
	assert_failure 143
	# The record was applied whole and written before the signal landed.
	host=$(field host_ifname)
	[[ $host == veth* ]]
	[[ $(alias_of "$host") == "podwire: netns=pod1 ifname=eth0 "* ]]
	assert_equal "$(addrs_of eth0 pod1)" 10.9.0.2/24
	no_intents
}

@test "br-attach killed between making its bridge and marking it: the re-run adopts it, the teardown removes it" {
	local n
	sb netns-new pod1 >/dev/null
	sb bash -c "echo pod1 | veth-link --ipam $POOL" >/dev/null
	n=$(call_index sendto 'NLM_F_CREATE' "br-attach br9 --gw 10.9.0.1/24 </dev/null")
	[[ -n $n ]]
	sb bash -c "br-attach -D br9"
	kill_at br-attach sendto $((n + 1)) "echo pod1 | veth-link --ipam $POOL | br-attach cni0 --gw 10.9.0.1/24"
	assert_failure 137
	run -0 link_exists cni0
	assert_equal "$(alias_of cni0)" ""

	run -0 sb bash -c "echo pod1 | veth-link --ipam $POOL | br-attach cni0 --gw 10.9.0.1/24"
	[[ $(alias_of cni0) == "podwire: bridge=cni0 gw=10.9.0.1/24 created="* ]]
	run -0 ping_from pod1 10.9.0.1
	no_intents
	run -0 sb bash -c "echo pod1 | netns-new -D | veth-link -D --ipam $POOL | br-attach -D cni0"
	eventually no_link cni0
	no_intents
}

@test "a bridge left unmarked with no intent stays someone else's" {
	sb ip link add cni0 type bridge
	run -0 sb bash -c "br-attach cni0 </dev/null"
	assert_equal "$(alias_of cni0)" ""
	run -1 --separate-stderr sb br-attach -D cni0
	assert_equal "$stderr" "br-attach: refusing to delete 'cni0': podwire did not make it (no podwire: bridge mark)"
}

@test "netns-new killed before its namespace is bound: the re-run makes it" {
	local n
	n=$(call_index mount 'MS_BIND' "netns-new other")
	[[ -n $n ]]
	sb netns-new -D other
	kill_at netns-new mount "$n" "netns-new pod1"
	assert_failure 137
	# A placeholder: the name is there, no namespace on it.
	run -0 sb test -f /run/netns/pod1
	run ! sb ip netns exec pod1 true

	run -0 sb netns-new pod1
	run -0 sb ip netns exec pod1 ip -j link show lo
	assert_equal "$(jq -r '.[0].operstate' <<<"$output")" UNKNOWN
	no_intents
	run -0 sb netns-new -D pod1
	run -1 sb test -e /run/netns/pod1
	run -0 sb find /run/podwire/netns -type f
	assert_output ""
}

@test "netns-new killed after binding its namespace, before lo is up: the re-run brings lo up" {
	kill_at netns-new sendto 1 "netns-new pod1"
	assert_failure 137
	run -0 sb ip netns exec pod1 ip -j link show lo
	assert_equal "$(jq -r '.[0].operstate' <<<"$output")" DOWN

	run -0 sb netns-new -p pod1
	run -0 sb ip netns exec pod1 ip -j link show lo
	assert_equal "$(jq -r '.[0].operstate' <<<"$output")" UNKNOWN
	no_intents
	# Still podwire's: -D takes it without --force.
	run -0 sb netns-new -D pod1
}

@test "a placeholder that is not podwire's is left alone" {
	sb touch /run/netns/pod1
	run -1 --separate-stderr sb netns-new pod1
	assert_equal "$stderr" "netns-new: cannot create namespace 'pod1': it exists (-p accepts that)"
	run -0 sb test -f /run/netns/pod1
}

@test "a teardown killed after releasing the leases: its re-run still removes the NAT rule" {
	make_wan
	run -0 sb bash -c "echo pod1 | netns-new | veth-link --ipam $POOL | br-attach cni0 --gw 10.9.0.1/24 | nat-out --out uplink0"
	kill_at nat-out read 1 "echo pod1 | netns-new -D | veth-link -D --ipam $POOL | br-attach -D cni0 | nat-out -D"
	assert_failure 137
	run -0 sb nft list ruleset
	assert_output --partial 10.9.0.0/24

	# The pod held no lease any more: its record names the pool instead.
	run -0 sb bash -c "echo pod1 | netns-new -D | veth-link -D --ipam $POOL"
	assert_output "netns=pod1 ifname=eth0 host_ifname=$(sb bash -c 'echo pod1 | veth-link -D' | sed 's/.*host_ifname=//') pool=10.9.0.0/24"
	run -0 sb bash -c "echo pod1 | netns-new -D | veth-link -D --ipam $POOL | br-attach -D cni0 | nat-out -D"
	run -0 sb nft list ruleset
	refute_output --partial 10.9.0.0/24
}

@test "two teardowns of pods on one bridge, run at the same time, remove the bridge and the rule" {
	local round pods="pod1 pod2 pod3 pod4 pod5 pod6"
	make_wan
	for round in 1 2 3 4 5; do
		run -0 sb bash -c "printf '%s\n' $pods | netns-new | veth-link --ipam $POOL | br-attach cni0 --gw 10.9.0.1/24 | nat-out --out uplink0"
		run -0 sb bash -c "
			down() { printf '%s\n' \"\$@\" | netns-new -D | veth-link -D --ipam $POOL | br-attach -D cni0 | nat-out -D; }
			down pod1 pod2 pod3 & a=\$!
			down pod4 pod5 pod6 & b=\$!
			wait \$a && wait \$b"
		run -1 link_exists cni0
		run -0 sb nft list ruleset
		refute_output --partial 10.9.0.0/24
	done
}

@test "a bridge's lock held too long: br-attach says who holds it" {
	sb mkdir -p -m 0700 /run/podwire/bridge
	hold_lock /run/podwire/bridge/cni0
	run -1 --separate-stderr sb bash -c "br-attach cni0 </dev/null"
	assert_equal "$stderr" "br-attach: cannot use bridge 'cni0': /run/podwire/bridge/cni0 stayed locked for 5 s, by PID $LOCK_HOLDER"
	run -1 link_exists cni0
	release_lock
}
