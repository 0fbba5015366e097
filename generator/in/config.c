#include "in/config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "util/diag.h"
#include "util/safeopen.h"
#include "util/intern.h"
#include "util/strbuf.h"
#include "util/utf8.h"
#include "util/xmem.h"

/* libinih's line buffer (INI_MAX_LINE in Debian's build): longer lines are refused, not split. */
#define LINE_MAX_BYTES 200

static const char *const pack_keys[] = {"title",
                                        "organisation",
                                        "period_length",
                                        "currency",
                                        "paper",
                                        "template",
                                        "sco_target",
                                        "churn_window_days",
                                        "min_cases",
                                        "green_share_threshold",
                                        "tolerance",
                                        "number_locale",
                                        "font_regular",
                                        "font_bold",
                                        "logo",
                                        "failure_contact_cost",
                                        NULL};
static const char *const input_keys[] = {"journeys",  "cases",      "kpis",
                                         "customers", "actions",    "delimiter",
                                         "decimal",   "date_order", NULL};
static const char *const rule_keys[] = {"achieved", "failed", "abandoned", "failure_demand", NULL};
static const char *const journey_keys[] = {"goal", "promise_days", "sco_target",
                                           "max_failure_contacts", NULL};
static const char *const section_names[] = {"pack",
                                            "inputs",
                                            "rules",
                                            "columns.journeys",
                                            "columns.kpis",
                                            "columns.customers",
                                            "columns.cases",
                                            "columns.actions",
                                            "journey \"NAME\"",
                                            "defaults",
                                            NULL};

/* The contract's columns of each input (data-contract.md), for [columns.*]. */
static const char *const contract_columns[INPUT_KINDS][13] = {
    [INPUT_JOURNEYS] = {"case_id", "journey", "timestamp", "department", "customer_id",
                        "touchpoint", "channel", "demand", "outcome", "region", NULL},
    [INPUT_KPIS] = {"period", "department", "kpi", "actual", "target", "direction", "unit",
                    "tolerance", "kind", "journey", "region", NULL},
    [INPUT_CUSTOMERS] = {"customer_id", "segment", "region", "annual_value", "joined", "left",
                         NULL},
    [INPUT_CASES] = {"case_id", "journey", "start", "end", "outcome", "contacts",
                     "failure_contacts", "handoffs", "departments", "failure_by_department",
                     "customer_id", "region", NULL},
    [INPUT_ACTIONS] = {"action", "owner", "goal", "due", "status", "region", NULL},
};
static const char *const input_names[INPUT_KINDS] = {"journeys", "kpis", "customers", "cases",
                                                     "actions"};

struct parse {
	struct config *c;
	FILE *fp;
	long line;         /* line the reader returned last */
	bool continuation; /* that line began with white space (a multi-line value) */
	bool failed;
	int problems;      /* said so far; reading stops at CONFIG_PROBLEMS_SHOWN */
	bool any_section;  /* a line began with "[" (a section, or one meant) */
	char last_section[LINE_MAX_BYTES];
	char last_key[LINE_MAX_BYTES];
	char raw[LINE_MAX_BYTES]; /* the line the reader returned last, as written */
	/* keys seen, "section\nkey", to refuse repeats; the line of each, by symbol */
	struct intern *seen;
	long *seen_line;
	size_t seen_cap;
	struct journey_conf *last_journey; /* the section the previous key was in, if a journey */
};

/* A file that is not a pack configuration at all (an event log given in its place, say) would
 * otherwise get a message per line: reading stops after this many problems. */
#define CONFIG_PROBLEMS_SHOWN 20

static void say(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct parse *p, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	diag_msg(DIAG_ERROR, p->c->path, p->line, 0, "%s", msg);
	p->failed = true;
	p->problems++;
}

/* The offset of the first byte of s that is not part of well-formed UTF-8 (utf8_next), or -1. */
static long invalid_utf8(const char *str)
{
	size_t n = strlen(str), k;
	uint32_t cp;
	for (size_t i = 0; i < n; i += k)
		if ((k = utf8_next(str + i, n - i, &cp)) == 0)
			return (long)i;
	return -1;
}

