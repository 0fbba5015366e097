/* libFuzzer target: PACK.ini, read from a file as boardpack reads it. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "in/config.h"
#include "util/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	static FILE *devnull;
	if (!path[0]) {
		snprintf(path, sizeof path, "/tmp/fuzz-config-%ld.ini", (long)getpid());
		devnull = fopen("/dev/null", "w");
		diag_set_stream(devnull);
	}
	FILE *fp = fopen(path, "wb");
	if (!fp)
		return 0;
	fwrite(data, 1, size, fp);
	fclose(fp);
	struct config *c = config_load(path);
	if (c)
		config_free(c);
	return 0;
}
