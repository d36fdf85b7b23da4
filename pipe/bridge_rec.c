// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bridge_rec.c - what a bridge failure says.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>

#include "bridge_rec.h"
#include "stage.h"

void bridge_rec_err(const char *bridge, const struct bridge_fail *f)
{
	static const char *const doing[] = {
		[BRIDGE_STEP_LOOKUP] = "look up",
		[BRIDGE_STEP_CREATE] = "create",
		[BRIDGE_STEP_SETUP] = "set up",
		[BRIDGE_STEP_DELETE] = "delete",
	};
	const char *what =
		(size_t)f->step < PW_ARRAY_SIZE(doing) ? doing[f->step] : NULL;

	if (f->step == BRIDGE_STEP_OPEN)
		pw_err("cannot open rtnetlink: %s", f->why.text);
	else if (f->step == BRIDGE_STEP_KIND)
		pw_err("'%s' exists and is not a bridge (it is %s)", bridge,
		       f->why.text);
	else
		pw_err("cannot %s bridge '%s': %s", what ? what : "use", bridge,
		       f->why.text);
}

void bridge_rec_port_err(const struct rec *r, const char *bridge,
			 const char *port, bool attaching,
			 const struct bridge_fail *f, int err)
{
	if (f->step == BRIDGE_STEP_OPEN)
		pw_err("cannot open rtnetlink: %s", f->why.text);
	else if (!attaching)
		stage_err(r, "cannot detach '%s' from '%s': %s", port, bridge,
			  f->why.text);
	else if (err == -ENODEV || err == -EINVAL || err == -EBUSY)
		stage_err(r, "cannot attach '%s': %s", port, f->why.text);
	else if (err == -EXFULL)
		stage_err(r,
			  "cannot attach '%s': bridge '%s' holds at most %d "
			  "ports",
			  port, bridge, BRIDGE_PORTS_MAX);
	else
		stage_err(r, "cannot attach '%s' to '%s': %s", port, bridge,
			  f->why.text);
}
