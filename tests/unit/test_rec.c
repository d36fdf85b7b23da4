// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_rec.c - unit tests for the key=value records (pipe/rec.c).
 *
 * Copyright (C) 2026 The podwire developers
 *
 * rec_parse_line() on records, skipped lines and every malformed case;
 * rec_get/rec_set/rec_del; rec_read() through fmemopen(3) (line numbers,
 * byte-order mark, over-long lines, no final newline); rec_write() text
 * and JSON through open_memstream(3), and write-then-parse round trips.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rec.h"
#include "tap.h"

/* Bytes as they can be printed in a TAP line, cut to 60. */
static const char *show(const char *s, size_t len, char *buf, size_t size)
{
	char raw[61];
	size_t o = 0;

	buf[o++] = '"';
	for (size_t i = 0; i < len && i < 60; i++) {
		if (o + 5 >= size)
			break;
		if (s[i] == '\0') {
			memcpy(buf + o, "\\x00", 4);
			o += 4;
			continue;
		}
		raw[0] = s[i];
		raw[1] = '\0';
		pw_escape(raw, buf + o, size - o);
		o += strlen(buf + o);
	}
	if (len > 60 && o + 4 < size) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

/* The fields as "k=v k=v", the way rec_write() puts them. */
static const char *fields(const struct rec *r, char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < r->n && o < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%s%s=%s",
				      i ? " " : "", r->f[i].key, r->f[i].val);
	return buf;
}

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	if (!s)
		abort();
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* ---- rec_parse_line ---------------------------------------------------- */

enum verdict {
	SKIP, /* 0, no reason */
	RECORD, /* 1 */
	BAD, /* 0 with a reason */
};

struct line_case {
	const char *line;
	size_t len; /* 0: strlen(line) */
	enum verdict verdict;
	const char *want; /* RECORD: the fields */
};

