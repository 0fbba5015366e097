/* csvin: CSV records with physical line numbers, on libcsv; the only module that sees libcsv. */
#ifndef BP_CSVIN_H
#define BP_CSVIN_H
#include <stdbool.h>
#include <stddef.h>

/* Largest field accepted, and most fields in a record (docs/robustness.md). */
#define CSVIN_MAX_FIELD (1u << 20) /* 1 MiB */
#define CSVIN_MAX_FIELDS 4096

/*
 * A line the caller may not need: called for each complete line that is a record of its own (one
 * that csvin_line_field splits: no quote, or quoted fields that end on the line), after the first
 * record (the header), possibly from the parser's thread. Returning false skips it: never parsed
 * nor delivered, its line still counted. A filter must only skip lines that it is sure the
 * caller does not want (a second reading looking for a few cases).
 */
typedef bool (*csvin_line_filter)(void *fctx, const char *line, size_t len, unsigned char delim);
/*
 * Field col (0-based) of a line as a filter or a hint is told of it ('\n' or "\r\n" at its end
 * or not), as libcsv would give it, when csvin splits the line itself: it holds no lone CR, and
 * each of its fields is unquoted without a quote, or quoted with no quote inside and nothing
 * after the closing quote but spaces and tabs (a record of its own, one line long). False when the
 * line is not such a line, or has fewer fields.
 */
bool csvin_line_field(const char *line, size_t len, unsigned char delim, int col, const char **f,
                      size_t *n);
/*
 * Told of each line some lines before it is read (its bytes as in the file, '\n' included), so
 * that the caller can bring into the cache what that row will look up. Only a hint: it may be
 * told of lines that turn out blank, filtered, inside a quoted field or the rest of a line
 * begun in the previous block, and not of every line; it must not change anything the
 * callbacks see. Always called in the caller's thread: when the file is parsed in a thread of
 * its own, it is told of parsed records instead, as lines whose delimiter is NUL (their fields,
 * unquoted and trimmed, one after another), with the record's prep (csvin_prep_fn; NULL when it
 * has none, and for every line of a file read in the caller's thread).
 */
typedef void (*csvin_line_ahead)(void *actx, const char *line, size_t len, unsigned char delim,
                                 const void *prep);

struct csvin_record;
/*
 * Work on a record that needs nothing the record callback changes (a field's hash, a timestamp
 * parsed), done in the parser's thread while the callback works on earlier records: when a file
 * is parsed in a thread of its own, called there for each record without a problem that it
 * hands over (the header included), in file order. It writes csvin_opts.prep_size bytes into
 * out and returns true, or returns false when it has nothing for the record. The callback then
 * finds them as the record's prep (csvin_record.prep), and csvin_opts.ahead as its prep. It
 * may read only what does not change while the file is read, or what it reads with its own
 * synchronisation (reader.c publishes the header's columns to it once it has read them).
 */
typedef bool (*csvin_prep_fn)(void *pctx, const struct csvin_record *rec, void *out);

struct csvin_opts {
	char delimiter;           /* ',', ';', '\t', '|', or 0 to sniff from the header line */
	const char *name;         /* the file's name as messages show it (e.g. "journeys.csv") */
	csvin_line_filter filter; /* NULL: every line */
	void *filter_ctx;
	csvin_line_ahead ahead; /* NULL: none */
	void *ahead_ctx;
	/* Files of this size and more are parsed in a thread of their own while the callback runs
	 * in the caller's (when the process may use two CPUs); 0: CSVIN_THREAD_FROM. */
	size_t thread_from;
	/*
	 * 0, or where reading goes on after the header (the first record): byte start_at of the
	 * input, where line start_line begins, for a second reading that knows the lines before it
	 * hold nothing it wants. It must be where a record of an earlier reading of the same input
	 * ended (that record's read_to, and its end_line + 1), not inside a record.
	 */
	size_t start_at;
	long start_line;
	/*
	 * 0, or where reading ends: byte stop_at of the input, where a record of an earlier reading
	 * of the same input ended (as start_at), after which nothing is read, as if the input ended
	 * there. With start_at, two readings read a file's two parts, one to stop_at and one from
	 * it.
	 */
	size_t stop_at;
	/* NULL, or a record's preparation in the parser's thread (csvin_prep_fn); prep_size bytes
	 * a record */
	csvin_prep_fn prep;
	void *prep_ctx;
	size_t prep_size;
};

