/* err: the one error type of boardpack's functions, and what each means in words. Which exit
 * status an error gives (cli.md) is decided in main.c alone. */
#ifndef BP_ERR_H
#define BP_ERR_H

enum bp_err {
	BP_OK = 0,
	BP_ERR_USAGE,  /* the command line: an unknown option, a bad or missing value */
	BP_ERR_CONFIG, /* PACK.ini, or the template, font or logo it names */
	BP_ERR_INPUT,  /* an input: missing, unreadable, changed while read, or rows rejected under
	                  --strict */
	BP_ERR_OUTPUT, /* an output could not be written */
	BP_ERR_NOMEM,  /* memory ran out */
};

/* The meaning of e, for messages ("input error"). */
const char *bp_strerror(enum bp_err e);

#endif