/*
 * A line that is not valid UTF-8 is refused whole, naming the key (or the line) and the byte: a
 * title or file name in another encoding would otherwise reach the pack garbled or vanish from
 * the template's context (issue 16).
 */
static void check_utf8(struct parse *p, char *str)
{
	long at = invalid_utf8(str);
	if (at < 0)
		return;
	const char *s = str + strspn(str, " \t");
	const char *eq = strchr(s, '=');
	size_t klen = eq ? (size_t)(eq - s) : 0;
	while (klen && (s[klen - 1] == ' ' || s[klen - 1] == '\t'))
		klen--;
	long col = 1;
	for (long i = 0; i < at; i++)
		col += ((unsigned char)str[i] & 0xC0) != 0x80;
	if (eq && (long)(eq - str) > at)
		klen = 0; /* the bad byte is in the key itself */
	if (klen && *s != ';' && *s != '#' && *s != '[')
		say(p,
		    "the value of \"%.*s\" is not valid UTF-8 (byte \\x%02X at column %ld); save "
		    "PACK.ini as UTF-8",
		    (int)klen, s, (unsigned char)str[at], col);
	else
		say(p,
		    "this line is not valid UTF-8 (byte \\x%02X at column %ld); save PACK.ini as "
		    "UTF-8",
		    (unsigned char)str[at], col);
	str[0] = '\n';
	str[1] = '\0';
}

/* Why inih would refuse line (not the first of a value continued on the next), or NULL: a line
 * neither blank, nor a comment, nor a [section] closed before a " ;" comment, nor with "=" or
 * ":" before one. Said here, in order with the other problems, rather than by inih's one line
 * number at the end. */
static const char *not_a_setting(const char *line, long lineno)
{
	if (lineno == 1 && strncmp(line, "\xEF\xBB\xBF", 3) == 0)
		line += 3;
	if (line[0] == ' ' || line[0] == '\t')
		return NULL; /* a continued value, or a key after white space: inih's to judge */
	if (strchr(";#\r\n", line[0]) || line[0] == '\0')
		return NULL;
	bool section = line[0] == '[';
	for (const char *c = line; *c; c++) {
		if (section ? *c == ']' : *c == '=' || *c == ':')
			return NULL;
		if (*c == ';' && c > line && (c[-1] == ' ' || c[-1] == '\t'))
			break;
	}
	return section ? "a [section] line needs its closing \"]\""
	               : "expected [section], key = value, or a comment";
}

/* fgets-style reader that counts lines and refuses over-long ones instead of splitting them. */
static char *read_line(char *str, int num, void *stream)
{
	struct parse *p = stream;
	if (p->problems >= CONFIG_PROBLEMS_SHOWN || !fgets(str, num, p->fp))
		return NULL;
	p->line++;
	size_t n = strlen(str);
	if (n == (size_t)num - 1 && str[n - 1] != '\n' && !feof(p->fp)) {
		say(p, "line is longer than %d characters, the most PACK.ini allows; shorten it",
		    num - 2);
		int ch;
		while ((ch = fgetc(p->fp)) != EOF && ch != '\n')
			;
		str[0] = '\n';
		str[1] = '\0';
	}
	check_utf8(p, str);
	if (str[strspn(str, " \t")] == '[')
		p->any_section = true;
	const char *refused = not_a_setting(str, p->line);
	if (refused) {
		say(p, "%s", refused);
		if (str[0] == '[') {
			/* the lines after it are judged as the section it meant to open */
			size_t len = strcspn(str, ";\r\n");
			if (len + 3 > (size_t)num)
				len = (size_t)num - 3;
			while (len > 1 && (str[len - 1] == ' ' || str[len - 1] == '\t'))
				len--;
			memcpy(str + len, "]\n", 3);
		} else {
			str[0] = '\n';
			str[1] = '\0';
		}
	}
	p->continuation =
	    (str[0] == ' ' || str[0] == '\t') && strspn(str, " \t\r\n") != strlen(str);
	snprintf(p->raw, sizeof p->raw, "%s", str);
	return str;
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return 99;
	size_t row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cur = row[j];
			size_t cost =
			    tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			size_t best = prev + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	return row[lb];
}

