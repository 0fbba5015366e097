/* datadir: where boardpack's own files (the default template, the fonts) are found. */
#include "util/datadir.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/xmem.h"

bool data_is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * Where templates and fonts live: $BOARDPACK_DATADIR; else the folder above
 * the binary when it holds them (a build tree: build/boardpack); else
 * share/boardpack beside the binary's folder (an installed tree, wherever it
 * was copied: DESTDIR, a package); else the data folder compiled in.
 */
char *data_path(const char *rel)
{
	const char *env = getenv("BOARDPACK_DATADIR");
	if (env && *env)
		return xasprintf("%s/%s", env, rel);
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			/* a build tree (build/boardpack), then an installed tree moved as a whole
			 * (bin/boardpack) */
			char *p = xasprintf("%s/../%s", exe, rel);
			if (data_is_file(p))
				return p;
			free(p);
			p = xasprintf("%s/../share/boardpack/%s", exe, rel);
			if (data_is_file(p))
				return p;
			free(p);
		}
	}
	return xasprintf("%s/%s", BOARDPACK_DATADIR, rel);
}
