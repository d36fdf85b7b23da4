#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# veth-prune: removes what podwire made and is provably stale, and
# nothing else.  Every claim is checked against the kernel and the store
# (ip -j, nft -j, the files under /run/podwire, processes in /proc, real
# pings), never against veth-prune's records alone: a record says what
# veth-prune believes it did, the kernel says what it did.
#
# Ages: an object younger than --older-than is left, and everything a test
# makes is seconds old, so most runs say --older-than 0.  Where a test needs
# an old object it rewrites the created= of its mark (the alias) or lease,
# which is all veth-prune judges age by: no test waits for time to pass.

# bats file_tags=root,prune

load helpers

POOL=10.9.0.0/24
STORE=/run/podwire/ipam/10.9.0.0_24

# ---- Pods ------------------------------------------------------------------

# The seeds' topology: pods NAME... on bridge br0, leased from $POOL.
make_pods() {
	sb bash -c "printf '%s\n' $* | netns-new | veth-link --ipam $POOL |
		br-attach br0 --gw 10.9.0.1/24" >/dev/null
}

# The host end of pod NS's eth0, by its mark as the kernel shows it.
host_end_of() {
	sb ip -j link show type veth | jq -r --arg ns "$1" '.[] |
		select((.ifalias // "") | startswith("podwire: netns=\($ns) ifname=eth0 ")) |
		.ifname'
}

# The created= of DEV's mark.
mark_created() {
	link_json "$1" | jq -r '.ifalias' | sed -nE 's/.* created=([0-9]+)$/\1/p'
}

# Start CMD in the sandbox in the background; BG is its PID, which the
# teardown ends.  Not `sb CMD &`: a function run in the background is a
# subshell, and $! would be that subshell, not the command.  nsenter (and
# ip netns exec, sh -c '... exec') exec what they run, so BG is the
# command itself.
sb_bg() {
	nsenter --target "$SB_PID" --net --mount -- "$@" 3>&- &
	BG=$!
	SB_EXTRA_PIDS="$SB_EXTRA_PIDS $BG"
}

# Start a process inside namespace NS that keeps it alive after its name
# goes; KEEPER is its PID.
keep_alive() {
	sb_bg ip netns exec "$1" sleep 1000
	KEEPER=$BG
	eventually netns_has_pids "$1"
}

# Pod NS orphaned, as the seeds describe it: its name deleted while a
# process still runs inside, so the kernel keeps its namespace and the
# pair.
orphan_pod() {
	keep_alive "$1"
	sb ip netns del "$1"
}

# Pod NS deleted with nothing inside: the kernel reaps its pair (later).
delete_pod() {
	local host
	host=$(host_end_of "$1")
	sb ip netns del "$1"
	[[ -z $host ]] || eventually no_link "$host"
}

# Make DEV's mark say it was created SECS seconds ago.
age_link() {
	local dev=$1 secs=$2 alias
	alias=$(link_json "$dev" | jq -r .ifalias)
	sb ip link set dev "$dev" alias \
		"$(sed -E "s/created=[0-9]+/created=$(($(date +%s) - secs))/" <<<"$alias")"
}

# The leases and index entries of the store, one path per line.
lease_files() {
	sb find /run/podwire/ipam -path '*/addr/*' -o -path '*/pod/*' | LC_ALL=C sort
}

# The names of the veths in the sandbox's host namespace that carry no
# mark.
unmarked_veths() {
	sb ip -j link show type veth |
		jq -r '.[] | select(.ifalias == null) | .ifname' | sort
}

# Every rule of every table: "FAMILY TABLE COMMENT" without created=.
nft_rules() {
	sb nft -j list ruleset | jq -r '.nftables[] | .rule // empty |
		"\(.family) \(.table) \(.comment // "-")"' |
		sed -E 's/ created=[0-9]+$//'
}

# The created= of podwire's rule for SUBNET.
rule_created() {
	sb nft -j list ruleset | jq -r --arg s "$1" '.nftables[] | .rule // empty |
		select(.table == "podwire") | .comment // "" |
		select(startswith("podwire: subnet=\($s) "))' |
		sed -nE 's/.* created=([0-9]+)$/\1/p'
}

# The lines of $output whose reason= is REASON.
records_of() {
	grep -c "^reason=$1 " <<<"$output" || true
}

# ---- Killed half-way (call_index, kill_at: helpers.bash) ------------------

# veth-link --ipam killed for pod NS (made if need be) between creating
# its pair (the sendto with NLM_F_CREATE) and marking it (the sendto
# after): the pair is there unmarked and its intent stays; the pod's lease
# was taken before.  HALF is the host end.  OFFSET 0 kills the create
# itself instead: only the intent is left.
half_made_pair() {
	local ns=$1 offset=${2:-1} n
	sb netns-new -p "$ns" measure >/dev/null
	# Counted on a pod of another pool, so $POOL's next address stays.
	n=$(call_index sendto 'NLM_F_CREATE' "echo measure | veth-link --ipam 10.99.0.0/24")
	[[ -n $n ]]
	sb bash -c "echo measure | netns-new -D | veth-link -D --ipam 10.99.0.0/24" >/dev/null
	kill_at veth-link sendto $((n + offset)) "echo $ns | veth-link --ipam $POOL"
	assert_failure 137
	HALF=$(unmarked_veths)
	if ((offset)); then
		[[ $HALF == veth* && $HALF != *$'\n'* ]] || fail "no half-made pair: '$HALF'"
		run -0 sb test -f "/run/podwire/intent/veth/@$HALF"
	fi
}

# Hold an flock on PATH in the sandbox (MODE -x, or -s for shared), as
# another prune, a writer of an intent or a setup would: HOLDER is the
# flock(1) that holds it (-o: its sleep child does not share it), so
# killing HOLDER lets go; HOLDER_CHILD is that sleep.  The holder is a
# live process, as /proc/locks needs to list the lock and its waiters.
hold_flock() {
	sb_bg flock "${2:--x}" -o "$1" sleep 1000
	HOLDER=$BG
	eventually flock_held "$1"
	eventually bash -c "[[ -n \$(cat /proc/$HOLDER/task/$HOLDER/children) ]]"
	HOLDER_CHILD=$(cat "/proc/$HOLDER/task/$HOLDER/children")
	SB_EXTRA_PIDS="$SB_EXTRA_PIDS $HOLDER_CHILD"
}

# Let go of it: the holder and its sleep, by PID.
release_flock() {
	kill "$HOLDER" $HOLDER_CHILD
	eventually bash -c "! kill -0 $HOLDER 2>/dev/null"
}

# Is PID blocked waiting for an flock?  /proc/locks lists a waiter as
# "-> FLOCK ..." under the lock's holder, and hides both when the process
# that took the lock is gone (as after `flock FD`: why hold_flock's holder
# is flock itself).
lock_waiter() {
	sb grep -qE -- "-> FLOCK +ADVISORY +WRITE +$1 " /proc/locks
}

# Is PATH locked by someone (a try to take it fails)?
flock_held() {
	! sb flock -n -x "$1" true
}

# ---- 1. Orphans ------------------------------------------------------------

@test "an orphan: its host end goes, the process inside runs on, its lease goes in the same run" {
	local host created lcreated
	make_pods pod1 pod2
	host=$(host_end_of pod1)
	created=$(mark_created "$host")
	lcreated=$(sb cat "$STORE/addr/10.9.0.2" | sed -nE 's/.*created=([0-9]+).*/\1/p')
	[[ -n $host && -n $created && -n $lcreated ]]
	orphan_pod pod1
	# The kernel keeps the pair: a process holds the namespace.
	run -0 link_exists "$host"

	run -0 --separate-stderr sb veth-prune --older-than 0
	assert_equal "$stderr" ""
	assert_equal "$(records_of orphan)" 1
	assert_line "reason=orphan host_ifname=$host netns=pod1 ifname=eth0 bridge=br0 created=$created"
	assert_line "reason=lease netns=pod1 ifname=eth0 addr=10.9.0.2/24 created=$lcreated"
	assert_equal "${#lines[@]}" 2
	# The kernel: the pair is gone from here, and from the pod, whose
	# process still runs and only lost its interface.
	run -1 link_exists "$host"
	kill -0 "$KEEPER"
	run -0 sb nsenter --target "$KEEPER" --net ip -j link show
	assert_equal "$(jq -r '.[].ifname' <<<"$output")" lo
	# The store: pod1's lease and index entry are gone, pod2's stay.
	run -0 lease_files
	assert_output "$STORE/addr/10.9.0.3
$STORE/pod/pod2@eth0"
	# pod2 is untouched.
	run -0 link_exists "$(host_end_of pod2)"
	run -0 ping_from pod2 10.9.0.1

	# Nothing is left to prune: silent, exit 0.
	run -0 --separate-stderr sb veth-prune --older-than 0
	assert_equal "$output" ""
	assert_equal "$stderr" ""
}

@test "--explain: the orphan's removal as the ip commands that do it" {
	local host group
	make_pods pod1 pod2
	host=$(host_end_of pod1)
	orphan_pod pod1
	run -0 --separate-stderr sb veth-prune --older-than 0 --explain
	assert_line --partial "reason=orphan host_ifname=$host netns=pod1 ifname=eth0 bridge=br0 "
	group=$(sed -nE "s/^ip link set $host group ([0-9]+)$/\1/p" <<<"$stderr")
	[[ -n $group ]] || fail "no group set: $stderr"
	assert_equal "$stderr" "ip link set $host group $group"$'\n'"ip link delete group $group"
	run -1 link_exists "$host"
	run -0 link_exists "$(host_end_of pod2)"
}

@test "an orphan whose name now leads to another namespace goes; the new namespace stays" {
	local host
	make_pods pod1
	host=$(host_end_of pod1)
	orphan_pod pod1
	sb ip netns add pod1
	sb ip -n pod1 link add br7 type bridge

	run -0 sb veth-prune --older-than 0
	assert_line --regexp "^reason=orphan host_ifname=$host netns=pod1 ifname=eth0 bridge=br0 created=[0-9]+$"
	assert_equal "$(records_of orphan)" 1
	run -1 link_exists "$host"
	kill -0 "$KEEPER"
	# The namespace now under the name is not touched.
	assert_equal "$(netns_list)" pod1
	run -0 link_exists br7 pod1
	# Rule 3 judges a lease by its pod's name, and pod1 exists: the lease
	# stays for whoever pod1 is now.
	assert_equal "$(records_of lease)" 0
	run -0 sb test -f "$STORE/addr/10.9.0.2"
}

@test "a healthy pod, and a pod whose namespace is dying, are not orphans" {
	local host1 host2
	make_pods pod1 pod2
	host1=$(host_end_of pod1)
	host2=$(host_end_of pod2)
	# The name of pod2 is made again by ip, with nobody inside the old
	# namespace: the kernel reaps the old pair, which is not an orphan.
	sb ip netns del pod2
	sb ip netns add pod2
	run -0 sb veth-prune --older-than 0
	assert_equal "$(records_of orphan)" 0
	run -0 link_exists "$host1"
	eventually no_link "$host2"
	run -0 ping_from pod1 10.9.0.1
}

# NS holds N processes; PID has ended.
pids_in() { [[ $(sb ip netns pids "$1" | wc -l) -eq $2 ]]; }
ended() { ! sb kill -0 "$1" 2>/dev/null; }

@test "a pod named by /proc/PID/ns/net is no orphan when that process ends and others keep its namespace" {
	local a= b= host p
	sb netns-new keep >/dev/null
	# Two processes in one namespace; the pod is named by the first.
	sb_bg ip netns exec keep sleep 1000
	sb_bg ip netns exec keep sleep 1001
	eventually pids_in keep 2
	# By the namespace's own processes: another test's sleep may be
	# anywhere on the machine.
	for p in $(sb ip netns pids keep); do
		case $(tr '\0' ' ' <"/proc/$p/cmdline") in
		"sleep 1000 ") a=$p ;;
		"sleep 1001 ") b=$p ;;
		esac
	done
	[[ -n $a && -n $b ]]
	# veth-link takes only names; the CNI plugin will pass paths.  The
	# pair and its mark as the library would make them for one.
	host=vethproc0
	sb ip link add "$host" type veth peer name eth0 netns keep
	sb ip link set "$host" alias \
		"podwire: netns=/proc/$a/ns/net ifname=eth0 peer_ifname=$host created=1"
	sb ip -n keep link set eth0 alias \
		"podwire: netns=/proc/$a/ns/net ifname=eth0 peer_ifname=$host created=1"
	sb ip netns del keep
	sb kill "$a"
	eventually ended "$a"
	# /proc/A/ns/net is gone; the namespace, its pair and b are not.
	run -0 --separate-stderr sb veth-prune --older-than 0
	assert_equal "$output$stderr" ""
	run -0 link_exists "$host"
	run -0 sb kill -0 "$b"
}

