#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# A 100-record pipeline with every stage under valgrind's memcheck: no
# invalid access, no uninitialised value used, no leak (definite or
# indirect), in setup and in teardown.

# bats file_tags=root,valgrind

load helpers

vg() {
	local name=$1
	shift
	echo "valgrind --quiet --error-exitcode=99 --leak-check=full" \
		"--show-leak-kinds=definite,indirect" \
		"--errors-for-leak-kinds=definite,indirect" \
		"--log-file=$BATS_TEST_TMPDIR/vg.$name.%p $*"
}

# Any report but two.  Valgrind 3.19 has no wrapper for NS_GET_NSTYPE
# (ioctl 0xb703) and says so, though that ioctl returns a number and
# touches no memory.  Nor for fsopen (syscall 430), which it fails with
# ENOSYS: sysctls then go through /proc, as they do without CAP_SYS_ADMIN.
assert_clean_logs() {
	local log report
	for log in "$BATS_TEST_TMPDIR"/vg.*; do
		report=$(grep -v -e 'unhandled ioctl 0xb703' \
			-e 'could cause spurious value errors' \
			-e 'README_MISSING_SYSCALL_OR_IOCTL' \
			-e 'unhandled amd64-linux syscall: 430$' \
			-e 'You may be able to write your own handler' \
			-e 'Nevertheless we consider this a bug' \
			-e 'it at http://valgrind.org/support/bug_reports.html' \
			"$log" || true)
		[[ -z $report ]] || fail "valgrind ($log): $report"
	done
	return 0
}

@test "100 pods set up and taken down under valgrind, clean" {
	# The uplink --out names (nat-out warns of one that is not there).
	sb ip link add uplink0 type veth peer name wan0
	run -0 sb bash -o pipefail -c "seq -f pod%g 100 \
		| $(vg netns netns-new) \
		| $(vg veth veth-link --ipam 10.244.0.0/24,fd00:244::/64) \
		| $(vg br br-attach cni0 --gw 10.244.0.1/24,fd00:244::1/64) \
		| $(vg nat nat-out --out uplink0) | wc -l"
	assert_equal "$output" 100
	assert_clean_logs
	run -0 ping_from pod100 10.244.0.2
	run -0 sb bash -o pipefail -c "seq -f pod%g 100 \
		| $(vg dnetns netns-new -D) \
		| $(vg dveth veth-link -D --ipam 10.244.0.0/24,fd00:244::/64) \
		| $(vg dbr br-attach -D cni0) \
		| $(vg dnat nat-out -D) | wc -l"
	assert_equal "$output" 100
	assert_clean_logs
}

@test "--dry-run then --explain under valgrind: a plan and the same pipeline, clean" {
	sb ip link add uplink0 type veth peer name wan0
	run -0 --separate-stderr sb bash -o pipefail -c "seq -f pod%g 20 \
		| $(vg pnetns netns-new --dry-run) \
		| $(vg pveth veth-link --dry-run --ipam 10.244.0.0/24,fd00:244::/64) \
		| $(vg pbr br-attach --dry-run cni0 --gw 10.244.0.1/24,fd00:244::1/64) \
		| $(vg pnat nat-out --dry-run --out uplink0) | wc -l"
	assert_equal "$output" 20
	assert_clean_logs
	run -0 --separate-stderr sb bash -o pipefail -c "seq -f pod%g 20 \
		| $(vg enetns netns-new --explain) \
		| $(vg eveth veth-link --explain --ipam 10.244.0.0/24,fd00:244::/64) \
		| $(vg ebr br-attach --explain --hairpin cni0 --gw 10.244.0.1/24,fd00:244::1/64) \
		| $(vg enat nat-out --explain --out uplink0) | wc -l"
	assert_equal "$output" 20
	assert_clean_logs
	run -0 ping_from pod20 10.244.0.2
}

@test "pod-inspect --trace under valgrind: answered, refused, over a cable, and dropped, clean" {
	make_wan
	run -0 sb bash -c "netns-new pod1 pod2 | veth-link --ipam 10.244.0.0/24 |
		br-attach cni0 --gw 10.244.0.1/24 | nat-out --out uplink0"
	run -0 --separate-stderr sb $(vg tr1 pod-inspect --trace pod1 198.51.100.2)
	run -0 --separate-stderr sb $(vg tr2 pod-inspect -j --trace pod1 pod2)
	run -0 --separate-stderr sb $(vg tr4 pod-inspect --trace --tcp 7000 pod1 198.51.100.2)
	run -1 --separate-stderr sb $(vg tr5 pod-inspect --trace --udp 7000 pod1 198.51.100.2)
	# A cable: the far end's namespace is opened, and closed.
	run -0 sb netns-new red blue
	run -0 sb veth-link red:veth-red=10.0.0.1/24 blue:veth-blue=10.0.0.2/24
	run -0 --separate-stderr sb $(vg tr6 pod-inspect --trace red blue)
	sb nft add table ip guard
	sb nft add chain ip guard forward '{ type filter hook forward priority 0; policy drop; }'
	run -1 --separate-stderr sb $(vg tr3 pod-inspect --trace pod1 198.51.100.2)
	assert_clean_logs
}

