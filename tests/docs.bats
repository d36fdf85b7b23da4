#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# docs: for every program that has cmds/P.c and man/P.8, its --help,
# --version and usage errors, its man page against its --help (both ways),
# and its bash completion; for the CNI plugin podwire-cni, which has no
# options to speak of, its page against its sources and its example
# configuration list; and make install.

# bats file_tags=docs

load helpers

# Most tests here only read files and run --help, which touches nothing:
# they need no sandbox.  The completion tests that make namespaces start
# one with sandbox_start (what the helpers' own setup does); teardown stops
# it, and does nothing when there is none.
setup() { :; }
teardown() { sandbox_stop; }

# The programs to check: every cmds/P.c that has a man page, so a new
# program is covered as soon as its page is added.
programs() {
	local c p
	for c in "$TOP"/cmds/*.c; do
		p=$(basename "$c" .c)
		[[ -e $TOP/man/$p.8 ]] && echo "$p"
	done
}

# The programs a person types: all of them but the CNI plugin.  A runtime
# runs podwire-cni with the CNI environment and a configuration on stdin:
# it takes no option but -h and -V, no operand and no record, its --help
# is a CNI usage line, not an option list, and it has no bash completion.
# The tests of command-line conventions run over these; podwire-cni's own
# come after them.
CNI_PLUGIN=podwire-cni
cli_programs() {
	programs | grep -vx "$CNI_PLUGIN"
}

# The long options P --help lists, without "--", one per line.
help_long_options() {
	"$1" --help | sed -nE 's/^ +(-[[:alnum:]], )?--([[:alnum:]-]+).*/\2/p'
}

# The OPTIONS section of man/P.8, as roff.
man_options_section() {
	man_section "$1" OPTIONS
}

# Section NAME of man/P.8, as roff, without its .SH line.
man_section() {
	sed -n "/^\\.SH \"\\{0,1\\}$2\"\\{0,1\\}\$/,/^\\.SH /p" "$TOP/man/$1.8" |
		sed '1d;$d'
}

# The section names of man/P.8, one per line, without quotes.
man_sections() {
	sed -n 's/^\.SH  *//p' "$TOP/man/$1.8" | tr -d '"'
}

# Run P's completion function in a non-interactive bash, on the words
# given (the last one is the word being completed), and print COMPREPLY
# one per line.  Prefix with sb to run it inside the test's sandbox.
completion_script='
	source /usr/share/bash-completion/bash_completion
	source "$1"
	fn=$2
	shift 2
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	"$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	printf "%s\n" "${COMPREPLY[@]}"
'
complete_words() {
	local prog=$1
	bash -c "$completion_script" bash "$TOP/completions/$prog.bash" \
		"_comp_cmd_${prog//-/_}" "$@"
}

@test "there are programs with man pages to check" {
	run -0 programs
	assert [ "${#lines[@]}" -ge 1 ]
}

@test "P --help: exit 0, usage on stdout only, ends pointing at P(8)" {
	local p
	for p in $(cli_programs); do
		run -0 --separate-stderr "$p" --help
		assert_equal "$stderr" ""
		assert_equal "${lines[0]}" "Usage:"
		assert_regex "${lines[1]}" "^ $p "
		assert_equal "${lines[${#lines[@]} - 1]}" \
			"For more details see $p(8)."
	done
}

@test "P -V and P --version: exit 0, the version on stdout" {
	local p opt
	for p in $(cli_programs); do
		for opt in -V --version; do
			run -0 --separate-stderr "$p" "$opt"
			assert_equal "$stderr" ""
			# The release, and where in git it was built from.
			assert_regex "$output" "^$p from podwire $(cat "$TOP/VERSION")( \(git [^ ]+\))?$"
		done
	done
}

@test "P --help > /dev/full: one line saying so, exit 1" {
	local p
	for p in $(cli_programs); do
		run -1 --separate-stderr bash -c "$p --help >/dev/full"
		assert_equal "$stderr" "$p: write error on stdout: No space left on device"
	done
}

@test "P --bogus: exit 2, two lines on stderr ending in the --help hint" {
	local p
	for p in $(cli_programs); do
		run -2 --separate-stderr "$p" --bogus
		assert_equal "$output" ""
		assert_equal "$(wc -l <<<"$stderr")" 2
		assert_equal "$(sed -n 1p <<<"$stderr")" \
			"$p: unrecognized option '--bogus'"
		assert_equal "$(sed -n 2p <<<"$stderr")" \
			"Try '$p --help' for more information."
	done
}