# ---- 2. The grace period ---------------------------------------------------

@test "a fresh orphan is left by default and by --older-than 1h; an old one goes" {
	local host d
	make_pods pod1
	host=$(host_end_of pod1)
	orphan_pod pod1

	run -0 --separate-stderr sb veth-prune
	assert_equal "$output" ""
	assert_equal "$stderr" ""
	run -0 link_exists "$host"
	run -0 sb veth-prune --older-than 1h
	assert_equal "$output" ""
	run -0 link_exists "$host"

	# 90 minutes old: each unit counts what it says.  --dry-run to ask
	# about each duration (test "--dry-run prints ..." checks that its
	# records are the real run's).
	age_link "$host" 5400
	for d in 0 90 90s 10m 89m 1h 5400; do
		run -0 sb veth-prune --dry-run --older-than "$d"
		assert_equal "$d: $(records_of orphan)" "$d: 1"
	done
	for d in 91m 2h 1d 3650d; do
		run -0 sb veth-prune --dry-run --older-than "$d"
		assert_equal "$d: $output" "$d: "
	done
	run -0 sb veth-prune --older-than 2h
	assert_equal "$output" ""
	run -0 link_exists "$host"
	# And the default, 60 s, takes it.
	run -0 sb veth-prune
	assert_equal "$(records_of orphan)" 1
	run -1 link_exists "$host"
}

