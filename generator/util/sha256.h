/* sha256: SHA-256 (FIPS 180-4) of a file, for the manifest that lists every output. */
#ifndef BP_SHA256_H
#define BP_SHA256_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;
	unsigned char block[64];
	size_t used;
	/* Set by sha256_init: false where the CPU has the SHA extensions (x86-64), which are then
	 * used. A caller may set it after sha256_init to use the portable code (the tests do). */
	bool portable;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
/* Writes the digest as 64 lowercase hexadecimal digits and a NUL into hex. */
void sha256_final(struct sha256 *s, char hex[65]);
/* The digest of the file at path into hex, and its size; returns 0, or -1 with errno set. */
int sha256_file(const char *path, char hex[65], uint64_t *size);
/* The same for the open file fd, read from its start (its offset is left unchanged). */
int sha256_fd(int fd, char hex[65], uint64_t *size);

#endif
