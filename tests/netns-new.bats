#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# netns-new: named namespaces that iproute2 sees, lo up, -p, -D, records.

# bats file_tags=root,netlink

load helpers

@test "netns-new creates namespaces that ip netns lists, with lo up" {
	run -0 --separate-stderr sb netns-new red blue
	assert_equal "$output" $'netns=red\nnetns=blue'
	assert_equal "$stderr" ""
	assert_equal "$(netns_list)" $'blue\nred'
	for ns in red blue; do
		assert_link_up lo "$ns"
		# A fresh namespace, not the sandbox's: only lo in it.
		assert_equal "$(sb ip -n "$ns" -j link | jq length)" 1
	done
	# ip netns exec works in it, so it is a real namespace.
	run -0 sb ip netns exec red ping -c1 -W2 127.0.0.1
}

@test "netns-new --no-lo leaves the loopback down" {
	run -0 sb netns-new --no-lo quiet
	run -0 link_json lo quiet
	run -1 jq -e '.flags | index("UP")' <<<"$output"
}

@test "an existing namespace is an error unless -p, and -p leaves it alone" {
	run -0 sb netns-new red
	sb ip -n red link add mark0 type veth peer name mark1
	run -1 --separate-stderr sb netns-new red
	assert_equal "$output" ""
	assert_equal "$stderr" \
		"netns-new: cannot create namespace 'red': it exists (-p accepts that)"
	run -0 sb netns-new -p red
	assert_equal "$output" "netns=red"
	# The same namespace, not a new one: its veth is still there.
	run -0 link_exists mark0 red
}

@test "namespaces made by ip netns add: -p accepts them, -D refuses them, --force deletes them" {
	sb ip netns add made-by-ip
	run -0 sb netns-new -p made-by-ip
	run -1 --separate-stderr sb netns-new -D made-by-ip
	assert_equal "$stderr" "netns-new: refusing to delete namespace 'made-by-ip': podwire did not make it; --force deletes it anyway"
	assert_equal "$(netns_list)" made-by-ip
	run -0 sb netns-new -D --force made-by-ip
	assert_equal "$(netns_list)" ""
}

@test "netns-new records what it made, before the namespace is published" {
	run -0 sb netns-new pod1
	run -0 sb cat /run/podwire/netns/pod1
	assert_regex "$output" "^netns=pod1 ino=$(sb stat -L -c %i /run/netns/pod1) dev=[0-9]+ ctime=[0-9]+\.[0-9]{9} created=[0-9]+$"
	assert_equal "$(sb stat -c %a /run/podwire/netns)" 700
	# The record is in place by the bind mount that publishes the name.
	run -0 sb strace -f -qq -e trace=mount,rename,renameat,renameat2 -o "$BATS_TEST_TMPDIR/trace" netns-new pod2
	run -0 grep -n -E 'rename.*netns/pod2|/run/netns/pod2' "$BATS_TEST_TMPDIR/trace"
	assert_regex "${lines[-1]}" 'mount\('
	run -0 sb netns-new -D pod1 pod2
	run -1 sb test -e /run/podwire/netns/pod1
}

@test "a namespace still in use is not deleted: the PIDs are named, --force deletes it" {
	local pid
	run -0 sb netns-new pod1 pod2
	sb ip netns exec pod1 sleep 600 3>&- &
	SB_EXTRA_PIDS="$SB_EXTRA_PIDS $!"
	eventually netns_has_pids pod1
	pid=$(sb ip netns pids pod1)
	run -1 --separate-stderr sb netns-new -D pod1 pod2
	assert_equal "$stderr" "netns-new: refusing to delete namespace 'pod1': process $pid still runs in it (its veths would stay behind); --force deletes it anyway"
	# The refusal stops the command, as any failure does ...
	assert_equal "$(netns_list)" $'pod1\npod2'
	# ... unless told to go on.
	run -1 sb netns-new -D --keep-going pod1 pod2
	assert_equal "$(netns_list)" pod1
	run -0 sb netns-new -D --force pod1
	assert_equal "$(netns_list)" ""
	# The process goes on, in its namespace, with no name for it.
	run -0 sb kill -0 "$pid"
}