static const struct line_case line_cases[] = {
	/* Records. */
	{ "netns=pod1 ifname=eth0", 0, RECORD, "netns=pod1 ifname=eth0" },
	{ "netns=pod1  ifname=eth0", 0, RECORD, "netns=pod1 ifname=eth0" },
	{ "netns=pod1\t\tifname=eth0", 0, RECORD, "netns=pod1 ifname=eth0" },
	{ "netns=pod1 \t ifname=eth0", 0, RECORD, "netns=pod1 ifname=eth0" },
	{ " \tnetns=pod1 ifname=eth0 \t", 0, RECORD, "netns=pod1 ifname=eth0" },
	{ "netns=pod1 ifname=eth0\r", 0, RECORD, "netns=pod1 ifname=eth0" },
	{ "netns=pod1 ifname=eth0 \r", 0, RECORD, "netns=pod1 ifname=eth0" },
	{ "netns=pod1 ifname=eth0\r\r", 0, RECORD, "netns=pod1 ifname=eth0" },
	{ "k=a=b", 0, RECORD, "k=a=b" },
	{ "k==", 0, RECORD, "k==" },
	{ "k=#", 0, RECORD, "k=#" },
	{ "k=\"q\"", 0, RECORD, "k=\"q\"" },
	{ "k=a\\b", 0, RECORD, "k=a\\b" },
	{ "a_1=x 9=y _=z", 0, RECORD, "a_1=x 9=y _=z" },
	{ "addr=10.0.0.1/24 addr6=fd00::1/64", 0, RECORD,
	  "addr=10.0.0.1/24 addr6=fd00::1/64" },
	{ "abcdefghijklmnopqrstuvwxyz012345=v", 0, RECORD,
	  "abcdefghijklmnopqrstuvwxyz012345=v" },
	{ "z=1 a=2", 0, RECORD, "z=1 a=2" },
	/* Bare names. */
	{ "pod1", 0, RECORD, "netns=pod1" },
	{ "  pod1  ", 0, RECORD, "netns=pod1" },
	{ "\tpod1\r", 0, RECORD, "netns=pod1" },
	{ "pod#1", 0, RECORD, "netns=pod#1" },
	{ "../x", 0, RECORD, "netns=../x" }, /* names are checked later */
	/* Skipped. */
	{ "", 0, SKIP, NULL },
	{ "   ", 0, SKIP, NULL },
	{ "\t", 0, SKIP, NULL },
	{ "\r", 0, SKIP, NULL },
	{ " \t \r", 0, SKIP, NULL },
	{ "#", 0, SKIP, NULL },
	{ "# x", 0, SKIP, NULL },
	{ "   # x", 0, SKIP, NULL },
	{ "\t#netns=pod1", 0, SKIP, NULL },
	{ "# \x01\xff binary in a comment", 0, SKIP, NULL },
	/* Malformed bytes. */
	{ "k=v\0w", 5, BAD, NULL },
	{ "\0", 1, BAD, NULL },
	{ "pod\0", 4, BAD, NULL },
	{ "k=v\x01", 0, BAD, NULL },
	{ "k=v\x1b[31m", 0, BAD, NULL },
	{ "k=\x7f", 0, BAD, NULL },
	{ "k=v\x80", 0, BAD, NULL },
	{ "k=\xc3\xa9", 0, BAD, NULL },
	{ "\xef\xbb\xbfk=v", 0, BAD, NULL }, /* a BOM only at file start */
	{ "k=v\rx=y", 0, BAD, NULL },
	{ "k=v\n", 0, BAD, NULL },
	{ "k=v\nx=y", 0, BAD, NULL },
	{ "k=v\v", 0, BAD, NULL },
	{ "k=v\f", 0, BAD, NULL },
	/* Malformed fields. */
	{ "=v", 0, BAD, NULL },
	{ "k=v =w", 0, BAD, NULL },
	{ "k=", 0, BAD, NULL },
	{ "k=v x=", 0, BAD, NULL },
	{ "=", 0, BAD, NULL },
	{ "K=v", 0, BAD, NULL },
	{ "kEy=v", 0, BAD, NULL },
	{ "k-x=v", 0, BAD, NULL },
	{ "k.x=v", 0, BAD, NULL },
	{ "abcdefghijklmnopqrstuvwxyz0123456=v", 0, BAD, NULL },
	{ "k=a k=b", 0, BAD, NULL },
	{ "k=a x=1 k=a", 0, BAD, NULL },
	{ "pod 1", 0, BAD, NULL },
	{ "pod\t1", 0, BAD, NULL },
	{ "netns=pod1 eth0", 0, BAD, NULL },
	{ "eth0 netns=pod1", 0, BAD, NULL },
	{ "k=v #comment", 0, BAD, NULL },
};

static void check_line(const char *desc, const char *line, size_t len,
		       enum verdict verdict, const char *want)
{
	static const char *const names[] = { "skipped", "a record",
					     "malformed" };
	char got[8192];
	const char *bad = "unset";
	struct pw_why why;
	struct rec r;
	int ret;
	bool good;

	rec_init(&r);
	ret = rec_parse_line(line, len, &r, &bad, &why);
	fields(&r, got, sizeof(got));
	switch (verdict) {
	case RECORD:
		good = ret == 1 && !bad && !strcmp(got, want);
		break;
	case SKIP:
		good = ret == 0 && !bad && r.n == 0;
		break;
	default:
		good = ret == 0 && bad && *bad && r.n == 0;
		break;
	}
	ok(good, "rec_parse_line(%s) is %s%s%.60s%s%s%s", desc, names[verdict],
	   verdict == RECORD ? ": " : "", verdict == RECORD ? want : "",
	   verdict == RECORD && strlen(want) > 60 ? "..." : "", bad ? ": " : "",
	   bad ? bad : "");
	rec_clear(&r);
}

