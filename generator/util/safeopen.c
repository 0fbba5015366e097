#include "util/safeopen.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/diag.h"
#include "util/xmem.h"

const char *safeopen_kind(mode_t m)
{
	return S_ISREG(m)                 ? "a file"
	       : S_ISDIR(m)               ? "a folder"
	       : S_ISFIFO(m)              ? "a named pipe (FIFO)"
	       : S_ISCHR(m) || S_ISBLK(m) ? "a device"
	       : S_ISSOCK(m)              ? "a socket"
	                                  : "not a regular file";
}

/* What a file that is not a regular one is, as the message says it; NULL for a regular file. */
static const char *not_regular(mode_t m)
{
	if (S_ISREG(m))
		return NULL;
	if (S_ISDIR(m))
		return "is a folder, not a file";
	if (S_ISFIFO(m))
		return "is a named pipe (FIFO), not a file";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "is a device, not a file";
	if (S_ISSOCK(m))
		return "is a socket, not a file";
	return "is not a regular file";
}

int safeopen(const char *path, const char **why)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		*why = strerror(errno);
		return -1;
	}
	if ((*why = not_regular(st.st_mode)))
		return -1;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		*why = strerror(errno);
		return -1;
	}
	if (fstat(fd, &st) != 0 || (*why = not_regular(st.st_mode))) {
		if (!*why)
			*why = strerror(errno);
		close(fd);
		return -1;
	}
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	return fd;
}

FILE *safeopen_file(const char *path, const char **why)
{
	int fd = safeopen(path, why);
	if (fd < 0)
		return NULL;
	FILE *fp = fdopen(fd, "rb");
	if (!fp) {
		*why = strerror(errno);
		close(fd);
	}
	return fp;
}

char *safeopen_read(const char *path, size_t max, size_t *len, const char **why)
{
	int fd = safeopen(path, why);
	if (fd < 0)
		return NULL;
	struct stat st;
	if (fstat(fd, &st) == 0 && (unsigned long long)st.st_size > max) {
		*why = SAFEOPEN_TOO_LARGE;
		close(fd);
		return NULL;
	}
	size_t cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 4096, n = 0;
	char *buf = xmalloc(cap);
	for (;;) {
		if (n + 1 >= cap) {
			if (cap > max + 1) { /* it grew while being read */
				*why = SAFEOPEN_TOO_LARGE;
				free(buf);
				close(fd);
				return NULL;
			}
			buf = xreallocarray(buf, cap *= 2, 1);
		}
		ssize_t got = read(fd, buf + n, cap - n - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			*why = strerror(errno);
			free(buf);
			close(fd);
			return NULL;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	if (n > max) {
		*why = SAFEOPEN_TOO_LARGE;
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

char *safeopen_load(const char *path, size_t max, const char *what, const char *beyond,
                    size_t *len)
{
	const char *why;
	char *data = safeopen_read(path, max, len, &why);
	if (data)
		return data;
	if (strcmp(why, SAFEOPEN_TOO_LARGE) == 0)
		diag_msg(DIAG_ERROR, path, 0, 0, "%s is larger than the limit of %zu MiB%s", what,
		         max >> 20, beyond);
	else if (strncmp(why, "is ", 3) == 0) /* not a regular file: "is a folder, not a file" */
		diag_msg(DIAG_ERROR, path, 0, 0, "%s %s", what, why);
	else
		diag_msg(DIAG_ERROR, path, 0, 0, "%s cannot be read: %s", what, why);
	return NULL;
}
