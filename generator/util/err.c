/* err: the one error type of boardpack's functions, and what each means in words. */
#include "util/err.h"

const char *bp_strerror(enum bp_err e)
{
	switch (e) {
	case BP_OK:
		return "success";
	case BP_ERR_USAGE:
		return "usage error";
	case BP_ERR_CONFIG:
		return "configuration error";
	case BP_ERR_INPUT:
		return "input error";
	case BP_ERR_OUTPUT:
		return "output could not be written";
	case BP_ERR_NOMEM:
		return "out of memory";
	}
	return "unknown error";
}