size_t config_closest(const char *word, const char *const *cand, size_t ncand, const char **out,
                      size_t max)
{
	size_t n = 0;
	for (size_t d = 0; d <= 2 && n < max; d++)
		for (size_t i = 0; i < ncand && n < max; i++)
			if (edit_distance(word, cand[i]) == d)
				out[n++] = cand[i];
	return n;
}

static size_t count(const char *const *list)
{
	size_t n = 0;
	while (list[n])
		n++;
	return n;
}

static void unknown(struct parse *p, const char *what, const char *name, const char *where,
                    const char *const *known)
{
	const char *close[3];
	size_t n = config_closest(name, known, count(known), close, 3);
	struct strbuf b = STRBUF_INIT;
	for (size_t i = 0; i < n; i++)
		strbuf_printf(&b, "%s\"%s\"", i ? " or " : " (did you mean ", close[i]);
	if (n)
		strbuf_puts(&b, "?)");
	say(p, "unknown %s \"%s\"%s%s%s", what, name, where, strbuf_str(&b),
	    n ? "" : "; see docs/configuration.md for the settings");
	strbuf_free(&b);
}

static bool in_list(const char *const *list, const char *name)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(list[i], name) == 0)
			return true;
	return false;
}

static char *resolve(const struct config *c, const char *value)
{
	if (value[0] == '/' || strcmp(c->dir, ".") == 0)
		return xstrdup(value);
	return xasprintf("%s/%s", c->dir, value);
}

static bool parse_fraction(struct parse *p, const char *key, const char *v, double *out)
{
	char *end;
	errno = 0;
	double d = strtod(v, &end);
	if (errno || end == v || *end || !isfinite(d) || d < 0 || d > 1) {
		say(p, "%s must be a fraction from 0 to 1 (e.g. 0.8), not \"%s\"", key, v);
		return false;
	}
	*out = d;
	return true;
}

static bool parse_int(struct parse *p, const char *key, const char *v, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < lo || n > hi) {
		say(p, "%s must be a whole number from %ld to %ld, not \"%s\"", key, lo, hi, v);
		return false;
	}
	*out = n;
	return true;
}

static void set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

static void parse_list(struct name_list *l, const char *v)
{
	const char *s = v;
	while (*s) {
		const char *e = strchr(s, ';');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		const char *a = s, *b = s + n;
		while (a < b && isspace((unsigned char)*a))
			a++;
		while (b > a && isspace((unsigned char)b[-1]))
			b--;
		if (b > a) {
			l->names = xreallocarray(l->names, l->n + 1, sizeof *l->names);
			l->names[l->n++] = xstrndup(a, (size_t)(b - a));
		}
		if (!e)
			break;
		s = e + 1;
	}
}

bool name_list_has(const struct name_list *l, const char *name, size_t len)
{
	for (size_t i = 0; i < l->n; i++)
		if (strlen(l->names[i]) == len && strncasecmp(l->names[i], name, len) == 0)
			return true;
	return false;
}

