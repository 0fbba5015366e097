#include "model/dq.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/diag.h"
#include "util/escape.h"
#include "util/format.h"
#include "util/strbuf.h"
#include "util/values.h"
#include "util/xmem.h"

struct dq *dq_new(void)
{
	return xcalloc(1, sizeof(struct dq));
}

/*
 * The issues' and notes' strings live in blocks of DQ_BLOCK bytes, freed together by dq_free: an
 * export with hundreds of thousands of rejected rows makes five strings a row, which as
 * allocations of their own cost as much time as the rest of the row's reading, and 16 bytes each
 * more memory. A string longer than a quarter block has a block of its own.
 */
#define DQ_BLOCK ((size_t)64 * 1024)
struct dq_block {
	struct dq_block *next;
	size_t used, size;
	char s[];
};

static char *dq_alloc(struct dq *d, size_t n)
{
	struct dq_block *b = d->strings;
	if (!b || b->size - b->used < n) {
		size_t size = n > DQ_BLOCK / 4 ? n : DQ_BLOCK;
		struct dq_block *nb = xmalloc(sizeof *nb + size);
		nb->used = 0;
		nb->size = size;
		if (b && size != DQ_BLOCK) { /* behind the block being filled, which goes on */
			nb->next = b->next;
			b->next = nb;
		} else {
			nb->next = b;
			d->strings = nb;
		}
		b = nb;
	}
	char *p = b->s + b->used;
	b->used += n;
	return p;
}

