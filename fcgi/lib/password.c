#include "password.h"

#include <argon2.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "crypto.h"
#include "log.h"

#define SALT_LEN	16
#define HASH_LEN	32

struct password_cost password_cost = { 2, 19456, 1 };

static const char	*slot_dir;	/* NULL: no cap */
static int		 slot_count;
static long		 slot_wait_ms;
static int		 slot_fd = -1;	/* the slot held, if any */
static double		 slot_asked, slot_taken, slot_cpu;	/* for the log */
static double		 slot_last_held;	/* ms, this worker's last hash */

static double
clock_ms(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Opens the lock file name in slot_dir; -1 (logged) when it cannot. */
static int
lock_open(const char *name)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", slot_dir, name);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
		log_error("argon2 lock %s: %s; running without the cap", path,
		    strerror(errno));
	return fd;
}

/* The signal of the timer that interrupts a blocked flock(2) (a POSIX
 * timer of its own: alarm(2) and ITIMER_REAL stay free for others); it
 * only has to arrive, without SA_RESTART. */
#define TICK_SIGNAL	(SIGRTMIN + 3)
#ifndef sigev_notify_thread_id	/* glibc < 2.41 does not name it */
#define sigev_notify_thread_id	_sigev_un._tid
#endif

static void
on_tick(int sig)
{
	(void)sig;
}

/* Tries every slot without waiting; returns the locked descriptor, -1 when
 * all are busy, -2 when a lock file cannot be opened (logged). */
static int
slot_try(void)
{
	char name[64];
	int i, fd;

	for (i = 0; i < slot_count; i++) {
		snprintf(name, sizeof(name), "argon2-slot-%d.lock", i);
		if ((fd = lock_open(name)) < 0)
			return -2;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return fd;
		close(fd);
	}
	return -1;
}

/*
 * Takes one of the slot_count hashing slots of this host, waiting at most
 * slot_wait_ms, or twice the time this worker's last hash held its slot
 * when that is longer (a loaded host: a login then waits for the hash
 * ahead of it instead of failing).  A login looks for a free slot only
 * while it holds the waiting-room lock: a newcomer therefore never takes
 * a slot ahead of a login already waiting.  The waiter blocks in flock(2)
 * (on the room, then on one slot) so that a lock freed is taken at once;
 * a 1 ms interval timer interrupts it to look at the other slots and at
 * the deadline (without a timer, it falls back to polling every ms).  With
 * a single slot there is nothing else to look at: the timer first fires at
 * the deadline, and a waiter sleeps until the slot is freed or its time is
 * up instead of waking a thousand times a second on the core the hash
 * leaves to everything else.
 * Locks die with their process: a crashed worker never keeps one.
 */
int
password_slot_acquire(void)
{
	struct itimerspec tick = { { 0, 1000 * 1000 }, { 0, 1000 * 1000 } };
	struct timespec pause = { 0, 1000 * 1000 };
	struct sigaction sa, old;
	struct sigevent ev;
	timer_t timer;
	char name[64];
	double deadline;
	int fd, room, got = -1, timing = 0, in_room = 0;

	if (slot_dir == NULL || slot_fd >= 0)
		return 0;
	slot_asked = clock_ms(CLOCK_MONOTONIC);
	/* A loaded host hashes slower: wait for two hashes at least. */
	deadline = slot_asked + (2 * slot_last_held > (double)slot_wait_ms ?
	    2 * slot_last_held : (double)slot_wait_ms);
	if ((room = lock_open("argon2-queue.lock")) < 0)
		return 0;
	for (;;) {
		if (!in_room)
			in_room = flock(room, LOCK_EX | LOCK_NB) == 0;
		if (in_room && (got = slot_try()) != -1)
			break;
		if (clock_ms(CLOCK_MONOTONIC) >= deadline)
			break;
		if (timing == 0) {
			memset(&sa, 0, sizeof(sa));
			sa.sa_handler = on_tick;	/* no SA_RESTART */
			sigemptyset(&sa.sa_mask);
			memset(&ev, 0, sizeof(ev));
			/* To this thread only: a tick can never be left
			 * pending on another thread once the handler is
			 * restored. */
			ev.sigev_notify = SIGEV_SIGNAL | SIGEV_THREAD_ID;
			ev.sigev_signo = TICK_SIGNAL;
			ev.sigev_notify_thread_id = gettid();
			if (slot_count == 1) {
				double left = deadline - clock_ms(CLOCK_MONOTONIC);

				/* Then every ms: a tick that lands between
				 * two flock calls is not lost for long. */
				if (left < 1)
					left = 1;
				tick.it_value.tv_sec = (time_t)(left / 1000);
				tick.it_value.tv_nsec = (long)((left -
				    (double)tick.it_value.tv_sec * 1000) * 1e6);
			}
			timing = -1;
			if (sigaction(TICK_SIGNAL, &sa, &old) == 0) {
				if (timer_create(CLOCK_MONOTONIC, &ev, &timer) == 0 &&
				    timer_settime(timer, 0, &tick, NULL) == 0)
					timing = 1;
				else
					sigaction(TICK_SIGNAL, &old, NULL);
			}
		}
		if (timing < 0) {
			nanosleep(&pause, NULL);
			continue;
		}
		if (!in_room) {
			in_room = flock(room, LOCK_EX) == 0;
			continue;
		}
		/* In the room: wait on one slot (spread by pid). */
		snprintf(name, sizeof(name), "argon2-slot-%d.lock",
		    (int)(getpid() % slot_count));
		if ((fd = lock_open(name)) < 0) {
			got = -2;
			break;
		}
		if (flock(fd, LOCK_EX) == 0) {
			got = fd;
			break;
		}
		close(fd);
	}
	if (timing > 0) {
		/* A tick already due is delivered before timer_delete
		 * returns, while the handler is still ours. */
		timer_delete(timer);
		sigaction(TICK_SIGNAL, &old, NULL);
	}
	close(room);	/* releases the waiting room */
	if (got == -2)
		return 0;	/* no lock file: run without the cap (logged) */
	if (got < 0)
		return -1;
	slot_fd = got;
	slot_taken = clock_ms(CLOCK_MONOTONIC);
	slot_cpu = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
	return 0;
}