@test "--older-than: a number with s, m, h or d is accepted; anything else is exit 2 and changes nothing" {
	local host d
	make_pods pod1
	host=$(host_end_of pod1)
	orphan_pod pod1
	age_link "$host" 7200
	for d in 90 90s 10m 2h 1d 0 0s 3650d; do
		run -0 --separate-stderr sb veth-prune --dry-run --older-than "$d"
		assert_equal "$d: $stderr" "$d: "
	done
	# Any accepted duration under 2 h would remove the orphan: a rejected
	# one must not have run at all.
	for d in 10x -1 '' 1w s 1.5h ' 90' 90s5 +5 010 3651d 99999999999999999999 1h30m; do
		run -2 --separate-stderr sb veth-prune --older-than "$d"
		assert_equal "[$d] out: $output" "[$d] out: "
		# One error line naming the value, then the usual --help hint
		# every podwire program gives after a usage error (docs.bats).
		assert_equal "[$d] $(sed -n 1p <<<"$stderr")" \
			"[$d] veth-prune: invalid --older-than '$d': a number of seconds, or with s, m, h or d (90s, 10m, 2h, 1d)"
		assert_equal "$(sed -n 2p <<<"$stderr")" \
			"Try 'veth-prune --help' for more information."
		assert_equal "$(wc -l <<<"$stderr")" 2
		run -0 link_exists "$host"
	done
	run -2 sb veth-prune --older-than
	run -0 link_exists "$host"
	run -0 sb test -f "$STORE/addr/10.9.0.2"
}

# ---- 3. Half-made objects --------------------------------------------------

@test "a pair veth-link left unmarked when killed goes with its intent; an unmarked veth with no intent stays" {
	half_made_pair pod1
	sb netns-new other >/dev/null
	sb ip link add veth1234abcd type veth peer name eth0 netns other

	# Young: left by default.
	run -0 sb veth-prune
	assert_equal "$output" ""
	run -0 link_exists "$HALF"

	run -0 --separate-stderr sb veth-prune --older-than 0
	assert_equal "$stderr" ""
	# Half-made records carry no created= (Decisions).
	assert_output "reason=half-made host_ifname=$HALF netns=pod1 ifname=eth0"
	run -1 link_exists "$HALF"
	run -0 sb find /run/podwire/intent -type f
	assert_output ""
	# The only unmarked veth left is the one ip made.
	assert_equal "$(unmarked_veths)" veth1234abcd
	run -0 link_exists eth0 other
	# pod1 itself is alive, so its lease is not stale.
	run -0 sb test -f "$STORE/pod/pod1@eth0"

	run -0 sb veth-prune --older-than 0
	assert_output ""
}

@test "a half-made pair whose writer still holds its intent is left, then taken once the writer is gone" {
	half_made_pair pod1
	hold_flock "/run/podwire/intent/veth/@$HALF"

	run -0 --separate-stderr sb veth-prune --older-than 0
	assert_equal "$output" ""
	assert_equal "$stderr" ""
	run -0 link_exists "$HALF"
	run -0 sb test -f "/run/podwire/intent/veth/@$HALF"

	release_flock
	run -0 sb veth-prune --older-than 0
	assert_output "reason=half-made host_ifname=$HALF netns=pod1 ifname=eth0"
	run -1 link_exists "$HALF"
	run -1 sb test -e "/run/podwire/intent/veth/@$HALF"
}

@test "a half-made bridge and a half-made namespace go with their intents" {
	local n
	# br-attach killed between making its bridge and marking it.
	n=$(call_index sendto 'NLM_F_CREATE' "br-attach br9 --gw 10.8.0.1/24 </dev/null")
	[[ -n $n ]]
	sb br-attach -D br9
	kill_at br-attach sendto $((n + 1)) "br-attach cni0 --gw 10.8.0.1/24 </dev/null"
	assert_failure 137
	assert_equal "$(link_json cni0 | jq -r '.ifalias // ""')" ""
	# netns-new killed before the bind mount: a placeholder, no namespace.
	n=$(call_index mount 'MS_BIND' "netns-new other")
	[[ -n $n ]]
	sb netns-new -D other
	kill_at netns-new mount "$n" "netns-new pod9"
	assert_failure 137
	run -0 sb test -f /run/netns/pod9
	run ! sb ip netns exec pod9 true
	run -0 sb find /run/podwire/intent -type f
	assert_equal "${#lines[@]}" 2

	run -0 sb veth-prune
	assert_output ""
	run -0 --separate-stderr sb veth-prune --older-than 0
	assert_equal "$stderr" ""
	assert_line "reason=half-made bridge=cni0"
	assert_line "reason=half-made netns=pod9"
	assert_equal "${#lines[@]}" 2
	run -1 link_exists cni0
	run -1 sb test -e /run/netns/pod9
	run -0 sb find /run/podwire/intent -type f
	assert_output ""
}

@test "an intent that names nothing is removed silently and not counted by --max; --dry-run leaves it" {
	# Killed at the create itself: the intent is written, no pair made.
	half_made_pair pod1 0
	assert_equal "$(unmarked_veths)" ""
	run -0 sb find /run/podwire/intent/veth -type f
	assert_equal "${#lines[@]}" 1
	local intent=$output

	run -0 --separate-stderr sb veth-prune --older-than 0 --max 0 --dry-run
	assert_equal "$output" ""
	assert_equal "$stderr" ""
	run -0 sb test -f "$intent"
	run -0 --separate-stderr sb veth-prune --older-than 0 --max 0
	assert_equal "$output" ""
	assert_equal "$stderr" ""
	run -1 sb test -e "$intent"
}

@test "an empty intent, its writer killed before it wrote one, goes once old; a young one stays" {
	sb netns-new pod1 >/dev/null
	# Killed at its first pwrite, the intent's text: the file is made
	# and locked, nothing is in it yet.
	run sb strace -f -qq -o /dev/null -e trace=pwrite64 \
		-e inject=pwrite64:signal=SIGKILL:when=1 veth-link pod1:eth0
	assert_equal "$status" 137
	run -0 sb find /run/podwire/intent/veth -type f -empty
	assert_equal "${#lines[@]}" 1
	local intent=$output
	# Young: left.
	run -0 --separate-stderr sb veth-prune
	assert_equal "$output$stderr" ""
	run -0 sb test -f "$intent"
	# Old: an intent of nothing, removed in silence.
	sb touch -d '2 hours ago' "$intent"
	run -0 --separate-stderr sb veth-prune --max 0
	assert_equal "$output$stderr" ""
	run -1 sb test -e "$intent"
}

# ---- 4. Leases -------------------------------------------------------------

@test "a pod deleted with ip netns del: the kernel reaps its pair, veth-prune releases its lease" {
	make_pods pod1 pod2
	delete_pod pod1
	run -0 sb test -f "$STORE/addr/10.9.0.2"
	run -0 sb test -f "$STORE/pod/pod1@eth0"

	# Young: left by default.
	run -0 sb veth-prune
	assert_output ""
	run -0 sb test -f "$STORE/addr/10.9.0.2"

	run -0 --separate-stderr sb veth-prune --older-than 0
	assert_equal "$stderr" ""
	assert_output --regexp "^reason=lease netns=pod1 ifname=eth0 addr=10.9.0.2/24 created=[0-9]+$"
	run -0 lease_files
	assert_output "$STORE/addr/10.9.0.3
$STORE/pod/pod2@eth0"
	run -0 ping_from pod2 10.9.0.1
}

