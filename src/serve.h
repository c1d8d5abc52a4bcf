/*
 * serve.h - the preview server of `jobsite serve`: serves an output folder
 * over HTTP (libmicrohttpd), watches the site's sources (watch.h), rebuilds
 * through a callback and reloads open pages (server-sent events).
 *
 * The server knows nothing of how a site is built: it calls `rebuild`
 * when a watched path changed and shows what it returns.
 *
 * What it serves
 *   - files under `root` only: a request path is decoded strictly (no "..",
 *     no encoded '/', '\\' or NUL, no invalid or overlong UTF-8, no control
 *     characters; refused with 403) and the file's real path (symlinks
 *     resolved) must lie inside the real path of `root` (else 403);
 *   - GET and HEAD only (else 405 with `Allow: GET, HEAD`);
 *   - a directory as its index.html; `/dir` is redirected to `/dir/` (301);
 *     a directory without index.html is 404, never a listing;
 *   - missing files as the site's /404.html with status 404 (a plain-text
 *     404 if the site has none);
 *   - every response with `Cache-Control: no-cache` and
 *     `X-Content-Type-Options: nosniff`; text types with `charset=utf-8`;
 *   - HTML with `<script src="/__jobsite/reload.js" defer></script>` added
 *     before `</body>` at serve time (never on disk) and the build id in
 *     `Server-Timing: jobsite;desc="ID"`; after a failed rebuild, an error
 *     page (status 500) in place of every HTML page;
 *   - `/__jobsite/reload.js` (the live-reload client, from memory) and
 *     `/__jobsite/events` (text/event-stream: `hello` on connect and
 *     `reload` after each rebuild, each with the build id as data);
 *   - when bound to loopback, only requests whose Host is a loopback name
 *     (so a web page cannot read the preview through DNS rebinding).
 */
#ifndef JOBSITE_SERVE_H
#define JOBSITE_SERVE_H

#include <stddef.h>

#include "buf.h"

/*
 * Rebuild the site.  Called on the thread running serve_run(), never
 * concurrently with itself, while requests for files wait (so no page is
 * served half-written).  Return 0 on success; on failure return non-zero
 * and append to `error_text` what went wrong, one diagnostic per line
 * (`templates/base.mustache:12:5: error: unclosed section 'x'`): it is
 * shown, escaped, in place of every HTML page until a rebuild succeeds.
 */
typedef int (*serve_rebuild_fn)(void *ctx, struct buf *error_text);

struct serve_opts {
	/* The folder to serve.  It need not exist yet, and may be replaced
	 * (renamed over) by a rebuild: it is looked up again per request. */
	const char *root;
	/* Numeric IPv4 or IPv6 address to listen on; NULL is 127.0.0.1. */
	const char *bind;
	/* First port to try, then the next ones while they are taken, up to
	 * `port_tries` in all (0 means 20).  Port 0 takes any free port. */
	unsigned port;
	unsigned port_tries;
	/* Directories (recursive) and files to watch; none is fine.  They must
	 * not contain `root`. */
	const char *const *watch;
	size_t nwatch;
	/* Called after changes; NULL just reloads the pages. */
	serve_rebuild_fn rebuild;
	void *ctx;
	/* Quiet time that ends a burst of changes; 0 means 40 ms. */
	unsigned debounce_ms;
	/* Most concurrent connections; 0 means 256. */
	unsigned max_connections;
	/* Progress lines ("rebuilt in 12 ms", errors); NULL for none. */
	void (*log)(void *ctx, const char *line);
};

struct serve;

/*
 * Bind, start serving `o->root` and watching `o->watch` (on threads of
 * its own).  The strings in `o` must outlive the server.  Returns NULL with
 * a message in `err` (no trailing newline) if no port could be bound or a
 * watch could not be set up.
 */
struct serve *serve_start(const struct serve_opts *o, struct buf *err);

/* The port the server listens on. */
unsigned serve_port(const struct serve *s);

/*
 * Run the rebuild callback now (as after a change: requests for files wait)
 * and record its result; open pages are told to reload.  For the first
 * build, so the server is listening and watching before it starts and no
 * edit made meanwhile is missed.  Returns the callback's value (0 if there
 * is no callback).  Must not be called while serve_run() runs.
 */
int serve_rebuild(struct serve *s);

/*
 * For the rebuild callback, on its own thread: the new output is in place
 * and only clean-up is left (a report to write, memory to free).  Requests
 * for files go through and open pages are told to reload now, not when
 * the callback returns.  A callback that still fails afterwards shows its
 * error as usual.  Does nothing outside a rebuild or when called twice.
 */
void serve_output_ready(struct serve *s);

/*
 * Record the result of a build done outside the server (typically the
 * first build): `error_text` NULL or "" means it succeeded.  Open pages are
 * told to reload.  Thread-safe.
 */
void serve_set_result(struct serve *s, int failed, const char *error_text);

/* The id of the last build recorded (0 before the first).  Thread-safe. */
unsigned long serve_build_id(struct serve *s);

/*
 * Watch, rebuild and notify until `stop_fd` becomes readable (a signalfd,
 * or a pipe in tests; it is not read).  Returns 0, or -1 with a message in
 * `err` if watching failed.  Requests are served until serve_free().
 */
int serve_run(struct serve *s, int stop_fd, struct buf *err);

/* Stop serving (open event streams are ended) and free everything. */
void serve_free(struct serve *s);

/* Helpers, public for the tests. */

/* Content-Type for a file name, e.g. "text/css; charset=utf-8"; the
 * default is application/octet-stream.  Static string. */
const char *serve_mime_type(const char *name);

/*
 * Decode the path of a raw request target (before any %-decoding; the
 * query is ignored) into a relative path below the root: segments joined
 * with '/', without leading slash, "" for the root.  `*dir_slash` is set
 * when the target ends with '/'.  Returns 0, or -1 if the target must be
 * refused: not starting with '/', a ".." segment, a backslash, a bad or
 * encoded '/', '\\' or NUL escape, invalid or overlong UTF-8, a control
 * character.
 */
int serve_decode_path(const char *target, struct buf *out, int *dir_slash);

/* Insert the live-reload script tag before the last `</body>` (any case),
 * or at the end if there is none. */
void serve_inject_reload(struct buf *html);

/* Whether `addr` (numeric) is a loopback address: 127.0.0.0/8 or ::1. */
int serve_addr_is_loopback(const char *addr);

/* Wiring for `jobsite serve` (cmd_serve.c) */

/*
 * The site build `jobsite serve` runs first and on every change: build the
 * site in `site_dir` into `out_dir`; return 0, or non-zero with diagnostics
 * appended to `error_text` as for serve_rebuild_fn.  `ready` (may be NULL)
 * is called with `ready_ctx` once the output is in place.  NULL until the build
 * module provides it; then cmd_serve refuses to run.  Tests set it.
 */
extern int (*serve_site_build)(const char *site_dir, const char *out_dir,
			       void (*ready)(void *ctx), void *ready_ctx,
			       struct buf *error_text);

#endif
