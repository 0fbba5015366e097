#include "outfile.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "xmem.h"

#define MAX_OPEN 64

/* Fixed arrays so that the signal handler only reads what is already there. */
static char *finals[MAX_OPEN];
static char *temps[MAX_OPEN];
static volatile sig_atomic_t nopen;
static bool installed;

static void on_signal(int sig)
{
	for (int i = 0; i < nopen; i++)
		if (temps[i])
			unlink(temps[i]);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void at_exit(void)
{
	outfile_abort_all();
}

static void install(void)
{
	if (installed)
		return;
	installed = true;
	atexit(at_exit);
	struct sigaction sa = {0};
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int outfile_mkdir(const char *dir)
{
	char *p = xstrdup(dir);
	for (char *s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST) {
			diag_msg(DIAG_ERROR, p, 0, 0, "cannot create the output folder: %s", strerror(errno));
			free(p);
			return -1;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		diag_msg(DIAG_ERROR, dir, 0, 0, "the output folder is not a folder");
		free(p);
		return -1;
	}
	free(p);
	return 0;
}

const char *outfile_begin(const char *final)
{
	install();
	if (nopen == MAX_OPEN) {
		diag_msg(DIAG_ERROR, final, 0, 0, "too many outputs at once (at most %d)", MAX_OPEN);
		return NULL;
	}
	const char *slash = strrchr(final, '/');
	char *tmp = slash ? xasprintf("%.*s/.%s.tmp.XXXXXX", (int)(slash - final), final, slash + 1)
			  : xasprintf(".%s.tmp.XXXXXX", final);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		diag_msg(DIAG_ERROR, final, 0, 0, "cannot create a file in the output folder: %s", strerror(errno));
		free(tmp);
		return NULL;
	}
	close(fd);
	chmod(tmp, 0644);
	finals[nopen] = xstrdup(final);
	temps[nopen] = tmp;
	nopen++;
	return tmp;
}

static int find(const char *final)
{
	for (int i = 0; i < nopen; i++)
		if (strcmp(finals[i], final) == 0)
			return i;
	return -1;
}

static void drop(int i)
{
	free(finals[i]);
	char *t = temps[i];
	finals[i] = finals[nopen - 1];
	temps[i] = temps[nopen - 1];
	nopen--;
	free(t);
}

int outfile_commit(const char *final)
{
	int i = find(final);
	if (i < 0)
		return -1;
	if (rename(temps[i], final) != 0) {
		diag_msg(DIAG_ERROR, final, 0, 0, "cannot put the finished file in place: %s", strerror(errno));
		unlink(temps[i]);
		drop(i);
		return -1;
	}
	drop(i);
	return 0;
}

void outfile_abort_all(void)
{
	while (nopen > 0) {
		unlink(temps[nopen - 1]);
		drop(nopen - 1);
	}
}