@test "an IPv6 lease is released too, as addr6=" {
	sb netns-new pod1 >/dev/null
	sb bash -c "echo pod1 | veth-link --ipam $POOL,fd09::/64" >/dev/null
	delete_pod pod1
	run -0 sb veth-prune --older-than 0
	assert_line --regexp "^reason=lease netns=pod1 ifname=eth0 addr=10.9.0.2/24 created=[0-9]+$"
	assert_line --regexp "^reason=lease netns=pod1 ifname=eth0 addr6=fd09::2/64 created=[0-9]+$"
	assert_equal "${#lines[@]}" 2
	run -0 sb find /run/podwire/ipam -path '*/addr/*' -o -path '*/pod/*'
	assert_output ""
}

@test "a lease of another boot goes (boot=old) though its namespace exists, unless a veth still uses it; one without boot= stays" {
	local before after
	make_pods pod1 pod2 pod3
	before=$(sb cat "$STORE/addr/10.9.0.2")
	[[ $before == *" boot="* ]]
	# pod1 and pod3: leases written, as far as the store can tell, in an
	# earlier boot (a store kept over a reboot).
	for a in 10.9.0.2 10.9.0.4; do
		sb sed -i -E 's/boot=[0-9a-f-]+/boot=00000000-0000-4000-8000-000000000000/' \
			"$STORE/addr/$a"
	done
	after=$(sb cat "$STORE/addr/10.9.0.2")
	assert_equal "${after% boot=*}" "${before% boot=*}"
	[[ $after != "$before" ]]
	# pod3 loses its pair; its namespace stays.
	sb ip -n pod3 link del eth0
	eventually test -z "$(host_end_of pod3)"
	# A lease an older podwire wrote, without boot=: never stale by boot.
	sb sed -i -E 's/ boot=[0-9a-f-]+//' "$STORE/addr/10.9.0.3"
	run -1 sb grep -q boot= "$STORE/addr/10.9.0.3"

	run -0 --separate-stderr sb veth-prune --older-than 0
	assert_equal "$stderr" ""
	assert_equal "${#lines[@]}" 1
	assert_equal "$(field reason) $(field netns) $(field ifname) $(field addr) $(field boot)" \
		"lease pod3 eth0 10.9.0.4/24 old"
	# pod1's lease of another boot stays: its veth uses the address.
	run -0 lease_files
	assert_output "$STORE/addr/10.9.0.2
$STORE/addr/10.9.0.3
$STORE/pod/pod1@eth0
$STORE/pod/pod2@eth0"
	run -0 link_exists "$(host_end_of pod1)"
	run -0 ping_from pod1 10.9.0.3
	run -0 sb ip netns pids pod3
}

@test "a lease file that does not parse: one warning naming it, left, exit 0, the rest still done" {
	make_pods pod1 pod2
	delete_pod pod1
	sb sh -c "echo garbage > $STORE/addr/10.9.0.77"
	run -0 --separate-stderr sb veth-prune --older-than 0
	assert_equal "$stderr" \
		"veth-prune: skipping $STORE/addr/10.9.0.77: not a podwire lease"
	assert_output --regexp "^reason=lease netns=pod1 ifname=eth0 addr=10.9.0.2/24 created=[0-9]+$"
	assert_equal "$(sb cat "$STORE/addr/10.9.0.77")" garbage
	run -0 sb test -f "$STORE/addr/10.9.0.3"
	run -1 sb test -e "$STORE/addr/10.9.0.2"
	# And on every run after, still exit 0.
	run -0 --separate-stderr sb veth-prune --older-than 0
	assert_equal "$output" ""
	assert_equal "$(wc -l <<<"$stderr")" 1
}

@test "a namespace emptied by hand keeps its lease, unless --empty-netns removes it in the same run" {
	make_pods pod1
	sb ip -n pod1 link del eth0
	assert_equal "$(count_links veth)" 0
	run -0 sb veth-prune --older-than 0
	assert_output ""
	run -0 sb test -f "$STORE/addr/10.9.0.2"

	run -0 sb veth-prune --older-than 0 --empty-netns
	assert_line --index 0 --regexp "^reason=empty-netns netns=pod1 created=[0-9]+$"
	assert_line --index 1 --regexp "^reason=lease netns=pod1 ifname=eth0 addr=10.9.0.2/24 created=[0-9]+$"
	assert_equal "${#lines[@]}" 2
	assert_equal "$(netns_list)" ""
	run -0 lease_files
	assert_output ""
}

@test "a lease released while veth-prune reads the store is no warning" {
	local n
	make_pods pod1
	# Between listing addr/ and opening a lease in it, a teardown's
	# veth-link -D may release that lease: the open then fails with
	# ENOENT.  That answer, injected at the lease's openat (counted on
	# veth-prune alone, as crash.bats does).
	sb strace -f -qq -o "$BATS_TEST_TMPDIR/trace" -e trace=openat \
		veth-prune --older-than 0
	n=$(grep -v -e '+++' -e '---' "$BATS_TEST_TMPDIR/trace" |
		grep -n -m1 '"addr/10\.9\.0\.2"' | cut -d: -f1)
	[[ -n $n ]]
	run -0 --separate-stderr sb strace -f -qq -o /dev/null -e trace=openat \
		-e inject=openat:error=ENOENT:when="$n" veth-prune --older-than 0
	# A lease that is gone is not a malformed one: nothing to warn of
	# (cron would mail the line every time a teardown overlaps a prune;
	# the race test below meets it for real).  When this was written,
	# veth-prune said "skipping .../addr/10.9.0.2: not a podwire lease".
	assert_equal "$stderr" ""
	assert_equal "$output" ""
}

@test "one run takes what the kinds before it leave: a namespace emptied of its half-made pair goes with --empty-netns" {
	# The man page: "a later kind counts what an earlier one removed".
	# When this was written, the run removed only the pair; pod1 and its
	# lease went in the next run.
	half_made_pair pod1
	run -0 sb veth-prune --older-than 0 --empty-netns
	assert_line --index 0 "reason=half-made host_ifname=$HALF netns=pod1 ifname=eth0"
	assert_line --index 1 --regexp "^reason=empty-netns netns=pod1 created=[0-9]+$"
	assert_line --index 2 --regexp "^reason=lease netns=pod1 ifname=eth0 addr=10.9.0.2/24 created=[0-9]+$"
	assert_equal "${#lines[@]}" 3
	assert_equal "$(netns_list)" ""
	run -0 lease_files
	assert_output ""
}

# ---- 5. Only when asked ----------------------------------------------------

@test "--empty-bridges: a podwire bridge without ports goes; one with ports, and one ip made, stay" {
	local created
	sb br-attach br9 --gw 10.8.0.1/24 </dev/null
	created=$(mark_created br9)
	make_pods pod1
	sb ip link add brx type bridge

	run -0 sb veth-prune --older-than 0
	assert_output ""
	run -0 link_exists br9

	run -0 --separate-stderr sb veth-prune --older-than 0 --empty-bridges
	assert_equal "$stderr" ""
	assert_output "reason=empty-bridge bridge=br9 created=$created"
	run -1 link_exists br9
	run -0 link_exists br0
	run -0 link_exists brx
	run -0 ping_from pod1 10.9.0.1
}