@test "a name podwire used, now holding someone else's namespace, is refused" {
	run -0 sb netns-new pod1
	sb ip netns del pod1
	sb ip netns add pod1
	run -1 --separate-stderr sb netns-new -D pod1
	assert_equal "$stderr" "netns-new: refusing to delete namespace 'pod1': it is not the one netns-new made under that name; --force deletes it anyway"
	assert_equal "$(netns_list)" pod1
}

@test "in a pipe, each refused namespace is an error of its own; --keep-going goes on" {
	run -0 sb netns-new pod1 pod3
	sb ip netns add pod2
	run -1 --separate-stderr sb bash -c 'printf "pod1\npod2\npod3\n" | netns-new -D'
	assert_equal "$stderr" "netns-new: line 2: refusing to delete namespace 'pod2': podwire did not make it; --force deletes it anyway"
	assert_output netns=pod1
	assert_equal "$(netns_list)" $'pod2\npod3'
	run -1 --separate-stderr sb bash -c 'printf "pod2\npod3\n" | netns-new -D --keep-going'
	assert_output netns=pod3
	assert_equal "$(netns_list)" pod2
}

@test "netns-new -D deletes, and deleting what is gone succeeds" {
	run -0 sb netns-new a b c
	run -0 sb netns-new -D a c never-existed
	assert_equal "$output" $'netns=a\nnetns=c\nnetns=never-existed'
	assert_equal "$(netns_list)" "b"
	run -0 sb netns-new -D a
	assert_equal "$(netns_list)" "b"
}

@test "bare names on stdin: seq -f pod%g 1000 | netns-new, in one process" {
	run -0 sb bash -c "seq -f pod%g 1000 | strace -f -qq -e trace=clone,clone3,fork,vfork,execve -o '$BATS_TEST_TMPDIR/trace' netns-new | wc -l"
	assert_equal "$output" 1000
	assert_equal "$(netns_list | wc -l)" 1000
	# One execve (netns-new itself) and no process or thread made after it.
	assert_equal "$(grep -c execve "$BATS_TEST_TMPDIR/trace")" 1
	run -1 grep -E 'clone|fork' "$BATS_TEST_TMPDIR/trace"
	run -0 sb netns-new -D $(printf 'pod%d ' $(seq 1000))
	assert_equal "$(netns_list | wc -l)" 0
}

@test "records keep their other fields and -j writes JSON lines" {
	run -0 sb bash -c 'printf "netns=p1 team=blue\n# a comment\n\np2\r\n" | netns-new -j'
	run -0 jq -e -s '. == [{"netns":"p1","team":"blue"},{"netns":"p2"}]' <<<"$output"
	assert_equal "$(netns_list)" $'p1\np2'
}

@test "-q writes nothing on success" {
	run -0 --separate-stderr sb netns-new -q quiet1
	assert_equal "$output" ""
	assert_equal "$stderr" ""
	assert_equal "$(netns_list)" "quiet1"
}

@test "a malformed record on line 3 stops there, naming the line; the first two stay" {
	run -2 --separate-stderr sb bash -c 'printf "pod1\npod2\nnetns=pod3 =oops\npod4\n" | netns-new'
	assert_equal "$output" $'netns=pod1\nnetns=pod2'
	assert_equal "$stderr" "netns-new: line 3: malformed record: it has a field with an empty key"
	assert_equal "$(netns_list)" $'pod1\npod2'
}

@test "--keep-going carries on past a bad record and exits 1" {
	run -1 --separate-stderr sb bash -c 'printf "pod1\nbad name\npod3\n" | netns-new --keep-going'
	assert_equal "$output" $'netns=pod1\nnetns=pod3'
	assert_equal "$(netns_list)" $'pod1\npod3'
}

