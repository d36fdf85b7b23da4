#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# podwire-cni driven as libcni drives a plugin: the CNI_* environment, the
# configuration on stdin, the result or error object on stdout.  Every
# command, every error code, and the end state side by side with the
# reference bridge + host-local plugins on the same configuration, read
# back with iproute2 and nft and proven with packets.  tests/podman.bats
# drives it through a real runtime.

# bats file_tags=root,cni

load helpers

CNI_REF=/usr/lib/cni

# The test network's configuration, changed by each jq expression given
# ('.mtu = 1400'), written to $BATS_TEST_TMPDIR/NAME.json.
conf() {
	local name=$1
	shift
	local base='{"cniVersion":"1.0.0","name":"podwirenet","type":"podwire-cni",
		"bridge":"cni-pw0","isGateway":true,"ipMasq":true,
		"ipam":{"type":"host-local","subnet":"10.88.7.0/24",
			"routes":[{"dst":"0.0.0.0/0"}]}}'
	local filter='.' change
	for change in "$@"; do
		filter="$filter | $change"
	done
	jq -c "$filter" <<<"$base" >"$BATS_TEST_TMPDIR/$name.json"
}

# cni PLUGIN COMMAND CID NETNS CONF [IFNAME [ARGS]]: one call as libcni
# makes it (NETNS "" leaves CNI_NETNS unset), stdout in $output.
cni() {
	local plugin=$1 cmd=$2 cid=$3 netns=$4 conf=$5 ifname=${6-eth0}
	local args=${7:-} bin=$PODWIRE_BIN/podwire-cni
	[[ $plugin == podwire-cni ]] || bin=$CNI_REF/$plugin
	sb env -i PATH="$PATH" CNI_COMMAND="$cmd" CNI_CONTAINERID="$cid" \
		${netns:+CNI_NETNS="$netns"} CNI_IFNAME="$ifname" \
		${args:+CNI_ARGS="$args"} CNI_PATH="$CNI_REF" \
		"$bin" <"$BATS_TEST_TMPDIR/$conf.json"
}

# ADD container NAME (a namespace made here) with podwire-cni; its result
# goes to $BATS_TEST_TMPDIR/NAME.result.
add() {
	local name=$1 conf=${2:-net}
	sb test -e "/run/netns/$name" || sb ip netns add "$name"
	run -0 cni podwire-cni ADD "$name" "/run/netns/$name" "$conf"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/$name.result"
}

# The configuration CONF with prevResult set to NAME's ADD result.
with_prev() {
	local conf=$1 name=$2 out=$3
	jq -c --slurpfile r "$BATS_TEST_TMPDIR/$name.result" \
		'.prevResult = $r[0]' "$BATS_TEST_TMPDIR/$conf.json" \
		>"$BATS_TEST_TMPDIR/$out.json"
}

# The error object in $output must carry CODE, and the call have failed.
assert_cni_error() {
	local code=$1
	[[ $status -ne 0 ]] || fail "the call succeeded: $output"
	jq -e --argjson c "$code" '.code == $c and (.msg | length > 0)
		and (.cniVersion | length > 0)' <<<"$output" >/dev/null ||
		fail "expected error code $code, got: $output"
}

# IPv4 addresses of eth0 in namespace NAME, "a/len" per line.
eth0_addrs() {
	sb ip -n "$1" -j addr show dev eth0 |
		jq -r '.[0].addr_info[] | select(.scope == "global")
			| "\(.local)/\(.prefixlen)"'
}

lease_files() {
	sb find /run/podwire/ipam -path '*/addr/*' -type f 2>/dev/null || true
}

masq_rules() {
	sb nft -j list ruleset | jq -c '[.nftables[] | select(.rule)
		| .rule | select(.table == "podwire")
		| select(any(.expr[]; has("masquerade")))] | length'
}

@test "VERSION lists the versions podwire-cni speaks and echoes cniVersion" {
	echo '{"cniVersion":"1.1.0"}' >"$BATS_TEST_TMPDIR/v.json"
	run -0 cni podwire-cni VERSION "" "" v
	assert_equal "$(jq -c . <<<"$output")" \
		'{"cniVersion":"1.1.0","supportedVersions":["0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]}'
	# libcni's probe sets the attachment's variables to junk: unread.
	run -0 cni podwire-cni VERSION cni dummy v dummy
	assert_equal "$(jq -r .cniVersion <<<"$output")" 1.1.0
	echo '{}' >"$BATS_TEST_TMPDIR/v.json"
	run -0 cni podwire-cni VERSION "" "" v
	assert_equal "$(jq -r .cniVersion <<<"$output")" 0.1.0
}

