/*
 * serve.c - the preview server.  See serve.h.
 *
 * Threads: libmicrohttpd runs one thread per connection (so an event
 * stream may block in its reader while it waits for the next build); the
 * caller's thread runs serve_run(), the watch-rebuild-notify loop.  A
 * reader-writer lock keeps requests out of the output folder while a
 * rebuild writes it; a mutex and a condition variable carry the build id
 * and the error text to the event streams.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "serve.h"
#include "util.h"
#include "watch.h"

#define RELOAD_TAG "<script src=\"/__jobsite/reload.js\" defer></script>"
#define DEFAULT_PORT_TRIES 20
#define DEFAULT_DEBOUNCE_MS 40
#define MAX_DEBOUNCE_MS 1000
#define DEFAULT_CONNECTIONS 256
/* Idle keep-alive connections are closed after this long. */
#define CONNECTION_TIMEOUT_S 60
/* An idle event stream sends a comment this often, so a closed tab's
 * thread notices and ends. */
#define SSE_PING_S 15
/* Larger HTML files are sent as they are, without the reload script. */
#define MAX_INJECT_SIZE (64u << 20)

struct serve {
	struct serve_opts o;
	struct MHD_Daemon *mhd;
	unsigned port;
	int loopback;
	struct watch *watch;
	/* Held for reading while a request looks up and reads a file, for
	 * writing while the rebuild callback runs. */
	pthread_rwlock_t files;
	/* The rebuild callback's thread only: files is held by it, and
	 * serve_output_ready() has let it go already. */
	int rebuilding, ready_early;
	/* Guards everything below; `changed` is broadcast on a new build and
	 * on shutdown. */
	pthread_mutex_t mu;
	pthread_cond_t changed;
	unsigned long build_id;
	char *error; /* the last build's errors; NULL if it succeeded */
	int stopping;
};

static const char reload_js[] =
	"// jobsite serve: reload the page when the site was rebuilt.\n"
	"(function () {\n"
	"  \"use strict\";\n"
	"  if (!window.EventSource) return;\n"
	"  // The build this page came from, from its Server-Timing header, so a\n"
	"  // rebuild between the page load and the stream opening is not missed.\n"
	"  var build = null;\n"
	"  try {\n"
	"    var nav = performance.getEntriesByType(\"navigation\")[0];\n"
	"    (nav && nav.serverTiming || []).forEach(function (t) {\n"
	"      if (t.name === \"jobsite\") build = t.description;\n"
	"    });\n"
	"  } catch (e) { /* older browsers: the first hello decides */ }\n"
	"  var state = window.__jobsite = { connected: false, build: build };\n"
	"  var es = new EventSource(\"/__jobsite/events\");\n"
	"  function check(e) {\n"
	"    if (build !== null && e.data !== build) {\n"
	"      es.close();\n"
	"      location.reload();\n"
	"      return;\n"
	"    }\n"
	"    build = state.build = e.data;\n"
	"  }\n"
	"  es.addEventListener(\"hello\", function (e) {\n"
	"    state.connected = true;\n"
	"    check(e);\n"
	"  });\n"
	"  es.addEventListener(\"reload\", check);\n"
	"  window.addEventListener(\"pagehide\", function () { es.close(); });\n"
	"})();\n";

/* ---- pure helpers ---------------------------------------------------- */

struct mime {
	const char *ext;
	const char *type;
};

