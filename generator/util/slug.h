/* slug: names made from text, for files, anchors and messages. */
#ifndef BP_SLUG_H
#define BP_SLUG_H

/*
 * A file-name-safe slug of a region name, in a new string: ASCII lowercase letters, digits and
 * hyphens; Latin (diacritics dropped), Greek and Cyrillic letters transliterated; at most 60
 * bytes; "region" when nothing is left.
 */
char *slug_file(const char *name);

/* The GitHub-style anchor of a heading's text, in a new string: lowercase, letters, digits, '-'
 * and '_' kept, spaces as '-'. */
char *slug_anchor(const char *text);

/* A region name as messages show it, in a new string: control characters as \xHH, cut at 80
 * bytes with "…". */
char *slug_printable(const char *name);

#endif