# bats test_tags=san
@test "ADD: the result as the spec draws it, and the kernel agrees with it" {
	# A route of a family no range has is neither made nor listed.
	conf net '.ipam.routes += [{"dst": "::/0"}]'
	add c1
	res=$BATS_TEST_TMPDIR/c1.result
	run -0 jq -r '.cniVersion, (.interfaces | length), .interfaces[0].name,
		.interfaces[2].name, .interfaces[2].sandbox,
		.ips[0].address, .ips[0].gateway, .ips[0].interface,
		.routes[0].dst, (.dns | type)' "$res"
	assert_output "$(printf '%s\n' 1.0.0 3 cni-pw0 eth0 /run/netns/c1 \
		10.88.7.2/24 10.88.7.1 2 0.0.0.0/0 object)"
	host=$(jq -r '.interfaces[1].name' "$res")
	[[ $host =~ ^veth[0-9a-f]{8}$ ]]

	# The kernel: the address, the route, the port, its mark.
	assert_equal "$(eth0_addrs c1)" 10.88.7.2/24
	assert_equal "$(jq -r .interfaces[2].mac "$res")" \
		"$(sb ip -n c1 -j link show eth0 | jq -r '.[0].address')"
	run -0 sb ip -n c1 -j route show default
	assert_equal "$(jq -r '.[0].gateway' <<<"$output")" 10.88.7.1
	run -0 link_json "$host"
	assert_equal "$(jq -r .master <<<"$output")" cni-pw0
	assert_equal "$(jq -r .operstate <<<"$output")" UP
	[[ $(jq -r .ifalias <<<"$output") == "podwire: netns=/run/netns/c1 ifname=eth0 peer_ifname=$host cid=c1 created="* ]]
	run -0 link_json cni-pw0
	[[ $(jq -r .ifalias <<<"$output") == "podwire: bridge=cni-pw0 gw=10.88.7.1/24 created="* ]]
	assert_equal "$(sb cat /proc/sys/net/ipv4/ip_forward)" 1
	assert_equal "$(masq_rules)" 1
	# The lease, in the store veth-link --ipam uses, keyed by container.
	run -0 sb cat /run/podwire/ipam/10.88.7.0_24/addr/10.88.7.2
	assert_output --regexp '^cid=c1 netns=/run/netns/c1 ifname=eth0 net=podwirenet created=[0-9]+ boot=.+$'
	run -0 sb cat /run/podwire/ipam/10.88.7.0_24/pod/cid=c1@eth0
	assert_output 10.88.7.2

	# Packets: the gateway, a second container.
	add c2
	ping_from c1 10.88.7.1
	ping_from c1 10.88.7.3
	ping_from c2 10.88.7.2
}

@test "ADD reaches a pretend internet through the masquerade" {
	make_wan
	conf net
	add c1
	run -0 sb ip netns exec c1 socat -T 5 -u \
		TCP:198.51.100.2:7000,connect-timeout=5 STDOUT
	assert_output 198.51.100.1
}

@test "\"explain\": true writes each change as a command on stderr; stdout is still the result alone" {
	conf net '.explain = true'
	sb ip netns add c1
	run -0 --separate-stderr cni podwire-cni ADD c1 /run/netns/c1 net
	jq -e '.ips[0].address == "10.88.7.2/24"' <<<"$output" >/dev/null ||
		fail "not a result: $output"
	run -1 grep -vE '^(ip|nft|sysctl|nsenter --net=/run/netns/c1 (ip|sysctl)) ' <<<"$stderr"
	[[ $stderr == *$'\n''nsenter --net=/run/netns/c1 ip addr add 10.88.7.2/24 brd + dev eth0'$'\n'* ]] ||
		fail "no address line: $stderr"
	[[ $stderr == *$'\n''ip link set '*' master cni-pw0 up'$'\n'* ]] ||
		fail "no port line: $stderr"
	host=$(sb ip -j link show master cni-pw0 | jq -r '.[0].ifname')
	run -0 --separate-stderr cni podwire-cni DEL c1 /run/netns/c1 net
	assert_equal "$stderr" "ip link del $host"
	# Without the key, nothing.
	conf net
	run -0 --separate-stderr cni podwire-cni ADD c1 /run/netns/c1 net
	assert_equal "$stderr" ""
}

@test "the same configuration gives the same end state as bridge + host-local" {
	# Each plugin in a sandbox of its own, with a pretend internet.
	conf net '.ipam.routes=[{"dst":"0.0.0.0/0"},{"dst":"192.0.2.0/24","gw":"10.88.7.254"}]' \
		'.mtu=1400' '.hairpinMode=true'
	jq -c '.type = "bridge" | .ipam.dataDir = "/run/podwire/ref-ipam"' \
		"$BATS_TEST_TMPDIR/net.json" >"$BATS_TEST_TMPDIR/ref.json"
	declare -A state
	for plugin in podwire-cni bridge; do
		sandbox_stop
		sandbox_start
		make_wan
		c=net
		[[ $plugin == bridge ]] && c=ref
		for n in c1 c2; do
			sb ip netns add "$n"
			run -0 cni "$plugin" ADD "$n" "/run/netns/$n" "$c"
		done
		# What a container and the host look like, names and MACs aside.
		state[$plugin]=$(
			for n in c1 c2; do
				sb ip -n "$n" -j addr show dev eth0 | jq -c '[.[0].mtu,
					.[0].operstate, [.[0].addr_info[]
					| select(.scope == "global")
					| "\(.local)/\(.prefixlen)"]]'
				sb ip -n "$n" -j route show | jq -c 'map({dst, gateway, dev})'
			done
			sb ip -j -d link show cni-pw0 | jq -c '.[0] | [.mtu, .operstate, .linkinfo.info_kind]'
			sb ip -j addr show dev cni-pw0 | jq -c '[.[0].addr_info[]
				| select(.family == "inet") | "\(.local)/\(.prefixlen)"]'
			sb ip -j -d link show master cni-pw0 | jq -c 'map([.linkinfo.info_kind,
				.linkinfo.info_slave_data.hairpin, .mtu]) | sort'
			sb cat /proc/sys/net/ipv4/ip_forward
			# NAT, by its effect: the far side sees the host.
			sb ip netns exec c1 socat -T 5 -u \
				TCP:198.51.100.2:7000,connect-timeout=5 STDOUT
			sb ip netns exec c2 ping -c1 -W2 10.88.7.2 >/dev/null && echo pod-to-pod
		)
	done
	echo "podwire-cni: ${state[podwire-cni]}"
	echo "bridge: ${state[bridge]}"
	assert_equal "${state[podwire-cni]}" "${state[bridge]}"
	[[ ${state[bridge]} == *198.51.100.1*pod-to-pod ]]
}

