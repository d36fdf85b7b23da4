#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# nat-out: forwarding and masquerade in podwire's own nftables table.

# bats file_tags=root,nftables

load helpers

# The rules of podwire's chain as nft sees them: one JSON object per rule.
podwire_rules() {
	sb nft -j list ruleset |
		jq -c '.nftables[] | select(.rule.table == "podwire") | .rule'
}

# Rule comments without their created=T, which says when a rule was added.
comments() {
	jq -r .comment | sed -E 's/ created=[0-9]+$//'
}

@test "masquerades a subnet in table inet podwire, marked, forwarding on" {
	run -0 --separate-stderr sb nat-out --out uplink0 10.244.0.0/24
	assert_equal "$output" "subnet=10.244.0.0/24 out=uplink0"
	run -0 sb nft -j list ruleset
	ruleset=$output
	jq -e '.nftables[] | select(.table.name == "podwire") |
		.table.family == "inet"' <<<"$ruleset"
	# nft 1.0.6 leaves table comments out of its JSON; its text has them.
	run -0 sb nft list table inet podwire
	assert_line --index 1 $'\tcomment "podwire"'
	jq -e '.nftables[] | select(.chain.table == "podwire") | .chain |
		.type == "nat" and .hook == "postrouting" and .prio == 100' <<<"$ruleset"
	run -0 podwire_rules
	assert_equal "${#lines[@]}" 1
	rule=$output
	assert_equal "$(comments <<<"$rule")" "podwire: subnet=10.244.0.0/24 out=uplink0"
	jq -e '.expr | any(.match.right.prefix.addr == "10.244.0.0" and .match.right.prefix.len == 24)' <<<"$rule"
	jq -e '.expr | any(.match.left.meta.key == "oifname" and .match.op == "==" and .match.right == "uplink0")' <<<"$rule"
	jq -e '.expr | any(has("masquerade"))' <<<"$rule"
	# It says when it was added (veth-prune's grace period), and a re-run
	# neither changes that nor replaces the rule.
	created=$(jq -r .comment <<<"$rule" | sed -nE 's/.* created=([0-9]+)$/\1/p')
	(( created > $(date +%s) - 60 && created <= $(date +%s) ))
	sleep 1.1
	run -0 sb nat-out --out uplink0 10.244.0.0/24
	run -0 podwire_rules
	assert_equal "$output" "$rule"
	assert_equal "$(sb sysctl -n net.ipv4.ip_forward)" 1
	# IPv6 forwarding is only touched for an IPv6 subnet.
	assert_equal "$(sb sysctl -n net.ipv6.conf.all.forwarding)" 0
}

@test "--bridge exempts traffic that stays on the bridge" {
	run -0 sb nat-out --bridge cni0 10.244.0.0/24
	run -0 podwire_rules
	jq -e '.expr | any(.match.left.meta.key == "oifname" and .match.op == "!=" and .match.right == "cni0")' <<<"$output"
}

@test "an IPv6 subnet: ip6 saddr, IPv6 forwarding on" {
	run -0 sb nat-out fd00:244::/64
	run -0 podwire_rules
	jq -e '.expr | any(.match.left.payload.protocol == "ip6" and .match.right.prefix.addr == "fd00:244::")' <<<"$output"
	assert_equal "$(sb sysctl -n net.ipv6.conf.all.forwarding)" 1
}

@test "re-running adds nothing; other options replace the rule" {
	run -0 sb nat-out --out uplink0 10.244.0.0/24
	run -0 sb nat-out --out uplink0 10.244.0.0/24
	run -0 podwire_rules
	assert_equal "${#lines[@]}" 1
	handle=$(jq .handle <<<"$output")
	run -0 sb nat-out --out uplink0 10.244.0.0/24
	assert_equal "$(podwire_rules | jq .handle)" "$handle"
	run -0 sb nat-out --out eth9 10.244.0.0/24
	run -0 podwire_rules
	assert_equal "${#lines[@]}" 1
	assert_equal "$(comments <<<"$output")" "podwire: subnet=10.244.0.0/24 out=eth9"
}

