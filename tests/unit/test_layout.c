/* Unit tests: heading slugs, font widths, line breaking, figure-line reading. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf/charts.h"
#include "util/diag.h"
#include "pdf/fontsub.h"
#include "pdf/layout.h"
#include "util/slug.h"

static void check_slug(const char *text, const char *want)
{
	char *s = slug_anchor(text);
	if (strcmp(s, want) != 0)
		fail_msg("slug of \"%s\": got \"%s\", expected \"%s\"", text, s, want);
	free(s);
}

static void slugs(void **state)
{
	(void)state;
	check_slug("What customers were trying to achieve",
	           "what-customers-were-trying-to-achieve");
	check_slug("Supporting evidence: departmental scores",
	           "supporting-evidence-departmental-scores");
	check_slug("Green outside, red inside", "green-outside-red-inside");
	check_slug("“I want it fixed — quickly”", "i-want-it-fixed--quickly");
	check_slug("Payments & Collections", "payments--collections");
	check_slug("Zoë Ørsted", "zoë-ørsted");
	check_slug("Αθήνα", "αθήνα");
	check_slug("МОСКВА 2026", "москва-2026");
	check_slug("snake_case-and-dash", "snake_case-and-dash");
	check_slug("100 % green?", "100--green");
}

static struct fontsub *font(void)
{
	struct fontsub *f = fontsub_open("fonts/DejaVuSans.ttf");
	assert_non_null(f);
	return f;
}

static void free_lines(char **lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

static void widths(void **state)
{
	(void)state;
	struct fontsub *f = font();
	/* DejaVu Sans: 'H' advance 1540/2048 em → 751 thousandths (truncated as libharu does). */
	assert_true(fabsf(fontsub_width(f, "H", 1, 10) - 7.51f) < 1e-4f);
	assert_true(fontsub_width(f, "HH", 2, 10) == 2 * fontsub_width(f, "H", 1, 10));
	assert_true(fontsub_has(f, 0x03B1));  /* α */
	assert_true(fontsub_has(f, 0x0436));  /* ж */
	assert_false(fontsub_has(f, 0x6F22)); /* 漢 */
	fontsub_free(f);
}

static void wrapping(void **state)
{
	(void)state;
	struct fontsub *f = font();
	const char *text =
	    "Customers were 2.4 times as likely to leave after an unsuccessful outcome as after a "
	    "successful one, so 61\xC2\xA0% matters.";
	char **lines;
	float width = 120;
	size_t n = layout_wrap(f, 11, text, width, &lines);
	assert_true(n > 3);
	struct {
		char s[400];
		size_t len;
	} joined = {{0}, 0};
	for (size_t i = 0; i < n; i++) {
		/* Every line fits, and no line starts or ends with a space. */
		assert_true(fontsub_width(f, lines[i], strlen(lines[i]), 11) <= width + 0.01f);
		assert_true(lines[i][0] != ' ' && lines[i][strlen(lines[i]) - 1] != ' ');
		/* Each line is as full as it can be: the next line's first word would not fit. */
		if (i + 1 < n) {
			size_t w = strcspn(lines[i + 1], " ");
			char probe[400];
			snprintf(probe, sizeof probe, "%s %.*s", lines[i], (int)w, lines[i + 1]);
			assert_true(fontsub_width(f, probe, strlen(probe), 11) > width);
		}
		joined.len += (size_t)snprintf(joined.s + joined.len, sizeof joined.s - joined.len,
		                               "%s%s", i ? " " : "", lines[i]);
	}
	assert_string_equal(joined.s, text); /* breaks only at spaces, nothing lost */
	free_lines(lines, n);

	/* "61 %" with an ordinary space does not break before the '%'. */
	n = layout_wrap(f, 11, "aaaa bbbb cccc 61 %",
	                fontsub_width(f, "aaaa bbbb cccc 61", 17, 11) + 1, &lines);
	assert_int_equal(n, 2);
	assert_string_equal(lines[1], "61 %");
	free_lines(lines, n);

	/* A word wider than the line is broken between characters, each piece fitting. */
	const char *longword = "Supercalifragilisticexpialidocious";
	n = layout_wrap(f, 11, longword, 60, &lines);
	assert_true(n >= 3);
	size_t total = 0;
	for (size_t i = 0; i < n; i++) {
		assert_true(fontsub_width(f, lines[i], strlen(lines[i]), 11) <= 60.01f);
		assert_true(strlen(lines[i]) > 0);
		assert_memory_equal(lines[i], longword + total, strlen(lines[i]));
		total += strlen(lines[i]);
	}
	assert_int_equal(total, strlen(longword));
	free_lines(lines, n);

	/* Multi-byte characters are never split inside. */
	n = layout_wrap(f, 11, "ΑθήναΑθήναΑθήναΑθήνα", 30, &lines);
	for (size_t i = 0; i < n; i++)
		assert_true(((unsigned char)lines[i][0] & 0xC0) != 0x80);
	free_lines(lines, n);

	n = layout_wrap(f, 11, "", 100, &lines);
	assert_int_equal(n, 0);
	free_lines(lines, n);
	fontsub_free(f);
}