# bats test_tags=san
@test "DEL removes the pair and the lease, keeps bridge and NAT, and is idempotent" {
	conf net
	add c1
	add c2
	host=$(jq -r '.interfaces[1].name' "$BATS_TEST_TMPDIR/c1.result")
	with_prev net c1 del
	run -0 cni podwire-cni DEL c1 /run/netns/c1 del
	assert_output ""
	no_link "$host"
	run -1 sb ip -n c1 link show eth0
	run -0 lease_files
	assert_output /run/podwire/ipam/10.88.7.0_24/addr/10.88.7.3
	# c2 still uses them: the bridge and the subnet's rule stay.
	link_exists cni-pw0
	assert_equal "$(masq_rules)" 1
	ping_from c2 10.88.7.1
	# Again, without a namespace, and once the namespace is gone.
	run -0 cni podwire-cni DEL c1 /run/netns/c1 del
	run -0 cni podwire-cni DEL c1 "" net
	sb ip netns del c1
	run -0 cni podwire-cni DEL c1 /run/netns/c1 net
	assert_output ""
	# The last DEL leaves the bridge and the rule too (podwire-cni(8)).
	run -0 cni podwire-cni DEL c2 "" net
	run -0 lease_files
	assert_output ""
	link_exists cni-pw0
	assert_equal "$(masq_rules)" 1
	run -0 sb ip -br link show type veth
	assert_output ""
}

@test "DEL releases a lease an earlier boot wrote, by container id and ifname" {
	conf net
	add c1
	sb ip netns del c1
	# The store kept over a reboot: the lease says another boot.
	lease=/run/podwire/ipam/10.88.7.0_24/addr/10.88.7.2
	sb sed -i 's/boot=[^ ]*/boot=00000000-0000-0000-0000-000000000000/' "$lease"
	run -0 cni podwire-cni DEL c1 "" net
	run -0 lease_files
	assert_output ""
	run -0 sb ls /run/podwire/ipam/10.88.7.0_24/pod/
	assert_output ""
}

@test "DEL after the container's namespace went releases the lease by container id" {
	conf net
	add c1
	# The runtime tore the namespace down first (its process gone).
	sb ip netns del c1
	eventually no_link "$(jq -r '.interfaces[1].name' "$BATS_TEST_TMPDIR/c1.result")"
	run -0 lease_files
	assert_output --partial 10.88.7.2
	run -0 cni podwire-cni DEL c1 /run/netns/c1 net
	run -0 lease_files
	assert_output ""
	# The address goes to the next container again.
	add c3
	assert_equal "$(eth0_addrs c3)" 10.88.7.3/24
}

@test "DEL leaves a link of the host end's name that is not this attachment's" {
	conf net
	add c1
	host=$(jq -r '.interfaces[1].name' "$BATS_TEST_TMPDIR/c1.result")
	# Another container's DEL with c1's ifname touches nothing of c1.
	run -0 cni podwire-cni DEL other /run/netns/c1 net
	link_exists "$host"
	ping_from c1 10.88.7.1
	run -0 cni podwire-cni DEL c1 /run/netns/c1 net
	no_link "$host"
	# A hand-made link under the name podwire-cni derives for c1.
	sb ip link add "$host" type bridge
	run -0 cni podwire-cni DEL c1 /run/netns/c1 net
	link_exists "$host"
	# A veth made by hand under it, too.
	sb ip link del "$host"
	sb ip link add "$host" type veth peer name other0
	run -0 cni podwire-cni DEL c1 "" net
	link_exists "$host"
}

