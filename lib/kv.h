/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kv.h - the key=value text podwire writes everywhere: the records of its
 * pipes, the marks on its interfaces and nftables rules, its lease files.
 *
 * Copyright (C) 2026 The podwire developers
 *
 *   netns=pod1 ifname=eth0 created=1763780000
 *
 * Words are separated by spaces or tabs.  A key is 1..KV_KEY_MAX bytes of
 * [a-z0-9_]; a value is one or more bytes of printable ASCII other than
 * the space; a key appears at most once.  One grammar for all of them, so
 * a mark read back is held to the rules a record is.
 */
#ifndef PODWIRE_KV_H
#define PODWIRE_KV_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

#define KV_KEY_MAX 32
#define KV_WORDS_MAX 64

struct kv_word {
	const char *key; /* points into the text split, not NUL-ended */
	size_t key_len;
	const char *val;
	size_t val_len;
};

struct kv {
	struct kv_word w[KV_WORDS_MAX];
	size_t n;
};

bool kv_key_ok(const char *key, size_t len);
/* A byte a value may hold: printable ASCII, not the space. */
bool kv_value_byte(unsigned char c);
bool kv_value_ok(const char *val);
/* The separators between words. */
static inline bool kv_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Split len bytes of text into its words; the words point into text.
 * Blanks around the words and a trailing carriage return are dropped.
 * false with the reason in why ("has a field with an empty value" ...)
 * when the text is not a whole list of key=value words.
 */
bool kv_split(const char *text, size_t len, struct kv *kv, struct pw_why *why);

/* The word of key, or NULL. */
const struct kv_word *kv_find(const struct kv *kv, const char *key);

/*
 * Copy the value of key into dst: 0, -ENOENT when there is no such key
 * (dst is then ""), -ENAMETOOLONG when it does not fit.
 */
int kv_copy(const struct kv *kv, const char *key, char *dst, size_t size);

#endif
