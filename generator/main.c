/* main: the command line. Parses arguments, runs the stages, maps failures to exit statuses
 * (cli.md). */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "in/config.h"
#include "util/diag.h"
#include "init.h"
#include "in/load.h"
#include "calc/metrics.h"
#include "model/model.h"
#include "tmpl/mustache.h"
#include "util/outfile.h"
#include "build.h"
#include "util/safeopen.h"
#include "util/strbuf.h"
#include "util/xmem.h"

static const char usage_text[] =
    "usage: boardpack build PACK.ini [options]   build the board pack (PDF, workbook, JSON)\n"
    "       boardpack check PACK.ini             validate the inputs and print the data-quality "
    "report\n"
    "       boardpack render TEMPLATE CONTEXT.json  expand a template against a JSON context\n"
    "       boardpack init EXPORT... [--out PACK.ini]  write a starting PACK.ini from the files "
    "you have\n"
    "       boardpack --help | --version\n"
    "\n"
    "build options:\n"
    "  --period P          report period (2026-Q3, 2026-07 or 2026); default: the latest with "
    "concluded cases\n"
    "  --out DIR           output folder; default: out beside PACK.ini (created if missing)\n"
    "  --split-by region   one pack for the whole organisation and one per region\n"
    "  --json              also write the metrics JSON\n"
    "  --no-pdf            do not write the PDF\n"
    "  --no-xlsx           do not write the workbook\n"
    "  --strict            any rejected row is an error (exit 2) and nothing is written\n"
    "  --quiet             no progress or warnings on stderr (errors still)\n"
    "  --dump-context FILE write the template context as JSON to FILE (for template authors)\n"
    "  --dump-markdown FILE write the expanded template, the Markdown the PDF is made from\n"
    "  --timings           print each stage's time to stderr\n"
    "  --jobs N            compute and write with N threads (default: one per processor; 1: serially)\n"
    "\n"
    "exit status: 0 success, 1 usage or configuration error, 2 input error, 3 output could not be "
    "written\n";

static void usage_hint(const char *what)
{
	diag_msg(DIAG_ERROR, NULL, 0, 0, "%s", what);
	diag_hint("Try 'boardpack --help'.");
}

static enum bp_err cmd_render(int argc, char **argv)
{
	if (argc != 3) {
		usage_hint("render takes a template and a JSON context: boardpack render TEMPLATE "
		           "CONTEXT.json");
		return BP_ERR_USAGE;
	}
	json_error_t err;
	const char *why;
	int fd = safeopen(argv[2], &why); /* a regular file, opened without blocking */
	if (fd < 0) {
		diag_msg(DIAG_ERROR, argv[2], 0, 0, "cannot read the JSON context: %s%s",
		         strncmp(why, "is ", 3) == 0 ? "it " : "", why);
		return BP_ERR_INPUT;
	}
	json_t *ctx = json_loadfd(fd, JSON_DECODE_ANY, &err);
	close(fd);
	if (!ctx) {
		if (err.line <= 0)
			diag_msg(DIAG_ERROR, argv[2], 0, 0, "cannot read the JSON context: %s",
			         err.text);
		else
			diag_msg(DIAG_ERROR, argv[2], err.line, err.column, "not valid JSON: %s",
			         err.text);
		return BP_ERR_INPUT;
	}
	struct stat st;
	if (stat(argv[1], &st) != 0 || !S_ISREG(st.st_mode)) {
		diag_msg(DIAG_ERROR, argv[1], 0, 0, "cannot open the template: %s",
		         errno ? strerror(errno) : "not a regular file");
		json_decref(ctx);
		return BP_ERR_INPUT;
	}
	struct mustache_opts opts = {.escape = MUSTACHE_ESCAPE_HTML};
	struct strbuf out = STRBUF_INIT;
	int rc = mustache_render_file(argv[1], ctx, &opts, &out);
	if (rc == 0)
		diag_stdout(strbuf_str(&out), out.len);
	strbuf_free(&out);
	json_decref(ctx);
	return rc == 0 ? BP_OK : BP_ERR_CONFIG;
}

