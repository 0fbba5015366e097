/* sha256: SHA-256 (FIPS 180-4) of a file, for the manifest that lists every output. */
#ifndef BP_SHA256_H
#define BP_SHA256_H
#include <pthread.h>
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

/*
 * The digest of a file that another thread is writing from its start, in order, worked out on
 * a thread of its own as the writing goes: the writer tells it how far the file is written
 * (sha256_follow_written), and the digest is ready soon after the last byte instead of taking a
 * reading of the whole file then. It reads the file back through fd (pread, which leaves the
 * writer's offset alone).
 */
struct sha256_follow {
	int fd;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint64_t written; /* what the writer has written so far */
	bool done;        /* the writer has finished */
	bool failed;      /* a read failed: the digest is not known */
	struct sha256 s;
	pthread_t thread;
};
/* A file's digest as a writer may hand it on (known: hex and bytes are set). */
struct sha256_digest {
	bool known;
	char hex[65];
	uint64_t bytes;
};

/* Starts following fd; returns 0, or -1 when no thread could be made (nothing to end then). */
int sha256_follow_start(struct sha256_follow *f, int fd);
/* The file is written up to byte `written` (never less than told before). */
void sha256_follow_written(struct sha256_follow *f, uint64_t written);
/* The writing is over: waits for the digest of the bytes told of; returns 0 with hex and size
 * set, or -1 when a read failed. */
int sha256_follow_end(struct sha256_follow *f, char hex[65], uint64_t *size);

#endif