@test "every long option of P --help is in the OPTIONS of P(8)" {
	local p opt roff
	for p in $(cli_programs); do
		roff=$(man_options_section "$p")
		run -0 help_long_options "$p"
		assert [ "${#lines[@]}" -ge 2 ] # at least --help and --version
		for opt in "${lines[@]}"; do
			# In roff a hyphen-minus is written \-.
			grep -qF -- "\\-\\-${opt//-/\\-}" <<<"$roff" ||
				fail "$p --help lists --$opt, but man/$p.8 OPTIONS does not"
		done
	done
}

@test "every --option in the OPTIONS of P(8) is in P --help" {
	local p opt help
	for p in $(cli_programs); do
		help=" $(help_long_options "$p" | tr '\n' ' ') "
		run -0 bash -c "grep -oE '\\\\-\\\\-[a-z0-9]+(\\\\-[a-z0-9]+)*' |
			sed 's/\\\\-/-/g; s/^--//' | sort -u" <<<"$(man_options_section "$p")"
		assert [ "${#lines[@]}" -ge 2 ]
		for opt in "${lines[@]}"; do
			[[ $help == *" $opt "* ]] ||
				fail "man/$p.8 OPTIONS names --$opt, which $p --help does not list"
		done
	done
}

@test "every short option of P --help is in the OPTIONS of P(8)" {
	local p opt roff
	for p in $(cli_programs); do
		roff=$(man_options_section "$p")
		run -0 bash -c "'$p' --help | sed -nE 's/^ +-([[:alnum:]]), --.*/\\1/p'"
		for opt in "${lines[@]}"; do
			grep -qE -- "^\.B[RI]? +\\\\-$opt( |\$)" <<<"$roff" ||
				fail "$p --help lists -$opt, but man/$p.8 OPTIONS does not"
		done
	done
}

@test "P(8) has the sections NAME to SEE ALSO, and names P" {
	local p s title own
	for p in $(programs); do
		run -0 man_sections "$p"
		# A pipeline program's records; the CNI plugin's commands,
		# keys, result and error codes instead.
		own=(RECORDS)
		[[ $p == "$CNI_PLUGIN" ]] &&
			own=(COMMANDS CONFIGURATION RESULT ERRORS ENVIRONMENT FILES)
		for s in NAME SYNOPSIS DESCRIPTION OPTIONS "${own[@]}" \
			"EXIT STATUS" EXAMPLES "SEE ALSO"; do
			printf '%s\n' "${lines[@]}" | grep -qx "$s" ||
				fail "man/$p.8 has no $s section"
		done
		title=${p^^}
		grep -qF ".TH ${title//-/\\-} 8 " "$TOP/man/$p.8" ||
			fail "man/$p.8: .TH does not name $title in section 8"
		grep -qF "${p//-/\\-} \\- " "$TOP/man/$p.8" ||
			fail "man/$p.8: NAME does not start with $p"
	done
}

@test "P(8) formats without a groff warning" {
	local p
	for p in $(programs); do
		run -0 --separate-stderr env LC_ALL=C.UTF-8 MANWIDTH=80 \
			groff -man -ww -z "$TOP/man/$p.8"
		assert_equal "$output$stderr" ""
	done
}

@test "P's completion: '-' offers --help and every long option of --help" {
	local p opt
	for p in $(cli_programs); do
		[[ -e $TOP/completions/$p.bash ]] ||
			fail "no completions/$p.bash for $p"
		run -0 --separate-stderr complete_words "$p" "$p" -
		assert_equal "$stderr" ""
		local got=" ${lines[*]} "
		[[ $got == *" --help "* ]] || fail "$p -<TAB> lacks --help: $got"
		for opt in $(help_long_options "$p"); do
			[[ $got == *" --$opt "* ]] ||
				fail "$p -<TAB> lacks --$opt: $got"
		done
		# And the file registers the function for the program.
		run -0 bash -c "source /usr/share/bash-completion/bash_completion
			source '$TOP/completions/$p.bash'; complete -p '$p'"
		assert_equal "$output" "complete -F _comp_cmd_${p//-/_} $p"
	done
}

