#include "dq.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "sheetin.h"
#include "strbuf.h"
#include "xmem.h"

struct dq *dq_new(void)
{
	return xcalloc(1, sizeof(struct dq));
}

void dq_free(struct dq *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nfiles; i++) {
		free(d->files[i].name);
		free(d->files[i].path);
		free(d->files[i].sheet);
	}
	for (size_t i = 0; i < d->nissues; i++)
		free(d->issues[i].message);
	for (size_t i = 0; i < d->nnotes; i++)
		free(d->notes[i].message);
	free(d->files);
	free(d->issues);
	free(d->notes);
	free(d);
}

int dq_file(struct dq *d, const char *name, const char *path)
{
	d->files = xreallocarray(d->files, d->nfiles + 1, sizeof *d->files);
	d->files[d->nfiles] = (struct dq_file){xstrdup(name), xstrdup(path), 0, 0, NULL};
	return (int)d->nfiles++;
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
	sheetin_column_letters(letters, *col > 0 ? *col : 0);
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

static char *vformat(const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	char *s = xmalloc((size_t)(n < 0 ? 0 : n) + 1);
	vsnprintf(s, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
	return s;
}

void dq_reject(struct dq *d, int file, long line, long column, const char *kind, const char *fmt,
               ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = vformat(fmt, ap);
	va_end(ap);
	if (d->nissues % 256 == 0)
		d->issues = xreallocarray(d->issues, d->nissues + 256, sizeof *d->issues);
	d->issues[d->nissues++] = (struct dq_issue){file, line, column, kind, msg};
	d->files[file].rows_rejected++;
}

void dq_note(struct dq *d, int file, long line, const char *kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = vformat(fmt, ap);
	va_end(ap);
	if (d->nnotes % 256 == 0)
		d->notes = xreallocarray(d->notes, d->nnotes + 256, sizeof *d->notes);
	d->notes[d->nnotes++] = (struct dq_note){file, line, kind, msg};
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

void dq_escape(struct strbuf *b, const char *s, size_t n, size_t max, bool quoted)
{
	if (quoted)
		strbuf_putc(b, '"');
	size_t start = b->len;
	size_t limit = n > max ? max - 3 : n;
	for (size_t i = 0; i < limit; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 0x20 || ch == 0x7f)
			strbuf_printf(b, "\\x%02X", ch);
		else if (quoted && (ch == '"' || ch == '\\'))
			strbuf_printf(b, "\\%c", ch);
		else
			strbuf_putc(b, (char)ch);
	}
	if (limit < n) {
		/* do not cut a UTF-8 sequence in half */
		while (b->len > start && ((unsigned char)b->s[b->len - 1] & 0xC0) == 0x80)
			b->len--;
		if (b->len > start && (unsigned char)b->s[b->len - 1] >= 0xC0)
			b->len--;
		b->s[b->len] = '\0';
		strbuf_puts(b, "…");
	}
	if (quoted)
		strbuf_putc(b, '"');
}

void dq_quote(struct strbuf *b, const char *s, size_t n)
{
	dq_escape(b, s, n, 60, true);
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