static void test_parse_line(void)
{
	char desc[512];
	char *s, *p;

	for (size_t i = 0; i < PW_ARRAY_SIZE(line_cases); i++) {
		const struct line_case *c = &line_cases[i];
		size_t len = c->len ? c->len : strlen(c->line);

		check_line(show(c->line, len, desc, sizeof(desc)), c->line, len,
			   c->verdict, c->want);
	}

	/* 64 fields are fine, 65 are not. */
	s = malloc(65 * 8 + 1);
	if (!s)
		abort();
	p = s;
	for (int i = 0; i < 65; i++)
		p += sprintf(p, "%sk%d=v", i ? " " : "", i);
	check_line("65 fields", s, strlen(s), BAD, NULL);
	*strrchr(s, ' ') = '\0';
	{
		struct rec r;
		const char *bad;
		struct pw_why why;

		rec_init(&r);
		ok(rec_parse_line(s, strlen(s), &r, &bad, &why) == 1 &&
			   r.n == 64 && !strcmp(r.f[63].key, "k63"),
		   "rec_parse_line(64 fields) is a record of 64 fields");
		rec_clear(&r);
	}
	free(s);

	/* A long value and a long bare name are fine: the reader limits. */
	s = repeat('v', 4000);
	s[0] = 'k';
	s[1] = '=';
	check_line("k= and 3998 bytes", s, strlen(s), RECORD, s);
	free(s);

	/* The parser reads len bytes, not up to a NUL. */
	check_line("\"k=v x=y\" cut to 3 bytes", "k=v x=y", 3, RECORD, "k=v");
}

/* A malformed line leaves nothing behind, even after a good one. */
static void test_parse_reuse(void)
{
	struct rec r;
	const char *bad;
	struct pw_why why;

	rec_init(&r);
	rec_parse_line("a=1 b=2", 7, &r, &bad, &why);
	ok(rec_parse_line("c=3 c=3", 7, &r, &bad, &why) == 0 && bad && r.n == 0,
	   "a malformed line after a record leaves the record empty");
	ok(bad && strstr(bad, "'c'"), "the duplicate key is named: %s",
	   bad ? bad : "(null)");
	rec_parse_line("a=1", 3, &r, &bad, &why);
	ok(rec_parse_line("# c", 3, &r, &bad, &why) == 0 && !bad && r.n == 0,
	   "a skipped line after a record leaves the record empty");
	rec_clear(&r);
}

/* ---- rec_get, rec_set, rec_del ----------------------------------------- */