static void pack_key(struct parse *p, const char *k, const char *v)
{
	struct config *c = p->c;
	long n;
	if (strcmp(k, "title") == 0)
		set_str(&c->title, v);
	else if (strcmp(k, "organisation") == 0)
		set_str(&c->organisation, v);
	else if (strcmp(k, "period_length") == 0) {
		if (strcmp(v, "month") == 0)
			c->period_length = PERIOD_MONTH;
		else if (strcmp(v, "quarter") == 0)
			c->period_length = PERIOD_QUARTER;
		else if (strcmp(v, "year") == 0)
			c->period_length = PERIOD_YEAR;
		else
			say(p, "period_length must be month, quarter or year, not \"%s\"", v);
	} else if (strcmp(k, "currency") == 0) {
		if (strlen(v) != 3 || !isupper((unsigned char)v[0]) ||
		    !isupper((unsigned char)v[1]) || !isupper((unsigned char)v[2]))
			say(p,
			    "currency must be an ISO 4217 code such as GBP, EUR or USD, not \"%s\"",
			    v);
		else
			set_str(&c->currency, v);
	} else if (strcmp(k, "paper") == 0) {
		if (strcasecmp(v, "A4") == 0)
			c->paper = PAPER_A4;
		else if (strcasecmp(v, "Letter") == 0)
			c->paper = PAPER_LETTER;
		else
			say(p, "paper must be A4 or Letter, not \"%s\"", v);
	} else if (strcmp(k, "template") == 0) {
		free(c->template_path);
		c->template_path = resolve(c, v);
	} else if (strcmp(k, "sco_target") == 0)
		parse_fraction(p, k, v, &c->sco_target);
	else if (strcmp(k, "green_share_threshold") == 0)
		parse_fraction(p, k, v, &c->green_share_threshold);
	else if (strcmp(k, "tolerance") == 0)
		parse_fraction(p, k, v, &c->tolerance);
	else if (strcmp(k, "churn_window_days") == 0) {
		if (parse_int(p, k, v, 0, 36500, &n))
			c->churn_window_days = (int)n;
	} else if (strcmp(k, "min_cases") == 0) {
		if (parse_int(p, k, v, 0, 1000000000, &n))
			c->min_cases = (int)n;
	} else if (strcmp(k, "number_locale") == 0) {
		if (strcmp(v, "en") && strcmp(v, "de") && strcmp(v, "fr") && strcmp(v, "ch"))
			say(p,
			    "number_locale must be en (1,234.5), de (1.234,5), fr (1 234,5) or ch "
			    "(1'234.5), not \"%s\"",
			    v);
		else
			set_str(&c->number_locale, v);
	} else if (strcmp(k, "font_regular") == 0) {
		free(c->font_regular);
		c->font_regular = resolve(c, v);
	} else if (strcmp(k, "font_bold") == 0) {
		free(c->font_bold);
		c->font_bold = resolve(c, v);
	} else if (strcmp(k, "logo") == 0) {
		free(c->logo);
		c->logo = resolve(c, v);
	} else if (strcmp(k, "failure_contact_cost") == 0) {
		char *end;
		errno = 0;
		double d = strtod(v, &end);
		if (errno || end == v || *end || !isfinite(d) || d < 0)
			say(p,
			    "failure_contact_cost must be an amount of 0 or more in the pack's "
			    "currency (e.g. 4.50), not \"%s\"",
			    v);
		else
			c->failure_contact_cost = d;
	}
}

static void input_key(struct parse *p, const char *k, const char *v)
{
	struct config *c = p->c;
	if (strcmp(k, "journeys") == 0)
		c->journeys = (free(c->journeys), resolve(c, v));
	else if (strcmp(k, "cases") == 0)
		c->cases = (free(c->cases), resolve(c, v));
	else if (strcmp(k, "kpis") == 0)
		c->kpis = (free(c->kpis), resolve(c, v));
	else if (strcmp(k, "customers") == 0)
		c->customers = (free(c->customers), resolve(c, v));
	else if (strcmp(k, "actions") == 0)
		c->actions = (free(c->actions), resolve(c, v));
	else if (strcmp(k, "delimiter") == 0) {
		if (strcmp(v, "auto") == 0)
			c->delimiter = 0;
		else if (strcmp(v, ",") == 0 || strcmp(v, "comma") == 0)
			c->delimiter = ',';
		else if (strcmp(v, ";") == 0 || strcmp(v, "semicolon") == 0)
			c->delimiter = ';';
		else if (strcmp(v, "tab") == 0 || strcmp(v, "\\t") == 0)
			c->delimiter = '\t';
		else if (strcmp(v, "|") == 0 || strcmp(v, "pipe") == 0)
			c->delimiter = '|';
		else
			say(p, "delimiter must be , ; tab | or auto, not \"%s\"", v);
	} else if (strcmp(k, "decimal") == 0) {
		if (strcmp(v, ".") == 0 || strcmp(v, ",") == 0)
			c->decimal = v[0];
		else
			say(p, "decimal must be . or , not \"%s\"", v);
	} else if (strcmp(k, "date_order") == 0) {
		if (strcmp(v, "iso") == 0)
			c->date_order = DATE_ISO;
		else if (strcmp(v, "dmy") == 0)
			c->date_order = DATE_DMY;
		else if (strcmp(v, "mdy") == 0)
			c->date_order = DATE_MDY;
		else
			say(p, "date_order must be iso, dmy or mdy, not \"%s\"", v);
	}
}