@test "-D removes exactly that subnet's rule; the last takes the table" {
	run -0 sb nat-out 10.1.0.0/24 10.2.0.0/24
	run -0 sb nat-out -D 10.1.0.0/24
	run -0 podwire_rules
	assert_equal "$(comments <<<"$output")" "podwire: subnet=10.2.0.0/24"
	run -0 sb nat-out -D 10.1.0.0/24
	run -0 sb nat-out -D 10.2.0.0/24
	assert_equal "$(sb nft -j list ruleset | jq '[.nftables[] | select(.table)] | length')" 0
}

@test "--list prints one record per rule, -j as JSON" {
	run -0 sb nat-out --out uplink0 10.1.0.0/24 fd01::/64
	run -0 sb nat-out --list
	assert_equal "${#lines[@]}" 2
	assert_regex "${lines[0]}" '^subnet=10.1.0.0/24 out=uplink0 handle=[0-9]+$'
	run -0 sb nat-out --list -j
	jq -e -s 'map(.subnet) == ["10.1.0.0/24","fd01::/64"]' <<<"$output"
	run -0 sb nat-out -D 10.1.0.0/24 fd01::/64
	run -0 --separate-stderr sb nat-out --list
	assert_equal "$output" ""
}

@test "in a pipe: one rule per subnet, every record passed through unchanged" {
	input=$'netns=pod1 addr=10.244.0.2/24 x=1\nnetns=pod2 addr=10.244.0.3/24\nnetns=pod3 addr=10.245.0.2/24 addr6=fd00::2/64'
	run -0 sb bash -c "printf '%s\n' '$input' | nat-out"
	assert_equal "$output" "$input"
	run -0 podwire_rules
	assert_equal "$(comments <<<"$output" | sort)" $'podwire: subnet=10.244.0.0/24\npodwire: subnet=10.245.0.0/24\npodwire: subnet=fd00::/64'
}

@test "nat-out costs one batch per subnet, not per pod" {
	# One pod, from an empty ruleset...
	run -0 sb bash -c "echo 'netns=solo addr=10.9.0.2/16' | strace -f -qq -e trace=sendto,sendmsg -o '$BATS_TEST_TMPDIR/trace1' nat-out"
	run -0 sb nat-out -D 10.9.0.0/16
	# ...and a thousand, from an empty ruleset: the same messages.
	run -0 sb bash -c "seq 1 1000 | sed 's/.*/netns=pod& addr=10.244.0.2\/16/' | strace -f -qq -e trace=sendto,sendmsg -o '$BATS_TEST_TMPDIR/trace' nat-out | wc -l"
	assert_equal "$output" 1000
	assert_equal "$(grep -c . "$BATS_TEST_TMPDIR/trace")" "$(grep -c . "$BATS_TEST_TMPDIR/trace1")"
	assert_equal "$(podwire_rules | wc -l)" 1
}

@test "a foreign table named podwire is refused, not adopted" {
	sb nft add table inet podwire
	sb nft add chain inet podwire mine
	run -1 --separate-stderr sb nat-out 10.244.0.0/24
	assert_equal "$stderr" "nat-out: cannot set up masquerading for 10.244.0.0/24: an nftables table 'inet podwire' exists without podwire's mark; podwire will not adopt it"
	run -0 sb nft -j list chain inet podwire mine
	assert_equal "$(podwire_rules)" ""
	run -1 sb nat-out -D 10.244.0.0/24
}

@test "a rule someone else added to our chain is left alone" {
	run -0 sb nat-out 10.244.0.0/24
	sb nft add rule inet podwire postrouting ip saddr 10.9.9.0/24 counter
	run -0 sb nat-out -D 10.244.0.0/24
	run -0 podwire_rules
	assert_equal "${#lines[@]}" 1
	jq -e '.expr | any(has("counter"))' <<<"$output"
}

@test "after nft flush ruleset a re-run puts the rule back" {
	run -0 sb nat-out 10.244.0.0/24
	sb nft flush ruleset
	run -0 sb nat-out 10.244.0.0/24
	assert_equal "$(podwire_rules | comments)" "podwire: subnet=10.244.0.0/24"
}