/* Reads and checks the pack at path, prints the data-quality report; the exit status. */
static enum bp_err check_pack(const char *path)
{
	struct config *c = config_load(path);
	if (!c)
		return BP_ERR_CONFIG;
	struct model m;
	enum bp_err rc = load_inputs(c, &m);
	if (rc == 0) {
		bool quiet = diag_quiet();
		diag_set_quiet(false); /* the report is what check is for */
		dq_print_counts(m.dq);
		dq_print(m.dq, 20, DIAG_ERROR);
		diag_set_quiet(quiet);
		long rejected = dq_rows_rejected(m.dq);
		diag_info("%ld rows read, %ld rejected, %zu notes", dq_rows_read(m.dq), rejected,
		          m.dq->nnotes);
		rc = rejected ? BP_ERR_INPUT : BP_OK;
	}
	model_free(&m);
	config_free(c);
	return rc;
}

static enum bp_err cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {{"quiet", no_argument, NULL, 'q'},
	                                         {NULL, 0, NULL, 0}};
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == 'q')
			diag_set_quiet(true);
		else
			return usage_hint("check takes PACK.ini and --quiet only"), BP_ERR_USAGE;
	}
	if (argc - optind != 1) {
		usage_hint("check takes one PACK.ini: boardpack check PACK.ini");
		return BP_ERR_USAGE;
	}
	return check_pack(argv[optind]);
}

static enum bp_err cmd_init(int argc, char **argv)
{
	static const struct option longopts[] = {{"out", required_argument, NULL, 'o'},
	                                         {"quiet", no_argument, NULL, 'q'},
	                                         {NULL, 0, NULL, 0}};
	const char *out = "pack.ini";
	int ch;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		if (ch == 'o')
			out = optarg;
		else if (ch == 'q')
			diag_set_quiet(true);
		else {
			usage_hint(
			    "init takes the files and --out PACK.ini: boardpack init EXPORT... "
			    "[--out PACK.ini]");
			return BP_ERR_USAGE;
		}
	}
	if (argc - optind < 1) {
		usage_hint("init needs the files to start from: boardpack init EXPORT... [--out "
		           "PACK.ini]");
		return BP_ERR_USAGE;
	}
	enum bp_err rc =
	    init_write((const char *const *)argv + optind, (size_t)(argc - optind), out);
	return rc ? rc : check_pack(out);
}

/* --jobs N: a whole number from 1 to 64 into *jobs. */
static enum bp_err jobs_option(const char *arg, int *jobs)
{
	char *end;
	long n = strtol(arg, &end, 10);
	if (end == arg || *end || n < 1 || n > 64) {
		char *m = xasprintf("--jobs takes a whole number from 1 to 64, not \"%s\"", arg);
		usage_hint(m);
		free(m);
		return BP_ERR_USAGE;
	}
	*jobs = (int)n;
	return BP_OK;
}

/* The options of boardpack build into req (--quiet takes effect at once); on return optind is
 * the first argument that is not an option. */