static const struct mime mimes[] = {
	{ "html", "text/html; charset=utf-8" },
	{ "htm", "text/html; charset=utf-8" },
	{ "css", "text/css; charset=utf-8" },
	{ "js", "text/javascript; charset=utf-8" },
	{ "mjs", "text/javascript; charset=utf-8" },
	{ "json", "application/json; charset=utf-8" },
	{ "map", "application/json; charset=utf-8" },
	{ "webmanifest", "application/manifest+json; charset=utf-8" },
	{ "xml", "application/xml; charset=utf-8" },
	{ "atom", "application/atom+xml; charset=utf-8" },
	{ "rss", "application/rss+xml; charset=utf-8" },
	{ "xsl", "text/xsl; charset=utf-8" },
	{ "txt", "text/plain; charset=utf-8" },
	{ "md", "text/markdown; charset=utf-8" },
	{ "csv", "text/csv; charset=utf-8" },
	{ "svg", "image/svg+xml; charset=utf-8" },
	{ "png", "image/png" },
	{ "jpg", "image/jpeg" },
	{ "jpeg", "image/jpeg" },
	{ "gif", "image/gif" },
	{ "webp", "image/webp" },
	{ "avif", "image/avif" },
	{ "ico", "image/x-icon" },
	{ "woff2", "font/woff2" },
	{ "woff", "font/woff" },
	{ "ttf", "font/ttf" },
	{ "otf", "font/otf" },
	{ "pdf", "application/pdf" },
	{ "wasm", "application/wasm" },
	{ "gz", "application/gzip" },
	{ "mp4", "video/mp4" },
	{ "webm", "video/webm" },
};

const char *serve_mime_type(const char *name)
{
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	/* the site's feed is Atom; other XML (the sitemap) is plain XML */
	if (!ascii_casecmp(base, "feed.xml") || !ascii_casecmp(base, "atom.xml"))
		return "application/atom+xml; charset=utf-8";
	const char *dot = strrchr(base, '.');
	if (dot && dot != base)
		for (size_t i = 0; i < ARRAY_SIZE(mimes); i++)
			if (!ascii_casecmp(dot + 1, mimes[i].ext))
				return mimes[i].type;
	return "application/octet-stream";
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = ascii_lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
static int utf8_valid(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i];
		size_t len;
		unsigned min, cp;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			len = 2, min = 0x80, cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3, min = 0x800, cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4, min = 0x10000, cp = c & 0x07;
		} else {
			return 0;
		}
		if (n - i < len)
			return 0;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

/* Append a finished segment; ".." refuses the whole path. */
static int end_segment(struct buf *out, struct buf *seg)
{
	int rc = 0;
	if (!strcmp(buf_cstr(seg), ".."))
		rc = -1;
	else if (seg->n && strcmp(buf_cstr(seg), ".")) {
		if (out->n)
			buf_putc(out, '/');
		buf_put(out, seg->p, seg->n);
	}
	buf_reset(seg);
	return rc;
}

int serve_decode_path(const char *target, struct buf *out, int *dir_slash)
{
	struct buf seg = BUF_INIT;
	int rc = -1;
	buf_reset(out);
	*dir_slash = 0;
	if (target[0] != '/')
		goto out;
	const char *p = target;
	for (; *p && *p != '?'; p++) {
		int c = (unsigned char)*p;
		if (c == '/') {
			if (end_segment(out, &seg) < 0)
				goto out;
			continue;
		}
		if (c == '%') {
			int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);
			if (lo < 0)
				goto out;
			c = hi * 16 + lo;
			/* an encoded separator or NUL is a way around the
			 * checks, never a real file name */
			if (c == 0 || c == '/' || c == '\\')
				goto out;
			p += 2;
		}
		if (c == '\\' || c < 0x20 || c == 0x7f)
			goto out;
		buf_putc(&seg, c);
	}
	*dir_slash = p > target && p[-1] == '/';
	if (end_segment(out, &seg) < 0)
		goto out;
	if (!utf8_valid((const unsigned char *)out->p, out->n))
		goto out;
	rc = 0;
out:
	buf_release(&seg);
	if (rc)
		buf_reset(out);
	return rc;
}

void serve_inject_reload(struct buf *html)
{
	static const char tag[] = RELOAD_TAG;
	size_t at = html->n;
	for (size_t i = html->n; i >= 7; i--) {
		const char *p = html->p + i - 7;
		if (!ascii_ncasecmp(p, "</body", 6) &&
		    (p[6] == '>' || ascii_isspace(p[6]))) {
			at = i - 7;
			break;
		}
	}
	size_t tail = html->n - at;
	buf_grow(html, sizeof tag - 1);
	memmove(html->p + at + sizeof tag - 1, html->p + at, tail + 1);
	memcpy(html->p + at, tag, sizeof tag - 1);
	html->n += sizeof tag - 1;
}

