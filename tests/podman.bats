#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# podwire-cni through a real runtime: podman 4.3 with its CNI backend,
# inside the test's sandbox (tests/podman.bash keeps all its state
# there), on a conflist of podwire-cni then the reference portmap, as
# podwire-cni(8) and the README give it.  Oracles: ip -j, nft -j, the
# lease store's files, iptables-save for portmap, and packets.

# bats file_tags=root,podman

load helpers
load podman

setup() {
	sandbox_start
	podman_setup
}

teardown() {
	local rc=0
	podman_teardown || rc=$?
	sandbox_stop
	return "$rc"
}

# Network podwirenet: podwire-cni on cni-pw0, 10.88.7.0/24, its gateway,
# masquerade and a default route; the reference portmap after it.
pw_network() {
	podman_conflist podwirenet \
		'{"type": "podwire-cni", "bridge": "cni-pw0", "isGateway": true,
		  "ipMasq": true, "hairpinMode": true,
		  "ipam": {"type": "host-local",
			   "ranges": [[{"subnet": "10.88.7.0/24"}]],
			   "routes": [{"dst": "0.0.0.0/0"}]}}' \
		'{"type": "portmap", "capabilities": {"portMappings": true}}'
}

# The IPv4 address of eth0 in container NAME, as the kernel has it.
kernel_ip() {
	pm_nsexec "$1" ip -j -4 addr show dev eth0 |
		jq -r '.[0].addr_info[] | select(.scope == "global") |
			"\(.local)/\(.prefixlen)"'
}

lease_addrs() {
	sb sh -c 'ls /run/podwire/ipam/10.88.7.0_24/addr/ 2>/dev/null' || true
}

masq_rules() {
	sb nft -j list ruleset | jq -c '[.nftables[] | select(.rule)
		| .rule | select(.table == "podwire")
		| select(any(.expr[]; has("masquerade")))] | length'
}

@test "podman's state is the sandbox's alone" {
	run -0 pm info --format '{{.Host.NetworkBackend}} {{.Store.GraphRoot}} {{.Store.RunRoot}} {{.Store.GraphDriverName}}'
	assert_output "cni /var/lib/containers/storage /run/containers/storage vfs"
	local d
	for d in /var/lib/cni /var/lib/containers /run/containers /run/libpod \
		/run/crun /etc/cni/net.d /dev/shm /sys/fs/cgroup; do
		assert_equal "$(sb findmnt -n -o FSTYPE --mountpoint "$d" | tail -n 1)" tmpfs
	done
	# The test's own mount namespace (the machine's, or the outer
	# sandbox's) has none of podman's.
	for d in /var/lib/cni /var/lib/containers /run/containers /run/libpod \
		/run/crun /etc/cni/net.d; do
		run -1 findmnt --mountpoint "$d"
	done
	# The machine's conflists are hidden (podman keeps only its cni.lock
	# there).
	run -0 sb find /etc/cni/net.d -name '*.conf*'
	assert_output ""
	# /sys is the sandbox's: it shows the sandbox's links, lo alone.
	run -0 sb ls /sys/class/net
	assert_output "lo"
	# Namespaces made before podman_setup are still there after it.
	sb ip netns add before
	run -0 sb ip netns list
	assert_output --partial before
}

@test "podman run on podwire-cni: the pool's address, the gateway, a second container, the internet" {
	pw_network
	make_wan
	id1=$(pm_run c1 podwirenet -- sleep 1000)
	pm_run c2 podwirenet -- sleep 1000
	ip1=$(kernel_ip c1)
	ip2=$(kernel_ip c2)
	[[ $ip1 =~ ^10\.88\.7\.[0-9]+/24$ && $ip2 =~ ^10\.88\.7\.[0-9]+/24$ ]]
	[[ $ip1 != "$ip2" ]]
	# podman recorded podwire-cni's result.
	assert_equal "$(pm_ip c1 podwirenet)" "${ip1%/24}"
	# The lease is c1's, by its container id, in podwire's store.
	run -0 sb cat "/run/podwire/ipam/10.88.7.0_24/addr/${ip1%/24}"
	assert_output --regexp "^cid=$id1 netns=/run/netns/netns-[0-9a-f-]+ ifname=eth0 net=podwirenet created="
	assert_equal "$(pm_nsexec c1 ip -j route show default | jq -r '.[0].gateway')" 10.88.7.1
	# The host end carries the attachment's mark, on the bridge.
	run -0 sb ip -j -d link show master cni-pw0 type veth
	assert_equal "$(jq length <<<"$output")" 2
	jq -e --arg id "$id1" 'any(.[]; .ifalias | test("cid=" + $id + " "))' <<<"$output"

	run -0 pm exec c1 ping -c1 -W2 10.88.7.1
	run -0 pm exec c1 ping -c1 -W2 "${ip2%/24}"
	run -0 pm exec c2 ping -c1 -W2 "${ip1%/24}"
	# Out through the masquerade: the far side sees the host's address.
	run -0 pm exec c1 nc -w 3 198.51.100.2 7000
	assert_output 198.51.100.1
}