@test "--empty-bridges leaves a bridge while a setup holds its use lock" {
	sb br-attach br9 </dev/null
	run -0 sb test -f /run/podwire/bridge-use/br9
	# br-attach holds it shared while it attaches pods (Decisions).
	hold_flock /run/podwire/bridge-use/br9 -s

	run -0 --separate-stderr sb veth-prune --older-than 0 --empty-bridges
	assert_equal "$output" ""
	assert_equal "$stderr" ""
	run -0 link_exists br9

	release_flock
	run -0 sb veth-prune --older-than 0 --empty-bridges
	assert_output --regexp "^reason=empty-bridge bridge=br9 created=[0-9]+$"
	run -1 link_exists br9
}

@test "--empty-bridges: a bridge whose last port was an orphan goes in the same run" {
	make_pods pod1
	orphan_pod pod1
	run -0 sb veth-prune --older-than 0 --empty-bridges
	assert_line --index 0 --regexp "^reason=orphan host_ifname=veth[0-9a-f]+ netns=pod1 ifname=eth0 bridge=br0 created=[0-9]+$"
	assert_line --index 1 --regexp "^reason=lease netns=pod1 "
	assert_line --index 2 --regexp "^reason=empty-bridge bridge=br0 created=[0-9]+$"
	assert_equal "${#lines[@]}" 3
	assert_equal "$(count_links veth)" 0
	run -1 link_exists br0
}

@test "--empty-netns: only a namespace netns-new made, empty, with nobody in it" {
	local created
	sb netns-new e1 e2 e3 e4 >/dev/null
	created=$(sb cat /run/podwire/netns/e1 | sed -nE 's/.*created=([0-9]+).*/\1/p')
	keep_alive e2
	sb ip link add v0 type veth peer name v1 netns e3
	# e4 made again by ip: podwire's record is of the old namespace.
	sb ip netns del e4
	sb ip netns add e4
	sb ip netns add foreign

	run -0 sb veth-prune --older-than 0
	assert_output ""
	assert_equal "$(netns_list | paste -sd' ')" "e1 e2 e3 e4 foreign"

	run -0 --separate-stderr sb veth-prune --older-than 0 --empty-netns
	assert_equal "$stderr" ""
	assert_output "reason=empty-netns netns=e1 created=$created"
	assert_equal "$(netns_list | paste -sd' ')" "e2 e3 e4 foreign"
	run -1 sb test -e /run/podwire/netns/e1
	run -0 link_exists v1 e3
	kill -0 "$KEEPER"
	# Not young either: a just-made empty namespace is a setup at work.
	sb netns-new e5 >/dev/null
	run -0 sb veth-prune --empty-netns
	assert_output ""
	run -0 sb test -e /run/netns/e5
}

@test "--nat: a rule no lease and no address uses goes; one a lease or a gateway uses stays; other tables stay" {
	local created
	# 10.9.0.0/24: pods, bridge and rule; then the pods and the bridge go,
	# the rule stays behind.
	run -0 sb bash -c "printf '%s\n' pod1 pod2 | netns-new | veth-link --ipam $POOL |
		br-attach br0 --gw 10.9.0.1/24 | nat-out"
	run -0 sb bash -c "printf '%s\n' pod1 pod2 | netns-new -D | veth-link -D --ipam $POOL |
		br-attach -D br0"
	eventually no_link br0
	created=$(rule_created 10.9.0.0/24)
	[[ -n $created ]]
	# 10.8.0.0/24: a bridge holds its gateway address, no pod yet.
	sb br-attach br8 --gw 10.8.0.1/24 </dev/null
	sb nat-out --bridge br8 10.8.0.0/24 >/dev/null
	# 10.7.0.0/24: a pod's lease, its address in the pod only.
	sb netns-new pod7 >/dev/null
	sb bash -c "echo pod7 | veth-link --ipam 10.7.0.0/24" >/dev/null
	sb nat-out 10.7.0.0/24 >/dev/null
	# Someone else's table, its rule even commented as podwire's.
	sb nft add table inet podwire2
	sb nft add chain inet podwire2 post '{ type nat hook postrouting priority 100; }'
	sb nft add rule inet podwire2 post ip saddr 10.6.0.0/24 masquerade \
		comment '"podwire: subnet=10.6.0.0/24 created=1"'
	run -0 nft_rules
	local rules=$output

	run -0 sb veth-prune --older-than 0
	assert_output ""
	run -0 nft_rules
	assert_output "$rules"

	run -0 --separate-stderr sb veth-prune --older-than 0 --nat
	assert_equal "$stderr" ""
	assert_output "reason=nat subnet=10.9.0.0/24 created=$created"
	run -0 nft_rules
	assert_output "inet podwire podwire: subnet=10.8.0.0/24 bridge=br8
inet podwire podwire: subnet=10.7.0.0/24
inet podwire2 podwire: subnet=10.6.0.0/24"
}

@test "--nat: a podwire rule that does not say when it was added counts as old" {
	sb nat-out 10.5.0.0/24 >/dev/null
	sb nft add rule inet podwire postrouting ip saddr 10.4.0.0/24 masquerade \
		comment '"podwire: subnet=10.4.0.0/24"'
	# The default grace: the rule nat-out just added is young.
	run -0 sb veth-prune --nat
	assert_output "reason=nat subnet=10.4.0.0/24"
	run -0 nft_rules
	assert_output "inet podwire podwire: subnet=10.5.0.0/24"
}

@test "--all removes empty bridges, empty namespaces and unused rules in one run; without it none goes" {
	local rules
	sb br-attach br8 --gw 10.8.0.1/24 </dev/null
	sb nat-out 10.8.0.0/24 >/dev/null
	sb netns-new e1 >/dev/null
	run -0 nft_rules
	rules=$output
	for opts in "" "--older-than 0" "--older-than 0 --dry-run" "--all"; do
		run -0 sb veth-prune $opts
		assert_equal "[$opts] $output" "[$opts] "
	done
	run -0 link_exists br8
	assert_equal "$(netns_list)" e1
	run -0 nft_rules
	assert_output "$rules"

	run -0 --separate-stderr sb veth-prune --older-than 0 --all
	assert_equal "$stderr" ""
	# In the order of the man page; the rule goes because the bridge that
	# held its gateway goes first.
	assert_line --index 0 --regexp "^reason=empty-netns netns=e1 created=[0-9]+$"
	assert_line --index 1 --regexp "^reason=empty-bridge bridge=br8 created=[0-9]+$"
	assert_line --index 2 --regexp "^reason=nat subnet=10.8.0.0/24 created=[0-9]+$"
	assert_equal "${#lines[@]}" 3
	run -1 link_exists br8
	assert_equal "$(netns_list)" ""
	run -0 nft_rules
	assert_output ""
}

# ---- 6. Look-alikes --------------------------------------------------------

