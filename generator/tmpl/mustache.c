/*
 * The Mustache engine: a template is parsed once into a tree (text, variables, sections,
 * partials), then the tree is rendered against a stack of jansson values, or walked without data
 * (mustache_walk_file: what the order check reads).
 *
 * Text nodes point into the template's source, which lives as long as the template.
 * Partials are parsed on first use and kept, per render call, in a list owned by it.
 */
#include "tmpl/mustache.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/diag.h"
#include "util/safeopen.h"
#include "util/xmem.h"

/* Partials nested deeper than this are taken for a runaway recursion. */
enum { MAX_PARTIAL_DEPTH = 64 };
/* Sections nested deeper than this are refused, so that rendering cannot exhaust the stack. */
enum { MAX_SECTION_DEPTH = 100 };
/* A template or partial file larger than this is refused (docs/robustness.md, "Limits"). */
#define MAX_TEMPLATE_BYTES ((size_t)4 << 20)
/* Expanding a template to more than this is refused (sections can multiply a small template). */
#define MAX_OUTPUT_BYTES ((size_t)64 << 20)
/* Strict mode suggests at most this many names. */
enum { MAX_SUGGESTIONS = 3 };

/* N_DELIMS marks where a set-delimiter tag stood: rendering skips it, a walk shows it. */
enum kind { N_ROOT, N_TEXT, N_VAR, N_RAW, N_SECTION, N_INVERTED, N_PARTIAL, N_DELIMS };

struct node {
	enum kind kind;
	size_t pos;       /* byte offset of the tag (or text) in the source */
	const char *text; /* N_TEXT: a slice of the source */
	size_t len;
	char *name;   /* as written, trimmed */
	char **parts; /* name split at dots; none for "." */
	size_t nparts;
	char *indent;  /* N_PARTIAL on a standalone line: the whitespace before it */
	bool reported; /* a problem with this node was reported (once is enough) */
	struct node **kids;
	size_t nkids, cap;
};

struct tmpl {
	char *name; /* for messages */
	char *key;  /* what loaded it: the partial's name or file path */
	const char *src;
	size_t len;
	char *owned;     /* src, when this module read it */
	char *dir;       /* file templates: folder prefix ("" or ending in '/'), else NULL */
	const char *ext; /* file templates: extension of partials, e.g. ".md" */
	bool quiet;      /* parsed for a walk: problems are the renderer's to report */
	struct node root;
	struct tmpl *next;
};

struct render {
	const struct mustache_opts *opts;
	struct strbuf *out;
	const json_t **stack; /* context stack, innermost last */
	size_t depth, cap;
	struct tmpl *partials; /* parsed partials, owned */
	bool bol;              /* output is at the start of a line (for partial indentation) */
	bool failed;           /* an error was reported; keep going, but fail at the end */
	size_t start;          /* out->len when rendering began */
};

/* --- Tree ---------------------------------------------------------------------------------- */

static struct node *node_add(struct node *parent, enum kind kind, size_t pos)
{
	struct node *n = xcalloc(1, sizeof *n);
	n->kind = kind;
	n->pos = pos;
	if (parent->nkids == parent->cap) {
		parent->cap = parent->cap ? 2 * parent->cap : 8;
		parent->kids = xreallocarray(parent->kids, parent->cap, sizeof *parent->kids);
	}
	parent->kids[parent->nkids++] = n;
	return n;
}

static void node_clear(struct node *n)
{
	for (size_t i = 0; i < n->nkids; i++) {
		node_clear(n->kids[i]);
		free(n->kids[i]);
	}
	free(n->kids);
	for (size_t i = 0; i < n->nparts; i++)
		free(n->parts[i]);
	free(n->parts);
	free(n->name);
	free(n->indent);
}

static void tmpl_free(struct tmpl *t)
{
	if (!t)
		return;
	node_clear(&t->root);
	free(t->name);
	free(t->key);
	free(t->owned);
	free(t->dir);
	free(t);
}

/* --- Messages ------------------------------------------------------------------------------ */

static long line_of(const struct tmpl *t, size_t pos)
{
	long line = 1;
	for (size_t i = 0; i < pos && i < t->len; i++)
		line += t->src[i] == '\n';
	return line;
}