static void test_get_set_del(void)
{
	static const char *const bad_keys[] = {
		"",	    "A",   "a-b",
		"a b",	    "a=b", "a.b",
		"\xc3\xa9", "k\n", "abcdefghijklmnopqrstuvwxyz0123456",
	};
	static const char *const bad_vals[] = {
		"", "a b", "a\tb", "\x01", "\x7f", "\xc3\xa9", "a\nb", "a\r",
	};
	char got[1024], desc[128];
	struct rec r;
	int err;

	rec_init(&r);
	ok(rec_set(&r, "a", "1") == 0 && rec_set(&r, "b", "2") == 0 &&
		   rec_set(&r, "c", "3") == 0 &&
		   !strcmp(fields(&r, got, sizeof(got)), "a=1 b=2 c=3"),
	   "rec_set appends in order: %s", got);
	ok(rec_set(&r, "b", "22") == 0 &&
		   !strcmp(fields(&r, got, sizeof(got)), "a=1 b=22 c=3"),
	   "rec_set replaces in place: %s", got);
	ok(rec_set(&r, "d", "4") == 0 &&
		   !strcmp(fields(&r, got, sizeof(got)), "a=1 b=22 c=3 d=4"),
	   "rec_set appends a new key at the end: %s", got);
	ok(rec_get(&r, "b") && !strcmp(rec_get(&r, "b"), "22"),
	   "rec_get(b) is 22");
	ok(rec_get(&r, "x") == NULL, "rec_get(x) is NULL");
	ok(rec_get(&r, "") == NULL, "rec_get(\"\") is NULL");
	ok(rec_set(&r, "v", "a=b") == 0 && !strcmp(rec_get(&r, "v"), "a=b"),
	   "rec_set takes a value with '='");
	rec_del(&r, "v");
	rec_del(&r, "b");
	ok(!strcmp(fields(&r, got, sizeof(got)), "a=1 c=3 d=4"),
	   "rec_del(b) keeps the order of the rest: %s", got);
	rec_del(&r, "x");
	ok(!strcmp(fields(&r, got, sizeof(got)), "a=1 c=3 d=4"),
	   "rec_del(x) of a missing key changes nothing");
	rec_del(&r, "d");
	rec_del(&r, "a");
	ok(!strcmp(fields(&r, got, sizeof(got)), "c=3"),
	   "rec_del of the last and the first field: %s", got);
	for (size_t i = 0; i < PW_ARRAY_SIZE(bad_keys); i++) {
		err = rec_set(&r, bad_keys[i], "v");
		ok(err == -EINVAL && r.n == 1 && !rec_key_ok(bad_keys[i]),
		   "rec_set refuses the key %s",
		   show(bad_keys[i], strlen(bad_keys[i]), desc, sizeof(desc)));
	}
	for (size_t i = 0; i < PW_ARRAY_SIZE(bad_vals); i++) {
		err = rec_set(&r, "c", bad_vals[i]);
		ok(err == -EINVAL && r.n == 1 && !strcmp(rec_get(&r, "c"), "3"),
		   "rec_set refuses the value %s and keeps the old one",
		   show(bad_vals[i], strlen(bad_vals[i]), desc, sizeof(desc)));
	}
	ok(rec_key_ok("abcdefghijklmnopqrstuvwxyz012345"),
	   "a key of 32 bytes is fine");
	rec_clear(&r);

	/* Full: a 65th key is refused, replacing one of the 64 is not. */
	for (int i = 0; i < REC_FIELDS_MAX; i++) {
		char key[8];

		snprintf(key, sizeof(key), "k%d", i);
		err = rec_set(&r, key, "v");
		if (err)
			break;
	}
	ok(r.n == 64 && rec_set(&r, "extra", "v") == -ENOSPC && r.n == 64,
	   "rec_set of a 65th field is -ENOSPC");
	ok(rec_set(&r, "k63", "w") == 0 && !strcmp(rec_get(&r, "k63"), "w"),
	   "rec_set replaces a field of a full record");
	rec_clear(&r);
	ok(r.n == 0, "rec_clear empties the record");
}

/* ---- rec_has_room, rec_put --------------------------------------------- */

/* n fields k0=v ... into r, which is cleared first. */
static bool fill(struct rec *r, int n, const char *val)
{
	rec_clear(r);
	for (int i = 0; i < n; i++) {
		char key[8];

		snprintf(key, sizeof(key), "k%d", i);
		if (rec_set(r, key, val))
			return false;
	}
	return true;
}

static void test_room(void)
{
	static const struct rec_add adds[] = { { "ifname", 15 },
					       { "addr", 49 },
					       { "k0", 10 } };
	char big[2041], out[64];
	struct rec r;
	FILE *f;

	rec_init(&r);
	ok(fill(&r, 62, "v") && rec_has_room(&r, adds, 3),
	   "62 fields take two new ones and a replaced one");
	ok(fill(&r, 63, "v") && !rec_has_room(&r, adds, 3) &&
		   rec_has_room(&r, adds, 1),
	   "63 fields take one new field, not two");
	ok(fill(&r, 64, "v") && rec_has_room(&r, adds + 2, 1),
	   "a full record can still have a field replaced");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	/* Two fields of 2040 bytes: "k0=..." + " k1=..." is 4087 bytes, and
	 * " ifname=" and 15 bytes more would pass 4096. */
	ok(fill(&r, 2, big) && !rec_has_room(&r, adds, 1),
	   "a line that would pass 4096 bytes has no room");
	ok(rec_has_room(&r, adds + 2, 1),
	   "replacing a long value with a shorter one fits");
	/* 4047 bytes: ifname's 23 fit, addr's 55 more don't. */
	big[2020] = '\0';
	ok(fill(&r, 2, big) && rec_has_room(&r, adds, 1) &&
		   !rec_has_room(&r, adds, 2),
	   "room counts the space, the key, '=' and the longest value");

	ok(fill(&r, 64, "v") && (rec_put(&r, "extra", "v"), r.lost),
	   "rec_put of a 65th field marks the record lost");
	f = fmemopen(out, sizeof(out), "w");
	ok(f && rec_write(f, &r, REC_TEXT) == -EINVAL,
	   "rec_write refuses a lost record");
	if (f)
		fclose(f);
	rec_clear(&r);
	ok(!r.lost, "rec_clear forgets the loss");
	rec_put(&r, "a", "bad value");
	ok(r.lost && r.n == 0, "rec_put of a bad value marks the record lost");
	rec_clear(&r);
}

