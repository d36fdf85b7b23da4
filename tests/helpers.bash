# SPDX-License-Identifier: GPL-2.0-or-later
#
# helpers.bash - what every podwire bats file loads.
#
# Isolation, twice over:
#   - tests/run starts bats inside scripts/sandbox: a throwaway network and
#     mount namespace, so nothing a test does can reach the machine;
#   - each test then gets its own fresh sandbox, held open by a holder
#     process (netavark test/helpers.bash does the same), and runs every
#     command through `sb`, which enters it with nsenter.  Tests never see
#     each other's namespaces, links, rules or leases.
#
# Oracles are iproute2 (`ip -j`), nft and real packets, never podwire
# reading back its own state.

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

TOP=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
# tests/run points this at build/san/bin for the sanitizer pass.
PODWIRE_BIN=${PODWIRE_BIN:-$TOP/build/bin}
export PATH="$PODWIRE_BIN:$PATH"

# Start the holder: a fresh net+mount namespace with its own tmpfs on
# /run/netns and /run/podwire and lo up.  The holder is the direct child
# started here (not a subshell), so $! is the process inside the sandbox.
sandbox_start() {
	local ready="$BATS_TEST_TMPDIR/sandbox.ready"

	mkdir -p /run/netns /run/podwire
	unshare --net --mount --propagation private -- sh -c '
		mount -t tmpfs -o mode=0755 tmpfs /run/netns &&
		mount -t tmpfs -o mode=0755 tmpfs /run/podwire &&
		ip link set lo up && : > "$1" && exec sleep infinity' \
		sandbox "$ready" 3>&- &
	SB_PID=$!
	while [[ ! -e $ready ]]; do
		kill -0 "$SB_PID" 2>/dev/null || fail "the sandbox did not start"
		sleep 0.01
	done
	# Refuse to go on unless the holder really is somewhere else.
	local ns
	for ns in net mnt; do
		if [[ $(readlink "/proc/$SB_PID/ns/$ns") == \
			$(readlink "/proc/self/ns/$ns") ]]; then
			fail "sandbox $ns namespace is the test's own: refusing"
		fi
	done
}

sandbox_stop() {
	[[ -n ${SB_PID:-} ]] || return 0
	# Processes a test started inside pods go first (by PID).
	local pid
	for pid in ${SB_EXTRA_PIDS:-}; do
		kill "$pid" 2>/dev/null || true
	done
	kill "$SB_PID" 2>/dev/null || true
	wait "$SB_PID" 2>/dev/null || true
	SB_PID=
}

# Run a command inside this test's sandbox.
sb() {
	nsenter --target "$SB_PID" --net --mount -- "$@"
}

# Default setup/teardown; files with their own call these.
setup() {
	sandbox_start
}

teardown() {
	sandbox_stop
}

# ---- A pretend internet -----------------------------------------------------

# The internet: namespace wan on 198.51.100.0/24 behind uplink0, with a
# TCP listener that answers each connection with the peer address it saw.
make_wan() {
	sb ip netns add wan
	sb ip link add uplink0 type veth peer name wan0 netns wan
	sb ip addr add 198.51.100.1/24 dev uplink0
	sb ip link set uplink0 up
	sb ip -n wan addr add 198.51.100.2/24 dev wan0
	sb ip -n wan link set wan0 up
	sb ip -n wan link set lo up
	sb ip netns exec wan socat TCP-LISTEN:7000,reuseaddr,fork \
		SYSTEM:'echo $SOCAT_PEERADDR' 3>&- &
	SB_EXTRA_PIDS="$SB_EXTRA_PIDS $!"
	eventually sb ip netns exec wan sh -c 'ss -Hltn sport = :7000 | grep -q LISTEN'
}

# Hold an flock on PATH inside the sandbox, as any process may, until
# release_lock; USER (default root) is who holds it.  Sets LOCK_HOLDER to
# the PID that took the lock, the one /proc/locks names.
hold_lock() {
	local path=$1 user=${2:-root} pidfile=$BATS_TEST_TMPDIR/holder.pid
	rm -f "$pidfile"
	# sh writes its PID and becomes flock (exec, through setpriv), so
	# that PID holds the lock; -o keeps the lock from flock's child.
	sb sh -c 'echo $$ >"$1" && exec setpriv --reuid="$3" --regid="$3" \
		--clear-groups flock -o "$2" sleep infinity' \
		holder "$pidfile" "$path" "$user" 3>&- &
	SB_EXTRA_PIDS="$SB_EXTRA_PIDS $!"
	eventually test -s "$pidfile"
	LOCK_HOLDER=$(cat "$pidfile")
	SB_EXTRA_PIDS="$SB_EXTRA_PIDS $LOCK_HOLDER"
	eventually bash -c "! nsenter --target $SB_PID --net --mount flock -n '$path' true"
}

# Let go of the lock hold_lock took: its sleep ends, and flock with it.
release_lock() {
	pkill -P "$LOCK_HOLDER"
}

# ---- Oracles ---------------------------------------------------------------

