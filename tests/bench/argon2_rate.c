/*
 * The raw Argon2id rate of this machine: P processes hashing in parallel
 * with the given costs for a fixed time; prints hashes per second.
 *   argon2_rate T_COST M_COST_KIB PARALLELISM PROCESSES SECONDS
 */
#include <argon2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	unsigned t, m, p;
	int procs, i, fds[2];
	double secs, start;
	long total = 0, n;

	if (argc != 6) {
		fprintf(stderr, "usage: argon2_rate T M P PROCESSES SECONDS\n");
		return 2;
	}
	t = (unsigned)strtoul(argv[1], NULL, 10);
	m = (unsigned)strtoul(argv[2], NULL, 10);
	p = (unsigned)strtoul(argv[3], NULL, 10);
	procs = (int)strtol(argv[4], NULL, 10);
	secs = strtod(argv[5], NULL);
	if (t < 1 || m < 8 || p < 1 || procs < 1 || procs > 64 || secs <= 0 ||
	    pipe(fds) != 0)
		return 2;
	start = now();
	for (i = 0; i < procs; i++) {
		if (fork() == 0) {
			unsigned char salt[16] = "parvis-bench-slt";
			char out[256];

			n = 0;
			while (now() - start < secs) {
				if (argon2id_hash_encoded(t, m, p, "Bench-Password-1", 16,
				    salt, sizeof(salt), 32, out, sizeof(out)) != ARGON2_OK)
					_exit(1);
				n++;
			}
			if (write(fds[1], &n, sizeof(n)) != sizeof(n))
				_exit(1);
			_exit(0);
		}
	}
	for (i = 0; i < procs; i++) {
		if (read(fds[0], &n, sizeof(n)) == sizeof(n))
			total += n;
		wait(NULL);
	}
	printf("%.1f\n", (double)total / (now() - start));
	return 0;
}
