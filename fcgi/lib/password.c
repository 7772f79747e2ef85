#include "password.h"

#include <argon2.h>
#include <errno.h>
#include <fcntl.h>
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

/*
 * Takes one of the slot_count hashing slots of this host, waiting at most
 * slot_wait_ms.  A login looks for a free slot only while it holds the
 * waiting-room lock: a newcomer therefore never takes a slot ahead of a
 * login already waiting, and a slot freed is taken within a millisecond.
 * Locks die with their process: a crashed worker never keeps one.
 */
int
password_slot_acquire(void)
{
	struct timespec pause = { 0, 1000 * 1000 };
	char name[64];
	long waited = 0;
	int i, fd, room;

	if (slot_dir == NULL || slot_fd >= 0)
		return 0;
	if ((room = lock_open("argon2-queue.lock")) < 0)
		return 0;
	while (flock(room, LOCK_EX | LOCK_NB) != 0) {
		if (waited >= slot_wait_ms) {
			close(room);
			return -1;
		}
		nanosleep(&pause, NULL);
		waited++;
	}
	for (;;) {
		for (i = 0; i < slot_count; i++) {
			snprintf(name, sizeof(name), "argon2-slot-%d.lock", i);
			if ((fd = lock_open(name)) < 0) {
				close(room);
				return 0;
			}
			if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
				slot_fd = fd;
				close(room);	/* releases the waiting room */
				return 0;
			}
			close(fd);
		}
		if (waited >= slot_wait_ms) {
			close(room);
			return -1;
		}
		nanosleep(&pause, NULL);
		waited++;
	}
}

void
password_slot_release(void)
{
	if (slot_fd < 0)
		return;
	flock(slot_fd, LOCK_UN);
	close(slot_fd);
	slot_fd = -1;
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