/* ---- rec_read ---------------------------------------------------------- */

struct read_step {
	int ret;
	unsigned long line; /* r.line for 1, rd.line for -EINVAL */
	const char *want; /* fields for 1, a word of the reason for -EINVAL */
};

static FILE *open_bytes(const char *bytes, size_t len)
{
	FILE *f = fmemopen((void *)bytes, len, "r");

	/* fmemopen(3) of zero bytes is refused by older C libraries. */
	if (!f && !len)
		f = fopen("/dev/null", "r");
	return f;
}

/* Read bytes to the end; steps must end with { 0 }. */
static void check_read(const char *desc, const char *bytes, size_t len,
		       const struct read_step *steps)
{
	FILE *in = open_bytes(bytes, len);
	struct rec_reader rd;
	struct rec r;
	char got[8192];
	const char *bad;
	struct pw_why why;
	bool good = in != NULL;
	size_t i = 0;

	rec_init(&r);
	if (in)
		rec_reader_init(&rd, in);
	for (; good; i++) {
		int ret = rec_read(&rd, &r, &bad, &why);

		if (ret != steps[i].ret) {
			good = false;
			break;
		}
		if (ret == 1)
			good = r.line == steps[i].line &&
			       !strcmp(fields(&r, got, sizeof(got)),
				       steps[i].want);
		else if (ret == -EINVAL)
			good = rd.line == steps[i].line && bad &&
			       strstr(bad, steps[i].want);
		if (ret == 0)
			break;
	}
	ok(good, "rec_read(%s)%s", desc, good ? "" : " differs at step");
	if (!good)
		printf("# step %zu\n", i);
	rec_clear(&r);
	if (in)
		fclose(in);
}

#define BYTES(s) s, sizeof(s) - 1

