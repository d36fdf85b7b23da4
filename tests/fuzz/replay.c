// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * replay.c - run a libFuzzer target over files, without libFuzzer.
 *
 * Copyright (C) 2026 The podwire developers
 *
 * Linked with one tests/fuzz/fuzz_*.c into build/tests/fuzz_*-replay, so
 * that the seed corpus is a regression test of the plain and sanitizer
 * builds:
 *
 *   fuzz_rec-replay tests/fuzz/corpus/fuzz_rec [FILE...]
 *
 * Each argument is a file or a directory whose regular files are read in
 * byte order of their names.  Every file is passed whole, in a buffer of
 * exactly its size, to LLVMFuzzerTestOneInput(), and gets a TAP line
 * ("ok N - fuzz_rec: PATH"); a target that finds a bug aborts.  A file
 * that cannot be read is "not ok" and the exit status is 1.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count, failed;
static char target[64];

/* The target's name: the program name without "-replay". */
static void set_target(const char *argv0)
{
	const char *base = strrchr(argv0, '/');
	char *dash;

	snprintf(target, sizeof(target), "%s", base ? base + 1 : argv0);
	dash = strstr(target, "-replay");
	if (dash)
		*dash = '\0';
}

static void result(const char *path, const char *err)
{
	count++;
	if (err) {
		failed++;
		printf("not ok %d - %s: %s: %s\n", count, target, path, err);
	} else {
		printf("ok %d - %s: %s\n", count, target, path);
	}
	fflush(stdout);
}

/* Read the whole file into a buffer of exactly its size. */
static int read_file(const char *path, uint8_t **out, size_t *size)
{
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n;

		if (len == cap) {
			uint8_t *p;

			cap = cap ? cap * 2 : 4096;
			p = realloc(buf, cap);
			if (!p) {
				free(buf);
				close(fd);
				return -ENOMEM;
			}
			buf = p;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = -errno;

			free(buf);
			close(fd);
			return err;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	/* Exactly len bytes, so a read past the end is caught by ASan. */
	*out = malloc(len ? len : 1);
	if (!*out) {
		free(buf);
		return -ENOMEM;
	}
	if (len)
		memcpy(*out, buf, len);
	free(buf);
	*size = len;
	return 0;
}

static void run_file(const char *path)
{
	uint8_t *data = NULL;
	size_t size = 0;
	int err = read_file(path, &data, &size);

	if (err) {
		result(path, strerror(-err));
		return;
	}
	LLVMFuzzerTestOneInput(data, size);
	free(data);
	result(path, NULL);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_dir(const char *arg)
{
	char dir[4096];
	size_t dlen = (size_t)snprintf(dir, sizeof(dir), "%s", arg);
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;

	/* "corpus/fuzz_rec/" names its files "corpus/fuzz_rec/NAME". */
	while (dlen > 1 && dlen < sizeof(dir) && dir[dlen - 1] == '/')
		dir[--dlen] = '\0';
	d = opendir(dir);
	if (!d) {
		result(dir, strerror(errno));
		return;
	}
	while ((de = readdir(d))) {
		char path[4096];
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				     de->d_name) >= sizeof(path) ||
		    stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (n == cap) {
			char **p;

			cap = cap ? cap * 2 : 32;
			p = realloc(names, cap * sizeof(*names));
			if (!p)
				abort();
			names = p;
		}
		names[n] = strdup(path);
		if (!names[n])
			abort();
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		run_file(names[i]);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	set_target(argv[0]);
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			run_dir(argv[i]);
		else
			run_file(argv[i]);
	}
	printf("1..%d\n", count);
	return failed ? 1 : 0;
}
