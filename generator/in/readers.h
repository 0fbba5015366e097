/* readers: one per input file, each filling the model from its rows (through reader.c). */
#ifndef BP_READERS_H
#define BP_READERS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct config;
struct model;

/* Readers of each file (called by load_inputs). Return BP_OK or BP_ERR_INPUT. */
enum bp_err events_read(const struct config *c, struct model *m);
enum bp_err cases_read(const struct config *c, struct model *m);
enum bp_err kpis_read(const struct config *c, struct model *m);
enum bp_err customers_read(const struct config *c, struct model *m);
enum bp_err actions_read(const struct config *c, struct model *m);
/*
 * Reads the event log again for the rows of the n cases given (indexes), into m->story_rows.
 * Rows are checked as the first reading checked them; its rejections are not made again. With
 * two_parts (--jobs allows two threads or more), a long reading is made in two halves at once.
 * Returns BP_OK, or BP_ERR_INPUT when the file can no longer be read. Without an event log
 * (cases.csv), there are no rows to tell and it returns BP_OK.
 */
enum bp_err events_read_stories(const struct config *c, struct model *m, const uint32_t *cases,
                                size_t n, bool two_parts);

#endif
