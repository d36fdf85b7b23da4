/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rec.h - the key=value records the programs pass through pipes.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Format, shared with the marks and lease files (kv.h):
 *
 *   netns=pod1 ifname=eth0 host_ifname=veth3f9c01aa addr=10.244.0.2/24
 *
 * One record per line, fields separated by spaces.  Keys are [a-z0-9_]+;
 * values are non-empty printable ASCII without whitespace.  A line without
 * '=' is shorthand for "netns=LINE".  Blank lines and lines starting with
 * '#' are skipped.  Input may end lines with CRLF and may start with a
 * UTF-8 byte-order mark; both are dropped.  A line longer than
 * REC_LINE_MAX bytes, a NUL byte, a control byte, a byte above 0x7e, a
 * duplicate key or an empty value make the record malformed.
 *
 * Output is one line per record, or with -j one JSON object per line whose
 * members are the fields in order, every value a string.  A JSON string
 * carries the value's bytes as they are: '"' and '\\' escaped with a
 * backslash, and every byte below 0x20 or above 0x7e as \u00XX, that
 * byte's ISO 8859-1 reading.  Names from the kernel are bytes, not always
 * UTF-8; read that way every byte string has one JSON string and comes
 * back whole (jq -r, then iconv -f UTF-8 -t ISO-8859-1).
 */
#ifndef PODWIRE_REC_H
#define PODWIRE_REC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>

#include "kv.h"

#define REC_LINE_MAX 4096
#define REC_FIELDS_MAX KV_WORDS_MAX
#define REC_KEY_MAX KV_KEY_MAX

struct rec_field {
	char *key;
	char *val;
};

struct rec {
	struct rec_field f[REC_FIELDS_MAX];
	size_t n;
	unsigned long line; /* input line number, 0 when not from input */
	bool lost; /* rec_put() could not set a field */
};

/* A field a stage may add, and the longest value it can have. */
struct rec_add {
	const char *key;
	size_t max_len;
};

enum rec_format {
	REC_TEXT,
	REC_JSON,
};

struct rec_reader {
	FILE *in;
	unsigned long line;
	bool started; /* the byte-order-mark check is done */
	char buf[REC_LINE_MAX + 2];
};

void rec_init(struct rec *r);
void rec_clear(struct rec *r);

const char *rec_get(const struct rec *r, const char *key);
/*
 * Replace the value in place, or append the field.  -ENOSPC when full,
 * -EINVAL when the key or value breaks the format.  A record that lacks a
 * field it claims to have lies to the next stage: the result must be used.
 */
int rec_set(struct rec *r, const char *key, const char *val)
	__attribute__((warn_unused_result));
/*
 * rec_set() for a record a program builds only to print: a field that
 * can't be set marks the record lost, and rec_write() refuses it.
 */
void rec_put(struct rec *r, const char *key, const char *val);
/*
 * Whether r can still take the n fields of adds (replacing those it has)
 * within REC_FIELDS_MAX fields and a REC_LINE_MAX line.  Stages ask before
 * acting, so that no record is acted on and then can't say what was done.
 */
bool rec_has_room(const struct rec *r, const struct rec_add *adds, size_t n);
void rec_del(struct rec *r, const char *key);

/*
 * Set a value as it is, with bytes a text record can't hold (spaces, a
 * kernel name's escape bytes): for a record written as JSON only, where
 * the JSON escaping carries it.  rec_write() refuses to write such a
 * record as text (-EINVAL).  -ENOSPC when full, -EINVAL for a bad key.
 */
int rec_set_raw(struct rec *r, const char *key, const char *val);

/*
 * Parse one line (without its '\n') of len bytes into r, which is cleared
 * first.  Returns 1 for a record, 0 for a line to skip, and NULL-or-reason
 * through *bad: when *bad is set the line is malformed.
 */
int rec_parse_line(const char *line, size_t len, struct rec *r,
		   const char **bad, struct pw_why *why);

void rec_reader_init(struct rec_reader *rd, FILE *in);
/*
 * Read the next record.  Returns 1 with a record in r (r->line set), 0 at
 * the end of input, -EINVAL for a malformed line (reason in *bad, line
 * number in rd->line), or -errno when reading failed.
 */
int rec_read(struct rec_reader *rd, struct rec *r, const char **bad,
	     struct pw_why *why);

/*
 * Write r as one line and flush, so that the next program in the pipeline
 * sees each record as soon as it is done.  Returns 0 or -errno; -E2BIG
 * when the line would be longer than REC_LINE_MAX, which no reader takes;
 * -EINVAL for a record rec_put() lost a field of, or for text with a
 * value that only rec_set_raw() could set.
 */
int rec_write(FILE *out, const struct rec *r, enum rec_format fmt);

/*
 * Whether stdin carries records: a pipe, a socket or a regular file
 * does; a terminal, /dev/null (what cron and systemd give) or a closed fd
 * does not.
 */
bool rec_stdin_has_records(void);

/* The key of a pod's address of a family: "addr" (IPv4) or "addr6". */
static inline const char *rec_addr_key(int family)
{
	return family == AF_INET6 ? "addr6" : "addr";
}

/* Key syntax, for programs that take keys as arguments. */
bool rec_key_ok(const char *key);

#endif