# bats test_tags=root
@test "netns-new completion: -D offers the namespaces in /run/netns" {
	sandbox_start
	run -0 sb netns-new a1 a2
	run -0 --separate-stderr sb bash -c "$completion_script" bash \
		"$TOP/completions/netns-new.bash" _comp_cmd_netns_new \
		netns-new -D ""
	assert_equal "$stderr" ""
	assert_equal "$output" $'a1\na2'
	# A name already on the line is not offered again.
	run -0 sb bash -c "$completion_script" bash \
		"$TOP/completions/netns-new.bash" _comp_cmd_netns_new \
		netns-new --delete a1 ""
	assert_equal "$output" "a2"
	# A new name is the user's to invent.
	run -0 sb bash -c "$completion_script" bash \
		"$TOP/completions/netns-new.bash" _comp_cmd_netns_new \
		netns-new ""
	assert_equal "$output" ""
}

# bats test_tags=root
@test "veth-link completion: namespaces with ':', -n names, free text" {
	sandbox_start
	run -0 sb netns-new a1 a2 b1
	vl() {
		sb bash -c "$completion_script" bash \
			"$TOP/completions/veth-link.bash" _comp_cmd_veth_link \
			veth-link "$@"
	}
	run -0 --separate-stderr vl a
	assert_equal "$stderr" ""
	assert_equal "$output" $'a1:\na2:'
	# The peer too, but not a third end.
	run -0 vl a1:eth0=10.0.0.1/24 b
	assert_equal "$output" "b1:"
	run -0 vl a1:eth0 a2:eth0 ""
	assert_equal "$output" ""
	# After NETNS: the interfaces it has, lo left out; a new name and
	# the addresses are the user's to choose.
	run -0 vl a1:
	assert_equal "$output" ""
	run -0 sb veth-link a2:eth0
	run -0 vl a2:
	assert_equal "$output" "eth0"
	run -0 vl a2:eth0=
	assert_equal "$output" ""
	# -n and --netns take a namespace name, as a word or after '='.
	run -0 vl -n a
	assert_equal "$output" $'a1\na2'
	run -0 vl -jn b
	assert_equal "$output" "b1"
	run -0 vl --netns=a
	assert_equal "$output" $'a1\na2'
	# A value after -n is not an endpoint: two more may follow.
	run -0 vl -n b1 a1:eth0 a
	assert_equal "$output" $'a1:\na2:'
	# --mtu, --ipam and --gw take free text.
	for opt in --mtu --ipam --gw; do
		run -0 vl "$opt" ""
		assert_equal "$output" ""
	done
}

# bats test_tags=root
@test "br-attach completion: bridges, then interfaces that are not; -n" {
	sandbox_start
	sb ip link add cnitest type bridge
	sb ip link add other0 type bridge
	sb ip link add p0 type veth peer name q0
	sb ip link set p0 master cnitest
	run -0 sb netns-new node
	sb ip -n node link add nodebr type bridge
	ba() {
		sb bash -c "$completion_script" bash \
			"$TOP/completions/br-attach.bash" _comp_cmd_br_attach \
			br-attach "$@"
	}
	# The first operand is a bridge that exists.
	run -0 --separate-stderr ba ""
	assert_equal "$stderr" ""
	assert_equal "$(sort <<<"$output")" $'cnitest\nother0'
	run -0 ba c
	assert_equal "$output" cnitest
	run -0 ba --mtu 1400 --hairpin o
	assert_equal "$output" other0
	# Then interfaces: not bridges, not lo, not already on the line.
	run -0 ba cnitest ""
	assert_equal "$(sort <<<"$output")" $'p0\nq0'
	run -0 ba cnitest p0 ""
	assert_equal "$output" q0
	# With -D, the bridge's ports.
	run -0 ba -D cnitest ""
	assert_equal "$output" p0
	run -0 ba -jD cnitest ""
	assert_equal "$output" p0
	# -n and --netns take a namespace name, and then the names are those
	# of that namespace.
	run -0 ba -n no
	assert_equal "$output" node
	run -0 ba --netns=no
	assert_equal "$output" node
	run -0 ba -n node ""
	assert_equal "$output" nodebr
	run -0 ba --netns=node ""
	assert_equal "$output" nodebr
	# --gw and --mtu take free text.
	for opt in --gw --mtu; do
		run -0 ba "$opt" ""
		assert_equal "$output" ""
	done
}