# bats test_tags=san
@test "CHECK passes after ADD and names what differs" {
	conf net
	add c1
	with_prev net c1 chk
	run -0 cni podwire-cni CHECK c1 /run/netns/c1 chk
	assert_output ""
	host=$(jq -r '.interfaces[1].name' "$BATS_TEST_TMPDIR/c1.result")

	sb ip -n c1 route del default
	run cni podwire-cni CHECK c1 /run/netns/c1 chk
	assert_cni_error 999
	[[ $(jq -r .details <<<"$output") == "the route to 0.0.0.0/0 is missing in the container" ]]
	sb ip -n c1 route add default via 10.88.7.1

	sb ip link set "$host" nomaster
	run cni podwire-cni CHECK c1 /run/netns/c1 chk
	assert_cni_error 999
	[[ $(jq -r .details <<<"$output") == "the host end $host is no port of cni-pw0" ]]
	sb ip link set "$host" master cni-pw0

	sb ip -n c1 addr del 10.88.7.2/24 dev eth0
	run cni podwire-cni CHECK c1 /run/netns/c1 chk
	assert_cni_error 999
	[[ $(jq -r .details <<<"$output") == "address 10.88.7.2/24 is missing on eth0" ]]
	sb ip -n c1 addr add 10.88.7.2/24 dev eth0
	sb ip -n c1 route add default via 10.88.7.1

	sb nft flush table inet podwire
	run cni podwire-cni CHECK c1 /run/netns/c1 chk
	assert_cni_error 999
	[[ $(jq -r .details <<<"$output") == "the masquerade rule of 10.88.7.0/24 is missing" ]]
	sb nft delete table inet podwire

	# An ADD mends it; CHECK passes again once the rule is back.
	run -0 cni podwire-cni ADD c9 /run/netns/c1 net eth9
	run -0 cni podwire-cni CHECK c1 /run/netns/c1 chk
	# The container gone: code 3.
	sb ip netns del c1
	run cni podwire-cni CHECK c1 /run/netns/c1 chk
	assert_cni_error 3
	# Without prevResult, or before 0.4.0.
	run cni podwire-cni CHECK c1 /run/netns/c1 net
	assert_cni_error 7
	conf old '.cniVersion="0.3.1"'
	run cni podwire-cni CHECK c1 /run/netns/c1 old
	assert_cni_error 1
}

# bats test_tags=san
@test "every error is the spec's object with the spec's code, and changes nothing" {
	conf net
	sb ip netns add c1
	cni_err() { # CODE CMD CID NETNS CONF [IFNAME [ARGS]]
		local code=$1
		shift
		run cni podwire-cni "$@"
		assert_cni_error "$code"
		echo "$output"
		error=$output
		[[ $(lease_files) == "" ]] || fail "a lease was left"
		run -0 sb ip -br link show type veth
		assert_output ""
	}
	# 1: a version it does not speak.
	conf bad '.cniVersion="9.9.9"'
	cni_err 1 ADD c1 /run/netns/c1 bad
	# 2: two ranges in one family.
	conf bad '.ipam={"ranges":[[{"subnet":"10.1.0.0/24"},{"subnet":"10.2.0.0/24"}]]}'
	cni_err 2 ADD c1 /run/netns/c1 bad
	# 3: no such container namespace.
	cni_err 3 ADD c1 /run/netns/missing net
	# 4: environment.
	cni_err 4 ADD "" /run/netns/c1 net
	cni_err 4 ADD c1 /run/netns/c1 net "eth 0"
	cni_err 4 ADD -c1 /run/netns/c1 net
	# The longest id and path fit in the mark; one byte more is refused.
	cni_err 4 ADD "$(printf 'a%.0s' {1..101})" /run/netns/c1 net
	[[ $(jq -r .details <<<"$error") == *"is longer than 100 bytes" ]]
	[[ $(jq -r .cniVersion <<<"$error") == 1.0.0 ]]
	cni_err 4 ADD c1 "/run/netns/$(printf 'n%.0s' {1..53})" net
	cni_err 4 ADD c1 relative/path net
	cni_err 4 ADD c1 /run/netns/c1 net eth0 'IP'
	cni_err 4 BOGUS c1 /run/netns/c1 net
	run cni podwire-cni DEL c1 /run/netns/c1 net ""
	assert_cni_error 4
	[[ $(jq -r .details <<<"$output") == "CNI_IFNAME is not set" ]]
	# 5: stdin that can't be read.
	run sb env CNI_COMMAND=ADD CNI_CONTAINERID=c1 CNI_NETNS=/run/netns/c1 \
		CNI_IFNAME=eth0 "$PODWIRE_BIN/podwire-cni" </
	assert_cni_error 5
	# 6: not JSON, duplicate keys, no object.
	echo '{"cniVersion":' >"$BATS_TEST_TMPDIR/bad.json"
	cni_err 6 ADD c1 /run/netns/c1 bad
	echo '{"cniVersion":"1.0.0","cniVersion":"1.0.0"}' >"$BATS_TEST_TMPDIR/bad.json"
	cni_err 6 ADD c1 /run/netns/c1 bad
	echo '[]' >"$BATS_TEST_TMPDIR/bad.json"
	cni_err 6 ADD c1 /run/netns/c1 bad
	# 7: invalid configurations.
	for f in '.ipam.subnet="10.1.0.0/33"' '.ipam.subnet="10.1.0.0/31"' \
		'.ipam={}' 'del(.ipam)' '.mtu=10' '.bridge="a b"' '.name="../x"' \
		'.isGateway="yes"' '.ipam.gateway="10.9.0.1"' \
		'.ipam.rangeStart="10.88.7.200" | .ipam.rangeEnd="10.88.7.100"' \
		'.runtimeConfig={"ips":["10.99.0.5/24"]}' \
		'.runtimeConfig={"mac":"01:00:5e:00:00:01"}'; do
		conf bad "$f"
		cni_err 7 ADD c1 /run/netns/c1 bad
	done
	# 999: the bridge has another gateway, or is no bridge.
	sb ip link add cni-pw0 type bridge
	sb ip addr add 10.88.7.254/24 dev cni-pw0
	sb ip link set cni-pw0 alias "podwire: bridge=cni-pw0 gw=10.88.7.254/24 created=1"
	cni_err 999 ADD c1 /run/netns/c1 net
	[[ $(jq -r .details <<<"$error") == "bridge cni-pw0 has gateway 10.88.7.254/24" ]] ||
		fail "$error"
	sb ip link del cni-pw0
	sb ip link add cni-pw0 type veth peer name cni-pw0p
	run cni podwire-cni ADD c1 /run/netns/c1 net
	assert_cni_error 999
	[[ $(jq -r .details <<<"$output") == "cni-pw0 exists and is not a bridge (it is veth)" ]]
	[[ $(lease_files) == "" ]]
	run -1 sb ip -n c1 link show eth0
	sb ip link del cni-pw0
	# 999: CNI_IFNAME exists in the container.
	sb ip -n c1 link add eth0 type bridge
	cni_err 999 ADD c1 /run/netns/c1 net
	[[ $(jq -r .details <<<"$error") == "'eth0' already exists in namespace /run/netns/c1" ]]
	sb ip -n c1 link del eth0
	# 11: the pool is locked by someone else for too long.
	run -0 cni podwire-cni ADD c1 /run/netns/c1 net
	run -0 cni podwire-cni DEL c1 /run/netns/c1 net
	hold_lock /run/podwire/ipam/10.88.7.0_24/lock
	cni_err 11 ADD c1 /run/netns/c1 net
	release_lock
}