static struct journey_conf *journey_section(struct parse *p, const char *section)
{
	/* section is: journey "NAME" */
	const char *q = strchr(section, '"');
	const char *e = q ? strrchr(section, '"') : NULL;
	if (!q || e == q || e[1] != '\0' || strncmp(section, "journey", 7) != 0 ||
	    strspn(section + 7, " \t") != (size_t)(q - section - 7) || e == q + 1) {
		say(p, "section [%s] should read [journey \"Journey name\"]", section);
		return NULL;
	}
	struct config *c = p->c;
	size_t nlen = (size_t)(e - q - 1);
	struct journey_conf *last = p->last_journey;
	if (last && strlen(last->name) == nlen && strncmp(last->name, q + 1, nlen) == 0)
		return last; /* the keys of a section come one after another */
	char *name = xstrndup(q + 1, nlen);
	for (size_t i = 0; i < c->njourney_confs; i++)
		if (strcmp(c->journey_confs[i].name, name) == 0) {
			free(name);
			return p->last_journey = &c->journey_confs[i];
		}
	c->journey_confs =
	    xreallocarray(c->journey_confs, c->njourney_confs + 1, sizeof *c->journey_confs);
	struct journey_conf *j = &c->journey_confs[c->njourney_confs++];
	*j = (struct journey_conf){.name = name, .promise_days = NAN, .sco_target = NAN};
	return p->last_journey = j;
}

static void journey_key(struct parse *p, struct journey_conf *j, const char *k, const char *v)
{
	long n;
	char *end;
	if (strcmp(k, "goal") == 0)
		set_str(&j->goal, v);
	else if (strcmp(k, "promise_days") == 0) {
		errno = 0;
		double d = strtod(v, &end);
		if (errno || end == v || *end || !isfinite(d) || d < 0)
			say(p,
			    "promise_days must be a number of days of 0 or more (e.g. 5 or 2.5), "
			    "not \"%s\"",
			    v);
		else
			j->promise_days = d;
	} else if (strcmp(k, "sco_target") == 0)
		parse_fraction(p, k, v, &j->sco_target);
	else if (strcmp(k, "max_failure_contacts") == 0) {
		if (parse_int(p, k, v, 0, 1000000, &n))
			j->max_failure_contacts = (uint32_t)n;
	}
}

/* Whether the value of the key = value line raw is empty only because an unquoted " ;" after
 * the "=" began a comment (libinih's inline comments), as in "delimiter = ;". */
static bool emptied_by_comment(const char *raw)
{
	const char *eq = raw + strcspn(raw, "=:");
	if (!*eq)
		return false;
	const char *v = eq + 1;
	size_t sp = strspn(v, " \t");
	return sp > 0 && v[sp] == ';';
}

/* A value continued on an indented line: only free text (the title, a goal) may do that. */
static void continue_value(struct parse *p, const char *section, const char *name,
                           const char *value)
{
	struct config *c = p->c;
	if (strcmp(section, "pack") == 0 && strcmp(name, "title") == 0) {
		char *s = xasprintf("%s %s", c->title, value);
		free(c->title);
		c->title = s;
	} else if (strncmp(section, "journey", 7) == 0 && strcmp(name, "goal") == 0) {
		struct journey_conf *j = journey_section(p, section);
		if (j && j->goal) {
			char *s = xasprintf("%s %s", j->goal, value);
			free(j->goal);
			j->goal = s;
		}
	} else {
		say(p, "indented line continues \"%s\", which takes a single value", name);
	}
}

