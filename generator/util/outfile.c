#include "util/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/diag.h"
#include "util/xmem.h"

/*
 * Every temporary file, in the order it was begun, in a list that only grows while the
 * program runs: the signal handler walks it without a lock, so a node is complete before
 * it is linked and is never freed until exit. Writers in several threads add to it under
 * a mutex.
 */
enum { OPEN, PLACED, DONE };
struct ofile {
	char *final, *temp;
	int fd;
	char *_Atomic pdir;  /* the private folder of outfile_private, or NULL */
	char *_Atomic pfile; /* the file in it */
	char *backup;        /* during the commit: the file final replaced, or NULL */
	bool backup_moved;   /* the backup was renamed, not linked: final is absent meanwhile */
	atomic_int state;
	struct ofile *_Atomic next;
};

static struct ofile *_Atomic head;
static struct ofile *tail;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static mode_t file_mode = 0644; /* 0666 less the umask, read once */
static int dir_lock = -1;       /* the locked output folder */

/*
 * Removes the private folder and what is in it: the library's file and any temporary file of
 * its own that a signal caught between its creation and its removal. Safe in a signal handler
 * (the folder is read with getdents64, which allocates nothing).
 */
static void remove_private(struct ofile *f)
{
	char *file = atomic_load(&f->pfile), *dir = atomic_load(&f->pdir);
	if (file)
		unlink(file);
	if (!dir || rmdir(dir) == 0 || errno != ENOTEMPTY)
		return;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	char buf[4096];
	long n;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0)
		for (long at = 0; at < n;) {
			struct dirent64_raw {
				uint64_t ino;
				int64_t off;
				unsigned short reclen;
				unsigned char type;
				char name[];
			} *d = (struct dirent64_raw *)(buf + at);
			if (strcmp(d->name, ".") != 0 && strcmp(d->name, "..") != 0)
				unlinkat(fd, d->name, 0);
			at += d->reclen;
		}
	close(fd);
	rmdir(dir);
}

static void on_signal(int sig)
{
	for (struct ofile *f = atomic_load(&head); f; f = atomic_load(&f->next))
		if (atomic_load(&f->state) == OPEN) {
			unlink(f->temp);
			remove_private(f);
		}
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
		free(atomic_load(&f->pdir));
		free(atomic_load(&f->pfile));
		free(f->backup);
		free(f);
		f = next;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (dir_lock >= 0)
		close(dir_lock);
}

/* Runs once, on the main thread before any writer starts (outfile_mkdir): umask() is
 * process-wide, so reading it while another thread creates a file would change that file's
 * mode. */
static void install(void)
{
	mode_t um = umask(022);
	umask(um);
	file_mode = 0666 & ~um;
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
	pthread_once(&once, install);
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

int outfile_lock(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		diag_msg(DIAG_ERROR, dir, 0, 0, "cannot open the output folder: %s",
		         strerror(errno));
		return -1;
	}
	int r;
	while ((r = flock(fd, LOCK_EX | LOCK_NB)) != 0 && errno == EINTR)
		;
	if (r != 0 && errno == EWOULDBLOCK) {
		diag_msg(DIAG_NOTE, dir, 0, 0,
		         "another boardpack run is writing to this output folder; waiting for it "
		         "to finish");
		while ((r = flock(fd, LOCK_EX)) != 0 && errno == EINTR)
			;
	}
	if (r != 0) {
		diag_msg(
		    DIAG_WARNING, dir, 0, 0,
		    "cannot lock the output folder (%s): a second run writing there at the same "
		    "time would not be kept out",
		    strerror(errno));
		close(fd);
		return 0;
	}
	dir_lock = fd;
	return 0;
}

