#include "util/intern.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmem.h"

/* Strings live in large blocks that never move, so pointers stay valid. */
#define BLOCK (1u << 20)

struct block {
	struct block *next;
	size_t used, cap;
	char data[];
};

struct entry {
	const char *s;
	uint32_t len;
};

/*
 * Open addressing. A slot holds the string's hash (high 32 bits) and its symbol + 1 (low 32
 * bits; 0 for an empty slot), so a probe that meets another string costs one cache line, not
 * three: the entry and the text are looked at only when the hashes agree.
 */
struct intern {
	struct block *blocks;
	struct entry *entries;
	size_t n, cap;
	uint64_t *slots;
	size_t nslots;
};

uint32_t intern_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

struct intern *intern_new(void)
{
	struct intern *t = xcalloc(1, sizeof *t);
	t->nslots = 1024;
	t->slots = xcalloc(t->nslots, sizeof *t->slots);
	t->cap = 256;
	t->entries = xreallocarray(NULL, t->cap, sizeof *t->entries);
	t->entries[0] = (struct entry){"", 0};
	t->n = 1;
	return t;
}

void intern_free(struct intern *t)
{
	if (!t)
		return;
	for (struct block *b = t->blocks, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	free(t->entries);
	free(t->slots);
	free(t);
}

static char *store(struct intern *t, const char *s, size_t n)
{
	struct block *b = t->blocks;
	if (!b || b->cap - b->used < n + 1) {
		size_t cap = n + 1 > BLOCK ? n + 1 : BLOCK;
		b = xmalloc(sizeof *b + cap);
		b->cap = cap;
		b->used = 0;
		b->next = t->blocks;
		t->blocks = b;
	}
	char *p = b->data + b->used;
	memcpy(p, s, n);
	p[n] = '\0';
	b->used += n + 1;
	return p;
}

static void rehash(struct intern *t)
{
	size_t nslots = t->nslots * 2;
	uint64_t *slots = xcalloc(nslots, sizeof *slots);
	for (size_t k = 0; k < t->nslots; k++) {
		uint64_t v = t->slots[k];
		if (!v)
			continue;
		size_t i = (uint32_t)(v >> 32) & (nslots - 1);
		while (slots[i])
			i = (i + 1) & (nslots - 1);
		slots[i] = v;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = nslots;
}

static size_t probe(const struct intern *t, const char *s, size_t n, uint32_t h)
{
	size_t i = h & (t->nslots - 1);
	for (uint64_t v; (v = t->slots[i]) != 0; i = (i + 1) & (t->nslots - 1)) {
		if ((uint32_t)(v >> 32) != h)
			continue;
		const struct entry *e = &t->entries[(uint32_t)v - 1];
		if (e->len == n && memcmp(e->s, s, n) == 0)
			return i;
	}
	return i;
}

static sym slot_sym(uint64_t v)
{
	return (sym)((uint32_t)v - 1);
}

sym intern_find(const struct intern *t, const char *s, size_t n)
{
	if (n == 0)
		return 0;
	size_t i = probe(t, s, n, intern_hash(s, n));
	return t->slots[i] ? slot_sym(t->slots[i]) : 0;
}

sym intern_add(struct intern *t, const char *s, size_t n)
{
	if (n == 0)
		return 0;
	uint32_t h = intern_hash(s, n);
	size_t i = probe(t, s, n, h);
	if (t->slots[i])
		return slot_sym(t->slots[i]);
	if (t->n == t->cap) {
		t->cap *= 2;
		t->entries = xreallocarray(t->entries, t->cap, sizeof *t->entries);
	}
	sym id = (sym)t->n++;
	t->entries[id] = (struct entry){store(t, s, n), (uint32_t)n};
	t->slots[i] = (uint64_t)h << 32 | ((uint64_t)id + 1);
	if (t->n * 2 > t->nslots)
		rehash(t);
	return id;
}

const char *intern_str(const struct intern *t, sym id)
{
	return t->entries[id].s;
}

size_t intern_len(const struct intern *t, sym id)
{
	return t->entries[id].len;
}

size_t intern_count(const struct intern *t)
{
	return t->n;
}
