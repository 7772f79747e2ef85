/* Randomness, hashes and MACs from OpenSSL libcrypto. */
#ifndef PARVIS_CRYPTO_H
#define PARVIS_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>

#define CRYPTO_TOKEN_BYTES	32		/* 256-bit tokens */
#define CRYPTO_TOKEN_LEN	43		/* base64url, no padding */
#define CRYPTO_SHA256_HEX	64

/* Fills buf with n bytes from the OS CSPRNG; returns 0 or -1. */
int	 crypto_random(void *buf, size_t n);
/* Writes a fresh 256-bit token as base64url into out (at least 44 bytes);
 * returns 0 or -1. */
int	 crypto_token(char *out, size_t outlen);
/* Writes the lowercase hex SHA-256 of s into out (at least 65 bytes). */
void	 crypto_sha256_hex(const void *s, size_t n, char *out);
/* Writes HMAC-SHA256(key, msg) as lowercase hex into out (65 bytes). */
void	 crypto_hmac_hex(const char *key, const void *msg, size_t n, char *out);
/* Compares two strings in time independent of where they differ. */
bool	 crypto_equal(const char *a, const char *b);
/* Returns a uniformly drawn number of ndigits decimal digits (leading
 * zeros kept) in out (ndigits + 1 bytes); returns 0 or -1. */
int	 crypto_digits(char *out, size_t ndigits);
/* Returns true when s is exactly a token as crypto_token makes them. */
bool	 crypto_token_valid(const char *s);

#endif
