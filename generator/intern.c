#include "intern.h"

#include <stdlib.h>
#include <string.h>

#include "xmem.h"

/* Strings live in large blocks that never move, so pointers stay valid. */
#define BLOCK (1u << 20)

struct block {
	struct block *next;
	size_t used, cap;
	char data[];
};

struct intern {
	struct block *blocks;
	const char **strs;
	uint32_t *lens;
	uint32_t *hashes;
	size_t n, cap;
	uint32_t *slots; /* open addressing: symbol + 1, or 0 for empty */
	size_t nslots;
};

static uint32_t hash(const char *s, size_t n)
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
	t->strs = xreallocarray(NULL, t->cap, sizeof *t->strs);
	t->lens = xreallocarray(NULL, t->cap, sizeof *t->lens);
	t->hashes = xreallocarray(NULL, t->cap, sizeof *t->hashes);
	t->strs[0] = "";
	t->lens[0] = 0;
	t->hashes[0] = hash("", 0);
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
	free(t->strs);
	free(t->lens);
	free(t->hashes);
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
	uint32_t *slots = xcalloc(nslots, sizeof *slots);
	for (size_t id = 1; id < t->n; id++) {
		size_t i = t->hashes[id] & (nslots - 1);
		while (slots[i])
			i = (i + 1) & (nslots - 1);
		slots[i] = (uint32_t)id + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = nslots;
}

static size_t probe(const struct intern *t, const char *s, size_t n, uint32_t h)
{
	size_t i = h & (t->nslots - 1);
	while (t->slots[i]) {
		uint32_t id = t->slots[i] - 1;
		if (t->hashes[id] == h && t->lens[id] == n && memcmp(t->strs[id], s, n) == 0)
			return i;
		i = (i + 1) & (t->nslots - 1);
	}
	return i;
}

sym intern_find(const struct intern *t, const char *s, size_t n)
{
	if (n == 0)
		return 0;
	size_t i = probe(t, s, n, hash(s, n));
	return t->slots[i] ? t->slots[i] - 1 : 0;
}

sym intern_add(struct intern *t, const char *s, size_t n)
{
	if (n == 0)
		return 0;
	uint32_t h = hash(s, n);
	size_t i = probe(t, s, n, h);
	if (t->slots[i])
		return t->slots[i] - 1;
	if (t->n == t->cap) {
		t->cap *= 2;
		t->strs = xreallocarray(t->strs, t->cap, sizeof *t->strs);
		t->lens = xreallocarray(t->lens, t->cap, sizeof *t->lens);
		t->hashes = xreallocarray(t->hashes, t->cap, sizeof *t->hashes);
	}
	sym id = (sym)t->n++;
	t->strs[id] = store(t, s, n);
	t->lens[id] = (uint32_t)n;
	t->hashes[id] = h;
	t->slots[i] = id + 1;
	if (t->n * 2 > t->nslots)
		rehash(t);
	return id;
}

const char *intern_str(const struct intern *t, sym id)
{
	return t->strs[id];
}

size_t intern_len(const struct intern *t, sym id)
{
	return t->lens[id];
}

size_t intern_count(const struct intern *t)
{
	return t->n;
}
