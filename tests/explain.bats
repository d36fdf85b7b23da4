#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# --explain: every change as the ip/nft/sysctl command a person would
# type, on stderr.  The proof is a replay: the explanation of the seeds'
# network, run with sh -e in a second, fresh sandbox (the same uplink),
# builds a network that iproute2 and nft dump the same way as the one
# podwire built, and that carries packets.

# bats file_tags=root,explain,san

load helpers

SETUP='netns-new --explain pod1 pod2 pod3 2>"$1/1" | veth-link --explain --ipam 10.244.0.0/24 2>"$1/2" | br-attach --explain --hairpin cni0 --gw 10.244.0.1/24 2>"$1/3" | nat-out --explain --out uplink0 2>"$1/4"'
TEARDOWN='netns-new -D --explain pod1 pod2 pod3 2>"$1/1" | veth-link -D --explain --ipam 10.244.0.0/24 2>"$1/2" | br-attach -D --explain cni0 2>"$1/3" | nat-out -D --explain 2>"$1/4"'

setup() {
	sandbox_start
	FIRST=$SB_PID
	rm -f "$BATS_TEST_TMPDIR/sandbox.ready"
	sandbox_start
	SECOND=$SB_PID
	SB_PID=$FIRST
}

teardown() {
	SB_PID=$SECOND
	sandbox_stop
	SB_PID=$FIRST
	sandbox_stop
}

# Run the rest in the second sandbox.
sb2() {
	nsenter --target "$SECOND" --net --mount -- "$@"
}

# The pretend internet's cable has its carrier: its state no longer
# changes under a comparison.
wan_settled() {
	eventually assert_link_up uplink0
	eventually assert_link_up wan0 wan
}

# Both sandboxes get the same pretend internet behind uplink0.
make_wans() {
	make_wan
	wan_settled
	SB_PID=$SECOND
	make_wan
	wan_settled
	SB_PID=$FIRST
}

# No veth left but the uplink's.
no_pod_veths() { # runner
	[[ $("$1" ip -j link show type veth | jq '[.[] | select(.ifname != "uplink0")] | length') -eq 0 ]]
}

# The explanation of each stage, concatenated in stage order.
explained() { # dir
	cat "$1/1" "$1/2" "$1/3" "$1/4"
}

# The links of a namespace, as iproute2 shows them, without what differs
# from one build to the next: MAC addresses, ifindexes, the mark's time.
links_json() {
	jq -S -c 'sort_by(.ifname) | [.[] | {ifname, mtu, operstate, group,
		flags: (.flags | sort), master,
		ifalias: ((.ifalias // "") | sub(" created=[0-9]+"; "")),
		kind: .linkinfo.info_kind,
		hairpin: .linkinfo.info_slave_data.hairpin,
		numtxqueues: .num_tx_queues}]'
}

# Link-local addresses are made from MAC addresses, which differ.
addrs_json() {
	jq -S -c 'sort_by(.ifname) | [.[] | {ifname, addr_info: [.addr_info[] |
		select(.scope != "link") |
		{family, local, prefixlen, broadcast, scope}] | sort_by(.local)}]'
}

routes_json() {
	jq -S -c 'sort_by(.dst, .dev) | [.[] | del(.expires)]'
}

# The sysctls podwire changes or could: forwarding, and each interface's
# router advertisements, IPv6 and address generation.
sysctls() { # runner [netns]
	local run=$1 ns=${2:-} in=()
	[[ -n $ns ]] && in=(ip netns exec "$ns")
	"$run" "${in[@]}" sh -c 'sysctl net.ipv4.ip_forward net.ipv6.conf.all.forwarding
		for d in /proc/sys/net/ipv6/conf/*; do
			i=${d##*/}
			[ "$i" = all ] || [ "$i" = default ] && continue
			sysctl "net.ipv6.conf.$i.accept_ra" "net.ipv6.conf.$i.disable_ipv6" \
				"net.ipv6.conf.$i.addr_gen_mode"
		done' | sort
}

# The network of one sandbox, in one text to compare.
network() { # runner (sb or sb2)
	local run=$1 ns
	echo "netns: $("$run" ip -j netns list | jq -c '[.[].name] | sort')"
	echo "host links: $("$run" ip -j -d link show | links_json)"
	echo "host addrs: $("$run" ip -j addr show | addrs_json)"
	echo "host routes: $("$run" ip -j route show | routes_json)"
	echo "host sysctls: $(sysctls "$run")"
	for ns in $("$run" ip -j netns list | jq -r '.[].name' | sort); do
		echo "$ns links: $("$run" ip -n "$ns" -j -d link show | links_json)"
		echo "$ns addrs: $("$run" ip -n "$ns" -j addr show | addrs_json)"
		echo "$ns routes: $("$run" ip -n "$ns" -j route show | routes_json)"
		echo "$ns sysctls: $(sysctls "$run" "$ns")"
	done
	echo "nft: $("$run" nft -j list ruleset | jq -S -c '[.nftables[] |
		select(.table or .chain or .rule) | .[] | del(.handle) |
		if .comment then .comment |= sub(" created=[0-9]+"; "") else . end]')"
}

