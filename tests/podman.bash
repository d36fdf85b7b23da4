# SPDX-License-Identifier: GPL-2.0-or-later
#
# podman.bash - podman 4.3 with its CNI backend, inside a test's sandbox.
#
# Load it after helpers.bash.  Every podman command runs through `sb`, in
# the test's own network and mount namespace, and all podman's state is
# private to that sandbox: nothing is written to the machine's /etc, /var,
# /run or cgroups, and nothing outlives the test once podman_teardown has
# run.
#
#	load helpers
#	load podman
#	setup() { sandbox_start; podman_setup; }
#	teardown() {
#		local rc=0
#		podman_teardown || rc=$?
#		sandbox_stop
#		return "$rc"
#	}
#
# Functions:
#
#   podman_setup [PLUGIN_DIR...]
#	Call from setup(), after sandbox_start and before anything else uses
#	the sandbox.  Mounts podman's private state inside the sandbox (see
#	_podman_mounts), writes containers.conf and storage.conf into
#	$PODMAN_DIR ($BATS_TEST_TMPDIR/podman) and exports CONTAINERS_CONF
#	and CONTAINERS_STORAGE_CONF, builds the busybox rootfs (once per
#	file) and sets PODMAN_ROOTFS.  CNI plugins are looked up in
#	PLUGIN_DIRs (default: $PODWIRE_BIN, the build's bin directory), then
#	in /usr/lib/cni.  Checks that `podman info` works and reports the
#	CNI backend (in full once per file: it takes seconds).
#
#   podman_conflist NAME PLUGIN_JSON...
#	Write /etc/cni/net.d/NAME.conflist (the sandbox's) for network NAME
#	with these plugins in this order, cniVersion $PODMAN_CNI_VERSION
#	(default 1.0.0), and check that podman sees the network.  Podman
#	4.3 asks each plugin for VERSION and drops a list whose cniVersion
#	one of them does not claim (the reference plugins 1.1.1 stop at
#	1.0.0, so 1.1.0 is out): a warning on stderr, then "network not
#	found".
#
#   podman_network NAME FILE
#	The same with a whole conflist from FILE ("-" for stdin).
#
#   pm ARGS...
#	podman ARGS, in the sandbox, with the CNI backend and this test's
#	configuration, bounded by $PODMAN_TIMEOUT seconds (default 60).
#
#   pm_run NAME NETWORK [PODMAN_RUN_OPTS...] -- CMD [ARGS...]
#	Start container NAME, detached, on NETWORK, from the busybox rootfs
#	(read-only; /tmp, /var/tmp and /run are tmpfs), running CMD.  Prints
#	the container ID.  Returns once CMD has been started and the CNI
#	ADD is done.  Options such as -p 8080:80, --ip, --cap-add go in
#	PODMAN_RUN_OPTS.  No --rm: an exited container stays to be
#	inspected (its exit code, `pm logs`) until podman_teardown.
#
#   pm_pid NAME		the container's init PID, as the test sees PIDs:
#			/proc/PID/ns/net works outside sb too
#   pm_netns NAME	the path of its network namespace in the sandbox,
#			/run/netns/netns-UUID (`sb ip netns` lists it too;
#			use it through sb: it is the sandbox's /run)
#   pm_ip NAME [NETWORK] the IPv4 address podman recorded on NETWORK
#			(default: each network's, one a line)
#   pm_nsexec NAME CMD...	run a host command (ip, ss, ping) in the
#			container's network namespace: the kernel's view
#   pm_listening NAME PORT	true when a TCP socket listens on PORT in
#			the container's network namespace (for `eventually`)
#
#   podman_teardown
#	Remove every container (podman rm -af -t 0), which runs the
#	CNI DEL of each, so no veth, rule or lease is left; fails when one
#	is left.  Does nothing when podman_setup did not run.
#
# Podman's quirks here, each handled below:
#   - root here lacks CAP_SYS_RESOURCE: podman's default rlimits are
#     lowered in containers.conf (default_ulimits);
#   - the sandbox's sysfs has no cgroup mounts: crun is told to make no
#     cgroups (cgroups = "disabled") and /sys/fs/cgroup is an empty tmpfs,
#     so nothing can reach the machine's cgroups;
#   - conmon (one per container) lives on after `podman run -d` returns:
#     pm closes bats' fd 3 for podman so that nothing it leaves behind can
#     hold the test run open (conmon 2.1 closes it anyway);
#   - the machine's own configuration must not count: CONTAINERS_CONF
#     makes podman read that file alone, CONTAINERS_STORAGE_CONF pins the
#     storage to the private directories (vfs: --rootfs needs no layers);
#   - a container that exits by itself is cleaned up (CNI DEL) by
#     `podman container cleanup`, which conmon runs a moment later, with
#     CONTAINERS_CONF passed on: its veth goes asynchronously;
#   - podman writes /etc/hostname, /etc/hosts, /etc/resolv.conf, /etc/mtab
#     and /run/.containerenv into a --rootfs if they are missing; the
#     rootfs has them all, and containers get it read-only, so tests can
#     share one rootfs;
#   - `podman info` runs dpkg for package versions: seconds, once a file;
#   - /etc/cni/net.d gets podman's cni.lock next to the conflists.
#
# Guards: _podman_mounts mounts nothing unless it runs in namespaces that
# are neither PID 1's nor the test process's own, and pm runs podman only
# where every directory podman writes is a tmpfs mount point (which only
# podman_setup makes in the sandbox); a failed step makes each function
# return 1 at once, under `run` or `if` too.
#
# Variables: PODMAN_TIMEOUT (seconds for one podman command, default 60),
# PODMAN_CNI_VERSION (podman_conflist's, default 1.0.0); set by
# podman_setup: PODMAN_DIR, PODMAN_ROOTFS, CONTAINERS_CONF,
# CONTAINERS_STORAGE_CONF.