@test "the longest container id and namespace path fit in the mark, and DEL finds them" {
	conf net
	ns=$(printf 'n%.0s' {1..52}) # /run/netns/ and 52: 63 bytes
	cid=$(printf 'a%.0s' {1..100})
	sb ip netns add "$ns"
	run -0 cni podwire-cni ADD "$cid" "/run/netns/$ns" net eth-long-name01
	host=$(jq -r '.interfaces[1].name' <<<"$output")
	run -0 link_json "$host"
	[[ $(jq -r .ifalias <<<"$output") == "podwire: netns=/run/netns/$ns ifname=eth-long-name01 peer_ifname=$host cid=$cid created="* ]]
	ping_from "$ns" 10.88.7.1
	run -0 cni podwire-cni DEL "$cid" "" net eth-long-name01
	no_link "$host"
	run -0 lease_files
	assert_output ""
}

@test "an ADD twice is refused and leaves the first as it was" {
	conf net
	add c1
	run cni podwire-cni ADD c1 /run/netns/c1 net
	assert_cni_error 999
	assert_equal "$(eth0_addrs c1)" 10.88.7.2/24
	run -0 lease_files
	assert_output /run/podwire/ipam/10.88.7.0_24/addr/10.88.7.2
	ping_from c1 10.88.7.1
}

# bats test_tags=san
@test "static requests: CNI_ARGS IP= and MAC=, runtimeConfig ips and mac" {
	conf net
	sb ip netns add c1
	run -0 cni podwire-cni ADD c1 /run/netns/c1 net eth0 \
		'IgnoreUnknown=1;K8S_POD_NAME=web;IP=10.88.7.50;MAC=02:aa:bb:cc:dd:01'
	assert_equal "$(jq -r '.ips[0].address' <<<"$output")" 10.88.7.50/24
	assert_equal "$(jq -r '.interfaces[2].mac' <<<"$output")" 02:aa:bb:cc:dd:01
	assert_equal "$(eth0_addrs c1)" 10.88.7.50/24
	assert_equal "$(sb ip -n c1 -j link show eth0 | jq -r '.[0].address')" 02:aa:bb:cc:dd:01

	conf rc '.runtimeConfig={"ips":["10.88.7.60/24"],"mac":"02:aa:bb:cc:dd:02"}'
	sb ip netns add c2
	run -0 cni podwire-cni ADD c2 /run/netns/c2 rc
	assert_equal "$(eth0_addrs c2)" 10.88.7.60/24
	assert_equal "$(sb ip -n c2 -j link show eth0 | jq -r '.[0].address')" 02:aa:bb:cc:dd:02
	# Taken: refused, nothing made.
	sb ip netns add c3
	run cni podwire-cni ADD c3 /run/netns/c3 rc
	assert_cni_error 999
	[[ $(jq -r .details <<<"$output") == "10.88.7.60 of pool 10.88.7.0/24 is leased to another pod" ]]
	run -1 sb ip -n c3 link show eth0
	# The gateway, asked for: refused, and the error says which address.
	run cni podwire-cni ADD c3 /run/netns/c3 net eth0 'IP=10.88.7.1'
	assert_cni_error 7
	assert_equal "$(jq -r .details <<<"$output")" "the address asked for, 10.88.7.1, is not one pool 10.88.7.0/24 can lease: outside it, or its gateway, network or broadcast address"
	run -1 sb ip -n c3 link show eth0
}

