#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# veth-link --ipam: leases from a pool, under /run/podwire/ipam.

# bats file_tags=root,ipam,san

load helpers

STORE=/run/podwire/ipam

# The addresses the pods' eth0 carry, as ip sees them, sorted.
pod_addrs() {
	local ns
	for ns in $(netns_list); do
		addrs_of eth0 "$ns" 2>/dev/null
	done | sort -V
}

@test "a /29 serves exactly its five hosts, skipping network, gateway and broadcast" {
	run -0 sb bash -c 'seq -f pod%g 5 | netns-new | veth-link --ipam 10.9.0.0/29'
	assert_equal "$(pod_addrs)" $'10.9.0.2/29\n10.9.0.3/29\n10.9.0.4/29\n10.9.0.5/29\n10.9.0.6/29'
	# The sixth: a clear error naming the pool, exit 1, nothing half-built.
	run -0 sb netns-new pod6
	run -1 --separate-stderr sb bash -c 'echo pod6 | veth-link --ipam 10.9.0.0/29'
	assert_equal "$stderr" "veth-link: line 1: no free address in pool 10.9.0.0/29: it is full"
	assert_equal "$output" ""
	run -1 link_exists eth0 pod6
	assert_equal "$(count_links veth)" 5
	assert_equal "$(sb ls "$STORE/10.9.0.0_29/addr" | wc -l)" 5
}

@test "each lease is a file naming the pod's namespace and interface, and the boot" {
	run -0 sb bash -c 'echo pod1 | netns-new | veth-link --ipam 10.9.0.0/24'
	run -0 sb cat "$STORE/10.9.0.0_24/addr/10.9.0.2"
	assert_equal "$output" \
		"netns=pod1 ifname=eth0 created=${output#*created=}"
	assert_regex "$output" ' created=[0-9]+ boot=[0-9a-f-]{36}$'
	assert_equal "${output#*boot=}" "$(cat /proc/sys/kernel/random/boot_id)"
	run -0 sb cat "$STORE/10.9.0.0_24/pod/pod1@eth0"
	assert_equal "$output" 10.9.0.2
}

@test "--gw moves the gateway; the first host is then handed out" {
	run -0 sb bash -c 'seq -f pod%g 2 | netns-new | veth-link --ipam 10.9.0.0/29 --gw 10.9.0.6'
	assert_equal "$(pod_addrs)" $'10.9.0.1/29\n10.9.0.2/29'
	run -2 sb veth-link --ipam 10.9.0.0/29 --gw 10.9.1.1 pod9:eth0
	run -2 sb veth-link --ipam 10.9.0.0/29 --gw 10.9.0.7 pod9:eth0
	run -2 sb veth-link --gw 10.9.0.1 pod9:eth0
}

@test "a re-run for the same pod gets the same address" {
	run -0 sb bash -c 'seq -f pod%g 3 | netns-new | veth-link --ipam 10.9.0.0/24'
	first=$output
	run -0 sb bash -c 'seq -f pod%g 3 | veth-link --ipam 10.9.0.0/24'
	assert_equal "$output" "$first"
	assert_equal "$(sb ls "$STORE/10.9.0.0_24/addr" | wc -l)" 3
}

@test "-D releases the lease and writes the released address" {
	run -0 sb bash -c 'seq -f pod%g 3 | netns-new | veth-link --ipam 10.9.0.0/24'
	run -0 sb bash -c 'echo pod2 | veth-link -D --ipam 10.9.0.0/24'
	assert_equal "$(field addr)" 10.9.0.3/24
	run -1 sb test -e "$STORE/10.9.0.0_24/addr/10.9.0.3"
	run -1 sb test -e "$STORE/10.9.0.0_24/pod/pod2@eth0"
	# Releasing again is fine and releases nothing.
	run -0 sb bash -c 'echo pod2 | veth-link -D --ipam 10.9.0.0/24'
	assert_equal "$(field addr)" ""
}

@test "a released address is handed out again once the pool comes round" {
	run -0 sb bash -c 'seq -f pod%g 5 | netns-new | veth-link --ipam 10.9.0.0/29'
	run -0 sb bash -c 'echo pod2 | netns-new -D | veth-link -D --ipam 10.9.0.0/29'
	run -0 sb bash -c 'echo pod9 | netns-new | veth-link --ipam 10.9.0.0/29'
	assert_equal "$(field addr)" 10.9.0.3/29
}

@test "dual stack: one address from each pool" {
	run -0 sb bash -c 'echo pod1 | netns-new | veth-link --ipam fd09::/64,10.9.0.0/24'
	assert_equal "$(field addr)" 10.9.0.2/24
	assert_equal "$(field addr6)" fd09::2/64
	assert_equal "$(addrs_of eth0 pod1 | sort)" $'10.9.0.2/24\nfd09::2/64'
}