/* Reports an error at byte pos of t, with the source line and a caret under it. */
static void report(enum diag_level level, const struct tmpl *t, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void report(enum diag_level level, const struct tmpl *t, size_t pos, const char *fmt, ...)
{
	if (t->quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *msg = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(msg, (size_t)n + 1, fmt, ap);
	va_end(ap);

	size_t ls = pos, le = pos;
	while (ls > 0 && t->src[ls - 1] != '\n')
		ls--;
	while (le < t->len && t->src[le] != '\n')
		le++;
	long col = 1;
	for (size_t i = ls; i < pos; i++)
		col += ((unsigned char)t->src[i] & 0xC0) != 0x80;
	diag_msg(level, t->name, line_of(t, pos), col, "%s", msg);
	diag_excerpt(level, t->src + ls, le - ls, col);
	free(msg);
}

/* --- Parsing ------------------------------------------------------------------------------- */

struct delims {
	char *open, *close;
	size_t olen, clen;
	char *brace_close; /* "}" + close, ends {{{name}}} */
	char *eq_close;    /* "=" + close, ends {{=<% %>=}} */
};

static void delims_set(struct delims *d, const char *open, size_t olen, const char *close,
                       size_t clen)
{
	free(d->open);
	free(d->close);
	free(d->brace_close);
	free(d->eq_close);
	d->open = xstrndup(open, olen);
	d->close = xstrndup(close, clen);
	d->olen = olen;
	d->clen = clen;
	d->brace_close = xasprintf("}%s", d->close);
	d->eq_close = xasprintf("=%s", d->close);
}

static void delims_free(struct delims *d)
{
	free(d->open);
	free(d->close);
	free(d->brace_close);
	free(d->eq_close);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void trim(const char **s, size_t *n)
{
	while (*n > 0 && is_space(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && is_space((*s)[*n - 1]))
		(*n)--;
}

/* Checks and stores a tag's name; "." is the implicit iterator, other names are dotted keys. */
static bool set_name(const struct tmpl *t, struct node *n, const char *s, size_t len)
{
	if (len == 0) {
		report(DIAG_ERROR, t, n->pos, "empty tag (a name is missing)");
		return false;
	}
	n->name = xstrndup(s, len);
	if (strcmp(n->name, ".") == 0)
		return true;
	bool ok = n->name[0] != '.' && n->name[len - 1] != '.' && !strstr(n->name, "..");
	for (size_t i = 0; i < len && ok; i++)
		ok = !is_space(s[i]);
	if (!ok) {
		report(DIAG_ERROR, t, n->pos,
		       "\"%s\" is not a name (names are keys joined by dots)", n->name);
		return false;
	}
	for (const char *p = n->name;;) {
		const char *dot = strchr(p, '.');
		size_t plen = dot ? (size_t)(dot - p) : strlen(p);
		n->parts = xreallocarray(n->parts, n->nparts + 1, sizeof *n->parts);
		n->parts[n->nparts++] = xstrndup(p, plen);
		if (!dot)
			break;
		p = dot + 1;
	}
	return true;
}

/* Parses "{{=<% %>=}}"'s content s[0..n) into d. */
static bool set_delims(const struct tmpl *t, size_t pos, struct delims *d, const char *s, size_t n)
{
	trim(&s, &n);
	size_t a = 0;
	while (a < n && !is_space(s[a]))
		a++;
	size_t b = a;
	while (b < n && is_space(s[b]))
		b++;
	bool ok = a > 0 && b > a && b < n && !memchr(s, '=', n);
	for (size_t i = b; i < n && ok; i++)
		ok = !is_space(s[i]);
	if (!ok) {
		report(DIAG_ERROR, t, pos,
		       "bad set-delimiter tag: expected two delimiters without spaces or '=', "
		       "as in {{=<%% %%>=}}");
		return false;
	}
	delims_set(d, s, a, s + b, n - b);
	return true;
}

/*
 * Whether the tag at src[start..end) stands alone on its line (only blanks around it, then a
 * line break or the end). If so, *ls is where its line starts and *next where the next begins.
 */
static bool standalone(const struct tmpl *t, size_t start, size_t end, size_t *ls, size_t *next)
{
	size_t b = start;
	while (b > 0 && is_blank(t->src[b - 1]))
		b--;
	if (b > 0 && t->src[b - 1] != '\n')
		return false;
	size_t e = end;
	while (e < t->len && is_blank(t->src[e]))
		e++;
	if (e < t->len && t->src[e] == '\n')
		e++;
	else if (e + 1 < t->len && t->src[e] == '\r' && t->src[e + 1] == '\n')
		e += 2;
	else if (e < t->len)
		return false;
	*ls = b;
	*next = e;
	return true;
}

/* The first pat[0..m) in s[0..n), or NULL (templates may hold NUL bytes). */
static const char *find(const char *s, size_t n, const char *pat, size_t m)
{
	for (const char *p = s; m <= n && (size_t)(p - s) <= n - m; p++) {
		p = memchr(p, pat[0], n - m + 1 - (size_t)(p - s));
		if (!p)
			return NULL;
		if (memcmp(p, pat, m) == 0)
			return p;
	}
	return NULL;
}

static void add_text(struct node *parent, const struct tmpl *t, size_t from, size_t to)
{
	if (to <= from)
		return;
	struct node *n = node_add(parent, N_TEXT, from);
	n->text = t->src + from;
	n->len = to - from;
}

/* A tag found in the source: src[start..end), its sigil (0 for a plain name) and its trimmed
 * content. */
struct tag {
	size_t start, end;
	char sigil;
	const char *content;
	size_t clen;
};

/* The open sections while parsing: cur is where nodes go, open[] the parents to go back to. */
struct nesting {
	struct node *open[MAX_SECTION_DEPTH + 1];
	size_t nopen;
	struct node *cur;
};

/*
 * The next tag at or after pos with delimiters d into *tg: 1, or 0 when there is none, or -1
 * (said) when it is not closed on its own line.
 */
static int next_tag(const struct tmpl *t, const struct delims *d, size_t pos, struct tag *tg)
{
	const char *s = t->src;
	size_t n = t->len;
	const char *hit = find(s + pos, n - pos, d->open, d->olen);
	if (!hit)
		return 0;
	size_t start = (size_t)(hit - s), p = start + d->olen;
	while (p < n && is_blank(s[p]))
		p++;
	char sigil = p < n && strchr("#^/>!=&{", s[p]) ? s[p] : 0;
	const char *closer = sigil == '{' ? d->brace_close : sigil == '=' ? d->eq_close : d->close;
	size_t body = sigil ? p + 1 : p;
	const char *end = find(s + body, n - body, closer, strlen(closer));
	if (end && sigil != '!') {
		/* "{{name" followed, lines later, by "}}": report the tag that is open. */
		size_t blen = (size_t)(end - (s + body));
		if (memchr(s + body, '\n', blen) || find(s + body, blen, d->open, d->olen))
			end = NULL;
	}
	if (!end) {
		report(DIAG_ERROR, t, start, "tag is not closed (expected \"%s\")", closer);
		return -1;
	}
	tg->start = start;
	tg->sigil = sigil;
	tg->content = s + body;
	tg->clen = (size_t)(end - tg->content);
	tg->end = (size_t)(end - s) + strlen(closer);
	trim(&tg->content, &tg->clen);
	return 1;
}

/* {{/name}}: closes the innermost open section, which must be name; false (said) if not. */
static bool close_section(const struct tmpl *t, struct nesting *ns, const struct tag *tg)
{
	size_t start = tg->start, clen = tg->clen;
	const char *content = tg->content;
	struct node *cur = ns->cur;
	if (clen == 0) {
		report(DIAG_ERROR, t, start, "empty tag (a name is missing)");
		return false;
	}
	if (ns->nopen == 0) {
		report(DIAG_ERROR, t, start, "{{/%.*s}} closes no open section", (int)clen,
		       content);
		return false;
	}
	if (strlen(cur->name) != clen || memcmp(cur->name, content, clen) != 0) {
		report(DIAG_ERROR, t, start,
		       "{{/%.*s}} does not close the open section \"%s\" (opened "
		       "on line %ld)",
		       (int)clen, content, cur->name, line_of(t, cur->pos));
		return false;
	}
	ns->cur = ns->open[--ns->nopen];
	return true;
}

/*
 * Tag tg into the tree (a comment adds nothing, a delimiter change changes d); alone: it stands
 * alone on its line, which starts at ls. Returns false after reporting a problem.
 */
static bool add_tag(const struct tmpl *t, struct nesting *ns, struct delims *d,
                    const struct tag *tg, bool alone, size_t ls)
{
	size_t start = tg->start;
	struct node *node;
	bool ok = true;
	switch (tg->sigil) {
	case '!':
		break;
	case '=':
		ok = set_delims(t, start, d, tg->content, tg->clen);
		if (ok)
			node_add(ns->cur, N_DELIMS, start);
		break;
	case '#':
	case '^':
		if (ns->nopen == MAX_SECTION_DEPTH) {
			report(DIAG_ERROR, t, start, "sections nested more than %d deep",
			       MAX_SECTION_DEPTH);
			return false;
		}
		node = node_add(ns->cur, tg->sigil == '#' ? N_SECTION : N_INVERTED, start);
		ok = set_name(t, node, tg->content, tg->clen);
		ns->open[ns->nopen++] = ns->cur;
		ns->cur = node;
		break;
	case '/':
		ok = close_section(t, ns, tg);
		break;
	case '>':
		node = node_add(ns->cur, N_PARTIAL, start);
		ok = set_name(t, node, tg->content, tg->clen);
		if (alone)
			node->indent = xstrndup(t->src + ls, start - ls);
		break;
	default:
		node =
		    node_add(ns->cur, tg->sigil == '&' || tg->sigil == '{' ? N_RAW : N_VAR, start);
		ok = set_name(t, node, tg->content, tg->clen);
		break;
	}
	return ok;
}

/* Parses t->src into t->root; returns false after reporting the first problem. */
static bool parse(struct tmpl *t)
{
	size_t pos = 0;
	struct delims d = {0};
	delims_set(&d, "{{", 2, "}}", 2);
	struct nesting ns = {.cur = &t->root};
	bool ok = true;

	for (;;) {
		struct tag tg;
		int found = next_tag(t, &d, pos, &tg);
		if (found == 0) {
			add_text(ns.cur, t, pos, t->len);
			break;
		}
		if (found < 0) {
			ok = false;
			break;
		}
		size_t ls = tg.start, next = tg.end;
		bool alone = tg.sigil && strchr("#^/>!=", tg.sigil) &&
		             standalone(t, tg.start, tg.end, &ls, &next);
		add_text(ns.cur, t, pos, ls);
		pos = next;
		ok = add_tag(t, &ns, &d, &tg, alone, ls);
		if (!ok)
			break;
	}
	if (ok && ns.nopen > 0) {
		report(DIAG_ERROR, t, ns.cur->pos,
		       "section \"%s\" is never closed (expected {{/%s}})", ns.cur->name,
		       ns.cur->name);
		ok = false;
	}
	delims_free(&d);
	return ok;
}

/* A template over src[0..len); takes ownership of `owned` (may be NULL). */
static struct tmpl *tmpl_new(const char *name, const char *src, size_t len, char *owned)
{
	struct tmpl *t = xcalloc(1, sizeof *t);
	t->name = xstrdup(name);
	t->src = src;
	t->len = len;
	t->owned = owned;
	t->root.kind = N_ROOT;
	return t;
}

/* Gives a file template its folder and extension, which its partials share. */
static void tmpl_set_file(struct tmpl *t, const char *ext)
{
	const char *path = t->name;
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	t->dir = xstrndup(path, (size_t)(base - path));
	if (!ext) {
		const char *dot = strrchr(base, '.');
		ext = dot && dot > base ? path + (dot - path) : "";
	}
	t->ext = ext;
}

/*
 * Reads a whole template or partial file (a regular file, within MAX_TEMPLATE_BYTES, without a
 * NUL byte). NULL on failure, with *why for the message: the system's reason (*sys true, and
 * *missing when the file does not exist), or what is wrong with the file ("is a folder, not a
 * file").
 */
static char *read_file(const char *path, size_t *len, char **why, bool *sys, bool *missing)
{
	const char *w = NULL;
	*missing = *sys = false;
	errno = 0;
	char *text = safeopen_read(path, MAX_TEMPLATE_BYTES, len, &w);
	if (!text) {
		*missing = errno == ENOENT;
		*sys = strncmp(w, "is ", 3) != 0;
		*why =
		    strcmp(w, SAFEOPEN_TOO_LARGE) == 0
		        ? xasprintf("is larger than the limit of %zu MiB", MAX_TEMPLATE_BYTES >> 20)
		        : xstrdup(w);
		return NULL;
	}
	const char *nul = memchr(text, '\0', *len);
	if (nul) {
		long line = 1, col = 1;
		for (const char *p = text; p < nul; p++, col++)
			if (*p == '\n')
				line++, col = 0;
		*why = xasprintf(
		    "holds a NUL byte at line %ld, column %ld: a template is text (is this a "
		    "binary file?)",
		    line, col);
		free(text);
		return NULL;
	}
	return text;
}

/* --- Context ------------------------------------------------------------------------------- */

static void push(struct render *r, const json_t *v)
{
	if (r->depth == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 16;
		r->stack = xreallocarray(r->stack, r->cap, sizeof *r->stack);
	}
	r->stack[r->depth++] = v;
}

/*
 * Resolves a name: "." is the innermost context; otherwise the first key is looked up from the
 * innermost context outwards and the rest descends from there. NULL when it resolves to nothing
 * (a key present with a null value is json null, not NULL); then *broken is the number of parts
 * that did resolve, and *last the value the next part was looked up in.
 */
static const json_t *lookup(const struct render *r, const struct node *n, size_t *broken,
                            const json_t **last)
{
	*broken = 0;
	*last = NULL;
	if (n->nparts == 0)
		return r->depth ? r->stack[r->depth - 1] : NULL;
	const json_t *v = NULL;
	for (size_t i = r->depth; i-- > 0 && !v;)
		v = json_object_get(r->stack[i], n->parts[0]);
	for (size_t i = 1; v && i < n->nparts; i++) {
		const json_t *next = json_object_get(v, n->parts[i]);
		if (!next) {
			*broken = i;
			*last = v;
		}
		v = next;
	}
	return v;
}

static bool truthy(const json_t *v)
{
	return v && !json_is_null(v) && !json_is_false(v) &&
	       !(json_is_array(v) && json_array_size(v) == 0);
}

/* --- Strict mode: did you mean ------------------------------------------------------------- */

/* Edit distance counting an adjacent transposition as one edit. */
static size_t distance(const char *a, const char *b)
{
	size_t m = strlen(a), n = strlen(b);
	size_t *d = xcalloc((m + 1) * (n + 1), sizeof *d);
#define D(i, j) d[(i) * (n + 1) + (j)]
	for (size_t i = 0; i <= m; i++)
		D(i, 0) = i;
	for (size_t j = 0; j <= n; j++)
		D(0, j) = j;
	for (size_t i = 1; i <= m; i++) {
		for (size_t j = 1; j <= n; j++) {
			size_t best = D(i - 1, j - 1) + (a[i - 1] != b[j - 1]);
			if (D(i - 1, j) + 1 < best)
				best = D(i - 1, j) + 1;
			if (D(i, j - 1) + 1 < best)
				best = D(i, j - 1) + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    D(i - 2, j - 2) + 1 < best)
				best = D(i - 2, j - 2) + 1;
			D(i, j) = best;
		}
	}
	size_t result = D(m, n);
#undef D
	free(d);
	return result;
}

struct suggestions {
	const char *wanted;
	char *names[MAX_SUGGESTIONS];
	size_t dist[MAX_SUGGESTIONS];
	size_t n;
};

/* Keeps candidate if it is among the closest so far and close enough to be a likely typo. */
static void suggest(struct suggestions *sg, const char *prefix, const char *key)
{
	char *cand = prefix ? xasprintf("%s.%s", prefix, key) : xstrdup(key);
	size_t d = distance(sg->wanted, cand);
	/* A third of the last part may be wrong; the same key elsewhere is as good as one typo. */
	const char *last = strrchr(sg->wanted, '.');
	last = last ? last + 1 : sg->wanted;
	size_t clen = strlen(cand), wlen = strlen(sg->wanted);
	bool same_key = clen > wlen && cand[clen - wlen - 1] == '.' &&
	                strcmp(cand + clen - wlen, sg->wanted) == 0;
	if (same_key)
		d = 1;
	bool keep = same_key || (d < strlen(last) && d * 3 <= strlen(last) + 3);
	for (size_t i = 0; i < sg->n && keep; i++)
		keep = strcmp(sg->names[i], cand) != 0;
	size_t at = sg->n;
	while (keep && at > 0 &&
	       (sg->dist[at - 1] > d ||
	        (sg->dist[at - 1] == d && strcmp(sg->names[at - 1], cand) > 0)))
		at--;
	if (!keep || at == MAX_SUGGESTIONS) {
		free(cand);
		return;
	}
	if (sg->n == MAX_SUGGESTIONS)
		free(sg->names[--sg->n]);
	memmove(sg->names + at + 1, sg->names + at, (sg->n - at) * sizeof *sg->names);
	memmove(sg->dist + at + 1, sg->dist + at, (sg->n - at) * sizeof *sg->dist);
	sg->names[at] = cand;
	sg->dist[at] = d;
	sg->n++;
}

/* Offers the keys of obj (and, one level down, their keys) as prefix.key. */
static void suggest_keys(struct suggestions *sg, const char *prefix, const json_t *obj, int levels)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)obj, key, v)
	{
		suggest(sg, prefix, key);
		if (levels > 1 && json_is_object(v)) {
			char *sub = prefix ? xasprintf("%s.%s", prefix, key) : xstrdup(key);
			suggest_keys(sg, sub, v, levels - 1);
			free(sub);
		}
	}
}

