/* load: every input of a pack read into the model. */
#ifndef BP_LOAD_H
#define BP_LOAD_H
#include "util/err.h"
#include "model/model.h"

struct config;

/*
 * Reads every input of the configuration into m. Bad rows are rejected into
 * m->dq (never dropped silently). Returns BP_OK, or BP_ERR_INPUT after reporting
 * a fatal input error (missing file or required column, I/O error).
 */
enum bp_err load_inputs(const struct config *c, struct model *m);

#endif