int outfile_begin(const char *final, const char **tmp_out)
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
		return -1;
	}
	/* mkstemp creates 0600: a new output gets the mode any new file would */
	if (fchmod(fd, file_mode) != 0) {
		diag_msg(DIAG_ERROR, final, 0, 0, "cannot set the permissions of a new file: %s",
		         strerror(errno));
		close(fd);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	struct ofile *f = xcalloc(1, sizeof *f);
	f->final = xstrdup(final);
	f->temp = tmp;
	f->fd = fd;
	atomic_init(&f->pdir, NULL);
	atomic_init(&f->pfile, NULL);
	atomic_init(&f->state, OPEN);
	atomic_init(&f->next, NULL);
	pthread_mutex_lock(&lock);
	if (tail)
		atomic_store(&tail->next, f);
	else
		atomic_store(&head, f);
	tail = f;
	pthread_mutex_unlock(&lock);
	if (tmp_out)
		*tmp_out = tmp;
	return fd;
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

const char *outfile_private(const char *final, const char **dir)
{
	struct ofile *f = find(final);
	if (!f || atomic_load(&f->pdir))
		return NULL;
	const char *slash = strrchr(final, '/');
	const char *base = slash ? slash + 1 : final;
	char *d = slash ? xasprintf("%.*s/.%s.d.XXXXXX", (int)(slash - final), final, base)
	                : xasprintf(".%s.d.XXXXXX", final);
	atomic_store(&f->pdir, d); /* before it exists: a signal removes it whenever it lands */
	if (!mkdtemp(d)) {
		diag_msg(DIAG_ERROR, final, 0, 0, "cannot create a folder in the output folder: %s",
		         strerror(errno));
		return NULL;
	}
	atomic_store(&f->pfile, xasprintf("%s/%s", d, base));
	if (dir)
		*dir = d;
	return atomic_load(&f->pfile);
}

int outfile_take(const char *final, const char *shown, bool copy)
{
	struct ofile *f = find(final);
	const char *pfile = f ? atomic_load(&f->pfile) : NULL;
	if (!pfile)
		return -1;
	if (!copy) {
		remove_private(f);
		return 0;
	}
	/*
	 * The library's file becomes final's temporary file: opened first, so that the descriptor
	 * is that file whatever the folder holds afterwards, then renamed over the temporary
	 * name (the same folder: one file system), and put in the temporary file's descriptor's
	 * place, so that the writer's descriptor reads it. Nothing is copied.
	 */
	int in = open(pfile, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	int rc = in < 0 || fstat(in, &st) != 0 || !S_ISREG(st.st_mode) ? -1 : 0;
	if (rc == 0)
		rc = fchmod(in, file_mode);
	if (rc == 0)
		rc = rename(pfile, f->temp);
	if (rc == 0)
		rc = dup2(in, f->fd) < 0 ? -1 : 0;
	if (rc != 0)
		diag_msg(DIAG_ERROR, shown, 0, 0, "cannot write the file: %s", strerror(errno));
	if (in >= 0)
		close(in);
	remove_private(f);
	return rc;
}

/* Keeps the file that final names under a hidden name beside it (a second link, so final
 * never disappears); returns 0, or -1 with errno. */
static int keep_previous(struct ofile *f)
{
	const char *slash = strrchr(f->final, '/');
	int dirlen = slash ? (int)(slash - f->final) : 0;
	const char *base = slash ? slash + 1 : f->final;
	for (unsigned i = 0; i < 100; i++) {
		free(f->backup);
		f->backup = slash ? xasprintf("%.*s/.%s.old.%ld.%u", dirlen, f->final, base,
		                              (long)getpid(), i)
		                  : xasprintf(".%s.old.%ld.%u", base, (long)getpid(), i);
		if (link(f->final, f->backup) == 0)
			return 0;
		if (errno == EEXIST)
			continue;
		if (errno != EPERM && errno != EMLINK && errno != ENOTSUP && errno != EOPNOTSUPP)
			break;
		/* a file system without hard links: move it aside instead */
		if (rename(f->final, f->backup) == 0) {
			f->backup_moved = true;
			return 0;
		}
		break;
	}
	int e = errno;
	free(f->backup);
	f->backup = NULL;
	errno = e;
	return -1;
}

/* Puts back what final held before the commit (or removes it when it was new). */
static void put_back(struct ofile *f)
{
	if (f->backup) {
		if (rename(f->backup, f->final) != 0)
			diag_msg(DIAG_ERROR, f->final, 0, 0,
			         "cannot put the previous file back (%s); it is kept as %s",
			         strerror(errno), f->backup);
		free(f->backup);
		f->backup = NULL;
	} else if (atomic_load(&f->state) == PLACED) {
		unlink(f->final);
	}
}

/* Every file complete on disk, and every final name replaceable, before the first rename:
 * 0, or -1 after reporting. */
static int commit_prepare(void)
{
	int rc = 0;
	for (struct ofile *f = atomic_load(&head); f; f = atomic_load(&f->next)) {
		if (atomic_load(&f->state) != OPEN)
			continue;
		if (f->fd >= 0) {
			if (fsync(f->fd) != 0 && errno != EINVAL && errno != EROFS) {
				diag_msg(DIAG_ERROR, f->final, 0, 0, "cannot write the file: %s",
				         strerror(errno));
				rc = -1;
			}
			if (close(f->fd) != 0 && rc == 0) {
				diag_msg(DIAG_ERROR, f->final, 0, 0, "cannot write the file: %s",
				         strerror(errno));
				rc = -1;
			}
			f->fd = -1;
		}
		struct stat st;
		if (lstat(f->final, &st) == 0 && S_ISDIR(st.st_mode)) {
			diag_msg(
			    DIAG_ERROR, f->final, 0, 0,
			    "cannot put the finished file in place: a folder has this name; move "
			    "or remove it and run again (no file was changed)");
			rc = -1;
		}
	}
	return rc;
}

/* f could not be put in place: the files put in place before it go back to what they were. */
static void commit_roll_back(struct ofile *f)
{
	for (struct ofile *g = atomic_load(&head); g != f; g = atomic_load(&g->next))
		put_back(g);
	if (f->backup && !f->backup_moved) {
		unlink(f->backup);
		free(f->backup);
		f->backup = NULL;
	}
	diag_msg(DIAG_NOTE, f->final, 0, 0,
	         "no file of the run was put in place; the output folder is as it was");
}

/* Each file renamed to its final name, the previous one kept aside until all are: 0, or -1
 * after reporting and rolling back. */
static int commit_place(void)
{
	for (struct ofile *f = atomic_load(&head); f; f = atomic_load(&f->next)) {
		if (atomic_load(&f->state) != OPEN)
			continue;
		struct stat st;
		if (lstat(f->final, &st) == 0 && keep_previous(f) != 0) {
			diag_msg(
			    DIAG_ERROR, f->final, 0, 0,
			    "cannot keep the previous file while the new one is put in place: %s",
			    strerror(errno));
		} else if (rename(f->temp, f->final) != 0) {
			diag_msg(DIAG_ERROR, f->final, 0, 0,
			         "cannot put the finished file in place: %s", strerror(errno));
			if (f->backup_moved)
				put_back(f);
		} else {
			atomic_store(&f->state, PLACED);
			continue;
		}
		commit_roll_back(f);
		return -1;
	}
	return 0;
}

int outfile_commit_all(void)
{
	sigset_t hold, old;
	sigemptyset(&hold);
	sigaddset(&hold, SIGINT);
	sigaddset(&hold, SIGTERM);
	sigaddset(&hold, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &hold, &old);
	int rc = commit_prepare();
	if (rc == 0)
		rc = commit_place();
	for (struct ofile *g = atomic_load(&head); g; g = atomic_load(&g->next))
		if (atomic_load(&g->state) == PLACED) {
			if (g->backup)
				unlink(g->backup);
			free(g->backup);
			g->backup = NULL;
			atomic_store(&g->state, rc == 0 ? DONE : OPEN);
		}
	if (rc != 0)
		outfile_abort_all();
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

void outfile_abort_all(void)
{
	for (struct ofile *f = atomic_load(&head); f; f = atomic_load(&f->next))
		if (atomic_load(&f->state) == OPEN) {
			if (f->fd >= 0)
				close(f->fd);
			f->fd = -1;
			unlink(f->temp);
			remove_private(f);
			atomic_store(&f->state, DONE);
		}
}

void outfile_report_space(const char *dir)
{
	struct statvfs fs;
	if (statvfs(dir, &fs) != 0)
		return;
	double avail = (double)fs.f_bavail * (double)fs.f_frsize;
	if (avail < 65536.0)
		diag_msg(DIAG_ERROR, dir, 0, 0,
		         "the file system holding the output folder is full (%.0f KB free); free "
		         "some space and run again",
		         avail / 1024);
	else if (avail < 1048576.0)
		diag_msg(
		    DIAG_ERROR, dir, 0, 0,
		    "the file system holding the output folder has only %.0f KB free, which may "
		    "be too little for the outputs; free some space and run again",
		    avail / 1024);
}
