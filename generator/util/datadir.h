/* datadir: where boardpack's own files (the default template, the fonts) are found. */
#ifndef BP_DATADIR_H
#define BP_DATADIR_H
#include <stdbool.h>

/* The path of rel (e.g. "fonts/DejaVuSans.ttf") in the data folder, in a new string. */
char *data_path(const char *rel);

/* Whether p names a regular file (following links). */
bool data_is_file(const char *p);

#endif
