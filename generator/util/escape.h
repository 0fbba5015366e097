/* escape: untrusted text made safe to show in a message or a terminal: control characters as
 * \xNN, cut at a length without splitting a character. */
#ifndef BP_ESCAPE_H
#define BP_ESCAPE_H
#include <stdbool.h>
#include <stddef.h>

struct strbuf;

/* Appends s[0..n) to buf as a quoted, printable excerpt (at most ~60 bytes, "…" when cut). */
void text_quote(struct strbuf *buf, const char *s, size_t n);
/*
 * Appends s[0..n) printable: control characters as \xHH, cut to max - 3 bytes and "…" when
 * longer than max (never inside a UTF-8 character). quoted: between double quotes, with
 * quotes and backslashes inside escaped.
 */
void text_escape(struct strbuf *buf, const char *s, size_t n, size_t max, bool quoted);

/* Appends s[0..n) with every byte that does not belong to a well-formed UTF-8 character (and NUL)
 * as \xHH, the rest as it is: text that is not UTF-8 made valid, showing what was there. */
void text_utf8_escape(struct strbuf *buf, const char *s, size_t n);

#endif