static void report_missing(struct render *r, const struct tmpl *t, struct node *n, size_t broken,
                           const json_t *last)
{
	r->failed = true;
	if (n->reported)
		return;
	n->reported = true;
	struct suggestions sg = {.wanted = n->name};
	if (broken == 0) {
		for (size_t i = r->depth; i-- > 0;)
			suggest_keys(&sg, NULL, r->stack[i], 2);
	} else {
		struct strbuf prefix = STRBUF_INIT;
		for (size_t i = 0; i < broken; i++)
			strbuf_printf(&prefix, "%s%s", i ? "." : "", n->parts[i]);
		suggest_keys(&sg, strbuf_str(&prefix), last, 1);
		strbuf_free(&prefix);
	}
	struct strbuf hint = STRBUF_INIT;
	for (size_t i = 0; i < sg.n; i++) {
		strbuf_printf(&hint, "%s\"%s\"",
		              i == 0          ? " (did you mean "
		              : i + 1 == sg.n ? " or "
		                              : ", ",
		              sg.names[i]);
		free(sg.names[i]);
	}
	if (sg.n)
		strbuf_puts(&hint, "?)");
	report(DIAG_ERROR, t, n->pos, "\"%s\" is not in the context%s", n->name, strbuf_str(&hint));
	strbuf_free(&hint);
}