@test "look-alikes nobody marked survive --all --older-than 0, in a run that removes a podwire orphan" {
	local before host
	sb ip netns add lookalike
	sb ip link add veth1234abcd type veth peer name eth0 netns lookalike
	sb ip netns add podx
	sb ip link add br0 type bridge
	sb ip link set br0 up
	sb nft add table inet podwire2
	sb nft add chain inet podwire2 postrouting '{ type nat hook postrouting priority 100; }'
	sb nft add rule inet podwire2 postrouting ip saddr 10.9.0.0/24 masquerade
	# podwire's own table, with a rule someone added without the comment.
	sb nat-out 10.5.0.0/24 >/dev/null
	sb nft add rule inet podwire postrouting ip saddr 10.4.0.0/24 masquerade
	# And one podwire orphan, so the run has something to do.
	sb netns-new pod1 >/dev/null
	sb bash -c "echo pod1 | veth-link" >/dev/null
	host=$(host_end_of pod1)
	orphan_pod pod1
	before=$(sb ip -j link show | jq -c --arg h "$host" '.[] | select(.ifname != $h)')

	run -0 --separate-stderr sb veth-prune --all --older-than 0
	assert_equal "$stderr" ""
	assert_line --regexp "^reason=orphan host_ifname=$host netns=pod1 ifname=eth0 created=[0-9]+$"
	assert_line --regexp "^reason=nat subnet=10.5.0.0/24 created=[0-9]+$"
	assert_equal "${#lines[@]}" 2
	assert_equal "$(sb ip -j link show | jq -c '.[]')" "$before"
	run -0 link_exists eth0 lookalike
	assert_equal "$(netns_list | paste -sd' ')" "lookalike podx"
	run -0 nft_rules
	assert_equal "$(LC_ALL=C sort <<<"$output")" "inet podwire -
inet podwire2 -"
}

# ---- 7. --dry-run and --max ------------------------------------------------

# What a prune could change, as the kernel and the store show it.
world() {
	local ns
	sb ip -j link show |
		jq -S 'map({ifname, ifindex, ifalias, master, flags, link_netnsid})'
	sb ip -4 -j addr show | jq -S 'map({ifname, addr_info: [.addr_info[] | {local, prefixlen}]})'
	netns_list
	for ns in $(netns_list); do
		echo "$ns:"
		sb ip -n "$ns" -j link show | jq -c 'map({ifname, ifalias})'
	done
	sb sh -c 'cd /run/podwire && find . -name prune.lock -prune -o -type f -print |
		sort | while read -r f; do echo "$f: $(cat "$f")"; done'
	sb nft -j list ruleset | jq -S .
}

# One object of each of the six kinds.  (pod4, which holds the half-made
# pair, also holds a process, so it is never an empty namespace.)
make_everything_stale() {
	make_pods pod1 pod2 pod3
	sb nat-out 10.9.0.0/24 >/dev/null
	orphan_pod pod1
	delete_pod pod2
	sb netns-new pod4 >/dev/null
	keep_alive pod4
	half_made_pair pod4
	sb br-attach br8 --gw 10.8.0.1/24 </dev/null
	sb nat-out 10.8.0.0/24 >/dev/null
	sb netns-new e1 >/dev/null
}

@test "--dry-run prints the records the real run prints, and changes nothing" {
	local before dry
	make_everything_stale
	before=$(world)

	run -0 --separate-stderr sb veth-prune --all --older-than 0 --dry-run
	assert_equal "$stderr" ""
	dry=$output
	assert_equal "$(echo "$dry" | sed 's/ .*//' | sort | uniq -c | awk '{print $2 $1}' | paste -sd' ')" \
		"reason=empty-bridge1 reason=empty-netns1 reason=half-made1 reason=lease2 reason=nat1 reason=orphan1"
	assert_equal "$(world)" "$before"
	run -0 sb veth-prune --all --older-than 0 --dry-run -j
	assert_equal "${#lines[@]}" 7
	assert_equal "$(world)" "$before"

	run -0 --separate-stderr sb veth-prune --all --older-than 0
	assert_equal "$stderr" ""
	assert_equal "$output" "$dry"
	[[ $(world) != "$before" ]]
	# What the records said is what the kernel shows.
	assert_equal "$(sb ip -j link show type veth | jq -r '.[].ifname')" "$(host_end_of pod3)"
	run -1 link_exists br8
	assert_equal "$(netns_list | paste -sd' ')" "pod3 pod4"
	run -0 nft_rules
	assert_output "inet podwire podwire: subnet=10.9.0.0/24"
	run -0 sb find /run/podwire/intent -type f
	assert_output ""
	run -0 lease_files
	assert_output "$STORE/addr/10.9.0.4
$STORE/addr/10.9.0.5
$STORE/pod/pod3@eth0
$STORE/pod/pod4@eth0"
	# One run took everything stale: a second finds nothing.
	run -0 sb veth-prune --all --older-than 0
	assert_output ""
}

@test "--max: more stale objects than allowed removes none (exit 1, one line); exactly that many removes them" {
	local host before
	make_pods pod1 pod2 pod3
	host=$(host_end_of pod1)
	orphan_pod pod1
	delete_pod pod2
	before=$(world)
	# Stale: pod1's pair and lease, pod2's lease.

	run -1 --separate-stderr sb veth-prune --older-than 0 --max 2
	assert_equal "$output" ""
	assert_equal "$stderr" \
		"veth-prune: 3 objects are stale, more than --max 2: nothing removed"
	assert_equal "$(world)" "$before"
	run -1 --separate-stderr sb veth-prune --older-than 0 --max 0
	assert_equal "$stderr" \
		"veth-prune: 3 objects are stale, more than --max 0: nothing removed"
	assert_equal "$(world)" "$before"
	# --dry-run shows them, then says so (Decisions).
	run -1 --separate-stderr sb veth-prune --older-than 0 --max 2 --dry-run
	assert_equal "${#lines[@]}" 3
	assert_equal "$stderr" \
		"veth-prune: 3 objects are stale, more than --max 2: none would be removed"
	assert_equal "$(world)" "$before"

	run -0 --separate-stderr sb veth-prune --older-than 0 --max 3
	assert_equal "$stderr" ""
	assert_equal "${#lines[@]}" 3
	run -1 link_exists "$host"
	run -0 lease_files
	assert_output "$STORE/addr/10.9.0.4
$STORE/pod/pod3@eth0"
	# Nothing stale and --max 0: fine.
	run -0 sb veth-prune --older-than 0 --max 0
	assert_output ""
}

# ---- 8. One prune at a time ------------------------------------------------

@test "while another prune holds the lock: exit 0 at once, silent, nothing removed" {
	local host
	make_pods pod1
	host=$(host_end_of pod1)
	orphan_pod pod1
	hold_flock /run/podwire/prune.lock
	# A prune that waited would wait for good: timeout only turns that
	# into a failure, it measures nothing.
	run -0 --separate-stderr sb timeout 60 veth-prune --older-than 0
	assert_equal "$output" ""
	assert_equal "$stderr" ""
	run -0 link_exists "$host"
	run -0 sb test -f "$STORE/addr/10.9.0.2"
	# --dry-run takes the lock too (Decisions).
	run -0 --separate-stderr sb timeout 60 veth-prune --older-than 0 --dry-run
	assert_equal "$output" ""
	assert_equal "$stderr" ""
	kill -0 "$HOLDER"
}

@test "--wait waits for the prune that holds the lock, then removes" {
	local host pid out=$BATS_TEST_TMPDIR/wait.out
	make_pods pod1
	host=$(host_end_of pod1)
	orphan_pod pod1
	hold_flock /run/podwire/prune.lock

	sb_bg veth-prune --wait --older-than 0 >"$out" 2>&1
	pid=$BG
	# It is blocked on the lock: /proc/locks lists it as a waiter.
	eventually lock_waiter "$pid"
	kill -0 "$pid"
	run -0 link_exists "$host"
	assert_equal "$(cat "$out")" ""

	release_flock
	eventually bash -c "! kill -0 $pid 2>/dev/null"
	local st=0
	wait "$pid" || st=$?
	assert_equal "$st" 0
	run -0 cat "$out"
	assert_line --regexp "^reason=orphan host_ifname=$host netns=pod1 "
	run -1 link_exists "$host"
	run -1 sb test -e "$STORE/addr/10.9.0.2"
}

