#include "crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdint.h>
#include <string.h>

static void
to_hex(const unsigned char *in, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[2 * n] = '\0';
}

int
crypto_random(void *buf, size_t n)
{
	return RAND_bytes(buf, (int)n) == 1 ? 0 : -1;
}

int
crypto_token(char *out, size_t outlen)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char raw[CRYPTO_TOKEN_BYTES + 1];
	size_t i, o = 0;

	if (outlen < CRYPTO_TOKEN_LEN + 1 || crypto_random(raw, CRYPTO_TOKEN_BYTES) != 0)
		return -1;
	raw[CRYPTO_TOKEN_BYTES] = 0;
	/* 32 bytes = 10 full groups of 3 and 2 bytes left: 43 characters. */
	for (i = 0; i + 3 <= CRYPTO_TOKEN_BYTES; i += 3) {
		uint32_t v = (uint32_t)raw[i] << 16 | (uint32_t)raw[i + 1] << 8 | raw[i + 2];

		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = b64[(v >> 6) & 63];
		out[o++] = b64[v & 63];
	}
	{
		uint32_t v = (uint32_t)raw[i] << 16 | (uint32_t)raw[i + 1] << 8;

		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = b64[(v >> 6) & 63];
	}
	out[o] = '\0';
	OPENSSL_cleanse(raw, sizeof(raw));
	return 0;
}

bool
crypto_token_valid(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		char c = s[i];

		if (i >= CRYPTO_TOKEN_LEN)
			return false;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return i == CRYPTO_TOKEN_LEN;
}

void
crypto_sha256_hex(const void *s, size_t n, char *out)
{
	unsigned char md[32];
	unsigned int mdlen = sizeof(md);

	EVP_Digest(s, n, md, &mdlen, EVP_sha256(), NULL);
	to_hex(md, 32, out);
}

void
crypto_hmac_hex(const char *key, const void *msg, size_t n, char *out)
{
	unsigned char md[32];
	unsigned int mdlen = sizeof(md);

	HMAC(EVP_sha256(), key, (int)strlen(key), msg, n, md, &mdlen);
	to_hex(md, 32, out);
}

bool
crypto_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la != lb)
		return false;
	return CRYPTO_memcmp(a, b, la) == 0;
}

int
crypto_digits(char *out, size_t ndigits)
{
	size_t i;

	for (i = 0; i < ndigits; i++) {
		unsigned char c;

		/* Rejection sampling: 250 is the largest multiple of 10
		 * below 256, so every digit is equally likely. */
		do {
			if (crypto_random(&c, 1) != 0)
				return -1;
		} while (c >= 250);
		out[i] = (char)('0' + c % 10);
	}
	out[ndigits] = '\0';
	return 0;
}
