#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# podwire: the shell over every program.  Scripts, -c and one-shot runs
# first, read back from the kernel (ip netns list, ip -j); then the
# interactive shell and the programs' bash completion as a person meets
# them, in tmux: keys typed with send-keys, the screen read with
# capture-pane, every wait a bounded retry (eventually).

# bats file_tags=root,shell

load helpers

# tmux runs inside the test's sandbox, on a socket of the test's own, so
# the shell sees the sandbox's namespaces and nothing else.
tm() {
	sb tmux -S "$BATS_TEST_TMPDIR/tmux.sock" "$@"
}

teardown() {
	[[ -n ${SB_PID:-} ]] && tm kill-server 2>/dev/null
	sandbox_stop
}

# A bash --norc in tmux, with HOME and XDG_STATE_HOME in the test's
# directory and a prompt of "$ ".
tmux_bash() {
	mkdir -p "$BATS_TEST_TMPDIR/home"
	tm new-session -d -x 160 -y 50 "env -i \
		HOME=$BATS_TEST_TMPDIR/home \
		XDG_STATE_HOME=$BATS_TEST_TMPDIR/state \
		PATH=$PATH TERM=screen LANG=C.UTF-8 \
		PS1='$ ' bash --norc --noprofile"
	eventually screen_has '^\$$'
}

# The screen, each line without the blanks at its end (a cleared cell and
# a typed space look the same there).
screen() {
	tm capture-pane -p | sed 's/ *$//'
}

# Does the screen have a line matching the extended regex $1?
screen_has() {
	screen | grep -qE -- "$1"
}

# The screen's last line that is not empty: where the cursor is.
screen_last() {
	screen | sed '/^$/d' | tail -n 1
}

# Does the line the cursor is on match $1?
last_line_is() {
	[[ $(screen_last) =~ $1 ]]
}

keys() {
	tm send-keys "$@"
}

# Type a command line into the shell in tmux and wait for it to be on
# the screen, then press Enter.
type_line() {
	keys -l "$1"
	eventually last_line_is "$(printf '%s' "$1" | sed 's/[][\.*^$(){}+?|]/\\&/g')\$"
	keys Enter
}

# ---- One command, scripts, -c ----------------------------------------------

@test "podwire CMD ARGS runs one command in-process, with its status" {
	run -0 --separate-stderr sb podwire netns-new pod1
	assert_equal "$output" "netns=pod1"
	run -0 netns_list
	assert_equal "$output" pod1
	# The program's own message and status, under its own name.
	run -1 --separate-stderr sb podwire netns-new pod1
	assert_equal "$stderr" \
		"netns-new: cannot create namespace 'pod1': it exists (-p accepts that)"
	run -2 --separate-stderr sb podwire nosuch pod2
	assert_equal "$stderr" "podwire: unknown command 'nosuch': help lists them"
	assert_equal "$output" ""
	# Only podwire installed: no other program's binary is run.
	mkdir "$BATS_TEST_TMPDIR/only"
	cp "$PODWIRE_BIN/podwire" "$BATS_TEST_TMPDIR/only/"
	run -0 sb env PATH="$BATS_TEST_TMPDIR/only:/usr/sbin:/usr/bin:/sbin:/bin" \
		podwire -c 'netns-new pod2 | veth-link'
	assert_output --regexp '^netns=pod2 ifname=eth0 host_ifname=veth'
	run -0 sb ip -n pod2 -j link show eth0
}