/*
 * The keys section may hold, or NULL (said) for a section there is not. *cols is the input of a
 * [columns.INPUT] section, -1 for any other; *defaults is whether it is [defaults].
 */
static const char *const *section_keys(struct parse *p, const char *section, int *cols,
                                       bool *defaults)
{
	if (strcmp(section, "pack") == 0)
		return pack_keys;
	if (strcmp(section, "inputs") == 0)
		return input_keys;
	if (strcmp(section, "rules") == 0)
		return rule_keys;
	if (strcmp(section, "defaults") == 0) {
		*defaults = true;
		return contract_columns[INPUT_JOURNEYS];
	}
	if (strncmp(section, "journey", 7) == 0 &&
	    (section[7] == ' ' || section[7] == '\t' || section[7] == '"'))
		return journey_keys;
	if (strncmp(section, "columns.", 8) == 0) {
		for (int i = 0; i < INPUT_KINDS; i++)
			if (strcmp(section + 8, input_names[i]) == 0)
				*cols = i;
		if (*cols >= 0)
			return contract_columns[*cols];
	}
	unknown(p, "section", section, "", section_names);
	return NULL;
}

/* Whether this is the first name in section; a key given twice in one section is a mistake, not
 * an override, and is said with the line of the first. */
static bool first_setting(struct parse *p, const char *section, const char *name)
{
	char *id = xasprintf("%s\n%s", section, name);
	size_t known = intern_count(p->seen);
	sym s = intern_add(p->seen, id, strlen(id));
	free(id);
	if ((size_t)s < known) {
		say(p, "\"%s\" in [%s] is already set on line %ld", name, section, p->seen_line[s]);
		return false;
	}
	if ((size_t)s >= p->seen_cap)
		p->seen_line = xreallocarray(p->seen_line, p->seen_cap = 2 * (size_t)s + 16,
		                             sizeof *p->seen_line);
	p->seen_line[s] = p->line;
	return true;
}

/* Whether an empty value is an error (said): everywhere but [rules], and with a hint where a
 * " ;" began a comment. */
static bool no_value(struct parse *p, const char *const *keys, const char *section,
                     const char *name, const char *value)
{
	if (value[0] == '\0' && emptied_by_comment(p->raw)) {
		if (keys == input_keys && strcmp(name, "delimiter") == 0)
			say(p,
			    "\"delimiter\" in [inputs] has no value: the \" ;\" after \"=\" begins "
			    "a "
			    "comment, so the semicolon was ignored; write delimiter = semicolon");
		else
			say(p,
			    "\"%s\" in [%s] has no value: the \" ;\" after \"=\" begins a comment, "
			    "so "
			    "the rest of the line was ignored; to start a value with \";\", put it "
			    "right after \"=\" with no space (%s =;...)",
			    name, section, name);
		return true;
	}
	if (value[0] == '\0' && keys != rule_keys) {
		say(p, "\"%s\" in [%s] has no value", name, section);
		return true;
	}
	return false;
}

/* One checked key = value of a section whose keys are keys, into the configuration. */
static void store_value(struct parse *p, const char *const *keys, int cols, bool defaults,
                        const char *section, const char *name, const char *value)
{
	struct config *c = p->c;
	if (keys == pack_keys)
		pack_key(p, name, value);
	else if (keys == input_keys)
		input_key(p, name, value);
	else if (keys == rule_keys) {
		struct name_list *l = strcmp(name, "achieved") == 0    ? &c->rule_achieved
		                      : strcmp(name, "failed") == 0    ? &c->rule_failed
		                      : strcmp(name, "abandoned") == 0 ? &c->rule_abandoned
		                                                       : &c->rule_failure;
		parse_list(l, value);
	} else if (keys == journey_keys) {
		struct journey_conf *j = journey_section(p, section);
		if (j)
			journey_key(p, j, name, value);
	} else if (defaults) {
		c->defaults = xreallocarray(c->defaults, c->ndefaults + 1, sizeof *c->defaults);
		c->defaults[c->ndefaults++] = (struct column_map){xstrdup(name), xstrdup(value)};
	} else if (strcmp(name, "sheet") == 0) {
		set_str(&c->sheet[cols], value);
	} else {
		c->columns[cols] =
		    xreallocarray(c->columns[cols], c->ncolumns[cols] + 1, sizeof **c->columns);
		c->columns[cols][c->ncolumns[cols]++] =
		    (struct column_map){xstrdup(name), xstrdup(value)};
	}
}