# ---- 9. -j, -q, -n ---------------------------------------------------------

@test "-j writes one JSON object per line, every value a string" {
	local host line
	make_pods pod1
	host=$(host_end_of pod1)
	orphan_pod pod1
	run -0 sb veth-prune -j --older-than 0
	assert_equal "${#lines[@]}" 2
	for line in "${lines[@]}"; do
		jq -e '.reason and ([.[] | type] | all(. == "string"))' <<<"$line"
	done
	jq -e --arg h "$host" '.reason == "orphan" and .host_ifname == $h and
		.netns == "pod1" and .ifname == "eth0" and .bridge == "br0" and
		(.created | test("^[0-9]+$"))' <<<"${lines[0]}"
	jq -e '.reason == "lease" and .addr == "10.9.0.2/24"' <<<"${lines[1]}"
	run -1 link_exists "$host"
}

@test "-q writes nothing and still removes" {
	local host
	make_pods pod1
	host=$(host_end_of pod1)
	orphan_pod pod1
	run -0 --separate-stderr sb veth-prune -q --older-than 0
	assert_equal "$output" ""
	assert_equal "$stderr" ""
	run -1 link_exists "$host"
	run -1 sb test -e "$STORE/addr/10.9.0.2"
}

@test "-n NAME judges the links of that namespace" {
	sb netns-new host1 pod1 >/dev/null
	sb veth-link -n host1 pod1:eth0=10.10.0.2/24 h0=10.10.0.1/24 >/dev/null
	run -0 link_exists h0 host1
	orphan_pod pod1

	# From the sandbox's own namespace, h0 is not here to judge.
	run -0 sb veth-prune --older-than 0
	assert_output ""
	run -0 link_exists h0 host1

	run -0 --separate-stderr sb veth-prune -n host1 --older-than 0
	assert_equal "$stderr" ""
	assert_output --regexp "^reason=orphan host_ifname=h0 netns=pod1 ifname=eth0 created=[0-9]+$"
	run -1 link_exists h0 host1
	assert_equal "$(netns_list)" host1
}

@test "-n NAME: a half-made pair there is judged there, never an unmarked veth of that name here" {
	local n
	sb netns-new host1 pod1 measure >/dev/null
	keep_alive pod1
	# veth-link -n killed between making h0 in host1 and marking it.  (Its
	# netlink socket is in host1, where strace can't name the flags:
	# NLM_F_CREATE|NLM_F_EXCL shows as 0x600.)
	n=$(call_index sendto 'NLM_F_CREATE|\|0x600' "veth-link -n host1 measure:eth0 m0")
	[[ -n $n ]]
	sb veth-link -n host1 -D measure:eth0 m0 >/dev/null
	kill_at veth-link sendto $((n + 1)) "veth-link -n host1 pod1:eth0 h0"
	assert_failure 137
	assert_equal "$(link_json h0 host1 | jq -r '.ifalias // ""')" ""
	run -0 sb find /run/podwire/intent/veth -type f
	assert_equal "${#lines[@]}" 1
	local intent=$output
	# Someone else's unmarked veth of the same name, here.  (When this was
	# written, veth-link -n host1 keyed its intent "@h0", the key of an h0
	# here, and a prune here deleted this veth as half-made.)
	sb ip link add h0 type veth peer name h0peer

	run -0 --separate-stderr sb veth-prune --older-than 0
	assert_equal "$stderr" ""
	assert_output ""
	run -0 link_exists h0
	run -0 link_exists h0peer
	run -0 sb test -f "$intent"

	run -0 sb veth-prune -n host1 --older-than 0
	assert_output "reason=half-made host_ifname=h0 netns=pod1 ifname=eth0"
	run -1 link_exists h0 host1
	run -1 sb test -e "$intent"
	run -0 link_exists h0
}

# ---- 10. Healthy pods ------------------------------------------------------

@test "healthy pods still ping each other after every prune" {
	local opts
	make_pods pod1 pod2 pod3 pod4 pod5
	sb nat-out 10.9.0.0/24 >/dev/null
	orphan_pod pod1
	delete_pod pod2
	half_made_pair pod6
	for opts in "" "--older-than 0" "--all --older-than 0" \
		"--dry-run --all --older-than 0" "-j --all --older-than 0"; do
		run -0 sb veth-prune $opts
		run -0 ping_from pod3 10.9.0.5
		run -0 ping_from pod4 10.9.0.6
		run -0 ping_from pod5 10.9.0.4
		run -0 ping_from pod3 10.9.0.1
	done
	# Their pairs, leases, bridge and rule are as they were.
	assert_equal "$(count_links veth)" 3
	# pod6, emptied of its half-made pair, went with --all, its lease too.
	run -0 lease_files
	assert_output "$STORE/addr/10.9.0.4
$STORE/addr/10.9.0.5
$STORE/addr/10.9.0.6
$STORE/pod/pod3@eth0
$STORE/pod/pod4@eth0
$STORE/pod/pod5@eth0"
	assert_equal "$(netns_list | paste -sd' ')" "pod3 pod4 pod5"
	run -0 nft_rules
	assert_output "inet podwire podwire: subnet=10.9.0.0/24"
}

# ---- 11. Usage and privileges ----------------------------------------------

@test "an operand, a bad --max, an unknown option: exit 2, nothing changed" {
	local host m
	make_pods pod1
	host=$(host_end_of pod1)
	orphan_pod pod1
	age_link "$host" 3600
	run -2 --separate-stderr sb veth-prune pod1
	assert_equal "$output" ""
	assert_equal "$(sed -n 1p <<<"$stderr")" \
		"veth-prune: unexpected argument 'pod1': veth-prune takes options only"
	run -2 sb veth-prune --older-than 0 -- pod1
	for m in abc -1 '' 1.5 1k 01 4294967296; do
		run -2 --separate-stderr sb veth-prune --max "$m"
		assert_equal "[$m] $(sed -n 1p <<<"$stderr")" \
			"[$m] veth-prune: invalid --max '$m': a number of objects"
	done
	run -2 sb veth-prune --max
	run -2 sb veth-prune --bogus
	run -2 --separate-stderr sb veth-prune -n 'a b'
	# A namespace that does not exist is the world refusing: exit 1.
	run -1 --separate-stderr sb veth-prune -n nosuch
	assert_equal "$stderr" "veth-prune: cannot enter namespace 'nosuch': no such namespace"
	run -0 link_exists "$host"
	run -0 sb test -f "$STORE/addr/10.9.0.2"
}

@test "without CAP_NET_ADMIN: says it needs root, exit 1, nothing removed" {
	local host
	make_pods pod1
	host=$(host_end_of pod1)
	orphan_pod pod1
	run -1 --separate-stderr without_caps veth-prune --older-than 0
	assert_equal "$output" ""
	assert_equal "$stderr" "veth-prune: pruning needs root (CAP_NET_ADMIN is missing)"
	run -1 --separate-stderr without_caps veth-prune --dry-run --older-than 0
	assert_equal "$stderr" "veth-prune: pruning needs root (CAP_NET_ADMIN is missing)"
	run -1 --separate-stderr sb setpriv --reuid=65534 --regid=65534 \
		--clear-groups veth-prune --older-than 0
	assert_equal "$stderr" "veth-prune: pruning needs root (CAP_NET_ADMIN is missing)"
	# Bad input is still reported as bad input.
	run -2 without_caps veth-prune --older-than 10x
	run -0 link_exists "$host"
	run -0 sb test -f "$STORE/addr/10.9.0.2"
}

