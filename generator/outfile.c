#include "outfile.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "xmem.h"

/*
 * Every temporary file, in the order it was begun, in a list that only grows while the
 * program runs: the signal handler walks it without a lock, so a node is complete before
 * it is linked and is never freed until exit. Writers in several threads add to it under
 * a mutex.
 */
enum { OPEN, DONE };
struct ofile {
	char *final, *temp;
	atomic_int state;
	struct ofile *_Atomic next;
};

static struct ofile *_Atomic head;
static struct ofile *tail;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void on_signal(int sig)
{
	for (struct ofile *f = atomic_load(&head); f; f = atomic_load(&f->next))
		if (atomic_load(&f->state) == OPEN)
			unlink(f->temp);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void at_exit(void)
{
	outfile_abort_all();
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	struct ofile *f = atomic_exchange(&head, NULL);
	tail = NULL;
	while (f) {
		struct ofile *next = atomic_load(&f->next);
		free(f->final);
		free(f->temp);
		free(f);
		f = next;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void install(void)
{
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
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST) {
			diag_msg(DIAG_ERROR, p, 0, 0, "cannot create the output folder: %s",
			         strerror(errno));
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
	pthread_once(&once, install);
	const char *slash = strrchr(final, '/');
	char *tmp = slash ? xasprintf("%.*s/.%s.tmp.XXXXXX", (int)(slash - final), final, slash + 1)
	                  : xasprintf(".%s.tmp.XXXXXX", final);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		diag_msg(DIAG_ERROR, final, 0, 0, "cannot create a file in the output folder: %s",
		         strerror(errno));
		free(tmp);
		return NULL;
	}
	close(fd);
	chmod(tmp, 0644);
	struct ofile *f = xcalloc(1, sizeof *f);
	f->final = xstrdup(final);
	f->temp = tmp;
	atomic_init(&f->state, OPEN);
	atomic_init(&f->next, NULL);
	pthread_mutex_lock(&lock);
	if (tail)
		atomic_store(&tail->next, f);
	else
		atomic_store(&head, f);
	tail = f;
	pthread_mutex_unlock(&lock);
	return tmp;
}

/* The open temporary file of final, or NULL. */
static struct ofile *find(const char *final)
{
	pthread_mutex_lock(&lock);
	struct ofile *found = NULL;
	for (struct ofile *f = atomic_load(&head); f; f = atomic_load(&f->next))
		if (atomic_load(&f->state) == OPEN && strcmp(f->final, final) == 0)
			found = f;
	pthread_mutex_unlock(&lock);
	return found;
}

static int commit(struct ofile *f)
{
	int rc = 0;
	if (rename(f->temp, f->final) != 0) {
		diag_msg(DIAG_ERROR, f->final, 0, 0, "cannot put the finished file in place: %s",
		         strerror(errno));
		unlink(f->temp);
		rc = -1;
	}
	atomic_store(&f->state, DONE);
	return rc;
}

int outfile_commit(const char *final)
{
	struct ofile *f = find(final);
	return f ? commit(f) : -1;
}

int outfile_commit_all(void)
{
	for (struct ofile *f = atomic_load(&head); f; f = atomic_load(&f->next))
		if (atomic_load(&f->state) == OPEN && commit(f) != 0) {
			outfile_abort_all();
			return -1;
		}
	return 0;
}

void outfile_abort_all(void)
{
	for (struct ofile *f = atomic_load(&head); f; f = atomic_load(&f->next))
		if (atomic_load(&f->state) == OPEN) {
			unlink(f->temp);
			atomic_store(&f->state, DONE);
		}
}