int serve_addr_is_loopback(const char *addr)
{
	struct in_addr a4;
	struct in6_addr a6;
	if (inet_pton(AF_INET, addr, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, addr, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return 0;
}

/* A Host header naming this machine's loopback: "localhost", 127.x.y.z or
 * [::1], with or without a port. */
static int host_is_loopback(const char *host)
{
	char name[256];
	const char *end;
	if (host[0] == '[') {
		host++;
		end = strchr(host, ']');
		if (!end)
			return 0;
	} else {
		end = strchr(host, ':');
		if (!end)
			end = host + strlen(host);
	}
	size_t n = (size_t)(end - host);
	if (n == 0 || n >= sizeof name)
		return 0;
	memcpy(name, host, n);
	name[n] = '\0';
	return !ascii_casecmp(name, "localhost") || serve_addr_is_loopback(name);
}

static void html_escape(struct buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\'': buf_puts(b, "&#39;"); break;
		default: buf_putc(b, *s);
		}
	}
}

/* ---- responses ------------------------------------------------------- */

static void logf_(const struct serve *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void logf_(const struct serve *s, const char *fmt, ...)
{
	if (!s->o.log)
		return;
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	s->o.log(s->o.ctx, buf_cstr(&b));
	buf_release(&b);
}

static void common_headers(struct MHD_Response *r, const char *type)
{
	MHD_add_response_header(r, "Cache-Control", "no-cache");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (type)
		MHD_add_response_header(r, "Content-Type", type);
}

static struct MHD_Response *from_buf(struct buf *b, const char *type)
{
	size_t n;
	char *p = buf_detach(b, &n);
	struct MHD_Response *r =
		MHD_create_response_from_buffer(n, p, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(p);
		return NULL;
	}
	common_headers(r, type);
	return r;
}

static enum MHD_Result send_buf(struct MHD_Connection *c, unsigned status,
				struct buf *b, const char *type)
{
	struct MHD_Response *r = from_buf(b, type);
	if (!r)
		return MHD_NO;
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned status,
				 const char *text)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, text);
	return send_buf(c, status, &b, "text/plain; charset=utf-8");
}

/* The last build's errors (a copy), or NULL if it succeeded. */
static char *current_error(struct serve *s, unsigned long *id)
{
	pthread_mutex_lock(&s->mu);
	char *e = s->error ? xstrdup(s->error) : NULL;
	*id = s->build_id;
	pthread_mutex_unlock(&s->mu);
	return e;
}

static void error_page(struct buf *b, const char *error)
{
	buf_puts(b, "<!doctype html>\n<html lang=\"en\">\n<head>\n"
		    "<meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<title>Build failed - jobsite serve</title>\n"
		    "<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem;color:#222}"
		    "h1{color:#b00020;font-size:1.5rem}"
		    "pre{background:#fff4f4;border:1px solid #e0b0b0;padding:1rem;"
		    "white-space:pre-wrap;overflow-wrap:anywhere}</style>\n"
		    "</head>\n<body>\n<main>\n<h1>The site did not build</h1>\n"
		    "<pre id=\"jobsite-build-error\">");
	html_escape(b, error);
	buf_puts(b, "</pre>\n<p>Fix it and save: this page reloads by itself.</p>\n"
		    "</main>\n" RELOAD_TAG "\n</body>\n</html>\n");
}

/* Which build a page comes from, for reload.js (see there). */
static void add_build_id(struct MHD_Response *r, unsigned long id)
{
	char timing[64];
	snprintf(timing, sizeof timing, "jobsite;desc=\"%lu\"", id);
	MHD_add_response_header(r, "Server-Timing", timing);
}

/* An HTML response: the page with the reload script, or the error page
 * when the last build failed.  Takes `fd`. */