# bats test_tags=root
@test "nat-out completion: --out interfaces, --bridge bridges, free subnets" {
	sandbox_start
	sb ip link add uplink0 type veth peer name wan0
	sb ip link add cnitest type bridge
	run -0 sb netns-new node
	sb ip -n node link add nodebr type bridge
	no() {
		sb bash -c "$completion_script" bash \
			"$TOP/completions/nat-out.bash" _comp_cmd_nat_out \
			nat-out "$@"
	}
	run -0 --separate-stderr no --out ""
	assert_equal "$stderr" ""
	assert_equal "$(sort <<<"$output")" $'cnitest\nlo\nuplink0\nwan0'
	run -0 no --out up
	assert_equal "$output" uplink0
	run -0 no --bridge cni0 --out=wa
	assert_equal "$output" wan0
	# --bridge: bridges only, in the namespace of -n when there is one.
	run -0 no --bridge ""
	assert_equal "$output" cnitest
	run -0 no -n node --bridge ""
	assert_equal "$output" nodebr
	run -0 no -n ""
	assert_equal "$output" node
	# A SUBNET is free text.
	run -0 no ""
	assert_equal "$output" ""
	run -0 no --out uplink0 10.244.0.0/24 ""
	assert_equal "$output" ""
}

# bats test_tags=root
@test "pod-inspect completion: targets, --pid PIDs, -n names, the command" {
	sandbox_start
	run -0 sb netns-new pod1 pod2 node
	sb sleep 600 3>&- &
	SB_EXTRA_PIDS="${SB_EXTRA_PIDS:-} $!"
	local pid=$!
	pi() {
		sb bash -c "cd '$BATS_TEST_TMPDIR' && $completion_script" bash \
			"$TOP/completions/pod-inspect.bash" _comp_cmd_pod_inspect \
			pod-inspect "$@"
	}
	# The target is a namespace name; one target, and none for the
	# drawings.
	run -0 --separate-stderr pi p
	assert_equal "$stderr" ""
	assert_equal "$output" $'pod1\npod2'
	run -0 pi --check ""
	assert_equal "$output" $'node\npod1\npod2'
	run -0 pi pod1 ""
	assert_equal "$output" ""
	run -0 pi --tree ""
	assert_equal "$output" ""
	# --pid takes a process ID from /proc: numbers only, no names; and
	# then there is no other target.
	run -0 --separate-stderr pi --pid ""
	assert_equal "$stderr" ""
	assert_line "$pid"
	refute_line --regexp '[^0-9]'
	run -0 pi --check --pid="${pid:0:1}"
	assert_line "$pid"
	refute_line --regexp "^[^${pid:0:1}]"
	run -0 pi --pid "$pid" ""
	assert_equal "$output" ""
	# --trace: a source, which may be host, then a destination; after
	# --pid, the destination; --tcp and --udp take a port (free text).
	run -0 pi --trace ""
	assert_equal "$output" $'node\npod1\npod2\nhost'
	run -0 pi --trace h
	assert_equal "$output" host
	run -0 pi --trace host ""
	assert_equal "$output" $'node\npod1\npod2'
	run -0 pi --trace --tcp 80 pod1 p
	assert_equal "$output" $'pod1\npod2'
	run -0 pi --trace --udp ""
	assert_equal "$output" ""
	run -0 pi --trace pod1 pod2 ""
	assert_equal "$output" ""
	run -0 pi --trace --pid "$pid" p
	assert_equal "$output" $'pod1\npod2'
	run -0 pi --trace --pid "$pid" pod1 ""
	assert_equal "$output" ""
	# -n and --netns take a namespace name, as a word or after '='.
	run -0 pi -n no
	assert_equal "$output" node
	run -0 pi -jn no
	assert_equal "$output" node
	run -0 pi --netns=no
	assert_equal "$output" node
	# After --exec or -- comes a command, as bash completes commands, and
	# then that command's own arguments.  (Outside a real completion,
	# bash-completion's compopt complains on stderr; only the words
	# matter here.)
	run -0 --separate-stderr pi pod1 --exec pod-insp
	assert_line pod-inspect
	refute_line --regexp '^[^p]'
	run -0 --separate-stderr pi --pid "$pid" -- netns-n
	assert_line netns-new
	run -0 --separate-stderr pi pod1 --exec ip li
	assert_line link
	# An option's value is never the start of the command.
	run -0 pi -n --exec
	assert_equal "$output" ""
	# --to takes free text.
	run -0 pi --check pod1 --to ""
	assert_equal "$output" ""
}

# ---- podwire-cni --------------------------------------------------------