/* --- Output -------------------------------------------------------------------------------- */

static bool is_punct(unsigned char c)
{
	return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
	       (c >= '{' && c <= '~');
}

void mustache_escape_markdown(struct strbuf *out, const char *s, size_t n)
{
	/*
	 * Blanks at either end are written as character references: as plain spaces they could
	 * start an indented code block or, before a line break, make a hard break.
	 */
	size_t lead = 0, tail = n;
	while (lead < n && is_space(s[lead]))
		lead++;
	while (tail > lead && is_space(s[tail - 1]))
		tail--;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		bool edge = i < lead || i >= tail;
		if (c == '\r' && i + 1 < n && s[i + 1] == '\n')
			continue; /* CR LF is one break, written at the LF */
		if (edge && is_space((char)c))
			strbuf_puts(out, "&#32;");
		else if (c == '\r' || c == '\n')
			strbuf_putc(out, ' ');
		else if (is_punct(c)) {
			strbuf_putc(out, '\\');
			strbuf_putc(out, (char)c);
		} else
			strbuf_putc(out, (char)c);
	}
}

static void escape_html(struct strbuf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '&':
			strbuf_puts(out, "&amp;");
			break;
		case '<':
			strbuf_puts(out, "&lt;");
			break;
		case '>':
			strbuf_puts(out, "&gt;");
			break;
		case '"':
			strbuf_puts(out, "&quot;");
			break;
		default:
			strbuf_putc(out, s[i]);
			break;
		}
	}
}