static struct MHD_Response *html_response(struct serve *s, int fd, off_t size,
					  unsigned *status)
{
	struct buf b = BUF_INIT;
	unsigned long id;
	char *error = current_error(s, &id);
	struct MHD_Response *r;
	if (error) {
		error_page(&b, error);
		free(error);
		if (fd >= 0)
			close(fd);
		*status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		r = from_buf(&b, "text/html; charset=utf-8");
		if (r) {
			MHD_add_response_header(r, "Content-Security-Policy",
						"default-src 'none'; style-src 'unsafe-inline'; "
						"script-src 'self'; connect-src 'self'");
			add_build_id(r, id);
		}
		return r;
	}
	if ((uint64_t)size > MAX_INJECT_SIZE) {
		r = MHD_create_response_from_fd((size_t)size, fd);
		if (!r)
			close(fd);
		else
			common_headers(r, "text/html; charset=utf-8");
		*status = MHD_HTTP_OK;
		return r;
	}
	buf_grow(&b, (size_t)size + sizeof RELOAD_TAG);
	for (;;) {
		ssize_t got = read(fd, b.p + b.n, b.cap - b.n - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		b.n += (size_t)got;
		b.p[b.n] = '\0';
		if (b.cap - b.n < 2)
			buf_grow(&b, 4096);
	}
	close(fd);
	serve_inject_reload(&b);
	*status = MHD_HTTP_OK;
	r = from_buf(&b, "text/html; charset=utf-8");
	if (r)
		add_build_id(r, id);
	return r;
}

static struct MHD_Response *file_response(struct serve *s, const char *name,
					  int fd, off_t size, unsigned *status)
{
	const char *type = serve_mime_type(name);
	*status = MHD_HTTP_OK;
	if (!strncmp(type, "text/html", 9))
		return html_response(s, fd, size, status);
	struct MHD_Response *r;
	if (size == 0) {
		close(fd);
		r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	} else {
		r = MHD_create_response_from_fd((size_t)size, fd);
		if (!r)
			close(fd);
	}
	if (r)
		common_headers(r, type);
	return r;
}

/* ---- finding files ----------------------------------------------------- */

enum found { FOUND, MISSING, FORBIDDEN, REDIRECT };

static int inside(const char *path, const char *root)
{
	size_t n = strlen(root);
	if (n == 1 && root[0] == '/')
		return 1;
	return !strncmp(path, root, n) && (path[n] == '\0' || path[n] == '/');
}

static enum found resolve(const char *root_real, const char *path, char **real)
{
	*real = realpath(path, NULL);
	if (!*real)
		return (errno == EACCES || errno == ELOOP) ? FORBIDDEN : MISSING;
	if (!inside(*real, root_real)) {
		free(*real);
		*real = NULL;
		return FORBIDDEN;
	}
	return FOUND;
}

/*
 * Open the file `rel` names below `root`: its real path must be inside the
 * root's.  The check is made again on the descriptor, through
 * /proc/self/fd, so a symlink swapped in between cannot lead outside.
 */
static enum found find_file(const char *root, const char *rel, int dir_slash,
			    int *fd_out, off_t *size, char **name)
{
	char *root_real = realpath(root, NULL), *full = NULL, *real = NULL;
	enum found f = MISSING;
	int fd = -1;
	*fd_out = -1;
	*name = NULL;
	if (!root_real)
		return MISSING;
	full = *rel ? path_join(root_real, rel) : xstrdup(root_real);
	if ((f = resolve(root_real, full, &real)) != FOUND)
		goto out;
	struct stat st;
	if (stat(real, &st) < 0) {
		f = MISSING;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		if (*rel && !dir_slash) {
			f = REDIRECT;
			goto out;
		}
		char *index = path_join(real, "index.html");
		free(real);
		f = resolve(root_real, index, &real);
		free(index);
		if (f != FOUND)
			goto out;
	}
	fd = open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		f = (fd < 0 && errno == EACCES) ? FORBIDDEN : MISSING;
		goto out;
	}
	char link[64], target[PATH_MAX + 1];
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, target, PATH_MAX);
	if (n > 0) {
		target[n] = '\0';
		if (!inside(target, root_real)) {
			f = FORBIDDEN;
			goto out;
		}
	}
	*fd_out = fd;
	fd = -1;
	*size = st.st_size;
	*name = real;
	real = NULL;
	f = FOUND;