# bats test_tags=san
@test "dual stack: one address per family, routes of both, pings of both" {
	conf net '.ipam={"ranges":[[{"subnet":"fd00:88:7::/64"}],[{"subnet":"10.88.7.0/24","rangeStart":"10.88.7.100","rangeEnd":"10.88.7.110"}]],"routes":[{"dst":"0.0.0.0/0"},{"dst":"::/0"}]}'
	add c1
	add c2
	run -0 jq -r '.ips[] | "\(.address) \(.gateway)"' "$BATS_TEST_TMPDIR/c1.result"
	assert_output "$(printf '%s\n' '10.88.7.100/24 10.88.7.1' 'fd00:88:7::2/64 fd00:88:7::1')"
	run -0 sb ip -n c1 -6 -j route show default
	assert_equal "$(jq -r '.[0].gateway' <<<"$output")" fd00:88:7::1
	ping_from c1 10.88.7.101
	ping_from c1 fd00:88:7::3
	ping_from c2 fd00:88:7::1
	assert_equal "$(masq_rules)" 2
}

@test "a pool shared by a podwire pipeline and containers: no address twice" {
	make_wan
	conf net '.ipMasq=false'
	add c1
	run -0 sb bash -c 'netns-new pod1 pod2 | veth-link --ipam 10.88.7.0/24 |
		br-attach cni-pw0 --gw 10.88.7.1/24 | nat-out --out uplink0'
	conf net
	add c2
	# nat-out's rule for the subnet (out uplink0) is left as it is.
	run -0 sb nft -j list ruleset
	assert_equal "$(jq -r '[.nftables[] | select(.rule) | .rule.comment] | join(",")' <<<"$output" | sed 's/ created=.*//')" \
		"podwire: subnet=10.88.7.0/24 out=uplink0"
	addrs=$( (eth0_addrs c1; eth0_addrs c2; eth0_addrs pod1; eth0_addrs pod2) | sort)
	assert_equal "$(sort -u <<<"$addrs" | wc -l)" 4
	ping_from pod1 10.88.7.2
	ping_from c2 "$(eth0_addrs pod2 | cut -d/ -f1)"
	# Each side takes down only its own.
	run -0 cni podwire-cni DEL c1 "" net
	ping_from pod1 "$(eth0_addrs c2 | cut -d/ -f1)"
	run -0 sb bash -c 'netns-new -D pod1 pod2 | veth-link -D --ipam 10.88.7.0/24 |
		br-attach -D cni-pw0'
	ping_from c2 10.88.7.1
}

@test "chained with the reference portmap, which reads podwire-cni's result" {
	make_wan
	conf net
	add c1
	sb ip netns exec c1 socat TCP-LISTEN:80,reuseaddr,fork SYSTEM:'echo hello-from-c1' 3>&- &
	SB_EXTRA_PIDS="$SB_EXTRA_PIDS $!"
	eventually sb ip netns exec c1 sh -c 'ss -Hltn sport = :80 | grep -q LISTEN'
	jq -c --slurpfile r "$BATS_TEST_TMPDIR/c1.result" '{cniVersion, name,
		type: "portmap", capabilities: {portMappings: true},
		runtimeConfig: {portMappings: [{hostPort: 8080, containerPort: 80,
			protocol: "tcp"}]}, prevResult: $r[0]}' \
		"$BATS_TEST_TMPDIR/net.json" >"$BATS_TEST_TMPDIR/pm.json"
	run -0 cni portmap ADD c1 /run/netns/c1 pm
	# portmap passes podwire-cni's result on.
	assert_equal "$(jq -cS .ips <<<"$output")" \
		"$(jq -cS .ips "$BATS_TEST_TMPDIR/c1.result")"
	# From the internet, to the host's published port.
	run -0 sb ip netns exec wan socat -T 5 -u TCP:198.51.100.1:8080,connect-timeout=5 STDOUT
	assert_output hello-from-c1
	run -0 cni portmap DEL c1 /run/netns/c1 pm
	run -0 cni podwire-cni DEL c1 /run/netns/c1 net
	run ! sb ip netns exec wan socat -T 2 -u TCP:198.51.100.1:8080,connect-timeout=2 STDOUT
}

# bats test_tags=san
@test "chained with the reference tuning and firewall, which read podwire-cni's result" {
	conf net
	add c1
	jq -c --slurpfile r "$BATS_TEST_TMPDIR/c1.result" '{cniVersion, name,
		type: "tuning", sysctl: {"net.ipv4.conf.eth0.arp_announce": "2"},
		prevResult: $r[0]}' "$BATS_TEST_TMPDIR/net.json" >"$BATS_TEST_TMPDIR/tun.json"
	run -0 cni tuning ADD c1 /run/netns/c1 tun
	assert_equal "$(sb ip netns exec c1 cat /proc/sys/net/ipv4/conf/eth0/arp_announce)" 2
	jq -c --argjson r "$output" '{cniVersion, name, type: "firewall",
		backend: "iptables", prevResult: $r}' "$BATS_TEST_TMPDIR/net.json" \
		>"$BATS_TEST_TMPDIR/fw.json"
	run -0 cni firewall ADD c1 /run/netns/c1 fw
	# The firewall plugin allowed the container's address, from the result.
	run -0 sb iptables -S CNI-FORWARD
	run -0 sb iptables-save
	assert_output --partial "10.88.7.2/32"
	run -0 cni firewall DEL c1 /run/netns/c1 fw
	run -0 cni podwire-cni DEL c1 /run/netns/c1 net
}

