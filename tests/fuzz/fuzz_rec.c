// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_rec.c - libFuzzer target for the record parser (pipe/rec.c).
 *
 * Copyright (C) 2026 The podwire developers
 *
 * The input is parsed as one line with rec_parse_line() and as a stream
 * with rec_read() (through fmemopen(3)) to its end.  Every record found
 * is written with rec_write() (text and JSON); the text must parse back,
 * with rec_parse_line(), to the same fields in the same order.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *write_rec(const struct rec *r, enum rec_format fmt, size_t *len)
{
	char *out = NULL;
	FILE *f = open_memstream(&out, len);

	if (!f)
		abort();
	if (rec_write(f, r, fmt) != 0)
		abort();
	if (fclose(f) != 0)
		abort();
	return out;
}

static bool same(const struct rec *a, const struct rec *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->f[i].key, b->f[i].key) ||
		    strcmp(a->f[i].val, b->f[i].val))
			return false;
	return true;
}

static void round_trip(const struct rec *r)
{
	struct rec back;
	const char *bad;
	struct pw_why why;
	size_t len;
	char *out;

	if (r->n == 0 || r->n > REC_FIELDS_MAX)
		abort();
	out = write_rec(r, REC_TEXT, &len);
	if (len == 0 || out[len - 1] != '\n' || memchr(out, '\n', len - 1))
		abort();
	rec_init(&back);
	if (rec_parse_line(out, len - 1, &back, &bad, &why) != 1 || bad ||
	    !same(r, &back))
		abort();
	rec_clear(&back);
	free(out);

	out = write_rec(r, REC_JSON, &len);
	if (len < 3 || out[0] != '{' || out[len - 2] != '}' ||
	    out[len - 1] != '\n')
		abort();
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rec_reader rd;
	struct pw_why why;
	const char *bad;
	struct rec r;
	char *copy;
	FILE *in;

	/* One line: rec_parse_line() takes a length, not a C string. */
	copy = malloc(size ? size : 1);
	if (!copy)
		abort();
	if (size)
		memcpy(copy, data, size);
	rec_init(&r);
	if (rec_parse_line(copy, size, &r, &bad, &why) == 1) {
		if (bad)
			abort();
		round_trip(&r);
	} else if (r.n != 0) {
		abort();
	}
	rec_clear(&r);

	/* A stream, to its end. */
	in = fmemopen(copy, size, "r");
	if (in) {
		unsigned long last = 0;
		int ret;

		rec_reader_init(&rd, in);
		while ((ret = rec_read(&rd, &r, &bad, &why)) != 0) {
			if (ret == 1) {
				if (r.line <= last)
					abort();
				last = r.line;
				round_trip(&r);
			} else if (ret != -EINVAL || !bad) {
				break;
			}
		}
		rec_clear(&r);
		fclose(in);
	}
	free(copy);
	return 0;
}