@test "invalid subnets: exit 2, one line, no rule" {
	for bad in 10.0.0.1/24 0.0.0.0/0 ::/0 127.0.0.0/8 224.0.0.0/4 10.0.0.0 \
		10.0.0.0/33 010.0.0.0/8 "10.0.0.0/24 " "" fe80::%eth0/64; do
		run -2 --separate-stderr sb nat-out "$bad"
		assert_regex "$stderr" "^nat-out: invalid subnet '.*': it "
		assert_equal "$(wc -l <<<"$stderr")" 1
	done
	run -2 sb nat-out --out 'eth*' 10.0.0.0/24
	run -2 sb nat-out --out cni0 --bridge cni0 10.0.0.0/24
	run -2 sb bash -c 'echo "netns=p addr=10.0.0.2" | nat-out'
	assert_equal "$(sb nft -j list ruleset | jq '[.nftables[] | select(.table)] | length')" 0
	assert_equal "$(sb sysctl -n net.ipv4.ip_forward)" 0
}

@test "with CAP_NET_ADMIN but not CAP_SYS_ADMIN, forwarding still goes on" {
	# Sysctls normally go through a proc instance of podwire's own, which
	# takes CAP_SYS_ADMIN to make; without it they go through /proc.
	sb setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin \
		nat-out 10.244.0.0/24 fd00:244::/64
	assert_equal "$(sb sysctl -n net.ipv4.ip_forward)" 1
	assert_equal "$(sb sysctl -n net.ipv6.conf.all.forwarding)" 1
	run -0 podwire_rules
	assert_equal "${#lines[@]}" 2
}

@test "without CAP_NET_ADMIN: says it needs root, exit 1" {
	run -1 --separate-stderr without_caps nat-out 10.244.0.0/24
	assert_equal "$stderr" "nat-out: setting up masquerading needs root (CAP_NET_ADMIN is missing)"
}

@test "subnets derived in a pipe are checked like operands: /0 never masquerades all" {
	for bad in "addr=10.0.0.2/0" "addr=127.0.0.5/8" "addr=224.0.0.5/4" "addr6=fd00::5/0" "addr=169.254.1.1/16"; do
		run -2 --separate-stderr sb bash -c "echo 'netns=p $bad' | nat-out"
		assert_regex "$stderr" "^nat-out: line 1: invalid addr6?"
	done
	assert_equal "$(podwire_rules)" ""
}

@test "IPv6 ranges holding :: or ::1, v4-mapped and link-local are not subnets" {
	for bad in ::1/128 ::/8 ::/96 ::ffff:0:0/96 fe80::/10 169.254.0.0/16; do
		run -2 sb nat-out "$bad"
	done
	assert_equal "$(podwire_rules)" ""
}

@test "SUBNET operands with records on stdin: the rule is made, records pass through" {
	input=$'netns=pod1 addr=10.244.0.2/24\nnetns=pod2 addr=10.245.0.2/24'
	run -0 sb bash -c "printf '%s\n' '$input' | nat-out 10.244.0.0/16"
	assert_equal "$output" "$input"
	assert_equal "$(podwire_rules | comments)" "podwire: subnet=10.244.0.0/16"
}

@test "several operand subnets are one atomic batch" {
	run -0 sb bash -c "strace -qq -e trace=sendto,sendmsg -o '$BATS_TEST_TMPDIR/trace' nat-out 10.1.0.0/24 10.2.0.0/24 10.3.0.0/24"
	assert_equal "$(grep -c 'NFNL_MSG_BATCH_BEGIN\|nlmsg_type=0x10, ' "$BATS_TEST_TMPDIR/trace")" 1
	assert_equal "$(podwire_rules | wc -l)" 3
}

