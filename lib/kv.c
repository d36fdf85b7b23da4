// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kv.c - the key=value text of records, marks and lease files.
 *
 * Copyright (C) 2026 The podwire developers
 */
#include <errno.h>
#include <string.h>

#include "kv.h"

bool kv_key_ok(const char *key, size_t len)
{
	if (len == 0 || len > KV_KEY_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = key[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return false;
	}
	return true;
}

bool kv_value_byte(unsigned char c)
{
	return c > 0x20 && c < 0x7f;
}

bool kv_value_ok(const char *val)
{
	if (!*val)
		return false;
	for (; *val; val++)
		if (!kv_value_byte((unsigned char)*val))
			return false;
	return true;
}

static const struct kv_word *find_n(const struct kv *kv, const char *key,
				    size_t len)
{
	for (size_t i = 0; i < kv->n; i++)
		if (kv->w[i].key_len == len && !memcmp(kv->w[i].key, key, len))
			return &kv->w[i];
	return NULL;
}

const struct kv_word *kv_find(const struct kv *kv, const char *key)
{
	return find_n(kv, key, strlen(key));
}

/* One word of len bytes, appended to kv. */
static bool add_word(const char *word, size_t len, struct kv *kv,
		     struct pw_why *why)
{
	const char *eq = memchr(word, '=', len);
	struct kv_word *w;
	size_t klen;

	if (!eq)
		return pw_why_not(why, "has a field without '=' (write "
				       "key=value)");
	klen = (size_t)(eq - word);
	if (klen == 0)
		return pw_why_not(why, "has a field with an empty key");
	if (eq + 1 == word + len)
		return pw_why_not(why, "has a field with an empty value");
	if (!kv_key_ok(word, klen))
		return pw_why_not(why, "has a key that is not [a-z0-9_]+ of "
				       "at most 32 bytes");
	if (find_n(kv, word, klen))
		return pw_why_not(why, "has the key '%.*s' twice", (int)klen,
				  word);
	if (kv->n == KV_WORDS_MAX)
		return pw_why_not(why, "has more than 64 fields");
	w = &kv->w[kv->n++];
	w->key = word;
	w->key_len = klen;
	w->val = eq + 1;
	w->val_len = len - klen - 1;
	return true;
}

bool kv_split(const char *text, size_t len, struct kv *kv, struct pw_why *why)
{
	size_t i = 0;

	kv->n = 0;
	while (len && (text[len - 1] == '\r' || kv_blank(text[len - 1])))
		len--;
	for (size_t j = 0; j < len; j++) {
		unsigned char c = (unsigned char)text[j];

		if (!kv_value_byte(c) && !kv_blank((char)c))
			return pw_why_not(why, "contains the byte 0x%02x", c);
	}
	while (i < len) {
		size_t start;

		while (i < len && kv_blank(text[i]))
			i++;
		start = i;
		while (i < len && !kv_blank(text[i]))
			i++;
		if (i > start && !add_word(text + start, i - start, kv, why)) {
			kv->n = 0;
			return false;
		}
	}
	return true;
}

int kv_copy(const struct kv *kv, const char *key, char *dst, size_t size)
{
	const struct kv_word *w = kv_find(kv, key);

	if (size)
		dst[0] = '\0';
	if (!w)
		return -ENOENT;
	if (w->val_len >= size)
		return -ENAMETOOLONG;
	memcpy(dst, w->val, w->val_len);
	dst[w->val_len] = '\0';
	return 0;
}