@test "a record may ask for its address; a taken or foreign one is refused" {
	run -0 sb netns-new pod1 pod2 pod3
	run -0 sb bash -c 'echo "netns=pod1 addr=10.9.0.50/24" | veth-link --ipam 10.9.0.0/24'
	assert_equal "$(addrs_of eth0 pod1)" 10.9.0.50/24
	run -1 --separate-stderr sb bash -c 'echo "netns=pod2 addr=10.9.0.50/24" | veth-link --ipam 10.9.0.0/24'
	assert_equal "$stderr" "veth-link: line 1: address 10.9.0.50 of pool 10.9.0.0/24 is leased to another pod"
	run -1 --separate-stderr sb bash -c 'echo "netns=pod3 addr=10.8.0.5/24" | veth-link --ipam 10.9.0.0/24'
	assert_equal "$stderr" "veth-link: line 1: addr '10.8.0.5/24' is not an address pool 10.9.0.0/24 can lease"
	run -1 link_exists eth0 pod2
	run -1 link_exists eth0 pod3
}

@test "a failure after the lease gives the address back" {
	run -0 sb netns-new pod1
	sb ip -n pod1 link add eth0 type veth peer name other
	run -1 sb veth-link --ipam 10.9.0.0/24 pod1:eth0
	assert_equal "$(sb ls "$STORE/10.9.0.0_24/addr" | wc -l)" 0
}

@test "50 veth-link --ipam at once on a /27: 29 served, all distinct, the rest refused" {
	run -0 sb bash -c 'seq -f pod%g 50 | netns-new -q'
	run -0 sb bash -c 'for i in $(seq 50); do veth-link -q --ipam 10.9.0.0/27 pod$i:eth0 2>>'"$BATS_TEST_TMPDIR"'/errors & done; wait'
	addrs=$(pod_addrs)
	assert_equal "$(wc -l <<<"$addrs")" 29
	assert_equal "$(sort -u <<<"$addrs" | wc -l)" 29
	assert_equal "$(grep -c 'no free address in pool 10.9.0.0/27: it is full' "$BATS_TEST_TMPDIR/errors")" 21
	assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/errors")" 21
	assert_equal "$(count_links veth)" 29
	assert_equal "$(sb ls "$STORE/10.9.0.0_27/addr" | wc -l)" 29
	run -1 grep -E '^10\.9\.0\.(0|1|31)/' <<<"$addrs"
}

@test "overlapping pools: the second is refused while the first holds leases" {
	run -0 sb netns-new pod1 pod2 pod3 pod4
	run -0 sb veth-link -q --ipam 10.50.0.0/16 pod1:eth0
	# Before, each kept its own store and both gave out 10.50.0.2.
	for pool in 10.50.0.0/24 10.50.7.0/24 10.0.0.0/8; do
		run -1 --separate-stderr sb veth-link --ipam "$pool" pod2:eth0
		assert_equal "$stderr" "veth-link: pool $pool overlaps pool 10.50.0.0/16, which holds 1 lease: lease from that pool, or release its leases first (veth-link -D --ipam 10.50.0.0/16)"
		run -1 link_exists eth0 pod2
	done
	# A pool next to it, and the same pool, are fine.
	run -0 sb veth-link -q --ipam 10.51.0.0/24 pod2:eth0
	run -0 sb veth-link -q --ipam 10.50.0.0/16 pod3:eth0
	assert_equal "$(addrs_of eth0 pod3)" 10.50.0.3/16
	# Released to the last lease, the /16 no longer stands in the way,
	# and now the /24 holds the /16 off.
	run -0 sb bash -c 'printf "pod1\npod3\n" | veth-link -q -D --ipam 10.50.0.0/16'
	run -0 sb veth-link -q --ipam 10.50.0.0/24 pod4:eth0
	assert_equal "$(addrs_of eth0 pod4)" 10.50.0.2/24
	run -1 --separate-stderr sb veth-link --ipam 10.50.0.0/16 pod1:eth0
	assert_equal "$stderr" "veth-link: pool 10.50.0.0/16 overlaps pool 10.50.0.0/24, which holds 1 lease: lease from that pool, or release its leases first (veth-link -D --ipam 10.50.0.0/24)"
	# IPv6 the same.
	run -0 sb veth-link -q --ipam fd50::/64 pod1:eth1
	run -1 sb veth-link -q --ipam fd50::/120 pod2:eth1
}