static enum bp_err build_options(int argc, char **argv, struct pack_request *req)
{
	static const struct option longopts[] = {{"period", required_argument, NULL, 'p'},
	                                         {"out", required_argument, NULL, 'o'},
	                                         {"split-by", required_argument, NULL, 's'},
	                                         {"json", no_argument, NULL, 'j'},
	                                         {"no-pdf", no_argument, NULL, 'P'},
	                                         {"no-xlsx", no_argument, NULL, 'X'},
	                                         {"strict", no_argument, NULL, 'S'},
	                                         {"quiet", no_argument, NULL, 'q'},
	                                         {"dump-context", required_argument, NULL, 'd'},
	                                         {"timings", no_argument, NULL, 't'},
	                                         {"jobs", required_argument, NULL, 'J'},
	                                         {"dump-markdown", required_argument, NULL, 'M'},
	                                         {NULL, 0, NULL, 0}};
	int ch;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			req->period = optarg;
			break;
		case 'o':
			req->out = optarg;
			break;
		case 's':
			if (strcmp(optarg, "region") != 0) {
				usage_hint("--split-by takes region (the only split there is)");
				return BP_ERR_USAGE;
			}
			req->split_region = true;
			break;
		case 'j':
			req->json = true;
			break;
		case 'P':
			req->pdf = false;
			break;
		case 'X':
			req->xlsx = false;
			break;
		case 'S':
			req->strict = true;
			break;
		case 'q':
			diag_set_quiet(true);
			break;
		case 'd':
			req->dump_context = optarg;
			break;
		case 'M':
			req->dump_markdown = optarg;
			break;
		case 't':
			req->timings = true;
			break;
		case 'J':
			if (jobs_option(optarg, &req->jobs))
				return BP_ERR_USAGE;
			break;
		case ':': {
			char *m = xasprintf("option %s needs a value", argv[optind - 1]);
			usage_hint(m);
			free(m);
			return BP_ERR_USAGE;
		}
		default: {
			char *m = xasprintf("unknown option %s", argv[optind - 1]);
			usage_hint(m);
			free(m);
			return BP_ERR_USAGE;
		}
		}
	}
	return BP_OK;
}

static enum bp_err cmd_build(int argc, char **argv)
{
	struct pack_request req = {.pdf = true, .xlsx = true};
	enum bp_err rc = build_options(argc, argv, &req);
	if (rc)
		return rc;
	if (argc - optind != 1) {
		usage_hint(argc - optind == 0
		               ? "build needs PACK.ini: boardpack build PACK.ini [options]"
		               : "build takes one PACK.ini");
		return BP_ERR_USAGE;
	}
	if (!req.pdf && !req.xlsx && !req.json && !req.dump_context && !req.dump_markdown) {
		usage_hint(
		    "nothing to write: --no-pdf and --no-xlsx leave no output; add --json, or run "
		    "'boardpack check' to validate the inputs");
		return BP_ERR_USAGE;
	}
	req.pack_ini = argv[optind];
	return pack_build(&req);
}

/* Exit statuses of cli.md: the one place an error becomes one. */
enum exit_status { EXIT_OK = 0, EXIT_USAGE = 1, EXIT_INPUT = 2, EXIT_OUTPUT = 3 };

static int exit_status(enum bp_err e)
{
	switch (e) {
	case BP_OK:
		return EXIT_OK;
	case BP_ERR_USAGE:
	case BP_ERR_CONFIG:
		return EXIT_USAGE;
	case BP_ERR_INPUT:
		return EXIT_INPUT;
	case BP_ERR_OUTPUT:
	case BP_ERR_NOMEM:
		return EXIT_OUTPUT;
	}
	return EXIT_OUTPUT;
}

static enum bp_err run(int argc, char **argv)
{
	if (argc < 2) {
		usage_hint("no command given");
		return BP_ERR_USAGE;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		diag_stdout(usage_text, sizeof usage_text - 1);
		return BP_OK;
	}
	if (strcmp(cmd, "--version") == 0) {
		static const char version[] = "boardpack " BOARDPACK_VERSION "\n";
		diag_stdout(version, sizeof version - 1);
		return BP_OK;
	}
	if (strcmp(cmd, "build") == 0)
		return cmd_build(argc - 1, argv + 1);
	if (strcmp(cmd, "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (strcmp(cmd, "render") == 0)
		return cmd_render(argc - 1, argv + 1);
	if (strcmp(cmd, "init") == 0)
		return cmd_init(argc - 1, argv + 1);
	char *m = xasprintf("unknown command \"%s\" (expected build, check, render or init)", cmd);
	usage_hint(m);
	free(m);
	return BP_ERR_USAGE;
}

int main(int argc, char **argv)
{
	return exit_status(run(argc, argv));
}