void
password_slot_release(void)
{
	if (slot_fd < 0)
		return;
	slot_last_held = clock_ms(CLOCK_MONOTONIC) - slot_taken;
	flock(slot_fd, LOCK_UN);
	close(slot_fd);
	slot_fd = -1;
	if (slot_last_held > 10000)
		slot_last_held = 10000;
	log_debug("argon2 slot: taken at %.3f, waited %.2f ms, held %.2f ms "
	    "(%.2f ms of CPU)", slot_taken, slot_taken - slot_asked,
	    slot_last_held, clock_ms(CLOCK_PROCESS_CPUTIME_ID) - slot_cpu);
}

void
password_cost_from_config(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	password_cost.t_cost = (unsigned)config_int("argon2_t_cost", 2, 2, 100);
	password_cost.m_cost_kib = (unsigned)config_int("argon2_m_cost_kib",
	    19456, 19456, 4194304);
	password_cost.parallelism = (unsigned)config_int("argon2_parallelism",
	    1, 1, 64);
	slot_dir = config_str("argon2_lock_dir", NULL);
	if (slot_dir != NULL && *slot_dir == '\0')
		slot_dir = NULL;
	slot_count = (int)config_int("argon2_max_concurrent",
	    cores > 1 ? cores - 1 : 1, 1, 1024);
	slot_wait_ms = (long)config_int("argon2_wait_ms", 50, 0, 60000);
}

int
password_hash(const char *pw, char *out, size_t outlen)
{
	unsigned char salt[SALT_LEN];
	int rc;

	if (crypto_random(salt, sizeof(salt)) != 0)
		return -1;
	rc = argon2id_hash_encoded(password_cost.t_cost, password_cost.m_cost_kib,
	    password_cost.parallelism, pw, strlen(pw), salt, sizeof(salt),
	    HASH_LEN, out, outlen);
	if (rc != ARGON2_OK) {
		log_error("argon2: %s", argon2_error_message(rc));
		return -1;
	}
	return 0;
}

bool
password_verify(const char *encoded, const char *pw)
{
	if (encoded == NULL || strncmp(encoded, "$argon2id$", 10) != 0)
		return false;
	return argon2id_verify(encoded, pw, strlen(pw)) == ARGON2_OK;
}

bool
password_needs_rehash(const char *encoded)
{
	unsigned v, m, t, p;

	if (encoded == NULL ||
	    sscanf(encoded, "$argon2id$v=%u$m=%u,t=%u,p=%u$", &v, &m, &t, &p) != 4)
		return true;
	return v != ARGON2_VERSION_13 || m < password_cost.m_cost_kib ||
	    t < password_cost.t_cost || p < password_cost.parallelism;
}

void
password_dummy_verify(const char *pw)
{
	static char dummy[160];

	if (dummy[0] == '\0' && password_hash("parvis-dummy-password",
	    dummy, sizeof(dummy)) != 0)
		return;
	(void)password_verify(dummy, pw);
}
