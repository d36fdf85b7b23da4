/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lock.h - flock(2) with a bounded wait, and who holds it.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * A blocking flock() lets whoever holds the lock stop every podwire
 * program at once, for as long as they like: `flock /run/netns sleep
 * infinity` needs no privilege.  podwire waits LOCK_WAIT_MS, then gives
 * up with -ETIMEDOUT, and can say which process holds the lock.
 */
#ifndef PODWIRE_LOCK_H
#define PODWIRE_LOCK_H

#include <sys/types.h>

/* Long enough for any holder doing podwire's work; a lock held longer
 * is stuck or held on purpose. */
#define LOCK_WAIT_MS 5000

/* Take the exclusive flock on fd: 0, -ETIMEDOUT after LOCK_WAIT_MS. */
int lock_wait(int fd);

/*
 * The process holding an flock on fd's file, from /proc/locks, in the
 * caller's PID namespace; 0 when it can't be told.
 */
pid_t lock_holder(int fd);

#endif