@test "GC removes this network's attachments the runtime no longer lists, nothing else" {
	conf net
	conf other '.name="othernet"'
	for n in a b c; do add "$n"; done
	sb ip netns add d
	run -0 cni podwire-cni ADD d /run/netns/d other
	run -0 sb bash -c 'netns-new pod1 | veth-link --ipam 10.88.7.0/24 |
		br-attach cni-pw0 --gw 10.88.7.1/24'
	conf gc '.cniVersion="1.1.0"' \
		'."cni.dev/valid-attachments"=[{"containerID":"a","ifname":"eth0"}]'
	run -0 cni podwire-cni GC "" "" gc
	assert_output ""
	# a stays and pings; b and c are gone, pair and lease.
	ping_from a 10.88.7.1
	for n in b c; do
		run -1 sb ip -n "$n" link show eth0
	done
	run -0 sb bash -c 'cat /run/podwire/ipam/*/addr/* | cut -d" " -f1,2 | sort'
	assert_output "$(printf '%s\n' 'cid=a netns=/run/netns/a' 'cid=d netns=/run/netns/d' 'netns=pod1 ifname=eth0')"
	# othernet's d, and the pipeline's pod1, untouched.
	ping_from d 10.88.7.1
	ping_from pod1 10.88.7.2
	# GC with nothing listed: a goes too; then there is nothing to do.
	conf gc '.cniVersion="1.1.0"' '."cni.dev/valid-attachments"=[]'
	run -0 cni podwire-cni GC "" "" gc
	run -1 sb ip -n a link show eth0
	run -0 cni podwire-cni GC "" "" gc
	# No list at all is an error, not "nothing is valid".
	conf gc '.cniVersion="1.1.0"'
	run cni podwire-cni GC "" "" gc
	assert_cni_error 7
	ping_from d 10.88.7.1
	# A malformed list is an error, and removes nothing.
	conf gc '.cniVersion="1.1.0"' '."cni.dev/valid-attachments"=[{"containerID":5}]'
	run cni podwire-cni GC "" "" gc
	assert_cni_error 7
	ping_from d 10.88.7.1
	conf gc '."cni.dev/valid-attachments"=[]'
	run cni podwire-cni GC "" "" gc
	assert_cni_error 1
}

@test "veth-prune and GC agree on what is stale" {
	conf net
	conf gc '.cniVersion="1.1.0"' \
		'."cni.dev/valid-attachments"=[{"containerID":"a","ifname":"eth0"},{"containerID":"b","ifname":"eth0"}]'
	# a, b live; c's namespace is gone with its process (its pair with
	# it, its lease left); d's name went while a process keeps it (an
	# orphaned pair and its lease).
	stale_world() {
		for n in a b c d; do add "$n"; done
		sb ip netns del c
		sb ip netns exec d sleep 1000 3>&- &
		SB_EXTRA_PIDS="$SB_EXTRA_PIDS $!"
		eventually netns_has_pids d
		sb ip netns del d
		eventually bash -c "! nsenter --target $SB_PID --net ip link show $(jq -r '.interfaces[1].name' "$BATS_TEST_TMPDIR/c.result") >/dev/null 2>&1"
	}
	world() { # what is left: host ends and leases
		sb ip -br link show type veth | cut -d@ -f1 | sort
		sb bash -c 'ls /run/podwire/ipam/*/addr/ | grep -v : | sort'
	}
	stale_world
	before=$(world)
	run -0 sb veth-prune --older-than 0 --dry-run
	dry=$output
	run -0 cni podwire-cni GC "" "" gc
	after_gc=$(world)
	# What GC removed is what prune planned, object by object.
	gone=$(comm -23 <(sort <<<"$before") <(sort <<<"$after_gc"))
	assert_equal "$(wc -l <<<"$gone")" 3 # d's pair, c's and d's leases
	assert_equal "$(wc -l <<<"$dry")" 3
	for obj in $gone; do
		grep -Eq "(host_ifname|addr)=$obj( |/|$)" <<<"$dry" ||
			fail "GC removed $obj, which veth-prune did not plan: $dry"
	done
	# Then prune finds nothing GC left.
	run -0 sb veth-prune --older-than 0
	assert_output ""
	assert_equal "$(world)" "$after_gc"

	# The other order, from the same start: GC finds nothing prune left.
	sandbox_stop
	sandbox_start
	stale_world
	run -0 sb veth-prune --older-than 0
	assert_equal "$(wc -l <<<"$output")" 3
	assert_equal "$(world)" "$after_gc"
	run -0 cni podwire-cni GC "" "" gc
	assert_equal "$(world)" "$after_gc"
	ping_from a 10.88.7.3
}

