/*
 * cmd_serve.c - `jobsite serve`: build the site, serve the output folder on
 * loopback, rebuild on every change to its sources and reload open pages.
 *
 * The build itself comes through serve_site_build (serve.h), which the
 * build module provides; until it does, the command refuses to run.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "build.h"
#include "cmds.h"
#include "serve.h"
#include "util.h"

static const char usage[] =
	"usage: jobsite serve [-p PORT] [--bind ADDR] [-s DIR] [-o DIR]\n"
	"\n"
	"Build the site, serve the output folder at http://127.0.0.1:PORT/ and\n"
	"rebuild it whenever content/, templates/, static/ or jobsite.yml change;\n"
	"open pages reload by themselves, and show the build errors while there\n"
	"are some.  Ctrl-C stops.\n"
	"\n"
	"  -p, --port PORT  first port to try (default 1313; the next free one\n"
	"                   of the 20 from PORT is taken)\n"
	"  -b, --bind ADDR  numeric address to listen on (default 127.0.0.1;\n"
	"                   anything but loopback exposes the preview)\n"
	"  -s, --site DIR   the site folder (default: .)\n"
	"  -o, --out DIR    the output folder (default: SITE/public)\n"
	"  -h, --help       this help\n";

/* The real build; tests set their own. */
int (*serve_site_build)(const char *site_dir, const char *out_dir,
			void (*ready)(void *ctx), void *ready_ctx,
			struct buf *error_text) = build_for_serve;

struct site {
	const char *dir;
	const char *out;
	struct serve *s;
};

static void output_ready(void *ctx)
{
	struct site *site = ctx;
	if (site->s)
		serve_output_ready(site->s);
}

static int rebuild_site(void *ctx, struct buf *error_text)
{
	struct site *site = ctx;
	return serve_site_build(site->dir, site->out, output_ready, site, error_text);
}

static void log_line(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "jobsite serve: %s\n", line);
}

static int parse_port(const char *s, unsigned *port)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > 65535)
		return -1;
	*port = (unsigned)v;
	return 0;
}

/* The output folder inside a watched one would rebuild forever. */
static const char *out_inside(const char *out, char *const *watch, size_t n)
{
	char *o = realpath(out, NULL);
	const char *hit = NULL;
	for (size_t i = 0; o && !hit && i < n; i++) {
		char *w = realpath(watch[i], NULL);
		size_t len = w ? strlen(w) : 0;
		if (w && !strncmp(o, w, len) && (o[len] == '/' || o[len] == '\0'))
			hit = watch[i];
		free(w);
	}
	free(o);
	return hit;
}

int cmd_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "bind", required_argument, NULL, 'b' },
		{ "site", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct serve_opts o = { 0 };
	const char *site_dir = ".", *out = NULL;
	o.port = 1313;
	o.bind = "127.0.0.1";
	optind = 0;
	int c;
	while ((c = getopt_long(argc, argv, "p:b:s:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (parse_port(optarg, &o.port) < 0) {
				fprintf(stderr, "jobsite serve: bad port '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'b': o.bind = optarg; break;
		case 's': site_dir = optarg; break;
		case 'o': out = optarg; break;
		case 'h': fputs(usage, stdout); return EXIT_OK;
		default: fputs(usage, stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (!serve_site_build) {
		fputs("jobsite serve: the site build is not available in this build\n", stderr);
		return EXIT_CONTENT;
	}

	int rc = EXIT_CONTENT, sfd = -1;
	struct serve *s = NULL;
	struct buf err = BUF_INIT;
	char *out_path = out ? xstrdup(out) : path_join(site_dir, "public");
	char *watch[] = {
		path_join(site_dir, "content"), path_join(site_dir, "templates"),
		path_join(site_dir, "static"), path_join(site_dir, "jobsite.yml"),
	};
	struct site site = { site_dir, out_path, NULL };
	const char *bad = out_inside(out_path, watch, ARRAY_SIZE(watch));
	if (bad) {
		fprintf(stderr, "jobsite serve: the output folder '%s' is inside '%s'\n",
			out_path, bad);
		rc = EXIT_USAGE;
		goto out;
	}
	if (!serve_addr_is_loopback(o.bind))
		fprintf(stderr, "jobsite serve: warning: listening on %s: the preview "
				"is reachable from other machines\n", o.bind);
	o.root = out_path;
	o.watch = (const char *const *)watch;
	o.nwatch = ARRAY_SIZE(watch);
	o.rebuild = rebuild_site;
	o.ctx = &site;
	o.log = log_line;

	/* Ctrl-C and SIGTERM arrive through a descriptor; blocked before the
	 * server's threads start, so they all inherit the mask. */
	sigset_t stop, old;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	signal(SIGPIPE, SIG_IGN);
	pthread_sigmask(SIG_BLOCK, &stop, &old);
	sfd = signalfd(-1, &stop, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		fprintf(stderr, "jobsite serve: signalfd: %s\n", strerror(errno));
		goto restore;
	}
	s = serve_start(&o, &err);
	if (!s) {
		fprintf(stderr, "jobsite serve: %s\n", buf_cstr(&err));
		goto restore;
	}
	site.s = s;
	/* a failed first build is shown in the browser like any other */
	serve_rebuild(s);
	const char *fmt = strchr(o.bind, ':') ? "http://[%s]:%u/" : "http://%s:%u/";
	printf("jobsite serve: serving '%s' at ", out_path);
	printf(fmt, o.bind, serve_port(s));
	printf(" (Ctrl-C to stop)\n");
	fflush(stdout);
	if (serve_run(s, sfd, &err) < 0)
		fprintf(stderr, "jobsite serve: %s\n", buf_cstr(&err));
	else
		rc = EXIT_OK;
	serve_free(s);
	s = NULL;
	/* take the signal that stopped us, so unblocking does not raise it */
	struct signalfd_siginfo si;
	while (read(sfd, &si, sizeof si) > 0)
		;
	fputs("jobsite serve: stopped\n", stderr);
restore:
	if (sfd >= 0)
		close(sfd);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
out:
	for (size_t i = 0; i < ARRAY_SIZE(watch); i++)
		free(watch[i]);
	free(out_path);
	buf_release(&err);
	return rc;
}
