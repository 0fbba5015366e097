/*
 * jsonout: JSON text written as jansson 2.14 writes it (json_dumps with JSON_INDENT(2)), with no
 * jansson tree, through a buffer of a fixed size. The metrics JSON's lists of rejected rows and
 * notes (one entry per row, millions of them in a messy log) are written by it into the text
 * jansson wrote for the rest of the document (view/json.c), so that they need no memory per entry.
 */
#ifndef BP_JSONOUT_H
#define BP_JSONOUT_H
#include <stdbool.h>
#include <stddef.h>

#include "view/view.h"

/* Where a full buffer goes: writes s[0..n) and returns 0, or -1 with errno set. */
typedef int (*json_sink)(const char *s, size_t n, void *data);

struct json_out {
	char *buf;
	size_t len, cap;
	json_sink sink;
	void *data;
	int err; /* errno of the first failed write, after which nothing is written; 0: none */
};

/* A writer into sink(data) with a buffer of cap bytes (at least 64). */
void json_out_init(struct json_out *w, size_t cap, json_sink sink, void *data);

/* Hands what is buffered to the sink and frees the buffer. Returns 0, or -1 (w->err says why). */
int json_out_finish(struct json_out *w);

/* Appends s[0..n) as it is. */
void json_out_bytes(struct json_out *w, const char *s, size_t n);

/*
 * Appends s[0..n) as a JSON string, escaped as jansson escapes it: \" \\ \b \f \n \r \t, the
 * other characters below U+0020 (NUL too) as \u00XX with uppercase hex digits, nothing else ('/',
 * DEL and non-ASCII as they are). A byte that does not begin a well-formed UTF-8 character
 * (jansson would refuse the string) is written as the four characters \xHH (in JSON "\\xHH"),
 * the way text_utf8_escape (util/escape.h) shows such bytes everywhere else, and the string goes
 * on: the file stays valid JSON and says what was there.
 */
void json_out_string(struct json_out *w, const char *s, size_t n);

/*
 * Appends the n entries of list as a JSON array at depth (the array's own depth in the document,
 * which decides the indentation), each an object of the members view/json.c gives a rejected row
 * or, with notes, a note; "[]" when n is 0.
 */
void json_out_issues(struct json_out *w, const struct view_dq_issue *list, size_t n, bool notes,
                     int depth);

/* A json_sink that writes into the file descriptor *(int *)data, all of it (again after EINTR). */
int json_sink_fd(const char *s, size_t n, void *data);

#endif