static void test_read(void)
{
	static const struct read_step lines[] = {
		{ 1, 1, "a=1" }, { 1, 4, "b=2" }, { 1, 7, "netns=pod1" }, { 0 }
	};
	static const struct read_step bom[] = { { 1, 1, "netns=pod1" }, { 0 } };
	static const struct read_step bom_alone[] = { { 1, 2, "x=1" }, { 0 } };
	static const struct read_step bom_later[] = {
		{ 1, 1, "a=1" }, { -EINVAL, 2, "0xef" }, { 1, 3, "c=3" }, { 0 }
	};
	static const struct read_step two[] = { { 1, 1, "a=1" },
						{ 1, 2, "b=2" },
						{ 0 } };
	static const struct read_step bad_then_good[] = {
		{ -EINVAL, 1, "0x01" }, { 1, 2, "b=2" }, { 0 }
	};
	static const struct read_step nul[] = { { -EINVAL, 1, "NUL" },
						{ 1, 2, "c=2" },
						{ 0 } };
	static const struct read_step none[] = { { 0 } };
	static const struct read_step blanks[] = { { 1, 4, "netns=pod1" },
						   { 0 } };
	char *big, *p;

	check_read("lines with blanks and comments",
		   BYTES("a=1\n\n# c\nb=2\n   \n\t# d\npod1\n"), lines);
	check_read("UTF-8 BOM at the start", BYTES("\xef\xbb\xbfpod1\n"), bom);
	check_read("UTF-8 BOM alone on the first line",
		   BYTES("\xef\xbb\xbf\nx=1\n"), bom_alone);
	check_read("UTF-8 BOM on the second line",
		   BYTES("a=1\n\xef\xbb\xbf"
			 "b=2\nc=3\n"),
		   bom_later);
	check_read("no newline at the end", BYTES("a=1\nb=2"), two);
	check_read("CRLF line ends", BYTES("a=1\r\nb=2\r\n"), two);
	check_read("a malformed line, then a good one", BYTES("k=\x01\nb=2\n"),
		   bad_then_good);
	check_read("a NUL byte in a line", BYTES("a=1\0b\nc=2\n"), nul);
	check_read("empty input", "", 0, none);
	check_read("only blank lines", BYTES("\n\n \n"), none);
	check_read("three blank lines, then a name", BYTES("\n\n\npod1\n"),
		   blanks);

	/* 4096 bytes is the longest line; 4097 is refused and skipped. */
	big = malloc(3 * 4200);
	if (!big)
		abort();
	p = big;
	p += sprintf(p, "a=1\nk=");
	memset(p, 'v', 4095);
	p += 4095;
	p += sprintf(p, "\nb=2\nk=");
	memset(p, 'w', 4094);
	p += 4094;
	p += sprintf(p, "\nc=3");
	{
		static const struct read_step steps_long[] = {
			{ 1, 1, "a=1" }, { -EINVAL, 2, "4096" },
			{ 1, 3, "b=2" }, { 1, 4, NULL }, /* checked below */
			{ 1, 5, "c=3" }, { 0 },
		};
		FILE *in = fmemopen(big, (size_t)(p - big), "r");
		struct rec_reader rd;
		struct rec r;
		const char *bad;
		struct pw_why why;
		char got[8192];
		bool good = in != NULL;

		rec_init(&r);
		if (in)
			rec_reader_init(&rd, in);
		for (size_t i = 0; good; i++) {
			int ret = rec_read(&rd, &r, &bad, &why);

			good = ret == steps_long[i].ret;
			if (good && ret == 1 && steps_long[i].want)
				good = r.line == steps_long[i].line &&
				       !strcmp(fields(&r, got, sizeof(got)),
					       steps_long[i].want);
			else if (good && ret == 1)
				good = r.line == 4 && r.n == 1 &&
				       strlen(rec_get(&r, "k")) == 4094;
			else if (good && ret == -EINVAL)
				good = rd.line == 2 && strstr(bad, "4096");
			if (ret == 0)
				break;
		}
		ok(good, "rec_read: a 4097-byte line is -EINVAL on line 2, "
			 "the reader goes on, a 4096-byte line is a record");
		rec_clear(&r);
		if (in)
			fclose(in);
	}
	/* An endless line at the end of input. */
	memset(big, 'x', 3 * 4200);
	{
		static const struct read_step endless[] = {
			{ -EINVAL, 1, "4096" }, { 0 }
		};

		check_read("12600 bytes without a newline", big, 3 * 4200,
			   endless);
	}
	free(big);
}

/* ---- rec_write --------------------------------------------------------- */

static char *write_rec(const struct rec *r, enum rec_format fmt, int *err)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		abort();
	*err = rec_write(f, r, fmt);
	fclose(f);
	return out;
}