out:
	if (fd >= 0)
		close(fd);
	free(root_real);
	free(full);
	free(real);
	return f;
}

/* ---- the event stream ---------------------------------------------------- */

struct stream {
	struct serve *s;
	unsigned long seen;
	int greeted;
	char out[128];
	size_t n, off;
};

/* Wait for the next thing to say; -1 when the server stops. */
static int stream_next(struct stream *st)
{
	struct serve *s = st->s;
	int rc = 0;
	pthread_mutex_lock(&s->mu);
	if (!st->greeted) {
		st->greeted = 1;
		st->seen = s->build_id;
		st->n = (size_t)snprintf(st->out, sizeof st->out,
					 "retry: 1000\nevent: hello\ndata: %lu\n\n", st->seen);
		goto out;
	}
	struct timespec deadline;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += SSE_PING_S;
	while (!s->stopping && s->build_id == st->seen)
		if (pthread_cond_timedwait(&s->changed, &s->mu, &deadline) == ETIMEDOUT)
			break;
	if (s->stopping) {
		rc = -1;
	} else if (s->build_id != st->seen) {
		st->seen = s->build_id;
		st->n = (size_t)snprintf(st->out, sizeof st->out,
					 "event: reload\ndata: %lu\n\n", st->seen);
	} else {
		st->n = (size_t)snprintf(st->out, sizeof st->out, ": ping\n\n");
	}
out:
	pthread_mutex_unlock(&s->mu);
	st->off = 0;
	return rc;
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *st = cls;
	(void)pos;
	if (st->off == st->n && stream_next(st) < 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	size_t n = st->n - st->off;
	if (n > max)
		n = max;
	memcpy(buf, st->out + st->off, n);
	st->off += n;
	return (ssize_t)n;
}

static enum MHD_Result send_events(struct serve *s, struct MHD_Connection *c)
{
	struct stream *st = xcalloc(1, sizeof *st);
	st->s = s;
	struct MHD_Response *r = MHD_create_response_from_callback(
		MHD_SIZE_UNKNOWN, sizeof st->out, stream_read, st, free);
	if (!r) {
		free(st);
		return MHD_NO;
	}
	common_headers(r, "text/event-stream; charset=utf-8");
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* ---- requests ---------------------------------------------------------- */

static struct MHD_Response *not_found(struct serve *s, unsigned *status)
{
	int fd;
	off_t size;
	char *name;
	struct MHD_Response *r;
	if (find_file(s->o.root, "404.html", 0, &fd, &size, &name) == FOUND) {
		r = html_response(s, fd, size, status);
		free(name);
		if (*status == MHD_HTTP_OK)
			*status = MHD_HTTP_NOT_FOUND;
		return r;
	}
	unsigned long id;
	char *error = current_error(s, &id);
	if (error) {
		free(error);
		return html_response(s, -1, 0, status);
	}
	struct buf b = BUF_INIT;
	buf_puts(&b, "404 not found\n");
	*status = MHD_HTTP_NOT_FOUND;
	return from_buf(&b, "text/plain; charset=utf-8");
}

static enum MHD_Result redirect(struct MHD_Connection *c, const char *target)
{
	/* from the raw target, so its escapes survive; leading slashes
	 * collapse so "//host" cannot become a protocol-relative URL */
	struct buf loc = BUF_INIT, body = BUF_INIT;
	while (target[0] == '/' && target[1] == '/')
		target++;
	const char *q = strchr(target, '?');
	size_t n = q ? (size_t)(q - target) : strlen(target);
	buf_put(&loc, target, n);
	buf_putc(&loc, '/');
	if (q)
		buf_puts(&loc, q);
	buf_printf(&body, "moved to %s\n", buf_cstr(&loc));
	struct MHD_Response *r = from_buf(&body, "text/plain; charset=utf-8");
	enum MHD_Result ret = MHD_NO;
	if (r) {
		MHD_add_response_header(r, "Location", buf_cstr(&loc));
		ret = MHD_queue_response(c, MHD_HTTP_MOVED_PERMANENTLY, r);
		MHD_destroy_response(r);
	}
	buf_release(&loc);
	return ret;
}

static enum MHD_Result send_file(struct serve *s, struct MHD_Connection *c,
				 const char *target)
{
	struct buf rel = BUF_INIT;
	int dir_slash;
	if (serve_decode_path(target, &rel, &dir_slash) < 0) {
		buf_release(&rel);
		return send_text(c, MHD_HTTP_FORBIDDEN, "403 forbidden\n");
	}
	int fd;
	off_t size;
	char *name;
	unsigned status = MHD_HTTP_OK;
	struct MHD_Response *r = NULL;
	pthread_rwlock_rdlock(&s->files);
	enum found f = find_file(s->o.root, buf_cstr(&rel), dir_slash, &fd, &size, &name);
	if (f == FOUND) {
		r = file_response(s, name, fd, size, &status);
		free(name);
	} else if (f == MISSING) {
		r = not_found(s, &status);
	}
	pthread_rwlock_unlock(&s->files);
	buf_release(&rel);
	if (f == REDIRECT)
		return redirect(c, target);
	if (f == FORBIDDEN)
		return send_text(c, MHD_HTTP_FORBIDDEN, "403 forbidden\n");
	if (!r)
		return MHD_NO;
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

struct request {
	char *target; /* as sent, before any decoding */
	int started;  /* the handler was called once */
};

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *upload_data,
				  size_t *upload_size, void **req)
{
	struct serve *s = cls;
	struct request *rq = *req;
	const char *target = rq ? rq->target : url;
	int allowed = !strcmp(method, MHD_HTTP_METHOD_GET) ||
		      !strcmp(method, MHD_HTTP_METHOD_HEAD);
	(void)version, (void)upload_data;
	/* A response queued on the first call, before MHD knows there is no
	 * body, closes the connection: answer on the next one, so connections
	 * stay alive.  A refused method is answered at once (and closes). */
	if (rq && !rq->started && allowed) {
		rq->started = 1;
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0; /* a body on GET means nothing */
		return MHD_YES;
	}
	if (!allowed) {
		struct buf b = BUF_INIT;
		buf_puts(&b, "405 method not allowed\n");
		struct MHD_Response *r = from_buf(&b, "text/plain; charset=utf-8");
		if (!r)
			return MHD_NO;
		MHD_add_response_header(r, "Allow", "GET, HEAD");
		enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_METHOD_NOT_ALLOWED, r);
		MHD_destroy_response(r);
		return ret;
	}
	if (s->loopback) {
		const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
		if (host && !host_is_loopback(host))
			return send_text(c, MHD_HTTP_FORBIDDEN,
					 "403 forbidden: not a loopback host name\n");
	}
	if (!strncmp(url, "/__jobsite/", 11)) {
		if (!strcmp(url + 11, "events"))
			return send_events(s, c);
		if (!strcmp(url + 11, "reload.js")) {
			struct MHD_Response *r = MHD_create_response_from_buffer(
				sizeof reload_js - 1, (void *)reload_js, MHD_RESPMEM_PERSISTENT);
			if (!r)
				return MHD_NO;
			common_headers(r, "text/javascript; charset=utf-8");
			enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
			MHD_destroy_response(r);
			return ret;
		}
		return send_text(c, MHD_HTTP_NOT_FOUND, "404 not found\n");
	}
	return send_file(s, c, target);
}

/*
 * Each request keeps its target as sent, query included:
 * serve_decode_path() decodes it strictly (an escaped '/' or NUL must still
 * be visible to be refused), and a redirect keeps the query.
 */
static void *new_request(void *cls, const char *uri, struct MHD_Connection *c)
{
	(void)cls, (void)c;
	struct request *rq = xcalloc(1, sizeof *rq);
	rq->target = xstrdup(uri);
	return rq;
}

static void free_request(void *cls, struct MHD_Connection *c, void **req,
			 enum MHD_RequestTerminationCode why)
{
	struct request *rq = *req;
	(void)cls, (void)c, (void)why;
	if (rq)
		free(rq->target);
	free(rq);
	*req = NULL;
}

/* MHD's own decoding is not used (see new_request). */
static size_t keep_escapes(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls, (void)c;
	return strlen(s);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct serve *s = cls;
	if (!s->o.log)
		return;
	struct buf b = BUF_INIT;
	buf_vprintf(&b, fmt, ap);
	while (b.n && b.p[b.n - 1] == '\n')
		buf_truncate(&b, b.n - 1);
	logf_(s, "http: %s", buf_cstr(&b));
	buf_release(&b);
}

/* ---- set-up ------------------------------------------------------------ */

/* A listening socket on the first free port from `port`; -1 with `err`. */
static int listen_on(const char *addr, unsigned port, unsigned tries,
		     struct buf *err)
{
	struct addrinfo hints = { 0 }, *ai = NULL;
	hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(addr, NULL, &hints, &ai) != 0 || !ai) {
		buf_printf(err, "'%s' is not a numeric IPv4 or IPv6 address", addr);
		return -1;
	}
	if (port == 0)
		tries = 1;
	int fd = -1, last = 0;
	for (unsigned i = 0; i < tries && port + i <= 65535; i++) {
		fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			last = errno;
			break;
		}
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		struct sockaddr_storage sa;
		memcpy(&sa, ai->ai_addr, ai->ai_addrlen);
		if (ai->ai_family == AF_INET6)
			((struct sockaddr_in6 *)&sa)->sin6_port = htons((uint16_t)(port + i));
		else
			((struct sockaddr_in *)&sa)->sin_port = htons((uint16_t)(port + i));
		if (bind(fd, (struct sockaddr *)&sa, ai->ai_addrlen) == 0 &&
		    listen(fd, 128) == 0)
			break;
		last = errno;
		close(fd);
		fd = -1;
		if (last != EADDRINUSE)
			break;
	}
	freeaddrinfo(ai);
	if (fd < 0) {
		if (last == EADDRINUSE)
			buf_printf(err, "ports %u to %u on %s are all in use", port,
				   port + tries - 1, addr);
		else
			buf_printf(err, "cannot listen on %s port %u: %s", addr, port,
				   strerror(last));
	}
	return fd;
}