# bats test_tags=san
@test "STATUS: ready, 50 when the pool is exhausted or the bridge can't be made" {
	conf net '.cniVersion="1.1.0"' '.ipam.subnet="10.88.7.0/30"'
	run -0 cni podwire-cni STATUS "" "" net
	assert_output ""
	add c1 net
	run cni podwire-cni STATUS "" "" net
	assert_cni_error 50
	[[ $(jq -r .details <<<"$output") == "pool 10.88.7.0/30 is exhausted: every address is leased" ]]
	# ADD says the same in its own words, and changes nothing.
	sb ip netns add c2
	run cni podwire-cni ADD c2 /run/netns/c2 net
	assert_cni_error 999
	[[ $(jq -r .details <<<"$output") == "pool 10.88.7.0/30 is full" ]]
	run -0 cni podwire-cni DEL c1 "" net
	run -0 cni podwire-cni STATUS "" "" net
	sb ip link del cni-pw0
	sb ip link add cni-pw0 type veth peer name cni-pw0p
	run cni podwire-cni STATUS "" "" net
	assert_cni_error 50
	[[ $(jq -r .details <<<"$output") == "bridge cni-pw0 cannot be made: the name is"* ]]
	sb ip link del cni-pw0
	# ipMasq with a table of podwire's name that is someone else's.
	sb nft delete table inet podwire
	sb nft add table inet podwire
	run cni podwire-cni STATUS "" "" net
	assert_cni_error 50
	[[ $(jq -r .details <<<"$output") == "ipMasq: an nftables table inet podwire exists that podwire did not make" ]]
}

@test "twenty ADDs and DELs at once: distinct addresses, nothing left" {
	conf net '.ipam.subnet="10.88.0.0/16"'
	for i in $(seq 20); do sb ip netns add "c$i"; done
	pids=()
	for i in $(seq 20); do
		cni podwire-cni ADD "c$i" "/run/netns/c$i" net >"$BATS_TEST_TMPDIR/r$i" &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p"; done
	addrs=$(for i in $(seq 20); do eth0_addrs "c$i"; done | sort)
	assert_equal "$(wc -l <<<"$addrs")" 20
	assert_equal "$(sort -u <<<"$addrs" | wc -l)" 20
	assert_equal "$(lease_files | wc -l)" 20
	ping_from c1 "$(eth0_addrs c20 | cut -d/ -f1)"
	pids=()
	for i in $(seq 20); do
		cni podwire-cni DEL "c$i" "/run/netns/c$i" net &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p"; done
	run -0 lease_files
	assert_output ""
	run -0 sb ip -br link show type veth
	assert_output ""
}

@test "a kill -9 anywhere in ADD or DEL: DEL leaves nothing, and ADD works again" {
	conf net
	sb ip netns add c1
	call="CNI_COMMAND=ADD CNI_CONTAINERID=c1 CNI_NETNS=/run/netns/c1 CNI_IFNAME=eth0 podwire-cni < $BATS_TEST_TMPDIR/net.json"
	for n in 2 4 6 8 10 12 14 16; do
		kill_at podwire-cni sendto "$n" "$call"
		run -0 cni podwire-cni DEL c1 /run/netns/c1 net
		run -0 lease_files
		assert_output ""
		run -0 sb ip -br link show type veth
		assert_output ""
		run -1 sb ip -n c1 link show eth0
	done
	add c1
	ping_from c1 10.88.7.1
	# DEL killed anywhere, then DEL again.
	del="CNI_COMMAND=DEL CNI_CONTAINERID=c1 CNI_NETNS=/run/netns/c1 CNI_IFNAME=eth0 podwire-cni < $BATS_TEST_TMPDIR/net.json"
	for n in 1 2 3 4 5 6; do
		kill_at podwire-cni sendto "$n" "$del"
		run -0 cni podwire-cni DEL c1 /run/netns/c1 net
		run -0 lease_files
		assert_output ""
		run -0 sb ip -br link show type veth
		assert_output ""
		add c1
	done
}

@test "without CAP_NET_ADMIN: the spec's error, nothing changed" {
	conf net
	sb ip netns add c1
	run without_caps env CNI_COMMAND=ADD CNI_CONTAINERID=c1 \
		CNI_NETNS=/run/netns/c1 CNI_IFNAME=eth0 \
		"$PODWIRE_BIN/podwire-cni" <"$BATS_TEST_TMPDIR/net.json"
	assert_cni_error 999
	run -0 lease_files
	assert_output ""
	run -0 sb ip -br link show type veth
	assert_output ""
}

@test "run by a person: what it is, and the spec's error for the missing CNI_COMMAND" {
	run -0 "$PODWIRE_BIN/podwire-cni" --help
	assert_output --partial "CNI protocol versions supported: 0.3.0, 0.3.1, 0.4.0, 1.0.0, 1.1.0"
	run -0 "$PODWIRE_BIN/podwire-cni" -V
	assert_output --regexp '^podwire-cni from podwire [0-9]'
	run -1 sb sh -c "'$PODWIRE_BIN/podwire-cni' --help >/dev/full"
	run --separate-stderr "$PODWIRE_BIN/podwire-cni" </dev/null
	assert_equal "$status" 2
	assert_equal "$(jq -r '.code, .details' <<<"$output")" "$(printf '4\nCNI_COMMAND is not set')"
	[[ $stderr == *"Usage: CNI_COMMAND="* ]]
}
