// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rec.c - the key=value records the programs pass through pipes.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kv.h"
#include "msg.h"
#include "rec.h"

bool rec_key_ok(const char *key)
{
	return kv_key_ok(key, strlen(key));
}

void rec_init(struct rec *r)
{
	r->n = 0;
	r->line = 0;
	r->lost = false;
}

void rec_clear(struct rec *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->f[i].key);
		free(r->f[i].val);
	}
	rec_init(r);
}

static struct rec_field *find(const struct rec *r, const char *key)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->f[i].key, key))
			return (struct rec_field *)&r->f[i];
	return NULL;
}

const char *rec_get(const struct rec *r, const char *key)
{
	const struct rec_field *f = find(r, key);

	return f ? f->val : NULL;
}

/* Replace the value of key, or append the field; -ENOSPC when full. */
static int store(struct rec *r, const char *key, const char *val)
{
	struct rec_field *f = find(r, key);
	char *copy = pw_xstrdup(val);

	if (f) {
		free(f->val);
		f->val = copy;
		return 0;
	}
	if (r->n == REC_FIELDS_MAX) {
		free(copy);
		return -ENOSPC;
	}
	r->f[r->n].key = pw_xstrdup(key);
	r->f[r->n].val = copy;
	r->n++;
	return 0;
}

int rec_set(struct rec *r, const char *key, const char *val)
{
	/* Whatever a program sets must read back as the same record. */
	if (!rec_key_ok(key) || !kv_value_ok(val))
		return -EINVAL;
	return store(r, key, val);
}

int rec_set_raw(struct rec *r, const char *key, const char *val)
{
	int err = rec_key_ok(key) ? store(r, key, val) : -EINVAL;

	/* Records set raw are only printed: rec_write() refuses a loss. */
	if (err)
		r->lost = true;
	return err;
}

void rec_put(struct rec *r, const char *key, const char *val)
{
	if (rec_set(r, key, val))
		r->lost = true;
}

void rec_del(struct rec *r, const char *key)
{
	struct rec_field *f = find(r, key);
	size_t i;

	if (!f)
		return;
	i = (size_t)(f - r->f);
	free(f->key);
	free(f->val);
	memmove(&r->f[i], &r->f[i + 1], (r->n - i - 1) * sizeof(r->f[0]));
	r->n--;
}

static const char *check_bytes(const char *s, size_t len, struct pw_why *why)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\0')
			return "contains a NUL byte";
		if (!kv_value_byte(c) && !kv_blank((char)c)) {
			snprintf(why->text, sizeof(why->text),
				 "contains the byte 0x%02x (records are "
				 "printable ASCII)",
				 c);
			return why->text;
		}
	}
	return NULL;
}