/* Writes a real number in the shortest form that reads back as the same double. */
static void format_real(char *buf, size_t size, double x)
{
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, x);
		if (strtod(buf, NULL) == x)
			return;
	}
}

/* Appends v's text (strings as they are, numbers, true/false; null and containers: nothing). */
static void interpolate(struct strbuf *out, const json_t *v, enum mustache_escape esc)
{
	char buf[64];
	const char *s = buf;
	size_t n;
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_STRING:
		s = json_string_value(v);
		n = json_string_length(v);
		break;
	case JSON_INTEGER:
		n = (size_t)snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT,
		                     json_integer_value(v));
		break;
	case JSON_REAL:
		format_real(buf, sizeof buf, json_real_value(v));
		n = strlen(buf);
		break;
	case JSON_TRUE:
		s = "true";
		n = 4;
		break;
	case JSON_FALSE:
		s = "false";
		n = 5;
		break;
	default:
		return;
	}
	if (esc == MUSTACHE_ESCAPE_HTML)
		escape_html(out, s, n);
	else if (esc == MUSTACHE_ESCAPE_MARKDOWN)
		mustache_escape_markdown(out, s, n);
	else
		strbuf_append(out, s, n);
}

/* Starts an output line of an indented partial with its indentation. */
static void start_line(struct render *r, const char *indent)
{
	if (r->bol && indent)
		strbuf_puts(r->out, indent);
	r->bol = false;
}