# ip -j -d link show DEV [in NETNS]: one JSON object.
link_json() {
	local dev=$1 ns=${2:-}
	if [[ -n $ns ]]; then
		sb ip -n "$ns" -j -d link show dev "$dev" | jq '.[0]'
	else
		sb ip -j -d link show dev "$dev" | jq '.[0]'
	fi
}

# Does DEV exist (in NETNS)?
link_exists() {
	local dev=$1 ns=${2:-}
	if [[ -n $ns ]]; then
		sb ip -n "$ns" link show dev "$dev" >/dev/null 2>&1
	else
		sb ip link show dev "$dev" >/dev/null 2>&1
	fi
}

# The IPv4/IPv6 addresses of DEV (in NETNS), "ADDR/LEN" one per line,
# without link-local ones.
addrs_of() {
	local dev=$1 ns=${2:-} nsarg=()
	[[ -n $ns ]] && nsarg=(-n "$ns")
	sb ip "${nsarg[@]}" -j addr show dev "$dev" |
		jq -r '.[0].addr_info[] | select(.scope != "link") |
			"\(.local)/\(.prefixlen)"'
}

# The link-local address of DEV in NETNS once DAD is done with it; fails
# while there is none or it is still tentative (it can't be sent from).
link_local_of() {
	local dev=$1 ns=$2
	sb ip -n "$ns" -j -6 addr show dev "$dev" scope link |
		jq -er '[.[0].addr_info[] | select(.scope == "link" and
			(.tentative | not))][0].local // empty'
}

# The value of sysctl KEY (net.ipv6.conf.eth0.accept_ra) in NETNS.
sysctl_in() {
	sb ip netns exec "$1" sysctl -n "$2"
}

# Assert DEV (in NETNS) is administratively up with a carrier.
assert_link_up() {
	local j
	j=$(link_json "$@") || fail "no link $1 ${2:+in $2}"
	jq -e '(.flags | index("UP")) and (.flags | index("LOWER_UP"))' \
		<<<"$j" >/dev/null || fail "link $1 ${2:+in $2} is not up: $j"
}

# Assert DEV (in NETNS) is administratively up (a bridge without ports has
# no carrier, so no LOWER_UP).
assert_link_up_admin() {
	local j
	j=$(link_json "$@") || fail "no link $1 ${2:+in $2}"
	jq -e '.flags | index("UP")' <<<"$j" >/dev/null ||
		fail "link $1 ${2:+in $2} is not up: $j"
}

# True when DEV (in NETNS) is gone; for `eventually`.
no_link() {
	! link_exists "$@"
}

# The named namespaces, sorted, one per line.
netns_list() {
	sb ip -j netns list | jq -r '.[].name' | sort
}

# Number of links of a kind (veth, bridge) in the sandbox's host namespace.
count_links() {
	sb ip -j -d link show type "$1" | jq length
}

# True when no link of that kind is left in the sandbox's host namespace.
no_links() {
	[[ $(count_links "$1") -eq 0 ]]
}

# Retry a command until it succeeds.  Used only where the kernel finishes
# work asynchronously (a deleted namespace's veths are reaped after the
# delete returns, often by a second with a hundred of them); the bound is
# a count, not a deadline.
eventually() {
	local i
	for ((i = 0; i < 300; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	"$@"
}

# Is a process in namespace NAME yet?  (For eventually: a "$(...)" in its
# arguments would be read once, before the first try.)
netns_has_pids() {
	[[ -n $(sb ip netns pids "$1") ]]
}

# ping from inside a namespace: 2 echoes, each waits up to 2 s for its
# reply (a lost reply fails the test; nothing here measures time).
ping_from() {
	local ns=$1 dst=$2
	sb ip netns exec "$ns" ping -n -c 2 -i 0.2 -W 2 "$dst"
}

# The record output of a run: field KEY of line N (1-based).
field() {
	local key=$1 line=${2:-1}
	sed -n "${line}p" <<<"$output" | tr ' ' '\n' |
		sed -n "s/^$key=//p"
}

# Run a command in the sandbox with CAP_NET_ADMIN and CAP_SYS_ADMIN out of
# reach: as root but with both dropped from the bounding set, so the exec
# cannot regain them.
without_caps() {
	sb setpriv --bounding-set=-net_admin,-sys_admin \
		--inh-caps=-net_admin,-sys_admin "$@"
}

# ---- Killed at one system call (strace fault injection) ------------------

# The index (1-based) among its SYSCALL calls of the first one whose
# strace line matches PATTERN, in a run of CMD (a bash -c string).
call_index() {
	local syscall=$1 pattern=$2 cmd=$3 trace=$BATS_TEST_TMPDIR/index.trace
	sb bash -c "strace -f -qq -o '$trace' -e trace=$syscall \
		bash -c '$cmd' >/dev/null 2>&1" || true
	grep -v -e '+++' -e '---' "$trace" | grep -n -m1 -E "$pattern" |
		cut -d: -f1
}

# Run the bash -c string CMD with PROG killed at its Nth SYSCALL call.
kill_at() {
	local prog=$1 syscall=$2 n=$3 cmd=$4
	local wrapped="strace -f -qq -o /dev/null -e trace=$syscall -e inject=$syscall:signal=SIGKILL:when=$n $prog"
	run sb bash -c "${cmd//$prog/$wrapped}"
}