static char *xstrndup(const char *s, size_t n)
{
	char *p = pw_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* The words of a list, copied into r. */
static void take_words(const struct kv *kv, struct rec *r)
{
	for (size_t i = 0; i < kv->n; i++) {
		r->f[i].key = xstrndup(kv->w[i].key, kv->w[i].key_len);
		r->f[i].val = xstrndup(kv->w[i].val, kv->w[i].val_len);
	}
	r->n = kv->n;
}

int rec_parse_line(const char *line, size_t len, struct rec *r,
		   const char **bad, struct pw_why *why)
{
	struct kv kv;
	size_t i = 0;

	rec_clear(r);
	*bad = NULL;
	/* CRLF from Windows tools and host-local's files; trailing blanks. */
	while (len && (line[len - 1] == '\r' || kv_blank(line[len - 1])))
		len--;
	while (i < len && kv_blank(line[i]))
		i++;
	if (i == len || line[i] == '#')
		return 0;
	*bad = check_bytes(line + i, len - i, why);
	if (*bad)
		return 0;
	if (!memchr(line + i, '=', len - i)) {
		if (memchr(line + i, ' ', len - i) ||
		    memchr(line + i, '\t', len - i)) {
			*bad = "is a bare name with whitespace in it";
			return 0;
		}
		r->f[0].key = pw_xstrdup("netns");
		r->f[0].val = xstrndup(line + i, len - i);
		r->n = 1;
		return 1;
	}
	if (!kv_split(line + i, len - i, &kv, why)) {
		*bad = why->text;
		return 0;
	}
	take_words(&kv, r);
	return 1;
}

void rec_reader_init(struct rec_reader *rd, FILE *in)
{
	rd->in = in;
	rd->line = 0;
	rd->started = false;
}

/*
 * Read one line into rd->buf without ever holding more than REC_LINE_MAX
 * bytes: an endless line (/dev/zero) is refused after 4 KiB, not buffered.
 * Returns the length, -1 at end of input, -2 for an overlong line, or
 * -3 for a read error.
 */
static long read_line(struct rec_reader *rd)
{
	size_t n = 0;
	int c;

	for (;;) {
		c = getc_unlocked(rd->in);
		if (c == EOF)
			break;
		if (c == '\n')
			return (long)n;
		if (n == REC_LINE_MAX) {
			/* Skip the rest of the line so a caller that goes on
			 * (--keep-going) resumes at the next one. */
			while (c != EOF && c != '\n')
				c = getc_unlocked(rd->in);
			return -2;
		}
		rd->buf[n++] = (char)c;
	}
	if (ferror(rd->in))
		return -3;
	return n ? (long)n : -1;
}

int rec_read(struct rec_reader *rd, struct rec *r, const char **bad,
	     struct pw_why *why)
{
	static const char bom[] = "\xef\xbb\xbf";

	*bad = NULL;
	for (;;) {
		long len = read_line(rd);
		const char *line = rd->buf;
		int got;

		if (len == -1)
			return 0;
		if (len == -3)
			return -EIO;
		rd->line++;
		if (len == -2) {
			*bad = "is longer than 4096 bytes";
			return -EINVAL;
		}
		if (!rd->started) {
			rd->started = true;
			if (len >= 3 && !memcmp(line, bom, 3)) {
				line += 3;
				len -= 3;
			}
		}
		got = rec_parse_line(line, (size_t)len, r, bad, why);
		if (*bad)
			return -EINVAL;
		if (got) {
			r->line = rd->line;
			return 1;
		}
	}
}

/* The bytes of s as a JSON string; see rec.h for why \u00XX per byte. */
static void write_json_string(FILE *out, const char *s)
{
	putc_unlocked('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			putc_unlocked('\\', out);
			putc_unlocked(c, out);
		} else if (c < 0x20 || c >= 0x7f) {
			fprintf(out, "\\u%04x", c);
		} else {
			putc_unlocked(c, out);
		}
	}
	putc_unlocked('"', out);
}

/* The length of r as a text line, without its newline. */
static size_t text_length(const struct rec *r)
{
	size_t n = r->n ? r->n - 1 : 0; /* the spaces */

	for (size_t i = 0; i < r->n; i++)
		n += strlen(r->f[i].key) + 1 + strlen(r->f[i].val);
	return n;
}

bool rec_has_room(const struct rec *r, const struct rec_add *adds, size_t n)
{
	size_t fields = r->n, len = text_length(r);

	for (size_t i = 0; i < n; i++) {
		const char *now = rec_get(r, adds[i].key);

		if (now) {
			if (adds[i].max_len > strlen(now))
				len += adds[i].max_len - strlen(now);
			continue;
		}
		fields++;
		len += (fields > 1) + strlen(adds[i].key) + 1 + adds[i].max_len;
	}
	return fields <= REC_FIELDS_MAX && len <= REC_LINE_MAX;
}

int rec_write(FILE *out, const struct rec *r, enum rec_format fmt)
{
	if (r->lost)
		return -EINVAL;
	/* What the next program could not read is not written. */
	if (text_length(r) > REC_LINE_MAX)
		return -E2BIG;
	for (size_t i = 0; i < r->n && fmt == REC_TEXT; i++)
		if (!kv_value_ok(r->f[i].val))
			return -EINVAL; /* rec_set_raw()'s, for JSON only */
	if (fmt == REC_JSON)
		putc_unlocked('{', out);
	for (size_t i = 0; i < r->n; i++) {
		if (fmt == REC_JSON) {
			if (i)
				putc_unlocked(',', out);
			write_json_string(out, r->f[i].key);
			putc_unlocked(':', out);
			write_json_string(out, r->f[i].val);
		} else {
			fprintf(out, "%s%s=%s", i ? " " : "", r->f[i].key,
				r->f[i].val);
		}
	}
	if (fmt == REC_JSON)
		putc_unlocked('}', out);
	putc_unlocked('\n', out);
	if (fflush(out) != 0 || ferror(out))
		return errno ? -errno : -EIO;
	return 0;
}

bool rec_stdin_has_records(void)
{
	struct stat st;

	if (fstat(0, &st) != 0)
		return false;
	return S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) ||
	       S_ISREG(st.st_mode);
}