# ---- 12. The race ----------------------------------------------------------

# One loop of setups and teardowns of pod NAME, CYCLES times, run inside
# the sandbox: each setup must succeed, its pod answer a ping from the
# long-lived pod keeper and hold its lease, each teardown succeed.
RACE_LOOP='
set -o pipefail
name=$1 cycles=$2
for ((i = 1; i <= cycles; i++)); do
	rec=$({ echo "$name" | netns-new -p | veth-link --ipam 10.9.0.0/24 |
		br-attach br0 --gw 10.9.0.1/24 | nat-out; } 2>&1) ||
		{ echo "$name cycle $i: setup failed: $rec"; exit 1; }
	addr=$(sed -n "s/.* addr=\([0-9.]*\)\/24.*/\1/p" <<<"$rec")
	[[ -n $addr ]] || { echo "$name cycle $i: no address: $rec"; exit 1; }
	ip netns exec keeper ping -n -c 2 -i 0.2 -W 2 "$addr" >/dev/null ||
		{ echo "$name cycle $i: $addr does not answer: $rec"; exit 1; }
	grep -q "^netns=$name ifname=eth0 " "/run/podwire/ipam/10.9.0.0_24/addr/$addr" ||
		{ echo "$name cycle $i: lease of $addr lost: $rec"; exit 1; }
	out=$({ echo "$name" | netns-new -D | veth-link -D --ipam 10.9.0.0/24 |
		br-attach -D br0 | nat-out -D; } 2>&1) ||
		{ echo "$name cycle $i: teardown failed: $out"; exit 1; }
done
'

# Prunes, one after another, until the file STOP appears.
PRUNE_LOOP='
stop=$1 n=0
while [[ ! -e $stop ]]; do
	veth-prune --all || { echo "veth-prune --all exited $?"; exit 1; }
	veth-prune --older-than 0 || { echo "veth-prune --older-than 0 exited $?"; exit 1; }
	n=$((n + 2))
done
echo "prunes=$n" >&2
'

@test "the race: setups and teardowns while prunes run; every pod pings, nothing is lost" {
	# 2 loops of RACE_CYCLES (default 100) cycles: 200 setups and
	# teardowns against about 3,000 prunes, 60 s on a 2-CPU machine.
	local cycles=${RACE_CYCLES:-100} a b p stop=$BATS_TEST_TMPDIR/stop
	make_pods keeper keeper2
	sb nat-out 10.9.0.0/24 >/dev/null

	sb_bg bash -c "$PRUNE_LOOP" prune "$stop" >"$BATS_TEST_TMPDIR/prune.out" \
		2>"$BATS_TEST_TMPDIR/prune.err"
	p=$BG
	sb_bg bash -c "$RACE_LOOP" loop racea "$cycles" >"$BATS_TEST_TMPDIR/a.out" 2>&1
	a=$BG
	sb_bg bash -c "$RACE_LOOP" loop raceb "$cycles" >"$BATS_TEST_TMPDIR/b.out" 2>&1
	b=$BG
	local sa=0 sb_=0 sp=0
	wait "$a" || sa=$?
	wait "$b" || sb_=$?
	touch "$stop"
	wait "$p" || sp=$?
	assert_equal "loop a: $sa $(cat "$BATS_TEST_TMPDIR/a.out")" "loop a: 0 "
	assert_equal "loop b: $sb_ $(cat "$BATS_TEST_TMPDIR/b.out")" "loop b: 0 "
	assert_equal "prunes: $sp" "prunes: 0"
	# The prunes removed nothing but leases of pods between netns-new -D
	# and veth-link -D (their namespace gone: rule 3).
	run grep -v '^reason=lease netns=race[ab] ' "$BATS_TEST_TMPDIR/prune.out"
	assert_output ""

	# What is left is the long-lived pods, as they were, and they ping.
	run -0 ping_from keeper 10.9.0.3
	run -0 ping_from keeper2 10.9.0.1
	assert_equal "$(netns_list | paste -sd' ')" "keeper keeper2"
	assert_equal "$(count_links veth)" 2
	run -0 lease_files
	assert_output "$STORE/addr/10.9.0.2
$STORE/addr/10.9.0.3
$STORE/pod/keeper2@eth0
$STORE/pod/keeper@eth0"
	run -0 sb find /run/podwire/intent -type f
	assert_output ""
	run -0 nft_rules
	assert_output "inet podwire podwire: subnet=10.9.0.0/24"
	run -0 sb veth-prune --all --older-than 0
	assert_output ""
	# And no prune complained: their stderr holds only their count.
	echo "# race: $((2 * cycles)) cycles, $(tail -n 1 "$BATS_TEST_TMPDIR/prune.err")" >&3
	run -0 cat "$BATS_TEST_TMPDIR/prune.err"
	assert_output --regexp '^prunes=[0-9]+$'
}

# --syslog: /dev/log is a socket socat reads, in a /dev of the test's own
# (a tmpfs with /dev/null bound in, mounted over /dev in a mount namespace
# of its own inside the sandbox), so nothing reaches the machine's logger.
@test "--syslog logs each removal, with veth-prune as ident, facility daemon" {
	local dev=$BATS_TEST_TMPDIR/dev log=$BATS_TEST_TMPDIR/syslog
	command -v socat >/dev/null || skip "socat is missing"
	make_pods pod1
	orphan_pod pod1
	run -0 sb unshare --mount --propagation private -- bash -c '
		dev=$1 log=$2
		mkdir -p "$dev" && mount -t tmpfs tmpfs "$dev" &&
			touch "$dev/null" && mount --bind /dev/null "$dev/null" ||
			exit 99
		socat -u UNIX-RECV:"$dev/log" CREATE:"$log" &
		for i in $(seq 200); do [[ -S $dev/log ]] && break; sleep 0.01; done
		mount --bind "$dev" /dev || exit 99
		veth-prune --syslog --older-than 0
		st=$?
		for i in $(seq 200); do
			grep -q reason=lease "$log" 2>/dev/null && break
			sleep 0.01
		done
		kill $!
		exit $st' sh "$dev" "$log"
	assert_line --index 0 --partial "reason=orphan"
	assert_line --index 1 --partial "reason=lease"
	# One datagram each, no newline between them.
	run -0 bash -c 'sed "s/<30>/\n<30>/g" "$1" | sed "/^$/d"' sh "$log"
	assert_equal "${#lines[@]}" 2
	assert_line --index 0 --regexp '^<30>.* veth-prune\[[0-9]+\]: removed reason=orphan host_ifname=veth[0-9a-f]{8} netns=pod1 ifname=eth0 bridge=br0 created=[0-9]+$'
	assert_line --index 1 --regexp '^<30>.* veth-prune\[[0-9]+\]: removed reason=lease netns=pod1 ifname=eth0 addr=10\.9\.0\.2/24 created=[0-9]+$'
}
