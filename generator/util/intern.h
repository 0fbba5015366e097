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
/* The symbol of s[0..n), or 0 when absent. */
sym intern_find(const struct intern *t, const char *s, size_t n);
/*
 * A hint that s will be looked up soon: stage 0 fetches its slot into the cache, stage 1 (once
 * the slot has had time to arrive) the entry it names, stage 2 the entry's text. Changes
 * nothing; a reader calls the stages a few rows ahead, so that a table far larger than the
 * cache costs no wait per row (docs/benchmarks.md).
 */
void intern_prefetch(const struct intern *t, const char *s, size_t n, int stage);
const char *intern_str(const struct intern *t, sym id);
size_t intern_len(const struct intern *t, sym id);
/* Number of symbols including 0. */
size_t intern_count(const struct intern *t);

#endif