static unsigned bound_port(int fd)
{
	struct sockaddr_storage sa;
	socklen_t len = sizeof sa;
	if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
		return 0;
	if (sa.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&sa)->sin6_port);
	return ntohs(((struct sockaddr_in *)&sa)->sin_port);
}

static struct serve *serve_alloc(const struct serve_opts *o)
{
	struct serve *s = xcalloc(1, sizeof *s);
	s->o = *o;
	if (!s->o.bind)
		s->o.bind = "127.0.0.1";
	if (!s->o.port_tries)
		s->o.port_tries = DEFAULT_PORT_TRIES;
	if (!s->o.debounce_ms)
		s->o.debounce_ms = DEFAULT_DEBOUNCE_MS;
	if (!s->o.max_connections)
		s->o.max_connections = DEFAULT_CONNECTIONS;
	s->loopback = serve_addr_is_loopback(s->o.bind);
	pthread_rwlockattr_t ra;
	pthread_rwlockattr_init(&ra);
	/* a steady stream of requests must not starve a rebuild */
	pthread_rwlockattr_setkind_np(&ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&s->files, &ra);
	pthread_rwlockattr_destroy(&ra);
	pthread_mutex_init(&s->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->changed, &ca);
	pthread_condattr_destroy(&ca);
	return s;
}