/* inih's handler: one key = value line of section. A problem is said (say marks the parse
 * failed) and the line skipped; returns 1 so that inih's own error is only for bad syntax. */
static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	int cols = -1;
	bool defaults = false;

	if (p->continuation && strcmp(section, p->last_section) == 0 &&
	    strcmp(name, p->last_key) == 0) {
		continue_value(p, section, name, value);
		return 1;
	}
	snprintf(p->last_section, sizeof p->last_section, "%s", section);
	snprintf(p->last_key, sizeof p->last_key, "%s", name);

	if (section[0] == '\0') {
		say(p,
		    "\"%s\" comes before any [section]; put it under [pack], [inputs] or another "
		    "section",
		    name);
		return 1;
	}
	const char *const *keys = section_keys(p, section, &cols, &defaults);
	if (!keys)
		return 1;
	if (!in_list(keys, name) && !(cols >= 0 && strcmp(name, "sheet") == 0)) {
		char where[LINE_MAX_BYTES + 20];
		snprintf(where, sizeof where, " in [%s]", section);
		unknown(p, cols >= 0 || defaults ? "column" : "key", name, where, keys);
		return 1;
	}
	if (!first_setting(p, section, name) || no_value(p, keys, section, name, value))
		return 1;
	store_value(p, keys, cols, defaults, section, name, value);
	return 1;
}

static bool check_input(const struct config *c, const char *key, const char *path)
{
	struct stat st;
	if (!path)
		return true;
	if (stat(path, &st) != 0) {
		diag_msg(DIAG_ERROR, c->path, 0, 0, "[inputs] %s: cannot open \"%s\": %s", key,
		         path, strerror(errno));
		return false;
	}
	if (!S_ISREG(st.st_mode)) {
		diag_msg(DIAG_ERROR, c->path, 0, 0, "[inputs] %s: \"%s\" is %s, not a CSV file",
		         key, path, safeopen_kind(st.st_mode));
		return false;
	}
	struct stat self;
	if (stat(c->path, &self) == 0 && self.st_dev == st.st_dev && self.st_ino == st.st_ino) {
		diag_msg(DIAG_ERROR, c->path, 0, 0,
		         "[inputs] %s names PACK.ini itself; it should name a CSV file", key);
		return false;
	}
	return true;
}