static void splitting(void **state)
{
	(void)state;
	char **f;
	const char *line = " Billing \\| Metering |  96 | 96 \\(11 \\%\\) |";
	size_t n = figure_split(line, strlen(line), &f);
	assert_int_equal(n, 4);
	assert_string_equal(f[0], "Billing | Metering");
	assert_string_equal(f[1], "96");
	assert_string_equal(f[2], "96 (11 %)");
	assert_string_equal(f[3], "");
	for (size_t i = 0; i < n; i++)
		free(f[i]);
	free(f);
	/* A backslash before a letter or digit stays; an escaped backslash is one backslash. */
	const char *s = "C:\\\\data\\new | 88\\/183";
	n = figure_split(s, strlen(s), &f);
	assert_int_equal(n, 2);
	assert_string_equal(f[0], "C:\\data\\new");
	assert_string_equal(f[1], "88/183");
	for (size_t i = 0; i < n; i++)
		free(f[i]);
	free(f);
}

/* Parses a figure with diag's output captured; returns whether it parsed, the messages in msgs. */
static bool parse(const char *info, const char *body, char *msgs, size_t size)
{
	FILE *fp = tmpfile();
	assert_non_null(fp);
	diag_set_stream(fp);
	struct figure *fig = figure_parse(info, body, 3, NULL);
	diag_set_stream(NULL);
	rewind(fp);
	size_t n = fread(msgs, 1, size - 1, fp);
	msgs[n] = '\0';
	fclose(fp);
	figure_free(fig);
	return fig != NULL;
}

