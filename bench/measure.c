// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * measure - run a command; write its wall time, the peak resident set of
 * the largest process it made, and the CPU time of all it made.
 *
 * Copyright (C) 2026 The podwire developers
 *
 *   measure FILE CMD [ARGS...]
 *
 * Appends "SECONDS MAXRSS_KIB USER_SECONDS SYS_SECONDS" to FILE and exits
 * with CMD's status.  getrusage(RUSAGE_CHILDREN).ru_maxrss is the largest
 * resident set among all the descendants waited for: for a pipeline
 * stage, the stage itself.  ru_utime and ru_stime are the sums over the
 * same descendants: for one program run alone, that program's own CPU
 * time, in user space and in the kernel on its behalf.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	int status;
	pid_t pid;
	FILE *out;

	if (argc < 3) {
		fprintf(stderr, "usage: measure FILE CMD [ARGS...]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("measure: fork");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "measure: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	getrusage(RUSAGE_CHILDREN, &ru);
	out = fopen(argv[1], "a");
	if (out) {
		fprintf(out, "%.6f %ld %.6f %.6f\n",
			(double)(t1.tv_sec - t0.tv_sec) +
				(double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
			ru.ru_maxrss,
			(double)ru.ru_utime.tv_sec +
				(double)ru.ru_utime.tv_usec / 1e6,
			(double)ru.ru_stime.tv_sec +
				(double)ru.ru_stime.tv_usec / 1e6);
		fclose(out);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