@test "--explain of the seeds' network, replayed with sh -e in a fresh sandbox, builds the same network" {
	make_wans
	mkdir -p "$BATS_TEST_TMPDIR/up"
	run -0 --separate-stderr sb bash -c "$SETUP" explain "$BATS_TEST_TMPDIR/up"
	assert_equal "${#lines[@]}" 3
	explained "$BATS_TEST_TMPDIR/up" >"$BATS_TEST_TMPDIR/up.sh"
	# The explanation is commands, one a line, and nothing else.
	run -1 grep -vE '^(ip|nft|sysctl|ip netns exec [a-z0-9]+ sysctl) ' "$BATS_TEST_TMPDIR/up.sh"
	# Each kind of step is there, as a person would type it.
	run -0 cat "$BATS_TEST_TMPDIR/up.sh"
	assert_line 'ip netns add pod1'
	assert_line --regexp '^ip link add veth[0-9a-f]{8} numtxqueues 1 numrxqueues 1 type veth peer name eth0 numtxqueues 1 numrxqueues 1 netns pod2$'
	assert_line 'ip -n pod3 addr add 10.244.0.4/24 brd + dev eth0'
	assert_line 'ip link add cni0 type bridge mcast_snooping 0'
	assert_line --regexp '^ip link set veth[0-9a-f]{8} type bridge_slave hairpin on$'
	assert_line 'ip -n pod1 route add default via 10.244.0.1 proto static'
	assert_line 'sysctl -qw net.ipv4.ip_forward=1'
	assert_line --regexp "^nft 'add rule inet podwire postrouting ip saddr 10.244.0.0/24 oifname \"uplink0\" masquerade comment \"podwire: subnet=10.244.0.0/24 out=uplink0 created=[0-9]+\"'$"

	run -0 sb2 sh -e "$BATS_TEST_TMPDIR/up.sh"
	network sb >"$BATS_TEST_TMPDIR/podwire.net"
	network sb2 >"$BATS_TEST_TMPDIR/replay.net"
	run diff "$BATS_TEST_TMPDIR/podwire.net" "$BATS_TEST_TMPDIR/replay.net"
	assert_success
	# The comparison sees the network: three pods with their addresses.
	run -0 grep -c '"local":"10.244.0.[234]"' "$BATS_TEST_TMPDIR/replay.net"
	assert_output 3

	# And the replayed network carries packets: pod to pod, and out
	# through the masquerade, which wan sees as the uplink's address.
	run -0 sb2 ip netns exec pod1 ping -n -c 1 -W 2 10.244.0.3
	run -0 sb2 ip netns exec pod3 socat -T 5 -u TCP:198.51.100.2:7000,connect-timeout=5 STDOUT
	assert_output 198.51.100.1
}

@test "--explain of the teardown, replayed on the replayed network, leaves what podwire's teardown leaves" {
	make_wans
	mkdir -p "$BATS_TEST_TMPDIR/up" "$BATS_TEST_TMPDIR/down"
	run -0 sb bash -c "$SETUP" explain "$BATS_TEST_TMPDIR/up"
	run -0 sb2 sh -e <(explained "$BATS_TEST_TMPDIR/up")
	run -0 --separate-stderr sb bash -c "$TEARDOWN" explain "$BATS_TEST_TMPDIR/down"
	explained "$BATS_TEST_TMPDIR/down" >"$BATS_TEST_TMPDIR/down.sh"
	run -0 cat "$BATS_TEST_TMPDIR/down.sh"
	assert_line 'ip netns del pod2'
	assert_line 'ip link del cni0'
	assert_line "nft 'delete table inet podwire'"
	run -0 sb2 sh -e "$BATS_TEST_TMPDIR/down.sh"
	# The kernel reaps a deleted namespace's veths after the delete.
	eventually no_pod_veths sb
	eventually no_pod_veths sb2
	network sb >"$BATS_TEST_TMPDIR/podwire.net"
	network sb2 >"$BATS_TEST_TMPDIR/replay.net"
	run diff "$BATS_TEST_TMPDIR/podwire.net" "$BATS_TEST_TMPDIR/replay.net"
	assert_success
	run -1 grep -q 'pod1' "$BATS_TEST_TMPDIR/replay.net"
}

