#include "util/intern.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmem.h"

/*
 * Strings live in blocks that never move, so pointers stay valid. Each is a record: its symbol,
 * its length and its bytes (NUL-terminated), 4-byte aligned, named by a 32-bit reference (the
 * block's number and the record's place in it, in 4-byte units: 16 GB of strings at most).
 */
#define BLOCK_SHIFT 21 /* a block of 2 MiB holds many records; a longer string has its own */
#define FIRST_BLOCK ((size_t)64 << 10)
#define UNIT_SHIFT 2
#define UNITS_SHIFT (BLOCK_SHIFT - UNIT_SHIFT)

struct record {
	uint32_t id, len;
	char text[];
};

struct intern {
	char **blocks;        /* their bases, by number */
	size_t nblocks, used; /* bytes used of the last block */
	size_t last_cap;      /* its size */
	uint32_t *refs;       /* by symbol: its record */
	size_t n, cap;
	/*
	 * Open addressing. A slot holds the string's hash (high 32 bits) and its record's
	 * reference + 1 (low 32 bits; 0 for an empty slot), so that a probe that meets another
	 * string costs one cache line, and a hit one more: the record holds the symbol beside
	 * the text it is checked against.
	 */
	uint64_t *slots;
	size_t nslots;
};

/* Bytes p[0..k) (k <= 8) as a number, the first the lowest: the same on every machine. */
static uint64_t load_le(const unsigned char *p, size_t k)
{
	uint64_t w = 0;
	for (size_t i = 0; i < k; i++)
		w |= (uint64_t)p[i] << (8 * i);
	return w;
}

static uint64_t load8(const unsigned char *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

static uint64_t mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
	return h ^ h >> 31;
}

/*
 * Eight bytes a step (the last eight overlapping the ones before when n is not a multiple of
 * eight), each step a multiply and a shift, then splitmix64's finish: one multiply in the chain
 * for eight bytes where FNV-1a has one a byte. The value is the same on every machine; no output
 * depends on it (the tables are only looked up by it).
 */
uint32_t intern_hash(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ (uint64_t)n;
	if (n <= 8) {
		h = mix(h, load_le(p, n));
	} else {
		size_t i = 0;
		for (; i + 8 < n; i += 8)
			h = mix(h, load8(p + i));
		h = mix(h, load8(p + n - 8));
	}
	h = (h ^ h >> 30) * 0xbf58476d1ce4e5b9ull;
	h = (h ^ h >> 27) * 0x94d049bb133111ebull;
	h ^= h >> 31;
	return (uint32_t)h ^ (uint32_t)(h >> 32);
}

static const struct record *record_at(const struct intern *t, uint32_t ref)
{
	return (const struct record *)(t->blocks[ref >> UNITS_SHIFT] +
	                               ((size_t)(ref & ((1u << UNITS_SHIFT) - 1)) << UNIT_SHIFT));
}

/* Stores s[0..n) as the record of symbol id; returns its reference. */
static uint32_t store(struct intern *t, sym id, const char *s, size_t n)
{
	size_t need = (sizeof(struct record) + n + 1 + 3) & ~(size_t)3;
	if (!t->nblocks || t->last_cap - t->used < need) {
		/* the first block small, for the many small tables; then blocks of 2 MiB */
		size_t cap = t->nblocks ? (size_t)1 << BLOCK_SHIFT : FIRST_BLOCK;
		if (cap < need)
			cap = need;
		if (t->nblocks >= ((size_t)1 << (32 - UNITS_SHIFT)) - 1)
			xmalloc(SIZE_MAX); /* 16 GB of distinct strings: out of memory, said once */
		t->blocks = xreallocarray(t->blocks, t->nblocks + 1, sizeof *t->blocks);
		t->blocks[t->nblocks++] = xmalloc_huge(cap);
		t->last_cap = cap;
		t->used = 0;
	}
	struct record *r = (struct record *)(t->blocks[t->nblocks - 1] + t->used);
	r->id = id;
	r->len = (uint32_t)n;
	memcpy(r->text, s, n);
	r->text[n] = '\0';
	uint32_t ref = (uint32_t)((t->nblocks - 1) << UNITS_SHIFT | t->used >> UNIT_SHIFT);
	t->used += need;
	return ref;
}

struct intern *intern_new(void)
{
	struct intern *t = xcalloc(1, sizeof *t);
	t->nslots = 1024;
	t->slots = xcalloc_huge(t->nslots * sizeof *t->slots);
	t->cap = 256;
	t->refs = xreallocarray(NULL, t->cap, sizeof *t->refs);
	t->refs[0] = store(t, 0, "", 0);
	t->n = 1;
	return t;
}

void intern_free(struct intern *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nblocks; i++)
		free(t->blocks[i]);
	free(t->blocks);
	free(t->refs);
	xfree_huge(t->slots, t->nslots * sizeof *t->slots);
	free(t);
}

/* At most three slots in four full. */
static bool too_full(size_t n, size_t nslots)
{
	return n * 4 > nslots * 3;
}