static void emit_text(struct render *r, const char *indent, const char *s, size_t n)
{
	while (n > 0) {
		start_line(r, indent);
		const char *nl = memchr(s, '\n', n);
		size_t k = nl ? (size_t)(nl - s) + 1 : n;
		strbuf_append(r->out, s, k);
		r->bol = nl != NULL;
		s += k;
		n -= k;
	}
}

/* --- Rendering ----------------------------------------------------------------------------- */

static int render_nodes(struct render *r, const struct tmpl *t, struct node *parent,
                        const char *indent, int depth);

/* Finds partial n->name of t, loading and parsing it on first use. *t_out NULL: there is none. */
static int get_partial(struct render *r, const struct tmpl *t, struct node *n, struct tmpl **t_out)
{
	*t_out = NULL;
	char *key;
	if (r->opts->load_partial)
		key = xstrdup(n->name);
	else if (t->dir)
		key = xasprintf("%s%s%s", t->dir, n->name, t->ext);
	else {
		report(DIAG_ERROR, t, n->pos,
		       "partial \"%s\" cannot be loaded: the template is not a file and no loader "
		       "was given",
		       n->name);
		return -1;
	}
	for (struct tmpl *p = r->partials; p; p = p->next) {
		if (strcmp(p->key, key) == 0) {
			free(key);
			*t_out = p;
			return 0;
		}
	}
	size_t len = 0;
	char *text;
	if (r->opts->load_partial) {
		text = r->opts->load_partial(r->opts->partial_ctx, n->name, &len);
	} else {
		char *why = NULL;
		bool sys, missing;
		text = read_file(key, &len, &why, &sys, &missing);
		if (!text && !missing) {
			report(DIAG_ERROR, t, n->pos, "partial \"%s\": %s%s%s%s", n->name,
			       sys ? "cannot read " : "", key, sys ? ": " : " ", why);
			free(why);
			free(key);
			return -1;
		}
		free(why);
	}
	if (!text) {
		free(key);
		return 0;
	}
	struct tmpl *p = tmpl_new(key, text, len, text);
	p->key = key;
	if (!r->opts->load_partial)
		tmpl_set_file(p, t->ext);
	p->next = r->partials;
	r->partials = p;
	if (!parse(p))
		return -1;
	*t_out = p;
	return 0;
}