@test "a pipeline inside podwire prints what bash's does and leaves the same state" {
	local pipeline='netns-new a b | veth-link --ipam 10.244.0.0/24 | br-attach cni0 --gw 10.244.0.1/24'
	# Records and kernel state, without the random MACs.
	state() {
		sb ip -j link show master cni0 | jq -c '[.[].ifname] | sort'
		local ns
		for ns in a b; do
			sb ip -n "$ns" -j addr show dev eth0 |
				jq -c '[.[0].addr_info[] | select(.family == "inet") | .local]'
			sb ip -n "$ns" -j route show default | jq -c '[.[].gateway]'
		done
	}
	run -0 --separate-stderr sb bash -c "$pipeline"
	local bash_out=${output//mac=[0-9a-f:]* /} bash_state
	bash_state=$(state)
	sandbox_stop
	sandbox_start
	run -0 --separate-stderr sb podwire -c "$pipeline"
	assert_equal "$stderr" ""
	assert_equal "${output//mac=[0-9a-f:]* /}" "$bash_out"
	assert_equal "$(state)" "$bash_state"
	assert_equal "${#lines[@]}" 2
	assert_equal "$(sb ip -n a -j route show default | jq -r '.[0].gateway')" 10.244.0.1
}

@test "podwire -f FILE: comments, blank lines, use and pipes; the first failing line stops it" {
	cat >"$BATS_TEST_TMPDIR/setup.pw" <<-'EOF'
		# two pods on a bridge
		netns-new pod1 pod2 | veth-link --ipam 10.244.0.0/24

		use pod1
		!ip netns identify > "$BATS_TEST_TMPDIR/identify"
		netns-new pod1
		netns-new never
	EOF
	run -1 --separate-stderr sb env BATS_TEST_TMPDIR="$BATS_TEST_TMPDIR" \
		podwire -f "$BATS_TEST_TMPDIR/setup.pw"
	assert_equal "$(sed -n 2p <<<"$stderr")" \
		"podwire: $BATS_TEST_TMPDIR/setup.pw:6: netns-new exited with status 1"
	assert_equal "$(wc -l <<<"$stderr")" 2
	assert_equal "$(cat "$BATS_TEST_TMPDIR/identify")" pod1
	run -0 netns_list
	assert_equal "$output" $'pod1\npod2'
	run -0 sb ip -n pod2 -j addr show dev eth0
	# --keep-going: every line, every failure named, exit 1.
	run -1 --separate-stderr sb env BATS_TEST_TMPDIR="$BATS_TEST_TMPDIR" \
		podwire --keep-going -f "$BATS_TEST_TMPDIR/setup.pw"
	assert_line --partial "netns=never"
	run -0 netns_list
	assert_line never
	grep -qx "podwire: $BATS_TEST_TMPDIR/setup.pw:6: netns-new exited with status 1" <<<"$stderr"
	# A file that can't be read.
	run -1 --separate-stderr sb podwire -f "$BATS_TEST_TMPDIR/nosuch"
	assert_equal "$stderr" "podwire: cannot read '$BATS_TEST_TMPDIR/nosuch': No such file or directory"
}

@test "podwire < FILE: a script on stdin, which the commands don't read as records" {
	printf '%s\n' 'netns-new s1' 'netns-new' 'netns-new s2' >"$BATS_TEST_TMPDIR/s.pw"
	run -2 --separate-stderr sb podwire <"$BATS_TEST_TMPDIR/s.pw"
	assert_equal "$output" "netns=s1"
	assert_equal "$(sed -n 1p <<<"$stderr")" "netns-new: no namespace names given"
	assert_equal "$(tail -n 1 <<<"$stderr")" \
		"podwire: stdin:2: netns-new exited with status 2"
	run -0 netns_list
	assert_equal "$output" s1
	# Syntax errors stop a script too, with the line and the column.
	printf '%s\n' 'netns-new s3' "netns-new 's4" 'netns-new s5' \
		>"$BATS_TEST_TMPDIR/s.pw"
	run -2 --separate-stderr sb podwire <"$BATS_TEST_TMPDIR/s.pw"
	assert_equal "$stderr" "podwire: stdin:2: unterminated single quote at column 11"
	run -0 netns_list
	assert_equal "$output" $'s1\ns3'
}

@test "a script's commands never read it, nor move where podwire reads it" {
	printf '%s\n' 'netns-new -p r1 | netns-new -p' '!cat' \
		'netns-new -p r2 | veth-link' 'ls' >"$BATS_TEST_TMPDIR/r.pw"
	run -0 --separate-stderr sb podwire <"$BATS_TEST_TMPDIR/r.pw"
	assert_equal "$stderr" ""
	assert_equal "${lines[0]}" "netns=r1"
	assert_regex "${lines[1]}" '^netns=r2 ifname=eth0 '
	assert_equal "${lines[*]:2}" "  r1   r2"
	run -0 --separate-stderr sb podwire -f "$BATS_TEST_TMPDIR/r.pw"
	assert_equal "${#lines[@]}" 4
}

@test "podwire -c: a ';' list; use makes pod-inspect show the context pod" {
	run -0 --separate-stderr sb podwire -c 'netns-new a; use a; pod-inspect'
	assert_equal "$stderr" ""
	assert_line "netns=a"
	assert_line --regexp '^netns=a object=link ifname=lo '
	refute_line --regexp '^netns=[^a]'
	# The first failure stops the list.
	run -1 --separate-stderr sb podwire -c 'netns-new a; netns-new b'
	assert_equal "$(tail -n 1 <<<"$stderr")" \
		"podwire: -c:1: netns-new exited with status 1"
	run -0 netns_list
	assert_equal "$output" a
}

@test "use: pod-inspect --trace DST traces from the context; with two operands the first is the source" {
	run -0 sb netns-new a b
	run -0 sb veth-link a:va=10.0.0.1/24 b:vb=10.0.0.2/24
	run -0 --separate-stderr sb podwire -c 'use a; pod-inspect --trace 10.0.0.2'
	assert_line --index 0 ' 1 a         va 10.0.0.1 -> route 10.0.0.2 on link'
	assert_line --regexp '^ 4 b         10\.0\.0\.2: answered'
	run -0 --separate-stderr sb podwire -c 'use a; pod-inspect --trace b a'
	assert_line --index 0 ' 1 b         vb 10.0.0.2 -> route 10.0.0.1 on link'
	assert_line --regexp '^ 4 a         10\.0\.0\.1: answered'
	run -1 --separate-stderr sb podwire -c 'use a; pod-inspect --trace --tcp 1 b'
	assert_line --regexp '^ 4 b         10\.0\.0\.2: refused \(TCP RST'
}

@test "use: the context is -n for every program that takes it, unless the line names one" {
	run -0 sb netns-new node other
	run -0 --separate-stderr sb podwire -c 'use node; br-attach br0; br-attach -n other br1; use; br-attach br2'
	assert_equal "$stderr" ""
	run -0 link_exists br0 node
	run -0 link_exists br1 other
	run -0 link_exists br2
	run -1 link_exists br0
	# podwire -n starts there; use - goes back to the host.
	run -0 sb podwire -n node -c 'br-attach br3; use -; br-attach br4'
	run -0 link_exists br3 node
	run -0 link_exists br4
	# ls marks the context.
	run -0 sb podwire -n other ls
	assert_equal "$output" $'  node\n* other'
}

@test "use: a namespace that does not exist is one line, and the context stays" {
	run -0 sb netns-new node
	run -1 --separate-stderr sb podwire --keep-going -c 'use node; use nosuch; ls'
	assert_equal "$stderr" \
		"podwire: -c:1: use: cannot use namespace 'nosuch': no such namespace"
	assert_equal "$output" "* node"
	run -2 --separate-stderr sb podwire -c 'use a/b'
	assert_equal "$stderr" \
		"podwire: -c:1: use: invalid namespace 'a/b': it is a relative path (give a name or an absolute path)"
	run -2 --separate-stderr sb podwire -c 'use a b'
	assert_equal "$stderr" "podwire: -c:1: use: one namespace at a time"
}

@test "a context namespace deleted under the shell: named at the next command, back to the host" {
	run -0 sb netns-new gone
	printf '%s\n' 'use gone' '!ip netns del gone' 'br-attach br0' 'ls' 'br-attach br1' \
		>"$BATS_TEST_TMPDIR/gone.pw"
	run -1 --separate-stderr sb podwire --keep-going -f "$BATS_TEST_TMPDIR/gone.pw"
	assert_equal "$stderr" \
		"podwire: $BATS_TEST_TMPDIR/gone.pw:3: context namespace 'gone' is gone: no such namespace; back to the host"
	assert_equal "$output" ""
	# br0 was not made anywhere; br1, after it, on the host.
	run -1 link_exists br0
	run -0 link_exists br1
}

@test "!CMD runs /bin/sh -c inside the context namespace, the rest of the line its own" {
	run -0 sb netns-new pod1
	run -0 --separate-stderr sb podwire -c 'use pod1; !ip netns identify; echo "$0" | tr a-z A-Z'
	assert_equal "$output" $'pod1\nSH'
	run -0 sb podwire -c '!echo a b | wc -w'
	assert_equal "$output" 2
	# Without a context, the shell's own namespace.
	run -0 sb podwire -c '!readlink /proc/self/ns/net'
	assert_equal "$output" "$(sb readlink /proc/self/ns/net)"
	run -7 sb podwire -c '!exit 7'
	run -2 --separate-stderr sb podwire -c 'use pod1; !'
	assert_equal "$stderr" "podwire: -c:1: '!' needs a command at column 11"
}

@test "quoting: POSIX words; an unterminated quote names its column and runs nothing" {
	run -0 --separate-stderr sb podwire -c "netns-new 'q'\"u\"o\\te"
	assert_equal "$output" "netns=quote"
	run -2 --separate-stderr sb podwire -c 'netns-new x "a\"b\"c"'
	assert_equal "$(sed -n 1p <<<"$stderr")" "netns-new: invalid namespace name 'a\"b\"c': it contains '\"'"
	assert_equal "$output" ""
	run -2 --separate-stderr sb podwire -c 'netns-new first; netns-new "second'
	assert_equal "$stderr" "podwire: -c:1: unterminated double quote at column 28"
	run -2 --separate-stderr sb podwire -c 'netns-new first \'
	assert_equal "$stderr" "podwire: -c:1: a backslash ends the line at column 17"
	run -2 --separate-stderr sb podwire -c 'netns-new first > f'
	assert_equal "$stderr" \
		"podwire: -c:1: redirections are not supported (quote it, or use !CMD) at column 17"
	run -2 --separate-stderr sb podwire -c 'netns-new first | | netns-new -D'
	assert_equal "$stderr" "podwire: -c:1: a command must come before '|' at column 19"
	run -2 --separate-stderr sb podwire -c 'netns-new first |'
	assert_equal "$stderr" "podwire: -c:1: a command must come after '|' at column 17"
	# A '#' starting a word is a comment; inside a word it is not.
	run -0 sb podwire -c 'netns-new c1 # c2'
	assert_equal "$output" "netns=c1"
	run -2 --separate-stderr sb podwire -c 'netns-new c#2'
	assert_equal "$(sed -n 1p <<<"$stderr")" \
		"netns-new: invalid namespace name 'c#2': it contains '#'"
	run -0 netns_list
	assert_equal "$output" $'c1\nquote'
}

@test "help, help CMD and CMD --help come from the programs' own tables" {
	run -0 --separate-stderr sb podwire help
	local p summary
	for p in netns-new veth-link br-attach nat-out pod-inspect; do
		summary=$("$p" --help | sed -n '/^Usage:/,/^$/d; p' | sed -n 1p)
		assert_line "$(printf '  %-12s %s' "$p" "$summary")"
		run -0 sb podwire help "$p"
		assert_equal "$output" "$("$p" --help)"
		run -0 sb podwire "$p" --help
		assert_equal "$output" "$("$p" --help)"
		run -0 sb podwire help
	done
	for p in use ls help history exit quit; do
		assert_line --regexp "^  $p +[A-Z]"
	done
	run -0 sb podwire help use
	assert_line " use [<netns>|-]"
	run -2 --separate-stderr sb podwire help nosuch
	assert_equal "$stderr" "podwire: help: unknown command 'nosuch': help lists them"
}

@test "exit and quit: a status, or the last command's" {
	run -7 sb podwire -c 'exit 7; netns-new never'
	run -0 netns_list
	assert_equal "$output" ""
	run -3 sb podwire -c 'quit 3'
	run -2 --separate-stderr sb podwire -c 'exit 256'
	assert_equal "$stderr" "podwire: -c:1: exit: invalid status '256': give 0-255"
	# Without a status, the last command's: here netns-new's 1.
	printf '%s\n' 'netns-new x' 'netns-new x' 'exit' >"$BATS_TEST_TMPDIR/x.pw"
	run -1 sb podwire --keep-going -f "$BATS_TEST_TMPDIR/x.pw"
}

@test "podwire: usage errors are one line and exit 2" {
	run -2 --separate-stderr sb podwire -c ls -f x
	assert_equal "$(sed -n 1p <<<"$stderr")" "podwire: a command, -f and -c go alone"
	run -2 --separate-stderr sb podwire -f x ls
	run -2 --separate-stderr sb podwire -n 'bad/name' ls
	run -1 --separate-stderr sb podwire -n nosuch ls
	assert_equal "$stderr" "podwire: use: cannot use namespace 'nosuch': no such namespace"
	run -2 --separate-stderr sb podwire ls extra
	assert_equal "$stderr" "podwire: ls: takes no arguments"
}

# ---- The shell at a terminal ------------------------------------------------

@test "tmux: net<Tab>, use p<Tab>, the prompt shows the context and the last failure" {
	run -0 sb netns-new pod1 node
	tmux_bash
	type_line podwire
	eventually last_line_is '^podwire>$'
	keys net Tab
	eventually last_line_is '^podwire> netns-new$'
	keys C-u 'use p' Tab
	eventually last_line_is '^podwire> use pod1$'
	keys Enter
	eventually last_line_is '^podwire\(pod1\)>$'
	# The context is pod-inspect's target: pod1's loopback.
	type_line 'pod-inspect -q; ls'
	eventually screen_has '^\* pod1$'
	type_line nosuch
	eventually screen_has "^podwire: unknown command 'nosuch': help lists them$"
	eventually last_line_is '^podwire\(pod1\)\[2\]>$'
	# Ctrl-C at the prompt drops the line and runs nothing.
	keys 'netns-new never'
	eventually last_line_is 'netns-new never$'
	keys C-c
	eventually last_line_is '^podwire\(pod1\)\[2\]>$'
	type_line 'use -'
	eventually last_line_is '^podwire>$'
	# exit with no status leaves with the last command's; Ctrl-D too.
	type_line 'netns-new pod1'
	eventually last_line_is '^podwire\[1\]>$'
	type_line exit
	eventually last_line_is '^\$$'
	type_line 'echo "status=$?"'
	eventually screen_has '^status=1$'
	type_line podwire
	eventually last_line_is '^podwire>$'
	keys C-d
	eventually last_line_is '^\$$'
	run -0 netns_list
	assert_equal "$output" $'node\npod1'
}

@test "tmux: '?' lists what may come next and submits nothing" {
	run -0 sb netns-new pod1 node
	tmux_bash
	type_line podwire
	eventually last_line_is '^podwire>$'
	keys 'netns-new ?'
	eventually screen_has '^ -p, --exist-ok +succeed when a namespace already exists$'
	eventually last_line_is '^podwire> netns-new$'
	# After -n, the option's line and the namespaces.
	keys C-u 'veth-link -n ?'
	eventually screen_has '^ -n, --netns <name> +act inside this network namespace'
	eventually screen_has '^  node pod1$'
	eventually last_line_is '^podwire> veth-link -n$'
	# At the start: the commands with their summaries.
	keys C-u '?'
	eventually screen_has '^  use +Act inside a namespace'
	# Inside quotes it is a question mark.
	keys C-u "netns-new 'a?"
	eventually last_line_is "^podwire> netns-new 'a\\?\$"
	keys C-u
	type_line ls
	eventually screen_has '^  pod1$'
	run -0 netns_list
	assert_equal "$output" $'node\npod1'
}

@test "tmux: Tab offers namespaces after -n, bridges, a namespace's interfaces, options" {
	run -0 sb netns-new pod1 node
	run -0 sb veth-link pod1:eth0
	sb ip link add cni0 type bridge
	sb ip link add br9 type bridge
	tmux_bash
	type_line podwire
	eventually last_line_is '^podwire>$'
	keys 'veth-link pod1:' Tab
	eventually last_line_is '^podwire> veth-link pod1:eth0$'
	keys C-u 'br-attach ' Tab Tab
	eventually screen_has '^br9 +cni0 *$'
	keys C-u 'pod-inspect -n ' Tab Tab
	eventually screen_has '^node +pod1 *$'
	keys C-u 'nat-out --bridge c' Tab
	eventually last_line_is '^podwire> nat-out --bridge cni0$'
	keys C-u 'netns-new --exi' Tab
	eventually last_line_is '^podwire> netns-new --exist-ok$'
	keys C-u 'netns-new --dr' Tab
	eventually last_line_is '^podwire> netns-new --dry-run$'
	keys C-u 'explain of' Tab
	eventually last_line_is '^podwire> explain off$'
	keys C-u 'pod-inspect --trace pod1 n' Tab
	eventually last_line_is '^podwire> pod-inspect --trace pod1 node$'
	# --trace's source may be the host; its destination, or a plain
	# target, may not.
	keys C-u 'pod-inspect --trace --tcp 80 h' Tab
	eventually last_line_is '^podwire> pod-inspect --trace --tcp 80 host$'
	keys C-u 'pod-inspect --trace ' Tab Tab
	eventually screen_has '^host +node +pod1 *$'
	# (The '=' typed after Tab shows Tab added nothing before it.)
	keys C-u 'pod-inspect --trace pod1 h' Tab '='
	eventually last_line_is '^podwire> pod-inspect --trace pod1 h=$'
	keys C-u 'pod-inspect h' Tab '='
	eventually last_line_is '^podwire> pod-inspect h=$'
	keys C-u 'explain o' Tab Tab
	eventually screen_has '^off +on *$'
	# Never a file name where a name is expected.
	keys C-u 'pod-inspect -n /' Tab Tab
	eventually last_line_is '^podwire> pod-inspect -n /$'
	! screen_has 'bin/'
}

@test "tmux: history survives a restart; duplicates and lines with a leading space are not kept" {
	run -0 sb netns-new pod1
	tmux_bash
	type_line podwire
	eventually last_line_is '^podwire>$'
	type_line ls
	type_line ls
	type_line ' ls'
	type_line 'use pod1'
	type_line exit
	eventually last_line_is '^\$$'
	assert_equal "$(cat "$BATS_TEST_TMPDIR/state/podwire/history")" \
		$'ls\nuse pod1\nexit'
	type_line podwire
	eventually last_line_is '^podwire>$'
	keys Up
	eventually last_line_is '^podwire> exit$'
	keys Up
	eventually last_line_is '^podwire> use pod1$'
	keys Enter
	eventually last_line_is '^podwire\(pod1\)>$'
	type_line history
	eventually screen_has '^ +3  exit$'
	keys C-d
	eventually last_line_is '^\$$'
}

@test "tmux: an unwritable history file is a one-line warning, not a failure" {
	mkdir -p "$BATS_TEST_TMPDIR/state/podwire/history"
	tmux_bash
	type_line 'podwire 2>"$HOME/err"'
	eventually last_line_is '^podwire>$'
	type_line ls
	type_line exit
	eventually last_line_is '^\$$'
	type_line 'echo "status=$?"'
	eventually screen_has '^status=0$'
	run -0 cat "$BATS_TEST_TMPDIR/home/err"
	assert_equal "${#lines[@]}" 1
	assert_output --regexp \
		"^podwire: cannot (read|write) history $BATS_TEST_TMPDIR/state/podwire/history: .+\$"
}

@test "tmux: Ctrl-C stops pod-inspect --check probing an unreachable gateway, and the shell goes on" {
	# pod1's gateway is an address nobody has: every probe waits out.
	run -0 sb netns-new pod1
	run -0 sb veth-link pod1:eth0=10.99.0.2/24
	sb ip -n pod1 route add default via 10.99.0.1
	tmux_bash
	type_line podwire
	eventually last_line_is '^podwire>$'
	type_line 'use pod1'
	type_line 'pod-inspect --check --to 198.51.100.7'
	eventually screen_has '^ok +loopback is up'
	keys C-c
	eventually last_line_is '^podwire\(pod1\)\[130\]>$'
	! screen_has 'reachable from the pod'
	type_line ls
	eventually screen_has '^\* pod1$'
}

# ---- The programs' bash completion, with real key presses -------------------

@test "tmux: bash completion of the programs, typed in a real bash" {
	run -0 sb netns-new pod1 node
	run -0 sb veth-link pod1:eth0
	sb ip link add cni0 type bridge
	sb ip link add br9 type bridge
	tmux_bash
	type_line "source /usr/share/bash-completion/bash_completion; for f in $TOP/completions/*.bash; do source \$f; done; clear"
	eventually last_line_is '^\$$'
	keys 'netns-new -' Tab Tab
	eventually screen_has '--exist-ok'
	eventually screen_has '--no-lo'
	keys C-u 'pod-inspect p' Tab
	eventually last_line_is '^\$ pod-inspect pod1$'
	keys C-u 'veth-link pod1:' Tab
	eventually last_line_is '^\$ veth-link pod1:eth0$'
	keys C-u 'br-attach ' Tab Tab
	eventually screen_has '^br9 +cni0 *$'
	keys C-u 'veth-link -n ' Tab Tab
	eventually screen_has '^node +pod1 *$'
	keys C-u 'podwire net' Tab
	eventually last_line_is '^\$ podwire netns-new$'
	keys C-u 'podwire use n' Tab
	eventually last_line_is '^\$ podwire use node$'
}