/* Whether this process may run on more than one CPU (taskset or a container may allow one). */
bool csvin_several_cpus(void);

#define CSVIN_THREAD_FROM ((size_t)8 << 20)

/* One record as the reader delivers it. Valid only during the callback. */
struct csvin_record {
	long line; /* physical line (1-based) where the record starts; the header is line 1 */
	size_t nfields;
	const char *const *fields; /* each NUL-terminated, unquoted fields trimmed of spaces */
	const size_t *lens;
	/*
	 * A problem with the record as a whole or one field, or NULL. When set,
	 * the record must be rejected; bad_field is the 1-based column (0 for
	 * the whole record) and bad_value a short excerpt of the offending
	 * bytes, printable (invalid bytes shown as \xNN), at most ~60 bytes.
	 * Invalid UTF-8 and NUL bytes are reported this way.
	 */
	const char *problem;
	size_t bad_field;
	const char *bad_value;
	/*
	 * Where each field is, for messages, when the record comes from another source (an XES
	 * event's attributes, a sheet's cells: xesin.h, sheetin.h): line (or sheet row) and
	 * column of field i. NULL from CSV, whose field i is at `line`, column i + 1.
	 */
	const long *field_lines, *field_cols;
	/*
	 * Where the record ends in the input (the end of its last line, its line break included;
	 * for a record with a problem found before its line's end was read, the end of the block
	 * read so far), and the input's size, in bytes: for a caller sizing its tables, or marking
	 * where to start a later reading (csvin_opts.start_at). 0 and 0 when the record does not
	 * come from a CSV file.
	 */
	size_t read_to, size;
	long end_line; /* the physical line where the record ends (its last, when on several) */
	/* csvin_opts.prep's bytes for the record, or NULL: not prepared (the file read in the
	 * caller's thread, the preparation had nothing, or the record is not from a CSV file) */
	const void *prep;
};

/* Return 0 to go on, non-zero to stop reading (returned by csvin_read). */
typedef int (*csvin_record_fn)(void *ctx, const struct csvin_record *rec);

/*
 * Reads path record by record, calling fn for every record including the
 * header (the first non-blank record). A UTF-8 BOM is skipped; LF and CRLF
 * endings; RFC 4180 quoting with embedded newlines; blank lines skipped and
 * not delivered. Strict quoting: a quote that is never closed ends the file
 * with one rejection reported through `*unterminated_line` (the line where
 * the bad record started; 0 when none) — every record after it is lost, and
 * the caller reports how. A malformed quote (a quote inside an unquoted field,
 * or text after a closing quote) costs only its record: it is delivered with
 * `problem` set and the fields read before it, and reading resumes after the
 * line holding the bad quote. A field over CSVIN_MAX_FIELD (delivered empty) or a record over
 * CSVIN_MAX_FIELDS (only the first CSVIN_MAX_FIELDS delivered) is delivered
 * with `problem` set; memory stays bounded however long the field. Unquoted
 * fields are trimmed of spaces and tabs (libcsv's rule).
 * *delim_used receives the delimiter (sniffed or given); delim_used and
 * unterminated_line may be NULL.
 * Returns 0 when the file was read to its end (even with rejections),
 * the callback's non-zero value if it stopped, or -1 on an I/O error,
 * reported through diag with the file name and strerror's meaning.
 */
int csvin_read(const char *path, const struct csvin_opts *opts, csvin_record_fn fn, void *ctx,
               char *delim_used, long *unterminated_line);

/* Same, from memory (tests, fuzzing). */
int csvin_read_mem(const char *data, size_t len, const struct csvin_opts *opts, csvin_record_fn fn,
                   void *ctx, char *delim_used, long *unterminated_line);

/*
 * When the file at path does not end with a line break (a truncated export looks exactly like
 * that), the number of its last line; else 0.
 */
long csvin_unended_line(const char *path);

#endif
