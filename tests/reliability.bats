#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# scripts/reliability in this test's own sandbox: 200 pods, 30 setups and
# 10 teardowns with one stage SIGKILLed at a random syscall, each followed
# by a normal run that must converge (every pod pings its gateway; a
# teardown leaves nothing), concurrent teardowns and setups of two halves,
# and foreign namespaces, links and nftables rules left untouched.  The
# script prints its seed first: `scripts/reliability --seed S ...` repeats
# a failing run's choices.  It takes a few minutes.

# bats file_tags=root,reliability

load helpers

@test "the pipeline converges after SIGKILL at random syscalls, and touches nothing foreign" {
	run --separate-stderr sb env PODWIRE_IN_SANDBOX=1 \
		PODWIRE_BIN="$PODWIRE_BIN" TMPDIR="$BATS_TEST_TMPDIR" \
		"$TOP/scripts/reliability" --pods 200 --kills 30 --teardown-kills 10
	# Shown only when the test fails (tests/run keeps the first lines):
	# the figures, what went wrong, then every kill and its syscall.
	echo "$output"
	grep -E 'NOT |failed|problems|killed call|touched|left' <<<"$stderr" || true
	echo "$stderr"
	assert_success
	assert_line --index 0 --regexp '^reliability: seed [0-9]+, 200 pods$'
	assert_line --index 1 'kills survived: 30/30 setup, 10/10 teardown'
	assert_line --index 2 'concurrent runs: 5/5 teardown rounds clean, 1/1 setup rounds'
	assert_line --index 3 'foreign objects touched: 0'
}