@test "--explain of a dual-stack network replays the same: IPv6 addresses, routes and gateways too" {
	make_wans
	mkdir -p "$BATS_TEST_TMPDIR/up"
	run -0 sb bash -c 'netns-new --explain pod1 pod2 2>"$1/1" | veth-link --explain --ipam 10.244.0.0/24,fd00:244::/64 2>"$1/2" | br-attach --explain cni0 --gw 10.244.0.1/24,fd00:244::1/64 2>"$1/3" | nat-out --explain --out uplink0 2>"$1/4"' explain "$BATS_TEST_TMPDIR/up"
	explained "$BATS_TEST_TMPDIR/up" >"$BATS_TEST_TMPDIR/up.sh"
	run -0 cat "$BATS_TEST_TMPDIR/up.sh"
	assert_line 'ip -n pod2 addr add fd00:244::3/64 dev eth0 nodad'
	assert_line 'ip -n pod1 -6 route add default via fd00:244::1 proto static'
	assert_line --partial "nft 'add rule inet podwire postrouting ip6 saddr fd00:244::/64 oifname \"uplink0\" masquerade"
	run -0 sb2 sh -e "$BATS_TEST_TMPDIR/up.sh"
	network sb >"$BATS_TEST_TMPDIR/podwire.net"
	network sb2 >"$BATS_TEST_TMPDIR/replay.net"
	run diff "$BATS_TEST_TMPDIR/podwire.net" "$BATS_TEST_TMPDIR/replay.net"
	assert_success
	run -0 grep -c '"local":"fd00:244::[23]"' "$BATS_TEST_TMPDIR/replay.net"
	assert_output 2
	run -0 sb2 ip netns exec pod1 ping -n -c 1 -W 2 fd00:244::3
}

@test "--explain with -n names the namespace acted in, and the replay acts there" {
	run -0 sb netns-new h1
	run -0 --separate-stderr sb br-attach -n h1 --explain br1 --gw 192.0.2.65/26
	[[ -z $(grep -vE '^(ip -n h1 |ip netns exec h1 sysctl )' <<<"$stderr") ]] ||
		fail "a line not in h1: $stderr"
	assert_equal "$(grep -c . <<<"$stderr")" 5
	run -0 sb2 ip netns add h1
	run -0 sb2 sh -e -c "$stderr"
	run -0 sb2 ip -n h1 -j addr show dev br1
	assert_equal "$(jq -r '.[0].addr_info[] | select(.family == "inet") | "\(.local)/\(.prefixlen)"' <<<"$output")" 192.0.2.65/26
}

@test "a change the kernel refuses is not explained; without --explain nothing is" {
	run -0 sb netns-new pod1
	run -0 sb ip -n pod1 link add eth0 type bridge
	run -1 --separate-stderr sb veth-link --explain pod1:eth0
	assert_equal "$(grep -c . <<<"$stderr")" 1
	[[ $stderr == "veth-link: "* ]] || fail "not the error: $stderr"
	run -0 --separate-stderr sb bash -c 'netns-new pod2 | veth-link | br-attach cni0'
	assert_equal "$stderr" ""
}

@test "the shell's explain on and off" {
	run -0 --separate-stderr sb podwire -c 'explain'
	assert_output 'explain off'
	printf 'explain on\nnetns-new a\nexplain\nexplain off\nnetns-new b\n' >"$BATS_TEST_TMPDIR/script"
	run -0 --separate-stderr sb podwire -f "$BATS_TEST_TMPDIR/script"
	assert_equal "$stderr" $'ip netns add a\nip -n a link set lo up'
	assert_line 'explain on'
	run -2 --separate-stderr sb podwire -c 'explain maybe'
	assert_equal "$stderr" "podwire: -c:1: explain: invalid 'maybe': give on or off"
}

# ---- --dry-run --------------------------------------------------------------

PLAN='netns-new --dry-run pod1 pod2 pod3 2>"$1/1" | veth-link --dry-run --ipam 10.244.0.0/24 2>"$1/2" | br-attach --dry-run --hairpin cni0 --gw 10.244.0.1/24 2>"$1/3" | nat-out --dry-run --out uplink0 2>"$1/4"'

# Everything a run could change in the first sandbox: the network and
# podwire's state files.
everything() {
	network sb
	sb find /run/netns /run/podwire | sort
}

# A plan or an explanation, without what differs between two runs: the
# plan's comments, the marks' times, the new bridge's random MAC.
comparable() {
	grep -v '^#' "$1" | sed -E 's/ created=[0-9]+/ created=T/; s/ address ([0-9a-f]{2}:){5}[0-9a-f]{2}/ address MAC/'
}