# Where podman keeps its state: a tmpfs each, in the sandbox.
PODMAN_STATE_DIRS="/var/lib/cni /var/lib/containers /run/containers /run/libpod /run/crun"

# Mount podman's private state, inside the sandbox only (run through sb, so
# in the sandbox's mount namespace).  Arguments: STATE, a directory for a
# tmpfs; the test process's own net and mnt namespace links, which the
# sandbox must differ from; PODMAN_STATE_DIRS.
#   /sys             a sysfs of the sandbox's network namespace
#   /sys/fs/cgroup   an empty tmpfs (no cgroups: crun makes none)
#   /dev/shm         tmpfs (podman's lock segment, libpod_lock)
#   /etc/cni/net.d   tmpfs (the machine's 87-podman-bridge.conflist hidden)
#   /var/lib, /run   overlays whose upper layer is in STATE, so the mount
#                    points below can be made without touching the disk;
#                    mounts already below them (/run/netns, /run/podwire)
#                    are moved aside and back on top
#   /var/lib/cni, /var/lib/containers, /run/containers, /run/libpod,
#   /run/crun        a tmpfs each: CNI's cache and host-local's leases,
#                    podman's storage and database, its run state, crun's
# Defined here, run in the sandbox by `declare -f`.
_podman_mounts() {
	set -eu
	local state=${1:?} test_net=${2:?} test_mnt=${3:?} dirs=${4:?} ns self d

	# Refuse unless this is a namespace of its own: neither PID 1's
	# (the machine's, or scripts/sandbox's) nor the test process's.
	for ns in net mnt; do
		self=$(readlink "/proc/self/ns/$ns")
		if [[ $self == "$(readlink "/proc/1/ns/$ns")" ]]; then
			echo "podman_setup: $ns namespace is PID 1's: refusing to mount" >&2
			return 1
		fi
	done
	if [[ $(readlink /proc/self/ns/net) == "$test_net" ||
		$(readlink /proc/self/ns/mnt) == "$test_mnt" ]]; then
		echo "podman_setup: not in the sandbox: refusing to mount" >&2
		return 1
	fi
	if mountpoint -q "${state:?}"; then
		echo "podman_setup: $state is mounted already (setup twice?)" >&2
		return 1
	fi
	if [[ ! -d /etc/cni/net.d ]]; then
		echo "podman_setup: no /etc/cni/net.d to hide" >&2
		return 1
	fi

	mount -n -t tmpfs -o mode=0700 podman-state "$state"
	mount -n -t sysfs sysfs /sys
	mount -n -t tmpfs -o mode=0755 cgroup /sys/fs/cgroup
	mount -n -t tmpfs -o mode=1777 shm /dev/shm
	mount -n -t tmpfs -o mode=0755 cni-net.d /etc/cni/net.d
	_podman_overlay "$state" /var/lib
	_podman_overlay "$state" /run
	for d in $dirs; do
		mkdir -p "${d:?}"
		mount -n -t tmpfs -o mode=0700 podman "$d"
	done
}