static int start_watching(struct serve *s, struct buf *err)
{
	if (!s->o.nwatch)
		return 0;
	s->watch = watch_new();
	if (!s->watch) {
		buf_printf(err, "cannot watch for changes: %s", strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < s->o.nwatch; i++) {
		if (watch_add(s->watch, s->o.watch[i]) < 0) {
			buf_printf(err, "cannot watch '%s': %s", s->o.watch[i],
				   errno == ENOSPC ? "too many inotify watches "
						     "(see fs.inotify.max_user_watches)"
						   : strerror(errno));
			return -1;
		}
	}
	return 0;
}

struct serve *serve_start(const struct serve_opts *o, struct buf *err)
{
	struct serve *s = serve_alloc(o);
	if (start_watching(s, err) < 0)
		goto fail;
	int fd = listen_on(s->o.bind, s->o.port, s->o.port_tries, err);
	if (fd < 0)
		goto fail;
	s->port = bound_port(fd);
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
			 MHD_USE_POLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	if (strchr(s->o.bind, ':'))
		flags |= MHD_USE_IPv6;
	s->mhd = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, s,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s,
		MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)s->o.max_connections,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT_S,
		MHD_OPTION_URI_LOG_CALLBACK, new_request, NULL,
		MHD_OPTION_NOTIFY_COMPLETED, free_request, NULL,
		MHD_OPTION_UNESCAPE_CALLBACK, keep_escapes, NULL,
		MHD_OPTION_END);
	if (!s->mhd) {
		close(fd);
		buf_printf(err, "cannot start the HTTP server on %s port %u", s->o.bind,
			   s->port);
		goto fail;
	}
	return s;