@test "--dry-run of the seeds' pipeline changes nothing, and the pipeline then does exactly that plan" {
	make_wan
	wan_settled
	mkdir -p "$BATS_TEST_TMPDIR/plan" "$BATS_TEST_TMPDIR/done"
	everything >"$BATS_TEST_TMPDIR/before"
	run -0 --separate-stderr sb bash -c "$PLAN" plan "$BATS_TEST_TMPDIR/plan"
	planned=("${lines[@]}")
	assert_equal "${#planned[@]}" 3
	# The records carry what would be set: the addresses the pool would
	# give, the bridge and the gateway (no MAC: no link was made).
	assert_equal "${planned[0]}" "netns=pod1 ifname=eth0 host_ifname=veth46b112b9 addr=10.244.0.2/24 bridge=cni0 gw=10.244.0.1"
	assert_equal "${planned[2]}" "netns=pod3 ifname=eth0 host_ifname=veth54055627 addr=10.244.0.4/24 bridge=cni0 gw=10.244.0.1"
	explained "$BATS_TEST_TMPDIR/plan" >"$BATS_TEST_TMPDIR/plan.sh"
	run -0 cat "$BATS_TEST_TMPDIR/plan.sh"
	assert_line '# 10.244.0.3: the address pod2:eth0 would lease from 10.244.0.0/24 (planned)'
	assert_line '# namespace pod1: not there yet; an earlier stage would make it'
	# Nothing changed: no namespace, link, rule, lease, intent or lock file.
	everything >"$BATS_TEST_TMPDIR/after"
	run diff "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	assert_success

	run -0 --separate-stderr sb bash -c "${SETUP}" explain "$BATS_TEST_TMPDIR/done"
	# The same records, now with the pods' MAC addresses.
	for i in 0 1 2; do
		assert_equal "$(sed -E 's/ mac=[^ ]+//' <<<"${lines[$i]}")" "${planned[$i]}"
	done
	explained "$BATS_TEST_TMPDIR/done" >"$BATS_TEST_TMPDIR/done.sh"
	run diff <(comparable "$BATS_TEST_TMPDIR/plan.sh") <(comparable "$BATS_TEST_TMPDIR/done.sh")
	assert_success
	run -0 grep -c . "$BATS_TEST_TMPDIR/done.sh"
	(( output > 40 )) || fail "a short explanation: $output lines"
}

@test "--dry-run plans the next free addresses after the real leases, and keeps a full pool full" {
	run -0 sb bash -c 'netns-new pod1 pod2 | veth-link --ipam 10.9.0.0/29'
	run -0 --separate-stderr sb bash -c 'netns-new --dry-run pod3 pod4 | veth-link --dry-run --ipam 10.9.0.0/29'
	assert_line --index 0 --partial 'netns=pod3 ifname=eth0'
	assert_line --index 0 --partial 'addr=10.9.0.4/29'
	assert_line --index 1 --partial 'addr=10.9.0.5/29'
	# A pod that has its lease is planned with it.
	run -0 --separate-stderr sb bash -c 'echo pod2 | veth-link --dry-run --ipam 10.9.0.0/29'
	assert_output --partial 'addr=10.9.0.3/29'
	run -0 sb find /run/podwire/ipam/10.9.0.0_29/addr -type f
	assert_equal "${#lines[@]}" 2
	# /29: gateway .1, pods .2 to .6; two leased, three more plannable.
	run -1 --separate-stderr sb bash -c 'netns-new --dry-run p3 p4 p5 p6 | veth-link --dry-run --ipam 10.9.0.0/29'
	assert_equal "${#lines[@]}" 3
	[[ $stderr == *"veth-link: "*"10.9.0.0/29"* ]] || fail "no full-pool error: $stderr"
	run -0 sb find /run/podwire/ipam/10.9.0.0_29/addr -type f
	assert_equal "${#lines[@]}" 2
	run -0 netns_list
	assert_output $'pod1\npod2'
}

@test "--dry-run refuses what the run would refuse, and says so the same way" {
	run -0 sb netns-new pod1
	run -1 --separate-stderr sb netns-new pod1
	real=$stderr
	run -1 --separate-stderr sb netns-new --dry-run pod1
	assert_equal "$stderr" "$real"
	run -0 sb ip -n pod1 link add eth0 type bridge
	run -1 --separate-stderr sb veth-link pod1:eth0
	real=$stderr
	run -1 --separate-stderr sb veth-link --dry-run pod1:eth0
	assert_equal "$stderr" "$real"
	run -2 --separate-stderr sb veth-link --dry-run 'pod1:../x'
	run -0 sb ip -j link show type veth
	assert_output '[]'
}