# Overlay DIR with an upper layer in STATE.  The mounts below DIR (their
# topmost ones) would be hidden by the overlay: they go aside first and
# back on top after, with whatever is mounted below them.
_podman_overlay() {
	set -eu
	local state=${1:?} dir=${2:?} key i subs=()
	key=${dir//\//_}
	mkdir -p "$state/upper$key" "$state/work$key" "$state/keep$key"
	mapfile -t subs < <(findmnt -rn -o TARGET | sort -u |
		awk -v d="$dir/" 'index($0, d) == 1 {
			for (k in top) if (index($0, top[k] "/") == 1) next
			top[n++] = $0; print }')
	for i in "${!subs[@]}"; do
		mkdir "$state/keep$key/$i"
		mount -n --move "${subs[i]}" "$state/keep$key/$i"
	done
	mount -n -t overlay -o "lowerdir=$dir,upperdir=$state/upper$key,workdir=$state/work$key" \
		podman-overlay "$dir"
	for i in "${!subs[@]}"; do
		mount -n --move "$state/keep$key/$i" "${subs[i]}"
	done
}

# A busybox root filesystem: /bin/busybox and a link for each applet, the
# directories a container needs, and every file podman would otherwise
# write into it.  Built once per test file (BATS_FILE_TMPDIR), atomically,
# so tests running in parallel share one.
_podman_rootfs() {
	local final=${BATS_FILE_TMPDIR:?}/podman-rootfs tmp applets=()
	[[ -x $final/bin/busybox ]] && return 0
	tmp=$(mktemp -d "${BATS_FILE_TMPDIR:?}/podman-rootfs.XXXXXX") || return 1
	mkdir -p "${tmp:?}"/{bin,dev,etc,proc,root,run,sys,tmp,usr,var/tmp} &&
		chmod 1777 "$tmp/tmp" "$tmp/var/tmp" &&
		cp /bin/busybox "$tmp/bin/busybox" || return 1
	# A relative link for each applet (the rootfs is / in the container),
	# all made by one process: 270 runs of ln take seconds here.
	mapfile -t applets < <("$tmp/bin/busybox" --list | grep -vx busybox)
	perl -e 'chdir shift or die "$!\n"; for (@ARGV) {
		symlink("busybox", $_) or die "$_: $!\n" }' "$tmp/bin" \
		"${applets[@]}" || return 1
	{
		ln -s bin "$tmp/sbin" &&
			ln -s ../bin "$tmp/usr/bin" &&
			ln -s ../bin "$tmp/usr/sbin" &&
			echo 'root:x:0:0:root:/root:/bin/sh' >"$tmp/etc/passwd" &&
			echo 'root:x:0:' >"$tmp/etc/group" &&
			printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' >"$tmp/etc/hosts" &&
			: >"$tmp/etc/resolv.conf" &&
			: >"$tmp/etc/hostname" &&
			ln -s /proc/mounts "$tmp/etc/mtab" &&
			: >"$tmp/run/.containerenv"
	} || return 1
	# A test file's other test may have been first: keep its copy.
	mv -T "$tmp" "$final" 2>/dev/null || rm -rf "${tmp:?}"
	[[ -x $final/bin/busybox ]]
}