@test "overlapping pools at once: one pool wins, no address given twice" {
	run -0 sb bash -c 'seq -f pod%g 40 | netns-new -q'
	run -0 sb bash -c 'for i in $(seq 40); do
		pool=10.60.0.0/16; ((i % 2)) && pool=10.60.0.0/24
		veth-link -q --ipam $pool pod$i:eth0 2>>'"$BATS_TEST_TMPDIR"'/errors & done; wait'
	addrs=$(pod_addrs)
	assert_equal "$(sed 's|/.*||' <<<"$addrs" | sort -u | wc -l)" "$(wc -l <<<"$addrs")"
	assert_equal "$(sed 's|.*/||' <<<"$addrs" | sort -u | wc -l)" 1
	assert_equal "$(wc -l <<<"$addrs")" 20
	assert_equal "$(grep -c 'overlaps pool' "$BATS_TEST_TMPDIR/errors")" 20
	assert_equal "$(count_links veth)" 20
}

@test "pools that are not pools: exit 2, one line" {
	for bad in 10.9.0.1/24 10.9.0.0/31 0.0.0.0/0 fd00::/48 fd00::/127 \
		10.9.0.0/24,10.8.0.0/24 10.9.0.0 x 10.9.0.0/24,fd00::/64,fd01::/64; do
		run -2 --separate-stderr sb veth-link --ipam "$bad" pod1:eth0
		assert_equal "$(wc -l <<<"$stderr")" 2 # the error and "Try ..."
		assert_regex "${stderr%%$'\n'*}" "^veth-link: "
	done
}

@test "a store that others can write is refused" {
	sb mkdir -p -m 0777 "$STORE"
	run -0 sb netns-new pod1
	run -1 --separate-stderr sb veth-link --ipam 10.9.0.0/24 pod1:eth0
	assert_equal "$stderr" "veth-link: cannot open the lease store for pool 10.9.0.0/24: /run/podwire/ipam is not root's or is writable by others"
	run -1 link_exists eth0 pod1
	# The directory at fault is named: /run/podwire itself, or a pool's.
	sb chmod 0700 "$STORE"
	sb chmod 0777 /run/podwire
	run -1 --separate-stderr sb veth-link --ipam 10.9.0.0/24 pod1:eth0
	assert_equal "$stderr" "veth-link: cannot open the lease store for pool 10.9.0.0/24: /run/podwire is not root's or is writable by others"
	sb chmod 0700 /run/podwire
	sb mkdir -m 0777 "$STORE/10.9.0.0_24"
	run -1 --separate-stderr sb veth-link --ipam 10.9.0.0/24 pod1:eth0
	assert_equal "$stderr" "veth-link: cannot open the lease store for pool 10.9.0.0/24: /run/podwire/ipam/10.9.0.0_24 is not root's or is writable by others"
}

@test "a full pool says how many of its leases belong to pods that are gone" {
	run -0 sb bash -c 'seq -f pod%g 5 | netns-new | veth-link -q --ipam 10.9.0.0/29'
	run -0 sb netns-new pod6
	# All five pods alive: only "full".
	run -1 --separate-stderr sb veth-link --ipam 10.9.0.0/29 pod6:eth0
	assert_equal "$stderr" "veth-link: no free address in pool 10.9.0.0/29: it is full"
	# Two pods deleted without their teardown: their leases stay.
	run -0 sb netns-new -q -D pod2 pod4
	run -1 --separate-stderr sb veth-link --ipam 10.9.0.0/29 pod6:eth0
	assert_equal "$stderr" "veth-link: no free address in pool 10.9.0.0/29: it is full, and 2 of its 5 leases belong to pods that no longer exist: pod-inspect --leases 10.9.0.0/29 lists them, and veth-link -D --ipam 10.9.0.0/29 of their records frees them"
	# Doing what it says frees them.
	run -0 sb bash -c 'printf "pod2\npod4\n" | veth-link -q -D --ipam 10.9.0.0/29'
	run -0 sb veth-link -q --ipam 10.9.0.0/29 pod6:eth0
}

@test "a lease file replaced by a symlink is neither followed nor overwritten" {
	run -0 sb bash -c 'echo pod1 | netns-new | veth-link --ipam 10.9.0.0/24'
	sb sh -c "echo precious > '$BATS_TEST_TMPDIR/target'"
	sb ln -s "$BATS_TEST_TMPDIR/target" "$STORE/10.9.0.0_24/addr/10.9.0.3"
	run -0 sb bash -c 'echo pod2 | netns-new | veth-link --ipam 10.9.0.0/24'
	assert_equal "$(field addr)" 10.9.0.4/24
	assert_equal "$(cat "$BATS_TEST_TMPDIR/target")" precious
	# The owner index pointing at it is not trusted either.
	sb ln -sf "$BATS_TEST_TMPDIR/target" "$STORE/10.9.0.0_24/pod/pod1@eth0"
	run -0 sb bash -c 'echo pod1 | veth-link -D --ipam 10.9.0.0/24'
	assert_equal "$(cat "$BATS_TEST_TMPDIR/target")" precious
}

