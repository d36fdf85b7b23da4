#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# podman-ref: tests/podman.bash proved with the reference CNI plugins
# (bridge + host-local, then portmap), before podwire's own plugin is
# put in their place.

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

SUBNET_RE='^10\.88\.7\.([2-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-4])$'

# Network podwirenet: bridge cni-ref0 on 10.88.7.0/24 with its gateway,
# masquerade, a default route in the pods; portmap after it.
ref_network() {
	podman_conflist podwirenet \
		'{"type": "bridge", "bridge": "cni-ref0", "isGateway": true,
		  "ipMasq": true,
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

# The host ends of the veths on cni-ref0, one a line.
bridge_ports() {
	sb ip -j link show master cni-ref0 type veth | jq -r '.[].ifname'
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

@test "two containers on the reference bridge: addresses, gateway, each other" {
	ref_network
	pm_run c1 podwirenet -- sleep 1000
	pm_run c2 podwirenet -- sleep 1000
	run -0 pm inspect -f '{{.Name}} {{.State.Status}}' c1 c2
	assert_output $'c1 running\nc2 running'

	# The kernel's view: each has one address of the subnet on eth0,
	# a default route via the gateway, and its host end on cni-ref0.
	local ip1 ip2
	ip1=$(kernel_ip c1)
	ip2=$(kernel_ip c2)
	[[ ${ip1%/24} =~ $SUBNET_RE && ${ip1#*/} == 24 ]]
	[[ ${ip2%/24} =~ $SUBNET_RE && ${ip2#*/} == 24 ]]
	[[ $ip1 != "$ip2" ]]
	assert_equal "$(pm_ip c1 podwirenet)" "${ip1%/24}"
	assert_equal "$(pm_ip c2)" "${ip2%/24}"
	assert_equal "$(pm_nsexec c1 ip -j route show default | jq -r '.[0].gateway')" 10.88.7.1
	assert_equal "$(addrs_of cni-ref0)" 10.88.7.1/24
	assert_equal "$(bridge_ports | wc -l)" 2

	# The PID podman reports is in that namespace, and so is the path.
	local pid ns
	pid=$(pm_pid c1)
	ns=$(pm_netns c1)
	[[ $pid =~ ^[0-9]+$ && $ns == /run/netns/* ]]
	assert_equal "$(readlink "/proc/$pid/ns/net")" \
		"$(sb nsenter --net="$ns" readlink /proc/self/ns/net)"
	assert_equal "$(cat "/proc/$pid/comm")" sleep

	# Packets: c1 reaches the gateway and c2.
	run -0 pm exec c1 ping -c1 -W2 10.88.7.1
	run -0 pm exec c1 ping -c1 -W2 "${ip2%/24}"
	run -0 pm exec c2 ping -c1 -W2 "${ip1%/24}"
}

@test "a published port reaches the container, from the host and from outside" {
	ref_network
	make_wan
	pm_run web podwirenet -p 8080:80 -- \
		sh -c 'echo hello-web >/tmp/index.html && exec httpd -f -p 80 -h /tmp'
	eventually pm_listening web 80
	local ip
	ip=$(pm_ip web podwirenet)

	# (busybox 1.35's wget -T crashes: timeout bounds it instead.)
	# Straight to the container, then through portmap's DNAT: locally
	# (OUTPUT) to the gateway's address, to an address on lo, to
	# 127.0.0.1, and from another namespace to uplink0's (PREROUTING).
	sb ip addr add 192.0.2.1/32 dev lo
	local to
	for to in "$ip:80" 10.88.7.1:8080 192.0.2.1:8080 127.0.0.1:8080; do
		run -0 sb timeout 5 busybox wget -q -O - "http://$to/"
		assert_output hello-web
	done
	run -0 sb ip netns exec wan timeout 5 busybox wget -q -O - \
		http://198.51.100.1:8080/
	assert_output hello-web
	# The rule is portmap's, in the sandbox's own ruleset.
	run -0 sb iptables -t nat -S CNI-HOSTPORT-DNAT
	assert_output --partial -- '--dports 8080'

	# And out: ipMasq hides the container behind uplink0's address.
	run -0 pm exec web nc -w 3 198.51.100.2 7000
	assert_output 198.51.100.1
}

@test "podman rm -f takes the veths, leases and rules with it" {
	ref_network
	local id1 id2
	id1=$(pm_run c1 podwirenet -p 8081:80 -- sleep 1000)
	id2=$(pm_run c2 podwirenet -- sleep 1000)
	assert_equal "$(count_links veth)" 2
	run -0 sb ls /var/lib/cni/networks/podwirenet
	assert_line "$(pm_ip c1)"
	run -0 sb iptables-save -t nat
	assert_output --partial "$id1"

	run -0 pm rm -f -t 0 c1 c2
	assert_equal "$(count_links veth)" 0
	assert_equal "$(sb ls /run/netns)" ""
	run -0 sb ls /var/lib/cni/networks/podwirenet
	refute_output --regexp '^10\.'
	run -0 sb iptables-save -t nat
	refute_output --partial "$id1"
	refute_output --partial "$id2"
	run -0 pm ps -aq
	assert_output ""
}

@test "a container that exits by itself is cleaned up by conmon's podman" {
	ref_network
	pm_run short podwirenet -- sh -c 'sleep 2; exit 3'
	assert_equal "$(count_links veth)" 1
	eventually no_links veth
	run -0 pm inspect -f '{{.State.Status}} {{.State.ExitCode}}' short
	assert_output "exited 3"
}

@test "podman does not see a cniVersion 1.1.0 list; podman_conflist says so" {
	export PODMAN_CNI_VERSION=1.1.0
	run ref_network
	assert_failure
	assert_output --partial 'plugin portmap does not support config version'
	assert_output --partial "podman does not see network podwirenet"
	# The file is there all the same: podman dropped it.
	run -0 sb jq -r .cniVersion /etc/cni/net.d/podwirenet.conflist
	assert_output 1.1.0
}