# The roff of man/podwire-cni.8 as text: \- is -, \(aq is ', \(dq is ".
cni_page_text() {
	man_section "$CNI_PLUGIN" "$1" |
		sed 's/\\-/-/g; s/\\(aq/'\''/g; s/\\(dq/"/g'
}

@test "podwire-cni -h and --help: exit 0, usage on stdout only, pointing at podwire-cni(8)" {
	local opt
	for opt in -h --help; do
		run -0 --separate-stderr podwire-cni "$opt"
		assert_equal "$stderr" ""
		assert_regex "${lines[0]}" "^Usage: CNI_COMMAND=.* podwire-cni "
		assert_regex "${lines[${#lines[@]} - 1]}" "podwire-cni\(8\)\.$"
	done
}

@test "podwire-cni -V and --version: exit 0, the version on stdout" {
	local opt
	for opt in -V --version; do
		run -0 --separate-stderr podwire-cni "$opt"
		assert_equal "$stderr" ""
		# As the other programs: "P from podwire VERSION".
		assert_regex "$output" "^podwire-cni from podwire $(cat "$TOP/VERSION")( \(git [^ ]+\))?$"
	done
}

# The options an OPTIONS section names: every --long, and each -x that
# starts an item; sorted, on one line.
man_option_names() {
	local roff
	roff=$(man_options_section "$1")
	{
		grep -oE '\\-\\-[a-z0-9]+(\\-[a-z0-9]+)*' <<<"$roff"
		sed -nE 's/^\.B[RI]? +\\-([[:alnum:]])( .*)?$/\\-\1/p' <<<"$roff"
	} | sed 's/\\-/-/g' | LC_ALL=C sort -u | tr '\n' ' '
}

@test "podwire-cni(8) OPTIONS: -h, --help, -V and --version, nothing else" {
	run -0 man_option_names podwire-cni
	assert_equal "$output" "--help --version -V -h "
}

@test "podwire-cni with an argument it does not know: usage on stderr, then the CNI call" {
	# No CNI_COMMAND: the specification's error 4, naming it, exit 2.
	run -2 --separate-stderr env -u CNI_COMMAND podwire-cni --bogus </dev/null
	assert_regex "$stderr" "^Usage: CNI_COMMAND="
	run -0 jq -r '"\(.code) \(.details)"' <<<"$output"
	assert_output "4 CNI_COMMAND is not set"
	# With one, the call goes on: VERSION touches nothing.
	run -0 --separate-stderr env CNI_COMMAND=VERSION podwire-cni --bogus \
		<<<'{"cniVersion": "1.0.0"}'
	assert_regex "$stderr" "^Usage: CNI_COMMAND="
	run -0 jq -c . <<<"$output"
	assert_output '{"cniVersion":"1.0.0","supportedVersions":["0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]}'
}

@test "podwire-cni(8) names the versions VERSION answers" {
	local v text
	text=$(cni_page_text DESCRIPTION)
	for v in $(CNI_COMMAND=VERSION podwire-cni <<<'{}' |
		jq -r '.supportedVersions[]'); do
		[[ $text == *"$v"* ]] ||
			fail "podwire-cni speaks $v; man/podwire-cni.8 DESCRIPTION does not say so"
	done
}

@test "podwire-cni(8) ERRORS has every error code of cmds/cni_conf.h" {
	local code errors status
	errors=$(man_section "$CNI_PLUGIN" ERRORS)
	status=$(man_section "$CNI_PLUGIN" COMMANDS)
	for code in $(sed -nE 's/^\tCNI_ERR_[A-Z_]+ = ([0-9]+),.*/\1/p' \
		"$TOP/cmds/cni_conf.h"); do
		# Each one explained, or said never to come (STATUS's 51).
		grep -qx "\\.B $code" <<<"$errors" ||
			grep -q "^Error $code is never returned" <<<"$status" ||
			fail "error code $code is not in man/podwire-cni.8 ERRORS"
	done
}

@test "podwire-cni(8) names every configuration key and variable podwire-cni reads" {
	local key keys text
	text=$(cni_page_text CONFIGURATION)
	keys=$(grep -hoE '(member|get_bool|get_string|range_addr)\([^,()]+, "[^"]+"' \
		"$TOP/cmds/cni_conf.c" | sed -E 's/.*"([^"]+)"/\1/' | sort -u)
	assert [ "$(wc -l <<<"$keys")" -ge 25 ]
	for key in $keys; do
		[[ $text == *"$key"* ]] ||
			fail "cmds/cni_conf.c reads '$key'; man/podwire-cni.8 CONFIGURATION does not name it"
	done
	keys=$(grep -hoE '"CNI_[A-Z]+"' "$TOP"/cmds/cni_*.c | tr -d '"' | sort -u)
	assert [ "$(wc -l <<<"$keys")" -ge 5 ]
	for key in $keys; do
		grep -qx "\\.B $key" <<<"$(man_section "$CNI_PLUGIN" ENVIRONMENT)" ||
			fail "cmds/cni_*.c read $key; man/podwire-cni.8 ENVIRONMENT does not list it"
	done
}

@test "contrib/cni/podwirenet.conflist is the list of podwire-cni(8) EXAMPLES" {
	local conf=$TOP/contrib/cni/podwirenet.conflist
	run -0 jq -e '.cniVersion == "1.0.0" and .name == "podwirenet" and
		[.plugins[].type] == ["podwire-cni", "portmap"] and
		.plugins[1].capabilities.portMappings == true' "$conf"
	# The page's copy: the first JSON object of EXAMPLES, from "{" to "}".
	run -0 bash -c 'sed -n "/^{\$/,/^}\$/p" | jq -cS .' \
		<<<"$(cni_page_text EXAMPLES)"
	assert_equal "$output" "$(jq -cS . "$conf")"
	# And README's, its first json block.
	run -0 bash -c 'sed -n "/^\`\`\`json\$/,/^\`\`\`\$/p" "$1" |
		sed "1d;\$d" | jq -cS .' readme "$TOP/README.md"
	assert_equal "$output" "$(jq -cS . "$conf")"
}

# bats test_tags=root
@test "contrib/cni/podwirenet.conflist: podwire-cni takes its plugin object" {
	sandbox_start
	# As libcni hands it over: the list's name and version put in.  A
	# namespace that is not there stops the ADD at error 3, after the
	# whole configuration was read and before anything was made.
	run -1 --separate-stderr sb env CNI_COMMAND=ADD CNI_CONTAINERID=docs \
		CNI_NETNS=/run/netns/absent CNI_IFNAME=eth0 podwire-cni \
		< <(jq '{cniVersion, name} + .plugins[0]' \
			"$TOP/contrib/cni/podwirenet.conflist")
	run -0 jq -r .code <<<"$output"
	assert_output 3
}

@test "make install puts veth-prune's units and cron line where they go, with the programs' directory written in" {
	local d=$BATS_TEST_TMPDIR/root
	[[ -x $TOP/build/bin/veth-prune ]] || skip "not built"
	# -o all: installs what is built, builds nothing (other tests may run).
	run -0 make -s -C "$TOP" -o all install install-cron DESTDIR="$d" \
		PREFIX=/usr
	run -0 cat "$d/usr/lib/systemd/system/veth-prune.service"
	assert_line "ExecStart=/usr/sbin/veth-prune --syslog"
	refute_output --partial "@SBINDIR@"
	run -0 grep -E '^(OnBootSec|OnUnitActiveSec)=' \
		"$d/usr/lib/systemd/system/veth-prune.timer"
	assert_output $'OnBootSec=10min\nOnUnitActiveSec=10min'
	run -0 grep -v '^#' "$d/etc/cron.d/podwire"
	assert_output --partial \
		'*/10 * * * * root [ -x /usr/sbin/veth-prune ] && /usr/sbin/veth-prune'
	assert_equal "$(stat -c %a "$d/etc/cron.d/podwire")" 644
	run -0 test -x "$d/usr/sbin/veth-prune"
	run -0 test -f "$d/usr/share/man/man8/veth-prune.8"
	# The CNI plugin goes where CNI runtimes look for plugins, its page
	# with the others.
	run -0 test -x "$d/usr/lib/cni/podwire-cni"
	run -0 test -f "$d/usr/share/man/man8/podwire-cni.8"
	run -1 test -e "$d/usr/sbin/podwire-cni"
	run -0 make -s -C "$TOP" uninstall DESTDIR="$d" PREFIX=/usr
	run -0 find "$d" -type f
	assert_output ""
}

@test "make install CNIDIR=...: podwire-cni there, and uninstall removes it" {
	local d=$BATS_TEST_TMPDIR/root
	[[ -x $TOP/build/bin/podwire-cni ]] || skip "not built"
	run -0 make -s -C "$TOP" -o all install DESTDIR="$d" PREFIX=/usr \
		CNIDIR=/opt/cni/bin
	run -0 test -x "$d/opt/cni/bin/podwire-cni"
	run -1 test -e "$d/usr/lib/cni/podwire-cni"
	run -0 make -s -C "$TOP" uninstall DESTDIR="$d" PREFIX=/usr \
		CNIDIR=/opt/cni/bin
	run -0 find "$d" -type f
	assert_output ""
}