@test "a corrupt cursor costs a scan, not a wrong address" {
	run -0 sb bash -c 'seq -f pod%g 2 | netns-new | veth-link --ipam 10.9.0.0/24'
	for junk in "" "-1" "99999999999999999999" "0x10" "abc" "7 8"; do
		sb sh -c "printf '%s' '$junk' > $STORE/10.9.0.0_24/cursor"
		ns=p$RANDOM
		run -0 sb netns-new "$ns"
		run -0 sb veth-link --ipam 10.9.0.0/24 "$ns:eth0"
	done
	addrs=$(pod_addrs)
	assert_equal "$(wc -l <<<"$addrs")" 8
	assert_equal "$(sort -u <<<"$addrs" | wc -l)" 8
}

@test "an interface named like a temporary file keeps its lease (eth0.tmp, then eth0)" {
	# Writing pod1@eth0's index entry must not go through pod1@eth0.tmp's:
	# if it did, eth0.tmp would lose its entry and a re-run would lease
	# it a second address.
	run -0 sb netns-new pod1
	run -0 sb veth-link --ipam 10.9.0.0/24 pod1:eth0.tmp
	first=$(field addr)
	assert_equal "$first" 10.9.0.2/24
	run -0 sb veth-link --ipam 10.9.0.0/24 pod1:eth0
	assert_equal "$(field addr)" 10.9.0.3/24
	run -0 sb veth-link --ipam 10.9.0.0/24 pod1:eth0.tmp
	assert_equal "$(field addr)" "$first"
	assert_equal "$(addrs_of eth0.tmp pod1)" 10.9.0.2/24
	run -0 sb cat "$STORE/10.9.0.0_24/pod/pod1@eth0.tmp"
	assert_equal "$output" 10.9.0.2
	assert_equal "$(sb ls "$STORE/10.9.0.0_24/addr" | wc -l)" 2
}

@test "the lease store is root's alone: directories 0700, lock files 0600" {
	run -0 sb bash -c 'echo pod1 | netns-new | veth-link --ipam 10.9.0.0/24'
	for dir in /run/podwire /run/podwire/ipam "$STORE/10.9.0.0_24" \
		"$STORE/10.9.0.0_24/addr" "$STORE/10.9.0.0_24/pod"; do
		assert_equal "$dir $(sb stat -c %a "$dir")" "$dir 700"
	done
	assert_equal "$(sb stat -c %a "$STORE/10.9.0.0_24/lock")" 600
	# Another local user cannot even open the lock to sit on it.
	run -1 --separate-stderr sb setpriv --reuid=65534 --regid=65534 \
		--clear-groups cat "$STORE/10.9.0.0_24/lock"
	assert_regex "$stderr" "Permission denied"
}

@test "a lock file left 0644 by an older podwire is closed to others on first use" {
	run -0 sb bash -c 'mkdir -p -m 0755 /run/podwire/ipam/10.9.0.0_24 &&
		install -m 0644 /dev/null /run/podwire/ipam/10.9.0.0_24/lock'
	run -0 sb bash -c 'echo pod1 | netns-new | veth-link --ipam 10.9.0.0/24'
	assert_equal "$(sb stat -c %a "$STORE/10.9.0.0_24/lock")" 600
	assert_equal "$(sb stat -c %a "$STORE/10.9.0.0_24")" 700
}

@test "a lease store someone holds locked: exit 1 after a bounded wait, naming the holder" {
	local lock=$STORE/10.9.0.0_24/lock
	run -0 sb bash -c 'echo pod1 | netns-new | veth-link --ipam 10.9.0.0/24'
	hold_lock "$lock"
	run -1 --separate-stderr sb bash -c 'echo pod2 | netns-new | veth-link --ipam 10.9.0.0/24'
	assert_equal "$stderr" "veth-link: line 1: cannot lock the lease store: $lock stayed locked for 5 s, by PID $LOCK_HOLDER"
	run -1 link_exists eth0 pod2
	release_lock
	run -0 sb bash -c 'echo pod2 | veth-link --ipam 10.9.0.0/24'
	assert_equal "$(field addr)" 10.9.0.3/24
}