static int render_partial(struct render *r, const struct tmpl *t, struct node *n,
                          const char *indent, int depth)
{
	if (depth >= MAX_PARTIAL_DEPTH) {
		report(DIAG_ERROR, t, n->pos,
		       "partials nested more than %d deep (does \"%s\" include itself?)",
		       MAX_PARTIAL_DEPTH, n->name);
		return -1;
	}
	struct tmpl *p;
	if (get_partial(r, t, n, &p) < 0)
		return -1;
	if (!p) {
		/* The spec renders an unknown partial as nothing; strict mode refuses it. */
		char *file = r->opts->load_partial
		                 ? xstrdup("")
		                 : xasprintf(" (no file %s%s%s)", t->dir, n->name, t->ext);
		if (r->opts->strict)
			report(DIAG_ERROR, t, n->pos, "unknown partial \"%s\"%s", n->name, file);
		else if (!n->reported)
			report(DIAG_WARNING, t, n->pos, "unknown partial \"%s\"%s: left out",
			       n->name, file);
		n->reported = true;
		free(file);
		return r->opts->strict ? -1 : 0;
	}
	char *inner = NULL;
	if (n->indent) {
		inner = xasprintf("%s%s", indent ? indent : "", n->indent);
		r->bol = true;
	}
	int rc = render_nodes(r, p, &p->root, inner ? inner : indent, depth + 1);
	free(inner);
	return rc;
}

static int render_nodes(struct render *r, const struct tmpl *t, struct node *parent,
                        const char *indent, int depth)
{
	for (size_t i = 0; i < parent->nkids; i++) {
		struct node *n = parent->kids[i];
		if (r->out->len - r->start > MAX_OUTPUT_BYTES) {
			report(
			    DIAG_ERROR, t, n->pos,
			    "the template expands to more than %zu MiB of Markdown here; a section "
			    "repeated inside another multiplies it (the limit keeps memory "
			    "bounded)",
			    MAX_OUTPUT_BYTES >> 20);
			return -1;
		}
		if (n->kind == N_TEXT) {
			emit_text(r, indent, n->text, n->len);
			continue;
		}
		if (n->kind == N_PARTIAL) {
			if (render_partial(r, t, n, indent, depth) < 0)
				return -1;
			continue;
		}
		if (n->kind == N_DELIMS)
			continue;
		size_t broken;
		const json_t *last;
		const json_t *v = lookup(r, n, &broken, &last);
		if (!v && r->opts->strict)
			report_missing(r, t, n, broken, last);
		switch (n->kind) {
		case N_VAR:
		case N_RAW:
			start_line(r, indent);
			interpolate(r->out, v,
			            n->kind == N_RAW ? MUSTACHE_ESCAPE_NONE : r->opts->escape);
			break;
		case N_SECTION:
			if (!truthy(v))
				break;
			for (size_t k = 0; k < (json_is_array(v) ? json_array_size(v) : 1); k++) {
				push(r, json_is_array(v) ? json_array_get(v, k) : v);
				int rc = render_nodes(r, t, n, indent, depth);
				r->depth--;
				if (rc < 0)
					return -1;
			}
			break;
		case N_INVERTED:
			if (!truthy(v) && render_nodes(r, t, n, indent, depth) < 0)
				return -1;
			break;
		default:
			break;
		}
	}
	return 0;
}

static int render_tmpl(struct tmpl *t, const json_t *ctx, const struct mustache_opts *opts,
                       struct strbuf *out)
{
	static const struct mustache_opts defaults = {.escape = MUSTACHE_ESCAPE_HTML};
	struct render r = {.opts = opts ? opts : &defaults, .out = out, .bol = true};
	size_t start = out->len;
	r.start = start;
	int rc = -1;
	if (parse(t)) {
		if (ctx)
			push(&r, ctx);
		rc = render_nodes(&r, t, &t->root, NULL, 0);
		if (r.failed)
			rc = -1;
	}
	if (rc < 0 && out->s) {
		out->len = start; /* no half-written text */
		out->s[start] = '\0';
	}
	while (r.partials) {
		struct tmpl *next = r.partials->next;
		tmpl_free(r.partials);
		r.partials = next;
	}
	free(r.stack);
	return rc;
}

int mustache_render(const char *name, const char *text, size_t len, const json_t *ctx,
                    const struct mustache_opts *opts, struct strbuf *out)
{
	struct tmpl *t = tmpl_new(name ? name : "template", text, len, NULL);
	int rc = render_tmpl(t, ctx, opts, out);
	tmpl_free(t);
	return rc;
}

int mustache_render_file(const char *path, const json_t *ctx, const struct mustache_opts *opts,
                         struct strbuf *out)
{
	size_t len = 0;
	char *why = NULL;
	bool sys, missing;
	char *text = read_file(path, &len, &why, &sys, &missing);
	if (!text) {
		if (sys)
			diag_msg(DIAG_ERROR, path, 0, 0, "cannot read the template: %s", why);
		else
			diag_msg(DIAG_ERROR, path, 0, 0, "the template %s", why);
		free(why);
		return -1;
	}
	struct tmpl *t = tmpl_new(path, text, len, text);
	tmpl_set_file(t, NULL);
	int rc = render_tmpl(t, ctx, opts, out);
	tmpl_free(t);
	return rc;
}

