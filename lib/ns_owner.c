// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ns_owner.c - which named namespaces podwire made: one record each,
 * under /run/podwire/netns/.
 *
 * Copyright (C) 2026 The podwire developers
 *
 *   /run/podwire/netns/pod1   "netns=pod1 ino=4026532247 dev=4
 *                              ctime=1796020955.782404722 created=T"
 *
 * The namespace is known by its nsfs inode and device, and by the ctime
 * of that inode: nsfs hands a freed namespace's inode number to a new
 * one, but a new one gets a new inode, with its own ctime.  The record is
 * written before the namespace is bound under /run/netns, so no
 * namespace podwire published is ever without one; a create killed on
 * the way leaves a placeholder, maybe with a record, which ns_delete()
 * clears.  The directory is opened once per command (ns_records_close()
 * at its end): a thousand pods are a thousand records.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kv.h"
#include "name.h"
#include "ns.h"
#include "statedir.h"

static const char *const record_path[] = { NS_RECORD_DIR };
/* A record's text: a name, an inode, a device, a ctime, a time. */
#define RECORD_TEXT_MAX (PW_NETNS_MAX + 160)
static int record_dir = -1;
static bool record_dir_made; /* opened by a writer: made if missing */

/* The records' directory: made if missing for a writer, else -ENOENT. */
static int open_records(bool make)
{
	if (record_dir >= 0 && (record_dir_made || !make))
		return record_dir;
	if (record_dir >= 0)
		close(record_dir);
	record_dir =
		make ? statedir_open(record_path, PW_ARRAY_SIZE(record_path)) :
		       statedir_find(record_path, PW_ARRAY_SIZE(record_path));
	record_dir_made = make && record_dir >= 0;
	if (record_dir < 0) {
		int err = record_dir;

		record_dir = -1;
		return err;
	}
	return record_dir;
}

void ns_records_close(void)
{
	if (record_dir >= 0)
		close(record_dir);
	record_dir = -1;
	record_dir_made = false;
}

static int write_record(const char *name, const char *text)
{
	int dir = open_records(true);

	return dir < 0 ? dir : statedir_write_replace(dir, name, text);
}

int ns_record_made(const char *name, int fd, int64_t created)
{
	char text[RECORD_TEXT_MAX];
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	snprintf(text, sizeof(text),
		 "netns=%s ino=%llu dev=%llu ctime=%lld.%09ld created=%" PRId64
		 "\n",
		 name, (unsigned long long)st.st_ino,
		 (unsigned long long)st.st_dev, (long long)st.st_ctim.tv_sec,
		 st.st_ctim.tv_nsec, created);
	return write_record(name, text);
}

void ns_record_drop(const char *name)
{
	int dir = open_records(false);
	char tmp[PW_NETNS_MAX + sizeof(STATEDIR_TMP)];

	if (dir < 0)
		return;
	unlinkat(dir, name, 0);
	/* A writer killed between its temporary file and the rename. */
	snprintf(tmp, sizeof(tmp), "%s" STATEDIR_TMP, name);
	unlinkat(dir, tmp, 0);
}

/* Does the record's text name the namespace st is? */
static bool record_matches(const char *text, const struct stat *st)
{
	char ino[24], dev[24], ctime[32], want[32];
	uint64_t i, d;
	struct kv kv;

	if (!kv_split(text, strlen(text), &kv, NULL) ||
	    kv_copy(&kv, "ino", ino, sizeof(ino)) ||
	    kv_copy(&kv, "dev", dev, sizeof(dev)) ||
	    kv_copy(&kv, "ctime", ctime, sizeof(ctime)) ||
	    pw_parse_u64(ino, UINT64_MAX, &i) ||
	    pw_parse_u64(dev, UINT64_MAX, &d))
		return false;
	snprintf(want, sizeof(want), "%lld.%09ld",
		 (long long)st->st_ctim.tv_sec, st->st_ctim.tv_nsec);
	return i == st->st_ino && d == st->st_dev && !strcmp(ctime, want);
}

/* The text of name's record: 0, or -errno (-ENOENT: none). */
static int read_record(const char *name, char text[RECORD_TEXT_MAX])
{
	int dir = open_records(false);

	return dir < 0 ? dir : statedir_read(dir, name, text, RECORD_TEXT_MAX);
}

enum ns_owner ns_owner_of(const char *name, int fd)
{
	char text[RECORD_TEXT_MAX];
	struct stat st;

	if (fstat(fd, &st) < 0 || read_record(name, text))
		return NS_OWNER_NONE;
	return record_matches(text, &st) ? NS_OWNER_PODWIRE : NS_OWNER_REPLACED;
}

int64_t ns_record_created(const char *name)
{
	char text[RECORD_TEXT_MAX], created[24];
	uint64_t t;
	struct kv kv;

	if (read_record(name, text) ||
	    !kv_split(text, strlen(text), &kv, NULL) ||
	    kv_copy(&kv, "created", created, sizeof(created)) ||
	    pw_parse_u64(created, INT64_MAX, &t))
		return 0;
	return (int64_t)t;
}