@test "podman run -p 8080:80: the chained portmap reaches a listener in the container" {
	pw_network
	make_wan
	pm_run web podwirenet -p 8080:80 -- \
		sh -c 'echo hello-web >/tmp/index.html && exec httpd -f -p 80 -h /tmp'
	eventually pm_listening web 80
	# (busybox 1.35's wget -T crashes: timeout bounds it instead.)
	run -0 sb ip netns exec wan timeout 5 busybox wget -q -O - \
		http://198.51.100.1:8080/
	assert_output hello-web
	run -0 sb timeout 5 busybox wget -q -O - http://10.88.7.1:8080/
	assert_output hello-web
	run -0 sb iptables -t nat -S CNI-HOSTPORT-DNAT
	assert_output --partial -- '--dports 8080'
}

@test "pod-inspect --pid of a podman container passes --check" {
	pw_network
	pm_run c1 podwirenet -- sleep 1000
	pid=$(pm_pid c1)
	run -0 sb pod-inspect --pid "$pid" --check
	assert_output --partial "topology: bridged: eth0 -- host end veth"
	refute_output --partial FAIL
	run -0 sb pod-inspect --pid "$pid"
	assert_output --partial "bridge=cni-pw0"
}

@test "podman rm -f leaves no veth, lease or port mapping; bridge and rule stay while in use" {
	pw_network
	id1=$(pm_run c1 podwirenet -p 8081:80 -- sleep 1000)
	id2=$(pm_run c2 podwirenet -- sleep 1000)
	ip2=$(kernel_ip c2)
	assert_equal "$(count_links veth)" 2
	assert_equal "$(lease_addrs | wc -l)" 2
	run -0 sb iptables-save -t nat
	assert_output --partial "$id1"

	run -0 pm rm -f -t 0 c1
	assert_equal "$(count_links veth)" 1
	assert_equal "$(lease_addrs)" "${ip2%/24}"
	run -0 sb iptables-save -t nat
	refute_output --partial "$id1"
	# c2 still uses them.
	link_exists cni-pw0
	assert_equal "$(masq_rules)" 1
	run -0 pm exec c2 ping -c1 -W2 10.88.7.1

	# The last one: the bridge and the subnet's rule stay (podwire-cni(8)),
	# for veth-prune --empty-bridges --nat to take.
	run -0 pm rm -f -t 0 c2
	assert_equal "$(count_links veth)" 0
	assert_equal "$(lease_addrs)" ""
	link_exists cni-pw0
	assert_equal "$(masq_rules)" 1
	run -0 sb veth-prune --empty-bridges --nat --older-than 0
	no_link cni-pw0
	assert_equal "$(masq_rules)" 0
}

@test "20 containers started and removed in parallel: no duplicate address, no leak" {
	pw_network
	pids=()
	for i in $(seq 20); do
		pm_run "p$i" podwirenet -- sleep 1000 >/dev/null &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p"; done
	addrs=$(for i in $(seq 20); do kernel_ip "p$i"; done | sort)
	assert_equal "$(wc -l <<<"$addrs")" 20
	assert_equal "$(sort -u <<<"$addrs" | wc -l)" 20
	assert_equal "$(lease_addrs | wc -l)" 20
	assert_equal "$(count_links veth)" 20
	run -0 pm exec p1 ping -c1 -W2 "$(kernel_ip p20 | cut -d/ -f1)"

	pids=()
	for i in $(seq 20); do
		pm rm -f -t 0 "p$i" >/dev/null &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p"; done
	assert_equal "$(count_links veth)" 0
	assert_equal "$(lease_addrs)" ""
	run -0 sb sh -c 'ls /run/podwire/ipam/10.88.7.0_24/pod/'
	assert_output ""
}

@test "a container that exits by itself is cleaned up through podwire-cni's DEL" {
	pw_network
	pm_run short podwirenet -- sh -c 'sleep 2; exit 3'
	assert_equal "$(count_links veth)" 1
	eventually no_links veth
	eventually test -z "$(lease_addrs)"
	run -0 pm inspect -f '{{.State.Status}} {{.State.ExitCode}}' short
	assert_output "exited 3"
}

@test "the example conflist of README and podwire-cni(8) works as written" {
	podman_network podwirenet "$TOP/contrib/cni/podwirenet.conflist"
	run -0 pm network ls --format '{{.Name}} {{.Driver}}'
	assert_line "podwirenet podwire-cni"
	pm_run c1 podwirenet -p 8080:80 -- \
		sh -c 'echo hello >/tmp/index.html && exec httpd -f -p 80 -h /tmp'
	ip=$(kernel_ip c1)
	[[ $ip =~ ^10\.245\.0\.[0-9]+/24$ ]]
	run -0 pm exec c1 ping -c1 -W2 10.245.0.1
	eventually pm_listening c1 80
	run -0 sb timeout 5 busybox wget -q -O - http://10.245.0.1:8080/
	assert_output hello
	run -0 pm rm -f -t 0 c1
	assert_equal "$(count_links veth)" 0
}