static void test_write(void)
{
	struct rec r;
	char *out, *again;
	const char *bad;
	struct pw_why why;
	int err;
	FILE *full;

	rec_init(&r);
	out = write_rec(&r, REC_TEXT, &err);
	ok(err == 0 && !strcmp(out, "\n"), "rec_write of no fields is \\n");
	free(out);
	out = write_rec(&r, REC_JSON, &err);
	ok(err == 0 && !strcmp(out, "{}\n"), "rec_write -j of no fields is {}");
	free(out);

	rec_put(&r, "netns", "pod1");
	rec_put(&r, "ifname", "eth0");
	rec_put(&r, "addr", "10.0.0.2/24");
	out = write_rec(&r, REC_TEXT, &err);
	ok(err == 0 &&
		   !strcmp(out, "netns=pod1 ifname=eth0 addr=10.0.0.2/24\n"),
	   "rec_write text: %.*s", (int)strcspn(out, "\n"), out);
	free(out);
	out = write_rec(&r, REC_JSON, &err);
	ok(err == 0 && !strcmp(out, "{\"netns\":\"pod1\",\"ifname\":\"eth0\","
				    "\"addr\":\"10.0.0.2/24\"}\n"),
	   "rec_write JSON: %.*s", (int)strcspn(out, "\n"), out);
	free(out);
	rec_clear(&r);

	rec_put(&r, "k", "a\"b\\c");
	rec_put(&r, "q", "\"");
	out = write_rec(&r, REC_JSON, &err);
	ok(err == 0 && !strcmp(out, "{\"k\":\"a\\\"b\\\\c\",\"q\":\"\\\"\"}\n"),
	   "rec_write JSON escapes quote and backslash: %.*s",
	   (int)strcspn(out, "\n"), out);
	free(out);
	out = write_rec(&r, REC_TEXT, &err);
	ok(err == 0 && !strcmp(out, "k=a\"b\\c q=\"\n"),
	   "rec_write text leaves quote and backslash alone");
	/* What is written parses back to the same record. */
	{
		struct rec back;

		rec_init(&back);
		again = NULL;
		if (rec_parse_line(out, strlen(out) - 1, &back, &bad, &why) ==
		    1)
			again = write_rec(&back, REC_TEXT, &err);
		ok(again && !strcmp(out, again),
		   "rec_write text parses back to the same record");
		free(again);
		rec_clear(&back);
	}
	free(out);

	full = fopen("/dev/full", "w");
	if (full) {
		ok(rec_write(full, &r, REC_TEXT) < 0,
		   "rec_write to /dev/full fails");
		fclose(full);
	}
	rec_clear(&r);

	/* A bare name is written as netns=NAME. */
	rec_parse_line("pod1", 4, &r, &bad, &why);
	out = write_rec(&r, REC_TEXT, &err);
	ok(err == 0 && !strcmp(out, "netns=pod1\n"),
	   "the bare name pod1 is written as netns=pod1");
	free(out);
	rec_clear(&r);
}

/* rec_set_raw(): any bytes, for JSON; text refuses them. */
static void test_raw(void)
{
	struct rec r;
	char *out;
	int err;

	rec_init(&r);
	ok(rec_set(&r, "ifname", "x y") == -EINVAL, "rec_set refuses a space");
	ok(rec_set_raw(&r, "ifname", "x\\y \033\x01\x7f\xc3\xa9\xff\"") == 0,
	   "rec_set_raw takes a backslash, a space, control and high bytes");
	out = write_rec(&r, REC_JSON, &err);
	ok(err == 0 && !strcmp(out, "{\"ifname\":\"x\\\\y \\u001b\\u0001"
				    "\\u007f\\u00c3\\u00a9\\u00ff\\\"\"}\n"),
	   "rec_write JSON: one escape per byte: %.*s", (int)strcspn(out, "\n"),
	   out);
	free(out);
	out = write_rec(&r, REC_TEXT, &err);
	ok(err == -EINVAL && !strcmp(out, ""),
	   "rec_write text refuses a raw value and writes nothing");
	free(out);
	rec_clear(&r);
	rec_clear(&r);
	ok(rec_set_raw(&r, "bad key", "v") == -EINVAL && r.lost,
	   "rec_set_raw still refuses a bad key, and the record is lost");
	rec_clear(&r);
}

int main(void)
{
	test_parse_line();
	test_parse_reuse();
	test_get_set_del();
	test_room();
	test_read();
	test_write();
	test_raw();
	return tap_done();
}