@test "bad names: one line on stderr, exit 2, nothing created" {
	local long64 long65
	long64=$(printf 'n%.0s' {1..64})
	long65=$(printf 'n%.0s' {1..65})
	run -0 sb netns-new "$long64"
	sb netns-new -D "$long64"
	for bad in "" . .. a/b ../x ../etc /abs "a b" $'a\tb' $'a\nb' "a;b" \
		'$(id)' '`id`' '*' "ünï" $'e\x1b[2J' $'\xff' "$long65" all; do
		run -2 --separate-stderr sb netns-new ok-before "$bad"
		assert_equal "$output" ""
		assert_equal "$(wc -l <<<"$stderr")" 1
		assert_regex "$stderr" "^netns-new: invalid namespace name '.*': it "
		# No ESC or other control byte reaches the terminal.
		run -1 grep -P '[\x00-\x08\x0b-\x1f\x7f]' <<<"$stderr"
		assert_equal "$(netns_list)" ""
	done
}

@test "a bad name in a record: exit 2 with its line, and earlier ones done" {
	run -2 --separate-stderr sb bash -c 'printf "good\nnetns=../x\n" | netns-new'
	assert_equal "$output" "netns=good"
	assert_equal "$stderr" "netns-new: line 2: invalid namespace name '../x': it contains '/'"
}

@test "a placeholder left by an interrupted ip netns add: -p explains, -D clears it" {
	# What `kill -9` at the bind mount of `ip netns add` leaves (strace
	# -e inject=mount:signal=KILL): an empty file that is not a namespace.
	sb sh -c ': > /run/netns/victim && chmod 000 /run/netns/victim'
	run -1 --separate-stderr sb netns-new -p victim
	assert_regex "$stderr" "namespace 'victim' exists but cannot be used: not a network namespace.*netns-new -D victim"
	run -0 sb netns-new -D victim
	run -0 sb netns-new victim
	assert_equal "$(netns_list)" "victim"
}

@test "something other than a namespace file under /run/netns is not deleted" {
	sb mkdir /run/netns/adir
	run -1 --separate-stderr sb netns-new -D adir
	assert_regex "$stderr" "cannot delete namespace 'adir': not a network namespace"
	run -0 sb test -d /run/netns/adir
}

@test "without CAP_SYS_ADMIN: says it needs root, exit 1, nothing made" {
	run -1 --separate-stderr without_caps netns-new nocaps
	assert_equal "$stderr" \
		"netns-new: creating namespaces needs root (CAP_SYS_ADMIN is missing)"
	assert_equal "$(netns_list)" ""
	# Bad input is still reported as bad input.
	run -2 without_caps netns-new "a b"
}

@test "no names and no records is a usage error" {
	run -2 --separate-stderr sb netns-new </dev/null
	assert_equal "$stderr" $'netns-new: no namespace names given\nTry \'netns-new --help\' for more information.'
}

@test "/run/netns held locked by another user: exit 1 after a bounded wait, naming the holder" {
	# Anyone can open /run/netns, and so hold its lock.
	hold_lock /run/netns 65534
	run -1 --separate-stderr sb netns-new pod1
	assert_equal "$stderr" "netns-new: cannot create namespace 'pod1': /run/netns stayed locked for 5 s, by PID $LOCK_HOLDER"
	run -1 sb test -e /run/netns/pod1
	release_lock
	run -0 sb netns-new pod1
	run -0 netns_list
	assert_output pod1
}

@test "records to a full disk: one line saying so, exit 1" {
	run -1 --separate-stderr sb bash -c 'netns-new pod1 pod2 >/dev/full'
	# Before: "cannot write the record" and then "write error on stdout".
	assert_equal "$stderr" "netns-new: cannot write the record: No space left on device"
	run -1 --separate-stderr sb bash -c 'pod-inspect >/dev/full'
	assert_equal "$(wc -l <<<"$stderr")" 1
	assert_regex "$stderr" '^pod-inspect: write error on stdout: '
}