static char *dq_strndup(struct dq *d, const char *s, size_t n)
{
	char *p = dq_alloc(d, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void dq_free(struct dq *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nfiles; i++) {
		free(d->files[i].name);
		free(d->files[i].path);
		free(d->files[i].tally);
		free(d->files[i].sheet);
	}
	for (struct dq_block *b = d->strings, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	free(d->files);
	free(d->issues);
	free(d->notes);
	free(d);
}

int dq_file(struct dq *d, const char *name, const char *path)
{
	d->files = xreallocarray(d->files, d->nfiles + 1, sizeof *d->files);
	d->files[d->nfiles] = (struct dq_file){.name = xstrdup(name), .path = xstrdup(path)};
	return (int)d->nfiles++;
}

static size_t scope_hash(dq_scope s, size_t cap)
{
	return (size_t)((s * 2654435761u) & (cap - 1));
}

/* The tally of scope s in f, created when missing. */
static struct dq_tally *tally_of(struct dq_file *f, dq_scope s)
{
	if (2 * (f->ntally + 1) > f->captally) {
		size_t cap = f->captally ? f->captally * 2 : 16;
		struct dq_tally *t = xcalloc(cap, sizeof *t);
		for (size_t i = 0; i < f->captally; i++) {
			if (!f->tally[i].used)
				continue;
			size_t h = scope_hash(f->tally[i].scope, cap);
			while (t[h].used)
				h = (h + 1) & (cap - 1);
			t[h] = f->tally[i];
		}
		free(f->tally);
		f->tally = t;
		f->captally = cap;
	}
	size_t h = scope_hash(s, f->captally);
	for (;;) {
		struct dq_tally *t = &f->tally[h];
		if (!t->used) {
			t->used = true;
			t->scope = s;
			f->ntally++;
			return t;
		}
		if (t->scope == s)
			return t;
		h = (h + 1) & (f->captally - 1);
	}
}

static const struct dq_tally *tally_find(const struct dq_file *f, dq_scope s)
{
	if (!f->captally)
		return NULL;
	size_t h = scope_hash(s, f->captally);
	for (;;) {
		const struct dq_tally *t = &f->tally[h];
		if (!t->used)
			return NULL;
		if (t->scope == s)
			return t;
		h = (h + 1) & (f->captally - 1);
	}
}

void dq_count_row(struct dq *d, int file, dq_scope s)
{
	struct dq_file *f = &d->files[file];
	f->rows_read++;
	tally_of(f, s)->rows_read++;
}

void dq_set_sheet(struct dq *d, int file, const char *sheet)
{
	free(d->files[file].sheet);
	d->files[file].sheet = sheet ? xstrdup(sheet) : NULL;
}

const char *dq_place(const struct dq *d, int file, long *line, long *col, char *buf, size_t n)
{
	const struct dq_file *f = &d->files[file];
	if (!f->sheet)
		return f->name;
	bool plain = f->sheet[0] != '\0';
	for (const char *c = f->sheet; *c; c++)
		plain &= (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
		         (*c >= '0' && *c <= '9') || *c == '_' || (unsigned char)*c >= 0x80;
	struct strbuf s = STRBUF_INIT;
	if (plain) {
		strbuf_puts(&s, f->sheet);
	} else {
		strbuf_putc(&s, '\'');
		for (const char *c = f->sheet; *c; c++) {
			if (*c == '\'')
				strbuf_putc(&s, '\'');
			strbuf_putc(&s, *c);
		}
		strbuf_putc(&s, '\'');
	}
	char letters[8];
	format_column_letters(letters, *col > 0 ? *col : 0);
	if (*line > 0 && *col > 0)
		snprintf(buf, n, "%s:%s!%s%ld", f->name, strbuf_str(&s), letters, *line);
	else if (*line > 0)
		snprintf(buf, n, "%s:%s!%ld:%ld", f->name, strbuf_str(&s), *line, *line);
	else
		snprintf(buf, n, "%s:%s", f->name, strbuf_str(&s));
	strbuf_free(&s);
	*line = *col = 0;
	return buf;
}

static char *vformat(struct dq *d, const char *fmt, va_list ap)
{
	char small[512];
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(small, sizeof small, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	if ((size_t)n < sizeof small)
		return dq_strndup(d, small, (size_t)n);
	char *s = dq_alloc(d, (size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

/* A value as recorded: at most DQ_VALUE_MAX bytes, cut between UTF-8 characters, "…" when cut. */
#define DQ_VALUE_MAX 1024
static char *copy_or_null(struct dq *d, const char *s, size_t n)
{
	if (!s)
		return NULL;
	/* a field after the row's first fault is not checked: bytes that are not UTF-8 are shown
	 * as messages show them (\xNN), so that the JSON and the workbook can hold it */
	if (value_utf8_invalid(s, n) >= 0) {
		struct strbuf b = STRBUF_INIT;
		text_utf8_escape(&b, s, n > DQ_VALUE_MAX ? DQ_VALUE_MAX : n);
		if (n > DQ_VALUE_MAX)
			strbuf_puts(&b, "…");
		char *v = dq_strndup(d, strbuf_str(&b), b.len);
		strbuf_free(&b);
		return v;
	}
	if (n <= DQ_VALUE_MAX)
		return dq_strndup(d, s, n);
	size_t k = DQ_VALUE_MAX;
	while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	char *v = dq_alloc(d, k + sizeof "…");
	memcpy(v, s, k);
	memcpy(v + k, "…", sizeof "…");
	return v;
}

/* A column's name as recorded: the copy of one of the last few issues when they name the same
 * column, as most of a file's rejections do. */
static char *column_copy(struct dq *d, const char *name)
{
	if (!name)
		return NULL;
	for (size_t k = 1; k <= 8 && k <= d->nissues; k++) {
		char *c = d->issues[d->nissues - k].column_name;
		if (c && strcmp(c, name) == 0)
			return c;
	}
	return dq_strndup(d, name, strlen(name));
}

static void reject(struct dq *d, int file, long line, long column, const struct dq_where *w,
                   const char *kind, char *msg)
{
	char *column_name = w ? column_copy(d, w->column_name) : NULL;
	d->issues = xgrow(d->issues, d->nissues, sizeof *d->issues);
	struct dq_issue *is = &d->issues[d->nissues];
	*is = (struct dq_issue){.file = file,
	                        .line = line,
	                        .column = column,
	                        .kind = kind,
	                        .message = msg,
	                        .scope = w ? w->scope : DQ_WHOLE_ONLY,
	                        .seq = d->nissues};
	if (w) {
		is->column_name = column_name;
		is->case_id = copy_or_null(d, w->case_id, w->case_len);
		is->customer_id = copy_or_null(d, w->customer_id, w->customer_len);
		is->value = copy_or_null(d, w->value, w->value_len);
	}
	d->nissues++;
	struct dq_file *f = &d->files[file];
	f->rows_rejected++;
	tally_of(f, is->scope)->rows_rejected++;
}

void dq_reject(struct dq *d, int file, long line, long column, const char *kind, const char *fmt,
               ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = vformat(d, fmt, ap);
	va_end(ap);
	reject(d, file, line, column, NULL, kind, msg);
}

void dq_reject_at(struct dq *d, int file, long line, long column, const struct dq_where *w,
                  const char *kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = vformat(d, fmt, ap);
	va_end(ap);
	reject(d, file, line, column, w, kind, msg);
}

void dq_reject_text(struct dq *d, int file, long line, long column, const struct dq_where *w,
                    const char *kind, const char *msg, size_t len)
{
	reject(d, file, line, column, w, kind, dq_strndup(d, msg, len));
}

static void note(struct dq *d, int file, long line, dq_scope s, const char *case_id,
                 const char *kind, char *msg)
{
	d->notes = xgrow(d->notes, d->nnotes, sizeof *d->notes);
	d->notes[d->nnotes] =
	    (struct dq_note){.file = file,
	                     .line = line,
	                     .kind = kind,
	                     .message = msg,
	                     .scope = s,
	                     .case_id = case_id ? dq_strndup(d, case_id, strlen(case_id)) : NULL,
	                     .seq = d->nnotes};
	d->nnotes++;
}

void dq_note(struct dq *d, int file, long line, const char *kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = vformat(d, fmt, ap);
	va_end(ap);
	note(d, file, line, DQ_EVERY_PACK, NULL, kind, msg);
}

void dq_note_in(struct dq *d, int file, long line, dq_scope s, const char *case_id,
                const char *kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = vformat(d, fmt, ap);
	va_end(ap);
	note(d, file, line, s, case_id, kind, msg);
}

void dq_rescope_issue(struct dq *d, size_t i, dq_scope s)
{
	struct dq_issue *is = &d->issues[i];
	if (is->scope == s)
		return;
	struct dq_file *f = &d->files[is->file];
	struct dq_tally *old = tally_of(f, is->scope);
	old->rows_read--;
	old->rows_rejected--;
	struct dq_tally *t = tally_of(f, s);
	t->rows_read++;
	t->rows_rejected++;
	is->scope = s;
}

static int cmp_issue(const void *a, const void *b)
{
	const struct dq_issue *x = a, *y = b;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int cmp_note(const void *a, const void *b)
{
	const struct dq_note *x = a, *y = b;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Whether the n elements of a (of size bytes) are in cmp's order already, as the issues of a
 * file read from its top to its end are: then there is nothing to sort. */
static bool in_order(const void *a, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	const char *p = a;
	for (size_t i = 1; i < n; i++)
		if (cmp(p + (i - 1) * size, p + i * size) > 0)
			return false;
	return true;
}

void dq_sort(struct dq *d)
{
	if (!in_order(d->issues, d->nissues, sizeof *d->issues, cmp_issue))
		qsort(d->issues, d->nissues, sizeof *d->issues, cmp_issue);
	if (!in_order(d->notes, d->nnotes, sizeof *d->notes, cmp_note))
		qsort(d->notes, d->nnotes, sizeof *d->notes, cmp_note);
	for (size_t i = 0; i < d->nissues; i++)
		d->issues[i].seq = i;
	for (size_t i = 0; i < d->nnotes; i++)
		d->notes[i].seq = i;
}

bool dq_in_scope(dq_scope s, uint32_t region)
{
	return region == 0 || s == DQ_EVERY_PACK || s == region;
}

void dq_file_counts(const struct dq_file *f, uint32_t region, long *read, long *rejected)
{
	if (region == 0) {
		*read = f->rows_read;
		*rejected = f->rows_rejected;
		return;
	}
	*read = *rejected = 0;
	const dq_scope want[2] = {DQ_EVERY_PACK, region};
	for (int i = 0; i < 2; i++) {
		const struct dq_tally *t = tally_find(f, want[i]);
		if (t) {
			*read += t->rows_read;
			*rejected += t->rows_rejected;
		}
	}
}

long dq_rows_read(const struct dq *d)
{
	long n = 0;
	for (size_t i = 0; i < d->nfiles; i++)
		n += d->files[i].rows_read;
	return n;
}

long dq_rows_rejected(const struct dq *d)
{
	long n = 0;
	for (size_t i = 0; i < d->nfiles; i++)
		n += d->files[i].rows_rejected;
	return n;
}

/* Counts, per file and kind, how many have been printed. */
struct seen {
	int file;
	const char *kind;
	long count;
};

static long *counter(struct seen **tab, size_t *n, int file, const char *kind)
{
	for (size_t i = 0; i < *n; i++)
		if ((*tab)[i].file == file && strcmp((*tab)[i].kind, kind) == 0)
			return &(*tab)[i].count;
	*tab = xreallocarray(*tab, *n + 1, sizeof **tab);
	(*tab)[*n] = (struct seen){file, kind, 0};
	return &(*tab)[(*n)++].count;
}

void dq_print_counts(const struct dq *d)
{
	for (size_t i = 0; i < d->nfiles; i++)
		diag_info("%s: %ld rows read, %ld rejected", d->files[i].name,
		          d->files[i].rows_read, d->files[i].rows_rejected);
}

void dq_print(const struct dq *d, int max_per_kind, enum diag_level issue_level)
{
	struct seen *tab = NULL;
	size_t ntab = 0;
	for (size_t i = 0; i < d->nissues; i++) {
		const struct dq_issue *is = &d->issues[i];
		long *c = counter(&tab, &ntab, is->file, is->kind);
		if (++*c <= max_per_kind) {
			char place[512];
			long line = is->line, col = is->column;
			const char *where = dq_place(d, is->file, &line, &col, place, sizeof place);
			diag_msg(issue_level, where, line, col, "%s", is->message);
		}
	}
	for (size_t i = 0; i < d->nnotes; i++) {
		const struct dq_note *no = &d->notes[i];
		long *c = counter(&tab, &ntab, no->file + 1000000, no->kind);
		if (++*c <= max_per_kind) {
			char place[512];
			long line = no->line, col = 0;
			const char *where =
			    no->file >= 0 ? dq_place(d, no->file, &line, &col, place, sizeof place)
			                  : NULL;
			diag_msg(DIAG_NOTE, where, line, col, "%s", no->message);
		}
	}
	for (size_t i = 0; i < ntab; i++) {
		if (tab[i].count <= max_per_kind)
			continue;
		int f = tab[i].file >= 1000000 ? tab[i].file - 1000000 : tab[i].file;
		diag_info("boardpack: %s: … and %ld more (%s)",
		          f >= 0 ? d->files[f].name : "PACK.ini", tab[i].count - max_per_kind,
		          tab[i].kind);
	}
	free(tab);
}