/* --- Walking ------------------------------------------------------------------------------- */

/*
 * A walk follows every partial wherever it stands, whatever the data, so a partial that
 * includes itself is followed to this depth (and one that includes itself twice, exponentially
 * often): far less deep than rendering allows. It is the depth the order check always read to.
 */
enum { WALK_PARTIAL_DEPTH = 16 };

struct walk {
	mustache_tag_fn fn;
	void *ctx;
	struct tmpl *partials; /* read and parsed once a walk, owned */
};

/* Where a walk is in one file: line is the line of byte pos (tags come in source order). */
struct walk_pos {
	size_t pos;
	long line;
};

/* Partial n of t, found as rendering finds it without a loader, or NULL when it cannot be read. */
static struct tmpl *walk_partial(struct walk *w, const struct tmpl *t, const struct node *n)
{
	char *key = xasprintf("%s%s%s", t->dir, n->name, t->ext);
	for (struct tmpl *p = w->partials; p; p = p->next) {
		if (strcmp(p->key, key) == 0) {
			free(key);
			return p;
		}
	}
	size_t len = 0;
	char *why = NULL;
	bool sys, missing;
	char *text = read_file(key, &len, &why, &sys, &missing);
	free(why);
	if (!text) {
		free(key);
		return NULL;
	}
	struct tmpl *p = tmpl_new(key, text, len, text);
	p->key = key;
	p->quiet = true;
	tmpl_set_file(p, t->ext);
	p->next = w->partials;
	w->partials = p;
	parse(p); /* a partial that does not parse is walked up to its first problem */
	return p;
}

static enum mustache_walk walk_file(struct walk *w, const struct tmpl *t, int depth);

static enum mustache_walk walk_nodes(struct walk *w, const struct tmpl *t,
                                     const struct node *parent, struct walk_pos *at, int depth)
{
	for (size_t i = 0; i < parent->nkids; i++) {
		const struct node *n = parent->kids[i];
		if (n->kind == N_TEXT)
			continue;
		if (n->kind == N_PARTIAL) {
			struct tmpl *p = depth < WALK_PARTIAL_DEPTH ? walk_partial(w, t, n) : NULL;
			if (p && walk_file(w, p, depth + 1) == MUSTACHE_WALK_STOP)
				return MUSTACHE_WALK_STOP;
			continue;
		}
		for (; at->pos < n->pos && at->pos < t->len; at->pos++)
			at->line += t->src[at->pos] == '\n';
		struct mustache_tag tag = {
		    .kind = n->kind == N_DELIMS     ? MUSTACHE_TAG_DELIMS
		            : n->kind == N_SECTION  ? MUSTACHE_TAG_SECTION
		            : n->kind == N_INVERTED ? MUSTACHE_TAG_INVERTED
		                                    : MUSTACHE_TAG_VAR,
		    .name = n->name ? n->name : "",
		    .file = t->name,
		    .line = at->line,
		};
		enum mustache_walk r = w->fn(w->ctx, &tag);
		if (r == MUSTACHE_WALK_ON && (n->kind == N_SECTION || n->kind == N_INVERTED))
			r = walk_nodes(w, t, n, at, depth);
		if (r != MUSTACHE_WALK_ON)
			return r;
	}
	return MUSTACHE_WALK_ON;
}

/* Walks t; MUSTACHE_WALK_STOP when fn stopped the walk. */
static enum mustache_walk walk_file(struct walk *w, const struct tmpl *t, int depth)
{
	struct walk_pos at = {0, 1};
	enum mustache_walk r = walk_nodes(w, t, &t->root, &at, depth);
	return r == MUSTACHE_WALK_STOP ? r : MUSTACHE_WALK_ON;
}

bool mustache_walk_file(const char *path, mustache_tag_fn fn, void *ctx)
{
	size_t len = 0;
	char *why = NULL;
	bool sys, missing;
	char *text = read_file(path, &len, &why, &sys, &missing);
	free(why);
	if (!text)
		return false;
	struct tmpl *t = tmpl_new(path, text, len, text);
	t->quiet = true;
	tmpl_set_file(t, NULL);
	parse(t); /* a template that does not parse is walked up to its first problem */
	struct walk w = {.fn = fn, .ctx = ctx};
	bool stopped = walk_file(&w, t, 0) == MUSTACHE_WALK_STOP;
	while (w.partials) {
		struct tmpl *next = w.partials->next;
		tmpl_free(w.partials);
		w.partials = next;
	}
	tmpl_free(t);
	return stopped;
}