# The subnet of every masquerade rule in podwire's table, read from the
# rules' expressions (not their comments), one per line, sorted.
masq_subnets() {
	{ sb nft -j list table inet podwire 2>/dev/null || true; } |
		jq -r '.nftables[] | .rule // empty |
			select(any(.expr[]; has("masquerade"))) |
			.expr[] | .match?.right.prefix? // empty |
			"\(.addr)/\(.len)"' | sort
}

@test "a pipe of 40 pods in 80 subnets, IPv4 and IPv6: a rule each, and -D takes every one" {
	records=$BATS_TEST_TMPDIR/records
	for i in $(seq 1 40); do
		echo "netns=pod$i addr=10.$i.0.2/24 addr6=fd00:$i::2/64"
	done >"$records"
	expected=$({
		seq -f '10.%g.0.0/24' 1 40
		seq -f 'fd00:%g::/64' 1 40
	} | sort)
	run -0 sb bash -c "nat-out --out uplink0 <'$records'"
	assert_equal "$(masq_subnets)" "$expected"
	# Someone else's rule keeps the table, so the teardown is 80 rules
	# deleted by handle in one batch, not the table.
	sb nft add rule inet podwire postrouting ip saddr 10.250.0.0/24 counter
	run -0 sb bash -c "nat-out -D <'$records'"
	assert_equal "$(masq_subnets)" ""
	run -0 podwire_rules
	assert_equal "${#lines[@]}" 1
	jq -e '.expr | any(has("counter"))' <<<"$output"
}

@test "any number of subnet operands: 1000, IPv4 and IPv6, in one batch, then -D" {
	sb ip link add uplink0 type veth peer name uplink1
	subnets=$({
		for i in $(seq 0 499); do
			echo "10.$((i / 256 + 1)).$((i % 256)).0/24"
			printf 'fd00:%x::/64\n' $((i + 1))
		done
	} | sort)
	run -0 sb bash -c "strace -qq -e trace=sendto,sendmsg -o '$BATS_TEST_TMPDIR/trace' nat-out --out uplink0 $(echo $subnets)"
	assert_equal "${#lines[@]}" 1000
	assert_equal "$(grep -c 'NFNL_MSG_BATCH_BEGIN\|nlmsg_type=0x10, ' "$BATS_TEST_TMPDIR/trace")" 1
	assert_equal "$(masq_subnets)" "$subnets"
	# All but one out: 999 rules deleted by handle in one batch.
	keep=$(head -1 <<<"$subnets")
	run -0 sb nat-out -D $(tail -n +2 <<<"$subnets")
	assert_equal "$(masq_subnets)" "$keep"
	run -0 sb nat-out -D "$keep"
	assert_equal "$(sb nft -j list ruleset | jq '[.nftables[] | select(.table)] | length')" 0
}

@test "a failed batch of many operands names the first ones and how many more" {
	sb nft add table inet podwire
	run -1 --separate-stderr sb nat-out $(seq -f '10.%g.0.0/24' 1 100)
	assert_regex "$stderr" "^nat-out: cannot set up masquerading for 10\.1\.0\.0/24 10\.2\.0\.0/24 .*[0-9] and [0-9]+ more: an nftables table 'inet podwire' exists without podwire's mark; podwire will not adopt it\$"
	named=$(sed 's/ and .*//; s/.* for //' <<<"$stderr" | wc -w)
	more=$(sed 's/.* and \([0-9]*\) more:.*/\1/' <<<"$stderr")
	assert_equal "$((named + more))" 100
}

@test "--list takes no operands or -D, and needs root" {
	run -2 sb nat-out --list 10.0.0.0/24
	run -2 sb nat-out --list -D
	run -1 --separate-stderr without_caps nat-out --list
	assert_equal "$stderr" "nat-out: listing the rules needs root (CAP_NET_ADMIN is missing)"
}