static void rehash(struct intern *t, size_t nslots)
{
	uint64_t *slots = xcalloc_huge(nslots * sizeof *slots);
	for (size_t k = 0; k < t->nslots; k++) {
		uint64_t v = t->slots[k];
		if (!v)
			continue;
		size_t i = (uint32_t)(v >> 32) & (nslots - 1);
		while (slots[i])
			i = (i + 1) & (nslots - 1);
		slots[i] = v;
	}
	xfree_huge(t->slots, t->nslots * sizeof *t->slots);
	t->slots = slots;
	t->nslots = nslots;
}

static size_t probe(const struct intern *t, const char *s, size_t n, uint32_t h)
{
	size_t i = h & (t->nslots - 1);
	for (uint64_t v; (v = t->slots[i]) != 0; i = (i + 1) & (t->nslots - 1)) {
		if ((uint32_t)(v >> 32) != h)
			continue;
		const struct record *r = record_at(t, (uint32_t)v - 1);
		if (r->len == n && memcmp(r->text, s, n) == 0)
			return i;
	}
	return i;
}

void intern_reserve(struct intern *t, size_t n)
{
	size_t nslots = t->nslots;
	while (too_full(n, nslots) && nslots < SIZE_MAX / 16)
		nslots *= 2;
	if (nslots > t->nslots)
		rehash(t, nslots);
}

size_t intern_room(const struct intern *t)
{
	return t->nslots / 4 * 3; /* the most strings too_full allows */
}

size_t intern_watch_look(struct intern_watch *w, struct intern *t, size_t line, size_t read_to,
                         size_t size)
{
	size_t c = t->n, reserved = 0;
	if (w->looks >= 2 && line > w->line[1] && read_to > 0 && read_to < size) {
		double before =
		    (double)(w->count[1] - w->count[0]) / (double)(w->line[1] - w->line[0]);
		double now = (double)(c - w->count[1]) / (double)(line - w->line[1]);
		double lines = (double)line * (double)size / (double)read_to;
		if (before > 0 && now >= 0.95 * before && now <= 1.05 * before) {
			reserved = c + (size_t)(now * (lines - (double)line));
			intern_reserve(t, reserved);
		}
	}
	w->line[0] = w->line[1], w->count[0] = w->count[1];
	w->line[1] = line, w->count[1] = c;
	w->looks++;
	return reserved;
}

sym intern_prefetch(const struct intern *t, uint32_t h, int step)
{
	size_t i = h & (t->nslots - 1);
	if (step == 0) {
		__builtin_prefetch(&t->slots[i]);
		return 0;
	}
	/* the first slot of the same hash: nearly always the string's own */
	for (uint64_t v; (v = t->slots[i]) != 0; i = (i + 1) & (t->nslots - 1))
		if ((uint32_t)(v >> 32) == h) {
			const struct record *r = record_at(t, (uint32_t)v - 1);
			if (step == 2)
				return r->id;
			__builtin_prefetch(r);
			__builtin_prefetch((const char *)r + 31);
			return 0;
		}
	return 0;
}

static sym slot_sym(const struct intern *t, uint64_t v)
{
	return record_at(t, (uint32_t)v - 1)->id;
}

sym intern_find(const struct intern *t, const char *s, size_t n)
{
	if (n == 0)
		return 0;
	size_t i = probe(t, s, n, intern_hash(s, n));
	return t->slots[i] ? slot_sym(t, t->slots[i]) : 0;
}

sym intern_add(struct intern *t, const char *s, size_t n)
{
	return n ? intern_add_hashed(t, s, n, intern_hash(s, n)) : 0;
}

sym intern_add_hashed(struct intern *t, const char *s, size_t n, uint32_t h)
{
	if (n == 0)
		return 0;
	size_t i = probe(t, s, n, h);
	if (t->slots[i])
		return slot_sym(t, t->slots[i]);
	if (t->n == t->cap) {
		t->cap *= 2;
		t->refs = xreallocarray(t->refs, t->cap, sizeof *t->refs);
	}
	sym id = (sym)t->n++;
	uint32_t ref = store(t, id, s, n);
	t->refs[id] = ref;
	t->slots[i] = (uint64_t)h << 32 | ((uint64_t)ref + 1);
	if (too_full(t->n, t->nslots))
		rehash(t, t->nslots * 2);
	return id;
}

sym intern_add_few(struct intern *t, struct intern_few *fw, const char *s, size_t n)
{
	if (n == 0)
		return 0;
	/* length, first, middle and last byte, spread by a multiply: names that differ in one
	 * place ("Team 1", "Team 9") or in length fall apart */
	const unsigned char *p = (const unsigned char *)s;
	uint32_t key = (uint32_t)n ^ (uint32_t)p[0] << 8 ^ (uint32_t)p[n >> 1] << 16 ^
	               (uint32_t)p[n - 1] << 24;
	struct intern_few_slot *e = &fw->slot[(key * 0x9e3779b1u) >> (32 - INTERN_FEW_BITS)];
	if (e->len == n && memcmp(e->text, s, n) == 0)
		return e->id;
	sym id = intern_add(t, s, n);
	if (n <= sizeof e->text) {
		memcpy(e->text, s, n);
		e->len = (uint32_t)n;
		e->id = id;
	}
	return id;
}

const char *intern_str(const struct intern *t, sym id)
{
	return record_at(t, t->refs[id])->text;
}

size_t intern_len(const struct intern *t, sym id)
{
	return record_at(t, t->refs[id])->len;
}

size_t intern_count(const struct intern *t)
{
	return t->n;
}