static void figures(void **state)
{
	(void)state;
	char m[2048];
	assert_true(parse("figure trend target=0.85 title=\"Moving home\"",
	                  "2026-Q1 | 10 | 5\n2026-Q2 | 0 | 0\n", m, sizeof m));
	assert_string_equal(m, "");
	assert_true(parse("figure heatmap min=30", "| A | B |\nJ1 | 1\\/2 | |\nJ2 | | 30\\/40 |\n",
	                  m, sizeof m));
	assert_true(parse("figure cover", "title | T\nheadline | 61 % got it\n", m, sizeof m));
	assert_true(
	    parse("figure bars max=1 format=percent", "A | 0.5 |\nB | | n/a\n", m, sizeof m));
	assert_true(
	    parse("figure multiples target=0.8", "A | | 2026-Q1:10:5;2026-Q2:12:6\n", m, sizeof m));
	assert_true(
	    parse("figure cards", "61 % | label | detail | good\n— | label\n", m, sizeof m));

	assert_false(parse("figure donut", "", m, sizeof m));
	assert_non_null(strstr(m, "error: figure block 3: unknown kind \"donut\""));
	assert_false(parse("figure trend", "2026-Q1 | ten | 5\n", m, sizeof m));
	assert_non_null(strstr(
	    m,
	    "figure block 3 (```figure trend): line 1: expected \"period | cases | successful\""));
	assert_false(parse("figure trend", "2026-Q1 | 10 | 5.5\n", m, sizeof m));
	assert_false(parse("figure trend",
	                   "a|1|1\nb|1|1\nc|1|1\nd|1|1\ne|1|1\nf|1|1\ng|1|1\nh|1|1\ni|1|1\n", m,
	                   sizeof m));
	assert_non_null(strstr(m, "line 9: at most 8 periods"));
	assert_false(parse("figure trend title=\"open", "", m, sizeof m));
	assert_non_null(strstr(m, "closing quote"));
	assert_false(parse("figure cards",
	                   "1|a|b|good\n2|a|b|good\n3|a|b|good\n4|a|b|good\n5|a|b|good\n", m,
	                   sizeof m));
	assert_non_null(strstr(m, "line 5: at most 4 cards"));
	assert_false(parse("figure heatmap", "J1 | 1/2\n", m, sizeof m));
	assert_non_null(strstr(m, "expected the header"));
	/* Every bad line is reported. */
	assert_false(parse("figure bars", "a | x\nb | 2\nc | y\n", m, sizeof m));
	assert_non_null(strstr(m, "line 1:"));
	assert_non_null(strstr(m, "line 3:"));
	/* An unknown attribute is a warning, not an error. */
	assert_true(parse("figure bars colour=red", "a | 1\n", m, sizeof m));
	assert_non_null(
	    strstr(m, "warning: figure block 3 (```figure bars): attribute colour is not known"));
}

/* Draws one figure block into a fresh page (fonts: regular and bold DejaVu Sans). */
static struct fontsub *fonts[FONT_COUNT];

static void draw(const char *info, const char *body, struct page *pg)
{
	if (!fonts[FONT_REGULAR]) {
		fonts[FONT_REGULAR] = fontsub_open("fonts/DejaVuSans.ttf");
		fonts[FONT_BOLD] = fontsub_open("fonts/DejaVuSans-Bold.ttf");
	}
	assert_non_null(fonts[FONT_REGULAR]);
	assert_non_null(fonts[FONT_BOLD]);
	struct figure *f = figure_parse(info, body, 1, NULL);
	assert_non_null(f);
	struct chart_ctx ctx = {fonts, 0, 0, layout_wrap};
	memset(pg, 0, sizeof *pg);
	figure_draw(f, pg, &ctx, 467, 600);
	figure_free(f);
}

/* pack.md, "Read on a phone": no text of any figure under 7.5 pt, even a crowded heat map. */
static void figure_text_sizes(void **state)
{
	(void)state;
	static const char *const figs[][2] = {
	    {"figure heatmap min=30 title=\"Grid\"",
	     "| Billing | Contact Centre | Field Operations | Metering | Onboarding | Payments & "
	     "Collections | Sales | Telecommunications |\n"
	     "Paying a bill without surprises | 1\\/2 | 30\\/40 | | 1000\\/1194 | 3\\/3 | 5\\/9 | "
	     "1\\/1 "
	     "| 60\\/90 |\n"},
	    {"figure trend target=0.8 title=\"T\"",
	     "2025-Q1 | 10 | 8\n2025-Q2 | 0 | 0\n2025-Q3 | 10 | 5\n2025-Q4 | 10 | 5\n2026-Q1 | 10 "
	     "| "
	     "5\n2026-Q2 | 10 | 5\n2026-Q3 | 10 | 5\n2026-Q4 | 10 | 5\n"},
	    {"figure multiples target=0.8",
	     "A | | 2026-Q1:10:5;2026-Q2:12:6;2026-Q3:0:0\nB | 0.9 | 2026-Q1:10:9\n"},
	    {"figure bars", "Contact Centre | 557 | 557 (63 %)\nSales | 14 |\n"},
	    {"figure cards", "61 % | label | detail | good\n— | label | | bad\n1 | a | b |\n"},
	};
	for (size_t k = 0; k < sizeof figs / sizeof *figs; k++) {
		struct page pg;
		draw(figs[k][0], figs[k][1], &pg);
		size_t texts = 0;
		for (size_t i = 0; i < pg.n; i++) {
			if (pg.items[i].kind != ITEM_TEXT)
				continue;
			texts++;
			if (pg.items[i].size < 7.5f - 1e-4f)
				fail_msg("%s: \"%s\" at %.2f pt", figs[k][0], pg.items[i].text,
				         pg.items[i].size);
		}
		assert_true(texts > 0);
		page_clear(&pg);
	}
}