# The masquerade rules of a subnet in podwire's table.
@test "--out an interface that does not exist: one warning, the rule all the same" {
	run -0 --separate-stderr sb nat-out --out nosuch0 10.244.0.0/24
	assert_equal "$stderr" "nat-out: warning: interface 'nosuch0' does not exist: the rule masquerades nothing until it does"
	assert_equal "$output" "subnet=10.244.0.0/24 out=nosuch0"
	run -0 podwire_rules
	jq -e '.expr | any(.match.left.meta.key == "oifname" and .match.right == "nosuch0")' <<<"$output"
	# Once for a whole pipe; never for -D or --list.
	run -0 --separate-stderr sb bash -c 'printf "netns=p%s addr=10.9.%s.2/24\n" 1 1 2 2 | nat-out --out nosuch0'
	assert_equal "$stderr" "nat-out: warning: interface 'nosuch0' does not exist: the rule masquerades nothing until it does"
	run -0 --separate-stderr sb nat-out --list --out nosuch0
	assert_equal "$stderr" ""
	run -0 --separate-stderr sb nat-out -D --force --out nosuch0 10.244.0.0/24
	assert_equal "$stderr" ""
	# An interface that is there, in the namespace nat-out acts in.
	sb ip link add uplink0 type veth peer name uplink1
	run -0 --separate-stderr sb nat-out --out uplink0 10.244.0.0/24
	assert_equal "$stderr" ""
	sb ip netns add node
	sb ip -n node link add up0 type veth peer name up1
	run -0 --separate-stderr sb nat-out -n node --out up0 10.244.0.0/24
	assert_equal "$stderr" ""
	run -0 --separate-stderr sb nat-out -n node --out uplink0 10.244.0.0/24
	assert_regex "$stderr" "^nat-out: warning: interface 'uplink0' does not exist"
}

masq_rules_of() {
	podwire_rules | jq -r .comment | grep -c "^podwire: subnet=$1\( \|$\)" || true
}

# What a pod's connection to wan looks like from wan's side.
peer_seen_by_wan() {
	sb ip netns exec "$1" socat -T 5 -u TCP:198.51.100.2:7000,connect-timeout=5 STDOUT
}

POOL=10.244.0.0/24
UP='veth-link --ipam 10.244.0.0/24 | br-attach cni0 --gw 10.244.0.1/24 | nat-out --out uplink0'
DOWN='veth-link -D --ipam 10.244.0.0/24 | br-attach -D cni0 | nat-out -D'

@test "taking some pods down keeps the masquerade the others still use" {
	make_wan
	run -0 sb bash -c "netns-new pod1 pod2 pod3 pod4 | $UP"
	run -0 sb bash -c "netns-new -D pod1 pod2 | $DOWN"
	assert_equal "$(masq_rules_of $POOL)" 1
	run -0 peer_seen_by_wan pod3
	assert_equal "$output" 198.51.100.1
	# The last ones out take it.
	run -0 sb bash -c "netns-new -D pod3 pod4 | $DOWN"
	assert_equal "$(sb nft -j list ruleset | jq '[.nftables[] | select(.table)] | length')" 0
}

@test "-D SUBNET refuses while a pod uses it, naming the pod; --force removes it" {
	run -0 sb bash -c "netns-new pod1 pod2 | ${UP%% |*} | nat-out"
	run -1 --separate-stderr sb nat-out -D $POOL
	assert_equal "$stderr" "nat-out: not removing masquerading for $POOL: pod1:eth0 still uses it; take its pods down first, or --force"
	assert_equal "$(masq_rules_of $POOL)" 1
	run -2 sb nat-out --force $POOL
	run -0 sb nat-out -D --force $POOL
	assert_equal "$(masq_rules_of $POOL)" 0
}

@test "a pod addressed by hand, with no lease, keeps its subnet's rule too" {
	run -0 sb netns-new pod1
	run -0 sb veth-link pod1:eth0=10.245.0.2/24
	run -0 sb nat-out 10.245.0.0/24
	run -1 --separate-stderr sb nat-out -D 10.245.0.0/24
	assert_equal "$stderr" "nat-out: not removing masquerading for 10.245.0.0/24: pod1:eth0 still uses it; take its pods down first, or --force"
	run -0 sb veth-link -D pod1:eth0
	run -0 sb nat-out -D 10.245.0.0/24
	assert_equal "$(masq_rules_of 10.245.0.0/24)" 0
}
