/* zipin: members of a zip archive (a workbook) streamed out of it with minizip, a zip bomb refused
 * while inflating; the only module that sees minizip. */
#ifndef BP_ZIPIN_H
#define BP_ZIPIN_H
#include <stdbool.h>
#include <stddef.h>

/* A member inflating past ZIPIN_MAX_BYTES, or past ZIPIN_RATIO_FROM bytes at more than
 * ZIPIN_MAX_RATIO times its compressed size, is a zip bomb (data-contract.md). */
#define ZIPIN_MAX_BYTES (1000ull * 1000 * 1000)
#define ZIPIN_RATIO_FROM (100ull * 1000 * 1000)
#define ZIPIN_MAX_RATIO 100

struct zipin;

/* Opens path, whose name in messages is name; NULL after reporting (not a zip archive, cannot
 * be opened). */
struct zipin *zipin_open(const char *path, const char *name);
void zipin_close(struct zipin *z);

/* Whether the archive has member (its path, matched ignoring case; a leading '/' ignored). */
bool zipin_has(struct zipin *z, const char *member);

/* Called with each piece of a member's bytes in order; non-zero stops the reading. */
typedef int (*zipin_chunk_fn)(void *ctx, const char *buf, size_t n);

/*
 * Inflates member, calling fn for every piece and once more with n = 0 at its end. Returns 0,
 * fn's non-zero value, or -1 after reporting a missing or damaged member or a zip bomb.
 */
int zipin_read(struct zipin *z, const char *member, zipin_chunk_fn fn, void *ctx);

/* Other limits for this archive than the defaults above (0: the default). */
void zipin_set_limits(struct zipin *z, unsigned long long max_bytes, unsigned long long ratio_from);

#endif