@test "error paths under valgrind: bad records, a full pool, --keep-going" {
	run -0 sb netns-new p1 p2 p3
	run -1 sb bash -c "printf 'p1\nnetns=../x\np2\np3\n' | $(vg kg veth-link --keep-going --ipam 10.9.0.0/30)"
	assert_clean_logs
	run -2 sb bash -c "printf 'a b\n' | $(vg bad netns-new)"
	run -2 sb $(vg usage nat-out 10.0.0.1/24)
	run -0 sb $(vg help br-attach --help)
	assert_clean_logs
}

@test "veth-prune under valgrind: orphans, leases, a half-made pair, --all, clean" {
	sb ip link add uplink0 type veth peer name wan0
	run -0 sb bash -o pipefail -c "seq -f pod%g 20 | netns-new |
		veth-link --ipam 10.244.0.0/24,fd00:244::/64 |
		br-attach cni0 --gw 10.244.0.1/24,fd00:244::1/64 |
		nat-out --out uplink0 | wc -l"
	# Pods 1-5 orphaned (a process keeps each namespace), 6-10 gone.
	for i in 1 2 3 4 5; do
		nsenter --target "$SB_PID" --net --mount -- \
			ip netns exec "pod$i" sleep 1000 3>&- &
		SB_EXTRA_PIDS="$SB_EXTRA_PIDS $!"
	done
	for i in 1 2 3 4 5; do
		until [[ -n $(sb ip netns pids "pod$i") ]]; do sleep 0.01; done
	done
	for i in $(seq 1 10); do sb ip netns del "pod$i"; done
	# The kernel reaps pods 6-10's pairs; the orphans stay.
	until [[ $(sb ip -o link show master cni0 | wc -l) == 15 ]]; do
		sleep 0.05
	done
	run -0 sb $(vg dry veth-prune --dry-run --older-than 0 --all)
	assert_clean_logs
	run -0 sb $(vg prune veth-prune --older-than 0 -j)
	assert_equal "$(grep -c '"reason":"orphan"' <<<"$output")" 5
	assert_equal "$(grep -c '"reason":"lease"' <<<"$output")" 20
	assert_clean_logs
	# The rest torn down: the bridge and the rule are then unused.
	run -0 sb bash -c "seq -f pod%g 11 20 | netns-new -D >/dev/null"
	until [[ $(sb ip -o link show master cni0 | wc -l) == 0 ]]; do
		sleep 0.05
	done
	run -0 sb $(vg all veth-prune --older-than 0 --all)
	assert_clean_logs
	run -1 link_exists cni0
	run -0 sb $(vg max veth-prune --older-than 0 --max 0)
	run -2 sb $(vg usage veth-prune --older-than 5w)
	assert_clean_logs
}

@test "podwire-cni: every command under valgrind, clean" {
	local conf=$BATS_TEST_TMPDIR/net.json gc=$BATS_TEST_TMPDIR/gc.json
	jq -n '{cniVersion: "1.1.0", name: "vgnet", type: "podwire-cni",
		bridge: "cni-vg0", isGateway: true, ipMasq: true,
		ipam: {ranges: [[{subnet: "10.89.0.0/24"}], [{subnet: "fd00:89::/64"}]],
			routes: [{dst: "0.0.0.0/0"}]}}' >"$conf"
	jq '."cni.dev/valid-attachments" = [{containerID: "c1", ifname: "eth0"}]' \
		"$conf" >"$gc"
	cni_vg() { # NAME COMMAND CID [CONF]
		sb env CNI_COMMAND="$2" CNI_CONTAINERID="$3" \
			CNI_NETNS="/run/netns/$3" CNI_IFNAME=eth0 \
			$(vg "$1" podwire-cni) <"${4:-$conf}"
	}
	for c in c1 c2 c3; do
		sb ip netns add "$c"
		run -0 cni_vg "add$c" ADD "$c"
	done
	jq --argjson r "$output" '.prevResult = $r' "$conf" >"$BATS_TEST_TMPDIR/chk.json"
	run -0 cni_vg check CHECK c3 "$BATS_TEST_TMPDIR/chk.json"
	run -0 cni_vg status STATUS ""
	run -0 cni_vg version VERSION ""
	run -0 cni_vg gc GC "" "$gc"
	# Refused: c1's eth0 exists (GC kept c1 alone).
	run -1 cni_vg again ADD c1
	run -0 cni_vg del DEL c1
	run -0 cni_vg del2 DEL c1
	echo '{"cniVersion":' >"$BATS_TEST_TMPDIR/bad.json"
	run -2 cni_vg bad ADD c1 "$BATS_TEST_TMPDIR/bad.json"
	assert_clean_logs
}
