/*
 * Unit tests for the host-wide cap on concurrent Argon2id hashes
 * (password_slot_acquire in fcgi/lib/password.c): a free slot is taken at
 * once, a busy host answers -1 after argon2_wait_ms, a slot freed while
 * waiting is taken, and a login already waiting keeps its turn (a newcomer
 * never takes a slot while another holds the waiting room); the waiter
 * blocks, takes a freed slot, also a slot other than the one it blocks
 * on, and leaves no timer or signal handler behind.  Other
 * processes hold the locks, as other workers would.
 */
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "password.h"

static char dir[] = "/tmp/parvis-slot-XXXXXX";

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
}

/* A child process holding lock file name for hold_ms (forever if < 0);
 * returns its pid once it holds it. */
static pid_t
hold(const char *name, int hold_ms)
{
	int pfd[2];
	pid_t pid;
	char c;

	ck_assert_int_eq(pipe(pfd), 0);
	if ((pid = fork()) == 0) {
		char path[512];
		int fd;

		snprintf(path, sizeof(path), "%s/%s", dir, name);
		fd = open(path, O_RDWR | O_CREAT, 0600);
		if (fd < 0 || flock(fd, LOCK_EX) != 0)
			_exit(1);
		(void)write(pfd[1], "x", 1);
		if (hold_ms < 0)
			pause();
		usleep((useconds_t)hold_ms * 1000);
		_exit(0);
	}
	close(pfd[1]);
	ck_assert_int_eq(read(pfd[0], &c, 1), 1);
	close(pfd[0]);
	return pid;
}

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	config_set("argon2_lock_dir", dir);
	config_set("argon2_max_concurrent", "1");
	config_set("argon2_wait_ms", "60");
	password_cost_from_config();
}

static void
teardown(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	(void)system(cmd);
	memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
	config_free();
}

START_TEST(test_free_slot)
{
	double t0 = now_ms();

	ck_assert_int_eq(password_slot_acquire(), 0);
	ck_assert(now_ms() - t0 < 20);
	/* Held: a second acquire in the same process keeps it. */
	ck_assert_int_eq(password_slot_acquire(), 0);
	password_slot_release();
	ck_assert_int_eq(password_slot_acquire(), 0);
	password_slot_release();
}
END_TEST

START_TEST(test_busy_host)
{
	pid_t pid = hold("argon2-slot-0.lock", -1);
	double t0 = now_ms(), waited;

	ck_assert_int_eq(password_slot_acquire(), -1);
	waited = now_ms() - t0;
	ck_assert_msg(waited >= 55, "gave up after %.1f ms", waited);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	/* The lock died with its holder. */
	ck_assert_int_eq(password_slot_acquire(), 0);
	password_slot_release();
}
END_TEST

START_TEST(test_slot_freed_while_waiting)
{
	pid_t pid;

	/* A wait long enough for "freed after 20 ms" on a loaded machine
	 * (the deadline is real time). */
	config_set("argon2_wait_ms", "2000");
	password_cost_from_config();
	pid = hold("argon2-slot-0.lock", 20);

	ck_assert_int_eq(password_slot_acquire(), 0);
	password_slot_release();
	waitpid(pid, NULL, 0);
}
END_TEST

START_TEST(test_waiting_room)
{
	/* The slot is free, but another login is waiting (it holds the
	 * room): this newcomer does not take the slot ahead of it. */
	pid_t pid = hold("argon2-queue.lock", -1);

	ck_assert_int_eq(password_slot_acquire(), -1);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	ck_assert_int_eq(password_slot_acquire(), 0);
	password_slot_release();
	/* The room is free again once a slot is taken. */
	pid = hold("argon2-queue.lock", 10);
	waitpid(pid, NULL, 0);
}
END_TEST

/* Table: which slot the waiter blocks on (its pid modulo the count) is
 * busy for good or freed; the other slot is freed after 20 ms or busy. */
static const struct {
	int	 own_ms;	/* hold of slot getpid() % 2, -1: forever */
	int	 other_ms;	/* hold of the other slot */
	int	 want;		/* password_slot_acquire's answer */
} two_slots[] = {
	{ -1, 20, 0 },		/* the other slot frees: taken */
	{ 20, -1, 0 },		/* the slot waited on frees: taken */
	{ -1, -1, -1 },		/* none frees: -1 after the wait */
};

START_TEST(test_two_slots)
{
	char own[64], other[64];
	pid_t a, b;
	struct itimerval it;
	struct sigaction before, after;
	bool alarm_set;

	/* A long wait: "freed after 20 ms" must happen within it even on a
	 * loaded machine. */
	config_set("argon2_max_concurrent", "2");
	config_set("argon2_wait_ms", two_slots[_i].want == 0 ? "2000" : "60");
	password_cost_from_config();
	snprintf(own, sizeof(own), "argon2-slot-%d.lock", (int)(getpid() % 2));
	snprintf(other, sizeof(other), "argon2-slot-%d.lock", (int)(1 - getpid() % 2));
	a = hold(own, two_slots[_i].own_ms);
	b = hold(other, two_slots[_i].other_ms);
	ck_assert_int_eq(getitimer(ITIMER_REAL, &it), 0);
	alarm_set = it.it_value.tv_sec != 0 || it.it_value.tv_usec != 0;
	ck_assert_int_eq(sigaction(SIGRTMIN + 3, NULL, &before), 0);
	ck_assert_int_eq(password_slot_acquire(), two_slots[_i].want);
	password_slot_release();
	/* Its timer is its own (an alarm(2) set by others still runs) and
	 * the signal's handler is back to what it was. */
	ck_assert_int_eq(getitimer(ITIMER_REAL, &it), 0);
	ck_assert(alarm_set == (it.it_value.tv_sec != 0 || it.it_value.tv_usec != 0));
	ck_assert_int_eq(sigaction(SIGRTMIN + 3, NULL, &after), 0);
	ck_assert(before.sa_handler == after.sa_handler);
	kill(a, SIGKILL);
	kill(b, SIGKILL);
	waitpid(a, NULL, 0);
	waitpid(b, NULL, 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("password_slot");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_free_slot);
	tcase_add_test(tc, test_busy_host);
	tcase_add_test(tc, test_slot_freed_while_waiting);
	tcase_add_test(tc, test_waiting_room);
	tcase_add_loop_test(tc, test_two_slots, 0,
	    (int)(sizeof(two_slots) / sizeof(two_slots[0])));
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