/* Whether segment a–b meets the rectangle x0,y0 – x1,y1. */
static bool seg_hits(float ax, float ay, float bx, float by, float x0, float y0, float x1, float y1)
{
	for (int i = 0; i <= 200; i++) {
		float t = (float)i / 200, x = ax + (bx - ax) * t, y = ay + (by - ay) * t;
		if (x >= x0 && x <= x1 && y >= y0 && y <= y1)
			return true;
	}
	return false;
}

/* The target's label never covers the data line, wherever the line runs (pack.md, "Read on a
 * phone"); with nowhere clear it is left out (the legend names the target). */
static void target_label_clear(void **state)
{
	(void)state;
	static const char *const bodies[] = {
	    /* along the target at the left, where the label used to sit */
	    "a | 100 | 76\nb | 100 | 84\nc | 100 | 79\nd | 100 | 60\ne | 100 | 60\nf | 100 | 60\n"
	    "g | 100 | 60\nh | 100 | 87\n",
	    /* just above it, then just below */
	    "a | 100 | 83\nb | 100 | 77\nc | 100 | 83\nd | 100 | 77\n",
	    /* a single period at the target */
	    "a | 100 | 80\n",
	    /* crossing it everywhere */
	    "a | 100 | 95\nb | 100 | 65\nc | 100 | 95\nd | 100 | 65\ne | 100 | 95\nf | 100 | 65\n"
	    "g | 100 | 95\nh | 100 | 65\n",
	};
	for (size_t k = 0; k < sizeof bodies / sizeof *bodies; k++) {
		struct page pg;
		draw("figure trend target=0.8", bodies[k], &pg);
		const struct item *label = NULL, *line = NULL;
		for (size_t i = 0; i < pg.n; i++) {
			const struct item *it = &pg.items[i];
			if (it->kind == ITEM_TEXT && it->font == FONT_BOLD &&
			    strncmp(it->text, "Target", 6) == 0)
				label = it;
			if (it->kind == ITEM_PATH && it->stroked && !it->closed)
				line = it;
		}
		if (label && line) {
			float x0 = label->x - 1, y0 = label->y - 2,
			      x1 = label->x + 1 +
			           fontsub_width(fonts[FONT_BOLD], label->text, strlen(label->text),
			                         label->size),
			      y1 = label->y + label->size;
			for (size_t i = 0; i + 1 < line->npts; i++)
				if (seg_hits(line->pts[2 * i], line->pts[2 * i + 1],
				             line->pts[2 * i + 2], line->pts[2 * i + 3], x0, y0, x1,
				             y1))
					fail_msg("trend %zu: the target label at (%.1f, %.1f) "
					         "covers the "
					         "line",
					         k, label->x, label->y);
		}
		if (k == 0 || k == 1)
			assert_non_null(label); /* there is room for it: it is shown */
		page_clear(&pg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(slugs),
	    cmocka_unit_test(widths),
	    cmocka_unit_test(wrapping),
	    cmocka_unit_test(splitting),
	    cmocka_unit_test(figures),
	    cmocka_unit_test(figure_text_sizes),
	    cmocka_unit_test(target_label_clear),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