podman_setup() {
	local dir toml="" conf storage
	: "${SB_PID:?podman_setup: start the sandbox first}"
	[[ -z ${PODMAN_READY:-} ]] || { fail "podman_setup: called twice"; return 1; }
	(($# > 0)) || set -- "${PODWIRE_BIN:?}"
	for dir in "$@" /usr/lib/cni; do
		[[ -d ${dir:?} ]] || { fail "podman_setup: no plugin directory $dir"; return 1; }
		[[ $dir != *[\"\\]* ]] || { fail "podman_setup: can't quote $dir"; return 1; }
		toml+="${toml:+, }\"$dir\""
	done

	PODMAN_DIR=${BATS_TEST_TMPDIR:?}/podman
	[[ $PODMAN_DIR != *[,:[:space:]]* && $PODMAN_DIR != /run/* &&
		$PODMAN_DIR != /var/lib/* ]] ||
		{ fail "podman_setup: unusable temp dir $PODMAN_DIR"; return 1; }
	mkdir -p "${PODMAN_DIR:?}/state" || return 1
	sb bash -c "$(declare -f _podman_mounts _podman_overlay)
		_podman_mounts \"\$@\"" podman-setup "$PODMAN_DIR/state" \
		"$(readlink /proc/self/ns/net)" "$(readlink /proc/self/ns/mnt)" \
		"$PODMAN_STATE_DIRS" ||
		{ fail "podman_setup: could not mount podman's private state"; return 1; }

	conf=$PODMAN_DIR/containers.conf
	cat >"${conf:?}" <<-EOF
		# Written by tests/podman.bash for one test.
		[containers]
		# No CAP_SYS_RESOURCE: podman's defaults can't be set.
		default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
		# No cgroup hierarchy in the sandbox: crun makes none.
		cgroups = "disabled"
		# Logs in the container's own directory, not the journal.
		log_driver = "k8s-file"

		[network]
		network_backend = "cni"
		network_config_dir = "/etc/cni/net.d"
		cni_plugin_dirs = [$toml]

		[engine]
		cgroup_manager = "cgroupfs"
		# Events into /run/libpod/events (private), not the journal.
		events_logger = "file"
	EOF
	storage=$PODMAN_DIR/storage.conf
	cat >"${storage:?}" <<-EOF
		# Written by tests/podman.bash for one test.
		[storage]
		driver = "vfs"
		graphroot = "/var/lib/containers/storage"
		runroot = "/run/containers/storage"
	EOF
	export CONTAINERS_CONF=$conf CONTAINERS_STORAGE_CONF=$storage
	_podman_rootfs || { fail "podman_setup: could not build the rootfs"; return 1; }
	PODMAN_ROOTFS=$BATS_FILE_TMPDIR/podman-rootfs
	PODMAN_READY=1

	# podman info takes seconds (it asks dpkg for versions): in full once
	# per test file; after that, a cheap command shows podman works.
	local backend
	if [[ ! -e $BATS_FILE_TMPDIR/podman-info.ok ]]; then
		backend=$(pm info --format '{{.Host.NetworkBackend}}') ||
			{ fail "podman_setup: podman info failed"; return 1; }
		[[ $backend == cni ]] ||
			{ fail "podman_setup: podman's network backend is $backend"; return 1; }
		: >"$BATS_FILE_TMPDIR/podman-info.ok"
	else
		pm network ls -q >/dev/null ||
			{ fail "podman_setup: podman network ls failed"; return 1; }
	fi
}

# Run in the sandbox before each podman: true when each of the
# directories in `dirs` is a tmpfs mount point there (only podman_setup
# makes them), with a word on stderr for each that is not.
_PODMAN_GUARD_AWK='
	BEGIN { n = split(dirs, d, " "); for (i = 1; i <= n; i++) want[d[i]] = 1 }
	{ for (i = 7; i < NF && $i != "-"; i++) ;
	  if ($(i + 1) == "tmpfs") delete want[$5] }
	END { for (w in want) {
		print "pm: " w " is not a private tmpfs here: refusing" >"/dev/stderr"
		bad = 1 }
	      exit bad }'

pm() {
	: "${PODMAN_READY:?pm: podman_setup first}"
	# The last guard, for every command: podman runs only where its
	# state can't reach the machine.
	sb sh -c 'awk -v dirs="$1" "$2" /proc/self/mountinfo || exit 125
		shift 2
		exec "$@"' pm "$PODMAN_STATE_DIRS /etc/cni/net.d" "$_PODMAN_GUARD_AWK" \
		timeout -k 5 "${PODMAN_TIMEOUT:-60}" \
		env CONTAINERS_CONF="${CONTAINERS_CONF:?}" \
		CONTAINERS_STORAGE_CONF="${CONTAINERS_STORAGE_CONF:?}" \
		podman --network-backend cni "$@" 3>&-
}

podman_network() {
	local name=${1:?podman_network NAME FILE} file=${2:?podman_network NAME FILE}
	: "${PODMAN_READY:?podman_network: podman_setup first}"
	[[ $name =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]] ||
		{ fail "podman_network: bad network name '$name'"; return 1; }
	if [[ $file == - ]]; then
		sb sh -c 'cat >"$1"' conflist "/etc/cni/net.d/$name.conflist"
	else
		sb sh -c 'cat >"$1"' conflist "/etc/cni/net.d/$name.conflist" <"$file"
	fi || { fail "podman_network: could not write $name.conflist"; return 1; }
	# Podman drops a list it can't load with no more than a warning:
	# ask for it.
	pm network inspect "$name" >/dev/null ||
		{ fail "podman_network: podman does not see network $name"; return 1; }
}

podman_conflist() {
	local name=${1:?podman_conflist NAME PLUGIN_JSON...}
	shift
	local list
	(($# > 0)) || { fail "podman_conflist: no plugins"; return 1; }
	list=$(jq -n --arg v "${PODMAN_CNI_VERSION:-1.0.0}" --arg name "$name" \
		'{cniVersion: $v, name: $name, plugins: $ARGS.positional}' \
		--jsonargs "$@") || { fail "podman_conflist: a plugin is not JSON"; return 1; }
	podman_network "$name" - <<<"$list"
}

pm_run() {
	local name=${1:?pm_run NAME NETWORK [OPTS...] -- CMD...}
	local net=${2:?pm_run NAME NETWORK [OPTS...] -- CMD...} opts=()
	shift 2
	while (($# > 0)) && [[ $1 != -- ]]; do
		opts+=("$1")
		shift
	done
	[[ ${1:-} == -- && $# -gt 1 ]] || { fail "pm_run: no -- CMD"; return 1; }
	shift
	# --rootfs takes no value of its own: every option before it, the
	# command after the directory.
	pm run -d --name "$name" --network "$net" --read-only "${opts[@]}" \
		--rootfs "${PODMAN_ROOTFS:?}" "$@"
}

pm_pid() {
	pm inspect -f '{{.State.Pid}}' "${1:?pm_pid NAME}"
}

pm_netns() {
	pm inspect -f '{{.NetworkSettings.SandboxKey}}' "${1:?pm_netns NAME}"
}

pm_ip() {
	local name=${1:?pm_ip NAME [NETWORK]}
	if [[ -n ${2:-} ]]; then
		pm inspect -f "{{(index .NetworkSettings.Networks \"$2\").IPAddress}}" "$name"
	else
		pm inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{"\n"}}{{end}}' \
			"$name" | sed '/^$/d'
	fi
}

pm_nsexec() {
	local name=${1:?pm_nsexec NAME CMD...} ns
	shift
	ns=$(pm_netns "$name") && [[ -n $ns ]] || return 1
	sb nsenter --net="${ns:?}" -- "$@"
}

pm_listening() {
	local port=${2:?pm_listening NAME PORT}
	[[ -n $(pm_nsexec "${1:?}" ss -Hltn "sport = :$port") ]]
}

podman_teardown() {
	[[ -n ${PODMAN_READY:-} && -n ${SB_PID:-} ]] || return 0
	local rc=0 left
	pm rm -af -t 0 >/dev/null || rc=1
	left=$(pm ps -aq) || rc=1
	if [[ -n $left ]]; then
		echo "podman_teardown: containers left: $left" >&2
		rc=1
	fi
	PODMAN_READY=
	return "$rc"
}
