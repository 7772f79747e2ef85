#include "password.h"

#include <argon2.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "crypto.h"
#include "log.h"

#define SALT_LEN	16
#define HASH_LEN	32

struct password_cost password_cost = { 2, 19456, 1 };

void
password_cost_from_config(void)
{
	password_cost.t_cost = (unsigned)config_int("argon2_t_cost", 2, 2, 100);
	password_cost.m_cost_kib = (unsigned)config_int("argon2_m_cost_kib",
	    19456, 19456, 4194304);
	password_cost.parallelism = (unsigned)config_int("argon2_parallelism",
	    1, 1, 64);
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
