/* Argon2id password (and secret answer) hashing, stored as the encoded
 * string so costs can be raised later: a hash made with lower costs than
 * the configured ones is re-made at the next successful login. */
#ifndef PARVIS_PASSWORD_H
#define PARVIS_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

struct password_cost {
	unsigned	t_cost;		/* iterations, >= 2 */
	unsigned	m_cost_kib;	/* memory, >= 19456 (19 MiB) */
	unsigned	parallelism;	/* lanes, >= 1 */
};

/* The configured costs (password_cost_from_config) or OWASP's minimum. */
extern struct password_cost password_cost;

/* Reads argon2_t_cost, argon2_m_cost_kib, argon2_parallelism, refusing
 * values below OWASP's minimum (m=19 MiB, t=2, p=1), and the cap on
 * hashes computed at once on this host: argon2_max_concurrent (default:
 * cores - 1, at least 1) slots, as lock files in argon2_lock_dir (unset:
 * no cap).  The cap keeps a core for every other page during a login
 * flood. */
void	 password_cost_from_config(void);
/* The slot a hash runs in: returns 0 with a slot held, or -1 when none
 * frees up within argon2_wait_ms, or within twice the time the worker's
 * last hash took when longer (the caller answers 503). */
int	 password_slot_acquire(void);
void	 password_slot_release(void);

/* Hashes pw into out (an encoded "$argon2id$v=19$m=...,t=...,p=...$salt$hash"
 * string, outlen >= 128); returns 0 or -1. */
int	 password_hash(const char *pw, char *out, size_t outlen);
/* Returns true when pw matches the encoded hash. */
bool	 password_verify(const char *encoded, const char *pw);
/* Returns true when the encoded hash was made with costs below the
 * configured ones (or is not Argon2id): re-hash after a good login. */
bool	 password_needs_rehash(const char *encoded);
/* Hashes a throw-away password so a login for an unknown account costs
 * the same time as a real one (no user enumeration by timing). */
void	 password_dummy_verify(const char *pw);

#endif