fail:
	serve_free(s);
	return NULL;
}

unsigned serve_port(const struct serve *s)
{
	return s->port;
}

unsigned long serve_build_id(struct serve *s)
{
	pthread_mutex_lock(&s->mu);
	unsigned long id = s->build_id;
	pthread_mutex_unlock(&s->mu);
	return id;
}

void serve_set_result(struct serve *s, int failed, const char *error_text)
{
	pthread_mutex_lock(&s->mu);
	free(s->error);
	s->error = NULL;
	if (failed)
		s->error = xstrdup(error_text && *error_text ? error_text
					     : "the build failed (no message)");
	s->build_id++;
	pthread_cond_broadcast(&s->changed);
	pthread_mutex_unlock(&s->mu);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void serve_output_ready(struct serve *s)
{
	if (!s->rebuilding || s->ready_early)
		return;
	s->ready_early = 1;
	pthread_rwlock_unlock(&s->files);
	serve_set_result(s, 0, NULL);
}

int serve_rebuild(struct serve *s)
{
	struct buf error = BUF_INIT;
	int64_t t0 = now_ms();
	pthread_rwlock_wrlock(&s->files);
	s->rebuilding = 1;
	s->ready_early = 0;
	int failed = s->o.rebuild ? s->o.rebuild(s->o.ctx, &error) : 0;
	s->rebuilding = 0;
	if (!s->ready_early)
		pthread_rwlock_unlock(&s->files);
	long ms = (long)(now_ms() - t0);
	while (error.n && error.p[error.n - 1] == '\n')
		buf_truncate(&error, error.n - 1);
	/* Told already when the output was ready, unless it failed after. */
	if (failed || !s->ready_early)
		serve_set_result(s, failed, buf_cstr(&error));
	if (failed)
		logf_(s, "rebuild failed (%ld ms):\n%s", ms,
		      error.n ? buf_cstr(&error) : "(no message)");
	else
		logf_(s, "rebuilt in %ld ms", ms);
	buf_release(&error);
	return failed;
}

int serve_run(struct serve *s, int stop_fd, struct buf *err)
{
	if (!s->watch) {
		struct pollfd p = { stop_fd, POLLIN, 0 };
		while (poll(&p, 1, -1) < 0)
			if (errno != EINTR) {
				buf_printf(err, "poll: %s", strerror(errno));
				return -1;
			}
		return 0;
	}
	for (;;) {
		int r = watch_wait(s->watch, stop_fd, (int)s->o.debounce_ms, MAX_DEBOUNCE_MS);
		if (r == 0)
			return 0;
		if (r < 0) {
			buf_printf(err, "watching for changes failed: %s", strerror(errno));
			return -1;
		}
		serve_rebuild(s);
	}
}

void serve_free(struct serve *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	s->stopping = 1;
	pthread_cond_broadcast(&s->changed);
	pthread_mutex_unlock(&s->mu);
	if (s->mhd)
		MHD_stop_daemon(s->mhd);
	watch_free(s->watch);
	free(s->error);
	pthread_cond_destroy(&s->changed);
	pthread_mutex_destroy(&s->mu);
	pthread_rwlock_destroy(&s->files);
	free(s);
}