struct config *config_load(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		diag_msg(DIAG_ERROR, path, 0, 0, "cannot open the pack configuration: %s",
		         strerror(errno));
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		diag_msg(DIAG_ERROR, path, 0, 0, "the pack configuration is %s, not a file",
		         safeopen_kind(st.st_mode));
		return NULL;
	}
	const char *why;
	FILE *fp = safeopen_file(path, &why); /* never blocks, whatever is put there meanwhile */
	if (!fp) {
		diag_msg(DIAG_ERROR, path, 0, 0, "cannot open the pack configuration: %s", why);
		return NULL;
	}
	struct config *c = xcalloc(1, sizeof *c);
	c->path = xstrdup(path);
	const char *slash = strrchr(path, '/');
	c->dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
	c->title = xstrdup("Customer outcomes");
	c->organisation = xstrdup("");
	c->period_length = PERIOD_QUARTER;
	c->paper = PAPER_A4;
	c->sco_target = 0.80;
	c->churn_window_days = 90;
	c->min_cases = 30;
	c->green_share_threshold = 0.75;
	c->tolerance = 0.05;
	c->failure_contact_cost = NAN;
	c->decimal = '.';
	c->number_locale = xstrdup("en");

	struct parse p = {.c = c, .fp = fp, .seen = intern_new()};
	int rc = ini_parse_stream(read_line, &p, handler, &p);
	fclose(fp);
	if (rc > 0 && !p.failed)
		diag_msg(DIAG_ERROR, path, rc, 0, "expected [section], key = value, or a comment");
	if (p.problems >= CONFIG_PROBLEMS_SHOWN)
		diag_msg(DIAG_ERROR, path, 0, 0,
		         "stopped reading at line %ld, after %d problems%s", p.line, p.problems,
		         p.any_section ? ""
		                       : "; no line so far is under a [section]: is this the pack "
		                         "configuration? build and check take PACK.ini, which "
		                         "names the event log under [inputs] (journeys = FILE)");
	intern_free(p.seen);
	free(p.seen_line);
	bool ok = rc == 0 && !p.failed;

	if (ok && c->journeys && c->cases) {
		diag_msg(DIAG_ERROR, path, 0, 0,
		         "[inputs] gives both journeys and cases; give one: the event log or the "
		         "per-case file derived from it");
		ok = false;
	}
	if (ok && !c->journeys && !c->cases) {
		diag_msg(DIAG_ERROR, path, 0, 0,
		         "[inputs] needs journeys = FILE (the event log) or cases = FILE");
		ok = false;
	}
	if (ok && !c->kpis) {
		diag_msg(DIAG_ERROR, path, 0, 0,
		         "[inputs] needs kpis = FILE (departmental scores)");
		ok = false;
	}
	if (!ok) {
		config_free(c);
		return NULL;
	}
	return c;
}

static void free_list(struct name_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
}

void config_free(struct config *c)
{
	if (!c)
		return;
	free(c->path);
	free(c->dir);
	free(c->title);
	free(c->organisation);
	free(c->currency);
	free(c->template_path);
	free(c->number_locale);
	free(c->font_regular);
	free(c->font_bold);
	free(c->logo);
	free(c->journeys);
	free(c->cases);
	free(c->kpis);
	free(c->customers);
	free(c->actions);
	for (int k = 0; k < INPUT_KINDS; k++) {
		for (size_t i = 0; i < c->ncolumns[k]; i++) {
			free(c->columns[k][i].contract);
			free(c->columns[k][i].header);
		}
		free(c->columns[k]);
		free(c->sheet[k]);
	}
	for (size_t i = 0; i < c->ndefaults; i++) {
		free(c->defaults[i].contract);
		free(c->defaults[i].header);
	}
	free(c->defaults);
	free_list(&c->rule_achieved);
	free_list(&c->rule_failed);
	free_list(&c->rule_abandoned);
	free_list(&c->rule_failure);
	for (size_t i = 0; i < c->njourney_confs; i++) {
		free(c->journey_confs[i].name);
		free(c->journey_confs[i].goal);
	}
	free(c->journey_confs);
	free(c);
}

bool config_check_inputs(const struct config *c)
{
	return check_input(c, "journeys", c->journeys) && check_input(c, "cases", c->cases) &&
	       check_input(c, "kpis", c->kpis) && check_input(c, "customers", c->customers) &&
	       check_input(c, "actions", c->actions);
}

const struct journey_conf *config_journey(const struct config *c, const char *name)
{
	for (size_t i = 0; i < c->njourney_confs; i++)
		if (strcmp(c->journey_confs[i].name, name) == 0)
			return &c->journey_confs[i];
	return NULL;
}

const char *config_header(const struct config *c, enum input_kind kind, const char *contract)
{
	for (size_t i = 0; i < c->ncolumns[kind]; i++)
		if (strcmp(c->columns[kind][i].contract, contract) == 0)
			return c->columns[kind][i].header;
	return contract;
}

const char *config_default(const struct config *c, enum input_kind kind, const char *contract)
{
	if (kind != INPUT_JOURNEYS)
		return NULL;
	for (size_t i = 0; i < c->ndefaults; i++)
		if (strcmp(c->defaults[i].contract, contract) == 0)
			return c->defaults[i].header;
	return NULL;
}
