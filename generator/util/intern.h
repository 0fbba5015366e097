/* intern: each distinct string stored once and named by a small number. */
#ifndef BP_INTERN_H
#define BP_INTERN_H
#include <stddef.h>
#include <stdint.h>

/* Symbol 0 is the empty string, "none": a blank optional field. */
typedef uint32_t sym;

struct intern;

struct intern *intern_new(void);
void intern_free(struct intern *t);
/* The symbol of s[0..n), adding it when new; new symbols are numbered 1, 2, 3… in order of first
 * sight. */
sym intern_add(struct intern *t, const char *s, size_t n);
/* The same, given h = intern_hash(s, n) (worked out elsewhere, as in a parser's thread). */
sym intern_add_hashed(struct intern *t, const char *s, size_t n, uint32_t h);
/*
 * Makes room for n strings in all, so that t grows no more (rehashing its slots) until it holds
 * them: for a caller that can tell how many it will hold. Never shrinks t; symbols unchanged.
 */
void intern_reserve(struct intern *t, size_t n);
/* How many strings t holds before it next grows. */
size_t intern_room(const struct intern *t);
/*
 * Sizing t for a whole file while it is read, from looks at lines further and further apart
 * (2^15, 2^16, 2^17…): the strings t gained per line since the last look are compared with
 * those of the stretch before. Within 5 % of each other (a log in time order, whose cases start
 * all through it), the rest of the file (its lines estimated from the bytes read so far,
 * read_to of size) is expected to bring strings at that rate, and t is made that large at once
 * (intern_reserve) instead of doubling, and rehashing every string, on the way. Strings that
 * dry up (a shuffled log's cases, a few customers' ids) show a falling rate, and t is left to
 * double. Zeroed: no look yet. Returns the strings reserved for, 0 when none; only t's size
 * depends on it.
 */
struct intern_watch {
	size_t line[2], count[2]; /* the last two looks, the latest second */
	int looks;
};
size_t intern_watch_look(struct intern_watch *w, struct intern *t, size_t line, size_t read_to,
                         size_t size);
/* The symbol of s[0..n), or 0 when absent. */
sym intern_find(const struct intern *t, const char *s, size_t n);
/* The hash the tables use, for small sets of strings kept beside them. */
uint32_t intern_hash(const char *s, size_t n);
/*
 * Brings into the cache what intern_add or intern_find of s[0..n) (hash h = intern_hash(s, n))
 * will read, in steps a few rows apart: step 0 the table's slot, step 1 (once the slot is in the
 * cache) the string's record it names; step 2 (once that is too) returns the symbol the string
 * most likely has (the first of hash h: a guess, for fetching what goes with it), 0 when none.
 * Changes nothing; for reading rows ahead.
 */
sym intern_prefetch(const struct intern *t, uint32_t h, int step);
/*
 * The symbols of a few strings met lately in one column, by a cheap key of their bytes: for a
 * column of few distinct values (a journey, a region, a department, a channel), whose rows in a
 * log not grouped by case rarely repeat the one before but soon come back to it. Zeroed: empty.
 * Holds strings of at most INTERN_FEW_LEN bytes; one table a column, used with one intern table.
 */
#define INTERN_FEW_BITS 5
#define INTERN_FEW_SLOTS (1 << INTERN_FEW_BITS)
#define INTERN_FEW_LEN 40
struct intern_few {
	struct intern_few_slot {
		char text[INTERN_FEW_LEN];
		uint32_t len; /* 0: empty */
		sym id;
	} slot[INTERN_FEW_SLOTS];
};
/* intern_add(t, s, n), the same symbol, without hashing or probing t when fw has s. */
sym intern_add_few(struct intern *t, struct intern_few *fw, const char *s, size_t n);
const char *intern_str(const struct intern *t, sym id);
size_t intern_len(const struct intern *t, sym id);
/* Number of symbols including 0. */
size_t intern_count(const struct intern *t);

#endif
