/*
 * t_serve.c - the preview server (serve.c), its watcher (watch.c) and
 * `jobsite serve` (cmd_serve.c), over real sockets.
 *
 *   t_serve                        run the tests
 *   t_serve --harness ARGS...      run `jobsite serve ARGS...` with a fake
 *                                  site build, for the browser test and the
 *                                  benchmark (see fake_build below)
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmds.h"
#include "serve.h"
#include "tap.h"
#include "util.h"
#include "watch.h"

#define TAG "<script src=\"/__jobsite/reload.js\" defer></script>"
#define SECRET "TOPSECRET-7f3a9c"

static char tmp[64];

static char *at(const char *rel)
{
	return path_join(tmp, rel);
}

static void put(const char *rel, const char *text)
{
	char *p = at(rel);
	if (write_file(p, text, strlen(text)) < 0)
		die("cannot write '%s'", p);
	free(p);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

/* ---- a raw HTTP client ------------------------------------------------ */

struct resp {
	int status;
	struct buf head, body;
};

static void resp_release(struct resp *r)
{
	buf_release(&r->head);
	buf_release(&r->body);
	r->status = 0;
}

static int connect_to(unsigned port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { 0 };
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct timeval tv = { 5, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Send `request` as it is; read the whole answer (the request asks the
 * server to close).  Returns the status or -1. */
static int http_raw(unsigned port, const char *request, size_t len, struct resp *r)
{
	resp_release(r);
	int fd = connect_to(port);
	if (fd < 0)
		return -1;
	if (write(fd, request, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	struct buf all = BUF_INIT;
	char chunk[8192];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof chunk)) > 0)
		buf_put(&all, chunk, (size_t)n);
	close(fd);
	const char *end = strstr(buf_cstr(&all), "\r\n\r\n");
	if (!end || sscanf(buf_cstr(&all), "HTTP/1.%*d %d", &r->status) != 1) {
		buf_release(&all);
		return -1;
	}
	buf_put(&r->head, all.p, (size_t)(end - all.p) + 2);
	buf_put(&r->body, end + 4, all.n - (size_t)(end + 4 - all.p));
	buf_release(&all);
	return r->status;
}

static int http(unsigned port, const char *method, const char *target, struct resp *r)
{
	struct buf req = BUF_INIT;
	buf_printf(&req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n\r\n",
		   method, target, port);
	int st = http_raw(port, req.p, req.n, r);
	buf_release(&req);
	return st;
}

/* A header's value (static storage), or NULL. */
static const char *header(const struct resp *r, const char *name)
{
	static char value[512];
	const char *p = buf_cstr(&r->head);
	size_t n = strlen(name);
	while ((p = strstr(p, "\r\n"))) {
		p += 2;
		if (!ascii_ncasecmp(p, name, n) && p[n] == ':') {
			p += n + 1;
			while (*p == ' ')
				p++;
			size_t len = strcspn(p, "\r\n");
			if (len >= sizeof value)
				len = sizeof value - 1;
			memcpy(value, p, len);
			value[len] = '\0';
			return value;
		}
	}
	return NULL;
}

static int contains(const struct resp *r, const char *s)
{
	return strstr(buf_cstr(&r->body), s) != NULL;
}

/* ---- the fixture -------------------------------------------------------- */

static void make_site(void)
{
	put("secret.txt", SECRET "\n");
	put("out/index.html", "<!doctype html><html><head><title>Home</title></head>"
			      "<body><h1>Home</h1></body></html>\n");
	put("out/sub/index.html", "<html><body>Sub index</BODY ></html>");
	put("out/sub/page.html", "<p>no body tag</p>");
	put("out/style.css", "body { color: red }\n");
	put("out/sitemap.xml", "<?xml version=\"1.0\"?><urlset/>\n");
	put("out/feed.xml", "<?xml version=\"1.0\"?><feed/>\n");
	put("out/app.js", "console.log(1);\n");
	put("out/data.json", "{}\n");
	put("out/robots.txt", "User-agent: *\n");
	put("out/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n");
	put("out/site.webmanifest", "{}\n");
	put("out/blob.pf_index", "binary");
	put("out/empty.txt", "");
	put("out/404.html", "<html><body><h1>Lost</h1></body></html>\n");
	put("out/%2e%2e/x.html", "a folder literally named %2e%2e\n");
	char *p = at("out/nolisting");
	mkdir_p(p, 0755);
	free(p);
	char *link = at("out/link-out.txt");
	if (symlink("../secret.txt", link) < 0)
		die("symlink");
	free(link);
	link = at("out/link-in.css");
	if (symlink("style.css", link) < 0)
		die("symlink");
	free(link);
	link = at("out/dir-out");
	if (symlink("..", link) < 0)
		die("symlink");
	free(link);
	link = at("out/abs-out");
	if (symlink("/etc", link) < 0)
		die("symlink");
	free(link);
	char *fifo = at("out/fifo.html");
	mkfifo(fifo, 0644);
	free(fifo);
}

static int fake_fail;
static int fake_calls;
static pthread_mutex_t fake_mu = PTHREAD_MUTEX_INITIALIZER;

static int fake_rebuild(void *ctx, struct buf *error_text)
{
	(void)ctx;
	pthread_mutex_lock(&fake_mu);
	fake_calls++;
	int fail = fake_fail;
	pthread_mutex_unlock(&fake_mu);
	if (fail)
		buf_puts(error_text, "templates/base.mustache:12:5: error: unclosed "
				     "section '<x>' & \"y\"\n");
	return fail;
}

static int calls(void)
{
	pthread_mutex_lock(&fake_mu);
	int n = fake_calls;
	pthread_mutex_unlock(&fake_mu);
	return n;
}

/* Wait until the rebuild count exceeds `n` (up to 3 s); returns it. */
static int wait_calls(int n)
{
	for (int i = 0; i < 300 && calls() <= n; i++)
		sleep_ms(10);
	return calls();
}

/* ---- pure functions ------------------------------------------------------- */

static void test_decode(void)
{
	static const struct {
		const char *in, *want; /* want NULL: refused */
		int slash;
	} cases[] = {
		{ "/", "", 1 },
		{ "/index.html", "index.html", 0 },
		{ "/a/b/", "a/b", 1 },
		{ "/a//b", "a/b", 0 },
		{ "/./a/./b", "a/b", 0 },
		{ "/a%20b.html", "a b.html", 0 },
		{ "/caf%C3%A9", "caf\xc3\xa9", 0 },
		{ "/x.html?v=1&y=../..", "x.html", 0 },
		{ "/%252e%252e/x", "%2e%2e/x", 0 },
		{ "/..", NULL, 0 },
		{ "/../etc/passwd", NULL, 0 },
		{ "/a/../b", NULL, 0 },
		{ "/%2e%2e/etc", NULL, 0 },
		{ "/.%2E/etc", NULL, 0 },
		{ "/a%2fb", NULL, 0 },
		{ "/a%2Fb", NULL, 0 },
		{ "/a%5cb", NULL, 0 },
		{ "/a\\b", NULL, 0 },
		{ "/a%00.css", NULL, 0 },
		{ "/a%0a", NULL, 0 },
		{ "/a%7f", NULL, 0 },
		{ "/a%", NULL, 0 },
		{ "/a%2", NULL, 0 },
		{ "/a%zz", NULL, 0 },
		{ "/%c0%ae%c0%ae/", NULL, 0 },
		{ "/%c0%af", NULL, 0 },
		{ "/%e0%80%ae", NULL, 0 },
		{ "/%ed%a0%80", NULL, 0 },
		{ "/%f4%90%80%80", NULL, 0 },
		{ "/%ff", NULL, 0 },
		{ "/%c3", NULL, 0 },
		{ "etc/passwd", NULL, 0 },
		{ "", NULL, 0 },
		{ "http://x/", NULL, 0 },
	};
	struct buf out = BUF_INIT;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int slash = -1;
		int rc = serve_decode_path(cases[i].in, &out, &slash);
		if (!cases[i].want) {
			CHECK(rc < 0, "decode '%s' must be refused, got '%s'", cases[i].in,
			      buf_cstr(&out));
		} else {
			CHECK(rc == 0, "decode '%s' refused", cases[i].in);
			CHECK_STR(buf_cstr(&out), cases[i].want, "decode '%s'", cases[i].in);
			CHECK(slash == cases[i].slash, "decode '%s': slash %d", cases[i].in, slash);
		}
	}
	buf_release(&out);
}

static void test_mime(void)
{
	static const char *const cases[][2] = {
		{ "a/index.html", "text/html; charset=utf-8" },
		{ "X.HTM", "text/html; charset=utf-8" },
		{ "s.css", "text/css; charset=utf-8" },
		{ "app.js", "text/javascript; charset=utf-8" },
		{ "d.json", "application/json; charset=utf-8" },
		{ "sitemap.xml", "application/xml; charset=utf-8" },
		{ "feed.xml", "application/atom+xml; charset=utf-8" },
		{ "jobs/acme/feed.xml", "application/atom+xml; charset=utf-8" },
		{ "robots.txt", "text/plain; charset=utf-8" },
		{ "i.svg", "image/svg+xml; charset=utf-8" },
		{ "i.png", "image/png" },
		{ "i.jpg", "image/jpeg" },
		{ "i.jpeg", "image/jpeg" },
		{ "i.gif", "image/gif" },
		{ "i.webp", "image/webp" },
		{ "favicon.ico", "image/x-icon" },
		{ "f.woff2", "font/woff2" },
		{ "site.webmanifest", "application/manifest+json; charset=utf-8" },
		{ "app.js.map", "application/json; charset=utf-8" },
		{ "pagefind/x.pf_index", "application/octet-stream" },
		{ "Makefile", "application/octet-stream" },
		{ ".html", "application/octet-stream" },
		{ "dir.html/x", "application/octet-stream" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		CHECK_STR(serve_mime_type(cases[i][0]), cases[i][1], "mime of '%s'",
			  cases[i][0]);
}

static void test_inject(void)
{
	static const char *const cases[][2] = {
		{ "<body>x</body></html>", "<body>x" TAG "</body></html>" },
		{ "<body>x</BODY ></html>", "<body>x" TAG "</BODY ></html>" },
		{ "a</body>b</body>", "a</body>b" TAG "</body>" },
		{ "<p>no body", "<p>no body" TAG },
		{ "</bodyx>", "</bodyx>" TAG },
		{ "", TAG },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct buf b = BUF_INIT;
		buf_puts(&b, cases[i][0]);
		serve_inject_reload(&b);
		CHECK_STR(buf_cstr(&b), cases[i][1], "inject into '%s'", cases[i][0]);
		buf_release(&b);
	}
	CHECK(serve_addr_is_loopback("127.0.0.1") && serve_addr_is_loopback("127.8.0.3") &&
	      serve_addr_is_loopback("::1"), "loopback addresses");
	CHECK(!serve_addr_is_loopback("0.0.0.0") && !serve_addr_is_loopback("::") &&
	      !serve_addr_is_loopback("192.168.1.2") && !serve_addr_is_loopback("localhost"),
	      "non-loopback addresses");
}

/* ---- the server over HTTP ------------------------------------------------ */

static void check_common(const struct resp *r, const char *what)
{
	CHECK_STR(header(r, "Cache-Control"), "no-cache", "%s: Cache-Control", what);
	CHECK_STR(header(r, "X-Content-Type-Options"), "nosniff", "%s: nosniff", what);
}

static void test_files(unsigned port)
{
	struct resp r = { 0 };
	CHECK(http(port, "GET", "/", &r) == 200, "GET / status %d", r.status);
	CHECK_STR(header(&r, "Content-Type"), "text/html; charset=utf-8", "GET / type");
	CHECK(contains(&r, "<h1>Home</h1>" TAG "</body>"), "GET / has the reload tag: %s",
	      buf_cstr(&r.body));
	check_common(&r, "GET /");
	CHECK(header(&r, "Server-Timing") != NULL, "GET / has Server-Timing");
	char len[32];
	snprintf(len, sizeof len, "%s", header(&r, "Content-Length") ? header(&r, "Content-Length") : "?");
	CHECK((size_t)atol(len) == r.body.n, "Content-Length %s, body %zu", len, r.body.n);

	struct buf disk = BUF_INIT;
	char *p = at("out/index.html");
	read_file(p, &disk, 0);
	free(p);
	CHECK(disk.n > 0 && !strstr(buf_cstr(&disk), "reload.js"), "index.html on disk has no reload tag");
	buf_release(&disk);

	CHECK(http(port, "HEAD", "/", &r) == 200, "HEAD / status %d", r.status);
	CHECK(r.body.n == 0, "HEAD / has no body (%zu bytes)", r.body.n);
	CHECK_STR(header(&r, "Content-Type"), "text/html; charset=utf-8", "HEAD / type");
	CHECK_STR(header(&r, "Content-Length"), len, "HEAD / length same as GET");
	check_common(&r, "HEAD /");

	CHECK(http(port, "GET", "/sub", &r) == 301, "/sub redirects, got %d", r.status);
	CHECK_STR(header(&r, "Location"), "/sub/", "/sub Location");
	CHECK(http(port, "GET", "//sub?q=1", &r) == 301, "//sub redirects, got %d", r.status);
	CHECK_STR(header(&r, "Location"), "/sub/?q=1", "//sub Location is not protocol-relative");
	CHECK(http(port, "GET", "/sub/", &r) == 200 && contains(&r, "Sub index" TAG "</BODY >"),
	      "/sub/ serves sub/index.html with the tag: %d %s", r.status, buf_cstr(&r.body));
	CHECK(http(port, "GET", "/sub/page.html", &r) == 200 &&
	      !strcmp(buf_cstr(&r.body), "<p>no body tag</p>" TAG),
	      "page without </body> gets the tag at the end: %s", buf_cstr(&r.body));

	static const char *const types[][2] = {
		{ "/style.css", "text/css; charset=utf-8" },
		{ "/sitemap.xml", "application/xml; charset=utf-8" },
		{ "/feed.xml", "application/atom+xml; charset=utf-8" },
		{ "/app.js", "text/javascript; charset=utf-8" },
		{ "/data.json", "application/json; charset=utf-8" },
		{ "/robots.txt", "text/plain; charset=utf-8" },
		{ "/logo.svg", "image/svg+xml; charset=utf-8" },
		{ "/site.webmanifest", "application/manifest+json; charset=utf-8" },
		{ "/blob.pf_index", "application/octet-stream" },
		{ "/empty.txt", "text/plain; charset=utf-8" },
		{ "/link-in.css", "text/css; charset=utf-8" },
		{ "/%252e%252e/x.html", "text/html; charset=utf-8" },
		{ "/__jobsite/reload.js", "text/javascript; charset=utf-8" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		CHECK(http(port, "GET", types[i][0], &r) == 200, "GET %s: %d", types[i][0], r.status);
		CHECK_STR(header(&r, "Content-Type"), types[i][1], "type of %s", types[i][0]);
		check_common(&r, types[i][0]);
	}
	CHECK(http(port, "GET", "/style.css", &r) == 200 &&
	      !strcmp(buf_cstr(&r.body), "body { color: red }\n"), "css body as on disk");
	CHECK(http(port, "GET", "/__jobsite/reload.js", &r) == 200 &&
	      contains(&r, "new EventSource(\"/__jobsite/events\")"), "reload.js");
	CHECK(http(port, "HEAD", "/style.css", &r) == 200 && r.body.n == 0 &&
	      header(&r, "Content-Length") && !strcmp(header(&r, "Content-Length"), "20"),
	      "HEAD /style.css: no body, Content-Length 20");

	CHECK(http(port, "GET", "/missing.html", &r) == 404, "missing: %d", r.status);
	CHECK(contains(&r, "<h1>Lost</h1>" TAG), "missing: the site's 404.html with the tag");
	CHECK_STR(header(&r, "Content-Type"), "text/html; charset=utf-8", "404 type");
	check_common(&r, "404");
	CHECK(http(port, "HEAD", "/missing.html", &r) == 404 && r.body.n == 0, "HEAD missing");
	CHECK(http(port, "GET", "/nolisting/", &r) == 404 && contains(&r, "Lost"),
	      "a directory without index.html is 404, not a listing: %d", r.status);
	CHECK(http(port, "GET", "/fifo.html", &r) == 404, "a FIFO is not served: %d", r.status);
	CHECK(http(port, "GET", "/__jobsite/nope", &r) == 404, "unknown /__jobsite/ path");

	static const char *const methods[] = { "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE" };
	for (size_t i = 0; i < ARRAY_SIZE(methods); i++) {
		CHECK(http(port, methods[i], "/", &r) == 405, "%s: %d", methods[i], r.status);
		CHECK_STR(header(&r, "Allow"), "GET, HEAD", "%s: Allow", methods[i]);
	}
	static const char post[] = "POST /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n"
				   "Content-Length: 5\r\nConnection: close\r\n\r\nhello";
	CHECK(http_raw(port, post, sizeof post - 1, &r) == 405, "POST with a body: %d", r.status);

	static const char evil[] = "GET / HTTP/1.1\r\nHost: evil.example:1313\r\nConnection: close\r\n\r\n";
	CHECK(http_raw(port, evil, sizeof evil - 1, &r) == 403, "foreign Host refused: %d", r.status);
	static const char local[] = "GET / HTTP/1.1\r\nHost: localhost:1313\r\nConnection: close\r\n\r\n";
	CHECK(http_raw(port, local, sizeof local - 1, &r) == 200, "Host localhost: %d", r.status);
	static const char v6[] = "GET / HTTP/1.1\r\nHost: [::1]:1313\r\nConnection: close\r\n\r\n";
	CHECK(http_raw(port, v6, sizeof v6 - 1, &r) == 200, "Host [::1]: %d", r.status);
	/* keep-alive: two pipelined requests, one connection */
	static const char two[] = "GET /style.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
				  "GET /app.js HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
	CHECK(http_raw(port, two, sizeof two - 1, &r) == 200 && !header(&r, "Connection") &&
	      contains(&r, "HTTP/1.1 200 OK") && contains(&r, "console.log(1);"),
	      "keep-alive: two answers on one connection: %s", buf_cstr(&r.body));
	static const char old[] = "GET / HTTP/1.0\r\n\r\n";
	CHECK(http_raw(port, old, sizeof old - 1, &r) == 200, "HTTP/1.0 without Host: %d", r.status);
	resp_release(&r);
}

static void test_traversal(unsigned port)
{
	static const char *const attacks[] = {
		"/../etc/passwd", "/../../../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
		"/%2E%2E/secret.txt", "/..%2fsecret.txt", "/..%2Fetc%2Fpasswd", "/%2e%2e%2fsecret.txt",
		"/%2e%2e%5csecret.txt", "/..\\secret.txt", "/..\\..\\etc\\passwd", "/%00",
		"/index.html%00.css", "/%c0%ae%c0%ae/secret.txt", "/%c0%ae%c0%ae%c0%afsecret.txt",
		"/%e0%80%ae%e0%80%ae/secret.txt", "//etc/passwd", "///etc/passwd", "/./../secret.txt",
		"/sub/../../secret.txt", "/sub/..", "/%252e%252e/secret.txt",
		"/%252e%252e%252fsecret.txt", "/link-out.txt", "/dir-out/secret.txt", "/dir-out/",
		"/abs-out/passwd", "/abs-out/hostname", "/.%2e/secret.txt", "/%2e./secret.txt",
		"/sub/%2e%2e/%2e%2e/secret.txt", "/..;/secret.txt", "/...//secret.txt",
		"/%u002e%u002e/secret.txt", "/%%32%65%%32%65/secret.txt", "/secret.txt",
		"/..%c0%afsecret.txt", "/..%c1%9csecret.txt", "/.." "%00/secret.txt",
		"/sub/.%00./secret.txt", "/%0d%0aSet-Cookie:x=1",
		"/..", "/../", "/link-out.txt/", "/sub/page.html/..",
	};
	struct resp r = { 0 };
	for (size_t i = 0; i < ARRAY_SIZE(attacks); i++) {
		int st = http(port, "GET", attacks[i], &r);
		CHECK(st == 403 || st == 404, "attack %s: status %d", attacks[i], st);
		CHECK(!contains(&r, SECRET) && !contains(&r, "root:"), "attack %s leaked", attacks[i]);
		CHECK(!header(&r, "Set-Cookie"), "attack %s: header injection", attacks[i]);
	}
	/* the target as sent on the wire, with bytes no client library sends */
	static const char *const wire[] = {
		"GET /..\\secret.txt HTTP/1.1\r\n", "GET /a\tb HTTP/1.1\r\n",
		"GET /\x01 HTTP/1.1\r\n", "GET /caf\xc3 HTTP/1.1\r\n",
		"GET /\xc0\xae\xc0\xae/secret.txt HTTP/1.1\r\n", "GET ../secret.txt HTTP/1.1\r\n",
		"GET * HTTP/1.1\r\n", "GET http://127.0.0.1/../secret.txt HTTP/1.1\r\n",
	};
	for (size_t i = 0; i < ARRAY_SIZE(wire); i++) {
		struct buf req = BUF_INIT;
		buf_printf(&req, "%sHost: 127.0.0.1\r\nConnection: close\r\n\r\n", wire[i]);
		int st = http_raw(port, req.p, req.n, &r);
		CHECK(st == -1 || st == 400 || st == 403 || st == 404,
		      "raw attack %zu: status %d", i, st);
		CHECK(!contains(&r, SECRET), "raw attack %zu leaked", i);
		buf_release(&req);
	}
	resp_release(&r);
}

static void test_error_page(struct serve *s, unsigned port)
{
	struct resp r = { 0 };
	serve_set_result(s, 1, "templates/base.mustache:12:5: error: unclosed section '<x>'");
	CHECK(http(port, "GET", "/", &r) == 500, "error page status %d", r.status);
	CHECK(contains(&r, "templates/base.mustache:12:5: error: unclosed section &#39;&lt;x&gt;&#39;"),
	      "error text escaped: %s", buf_cstr(&r.body));
	CHECK(!contains(&r, "<x>") && contains(&r, TAG), "error page: no raw markup, has the tag");
	CHECK(http(port, "GET", "/sub/page.html", &r) == 500 && contains(&r, "unclosed"),
	      "every HTML page shows the error");
	CHECK(http(port, "GET", "/missing", &r) == 500 && contains(&r, "unclosed"),
	      "the 404 page shows the error too");
	CHECK(http(port, "GET", "/style.css", &r) == 200, "css still served during an error");
	serve_set_result(s, 0, NULL);
	CHECK(http(port, "GET", "/", &r) == 200 && contains(&r, "<h1>Home</h1>"),
	      "fixed: the page again");
	char timing[64];
	snprintf(timing, sizeof timing, "jobsite;desc=\"%lu\"", serve_build_id(s));
	CHECK_STR(header(&r, "Server-Timing"), timing, "a page names the build it comes from");
	resp_release(&r);
}

/* Read from an event stream until `want` shows up (up to `ms`). */
static int stream_until(int fd, struct buf *got, const char *want, int ms)
{
	for (int waited = 0; !strstr(buf_cstr(got), want) && waited < ms; waited += 50) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, 50) == 1) {
			char chunk[1024];
			ssize_t n = read(fd, chunk, sizeof chunk);
			if (n <= 0)
				return 0;
			buf_put(got, chunk, (size_t)n);
		}
	}
	return strstr(buf_cstr(got), want) != NULL;
}

static void test_events(struct serve *s, unsigned port)
{
	int fd = connect_to(port);
	static const char req[] = "GET /__jobsite/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
	CHECK(fd >= 0 && write(fd, req, sizeof req - 1) == (ssize_t)(sizeof req - 1), "events: connect");
	struct buf got = BUF_INIT;
	char hello[64], reload[64];
	snprintf(hello, sizeof hello, "event: hello\ndata: %lu\n\n", serve_build_id(s));
	CHECK(stream_until(fd, &got, hello, 2000), "events: hello: %s", buf_cstr(&got));
	CHECK(strstr(buf_cstr(&got), "text/event-stream") != NULL, "events: content type");
	serve_set_result(s, 0, NULL);
	snprintf(reload, sizeof reload, "event: reload\ndata: %lu\n\n", serve_build_id(s));
	CHECK(stream_until(fd, &got, reload, 2000), "events: reload after a build: %s", buf_cstr(&got));
	buf_release(&got);
	close(fd);
}

/*
 * serve_output_ready(): a rebuild whose output is in place lets requests
 * through and moves the build id on at once, though its callback is still
 * busy (writing a report); when it returns, nothing more is announced.
 */
static struct serve *tail_s;
static volatile int tail_done;
static int tail_rebuild(void *ctx, struct buf *error_text)
{
	(void)ctx;
	(void)error_text;
	serve_output_ready(tail_s);
	serve_output_ready(tail_s); /* twice: nothing more */
	sleep_ms(500);
	tail_done = 1;
	return 0;
}

static void *tail_thread(void *arg)
{
	serve_rebuild(arg);
	return NULL;
}

static void test_output_ready(void)
{
	char *root = at("out");
	struct serve_opts o = { .root = root, .rebuild = tail_rebuild };
	struct buf err = BUF_INIT;
	tail_s = serve_start(&o, &err);
	CHECK(tail_s != NULL, "server for output_ready: %s", buf_cstr(&err));
	if (!tail_s)
		goto out;
	serve_output_ready(tail_s); /* outside a rebuild: nothing */
	unsigned long id0 = serve_build_id(tail_s);
	tail_done = 0;
	pthread_t t;
	pthread_create(&t, NULL, tail_thread, tail_s);
	sleep_ms(100);
	struct resp r = { 0 };
	int st = http(serve_port(tail_s), "GET", "/", &r);
	CHECK(st == 200 && !tail_done, "a request during the rebuild's tail is served (%d, done %d)",
	      st, tail_done);
	CHECK(serve_build_id(tail_s) == id0 + 1, "the build id moved on when the output was ready");
	resp_release(&r);
	pthread_join(t, NULL);
	CHECK(serve_build_id(tail_s) == id0 + 1, "and not again when the callback returned");
	serve_free(tail_s);
out:
	buf_release(&err);
	free(root);
}

/* serve_free() must end open event streams rather than wait for them. */
static void test_stop_with_stream(void)
{
	char *root = at("out");
	struct serve_opts o = { .root = root };
	struct buf err = BUF_INIT;
	struct serve *s = serve_start(&o, &err);
	CHECK(s != NULL, "second server: %s", buf_cstr(&err));
	if (!s)
		goto out;
	int fd = connect_to(serve_port(s));
	static const char req[] = "GET /__jobsite/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
	CHECK(write(fd, req, sizeof req - 1) == (ssize_t)(sizeof req - 1), "stream open");
	struct buf got = BUF_INIT;
	CHECK(stream_until(fd, &got, "event: hello", 2000), "stream says hello");
	time_t t0 = time(NULL);
	serve_free(s);
	CHECK(time(NULL) - t0 <= 2, "serve_free with an open stream took %lds",
	      (long)(time(NULL) - t0));
	buf_release(&got);
	close(fd);
out:
	buf_release(&err);
	free(root);
}

static void test_port_fallback(void)
{
	/* take a port, then ask for it: the server takes a later one */
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { 0 };
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof sa;
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 1) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
		die("cannot take a port");
	unsigned taken = ntohs(sa.sin_port);
	char *root = at("out");
	struct serve_opts o = { .root = root, .port = taken, .port_tries = 20 };
	struct buf err = BUF_INIT;
	struct serve *s = serve_start(&o, &err);
	CHECK(s && serve_port(s) > taken && serve_port(s) < taken + 20,
	      "port %u taken: got %u (%s)", taken, s ? serve_port(s) : 0, buf_cstr(&err));
	serve_free(s);
	o.port_tries = 1;
	buf_reset(&err);
	s = serve_start(&o, &err);
	CHECK(!s && strstr(buf_cstr(&err), "in use"), "one taken port: '%s'", buf_cstr(&err));
	serve_free(s);
	o.bind = "localhost";
	buf_reset(&err);
	s = serve_start(&o, &err);
	CHECK(!s && strstr(buf_cstr(&err), "'localhost' is not a numeric"), "bind name: '%s'",
	      buf_cstr(&err));
	serve_free(s);
	close(fd);
	buf_release(&err);
	free(root);
}

/* ---- watching and rebuilding ---------------------------------------------- */

struct runner {
	struct serve *s;
	int stop[2];
	pthread_t thread;
	int rc;
};

static void *run_thread(void *arg)
{
	struct runner *r = arg;
	struct buf err = BUF_INIT;
	r->rc = serve_run(r->s, r->stop[0], &err);
	buf_release(&err);
	return NULL;
}

static void test_watch(void)
{
	put("in/content/a.md", "a\n");
	put("in/content/deep/b.md", "b\n");
	put("in/jobsite.yml", "title: x\n");
	put("in/other.txt", "not watched\n");
	char *content = at("in/content"), *yml = at("in/jobsite.yml"),
	     *missing = at("in/static"), *root = at("out");
	const char *watch[] = { content, yml, missing };
	struct serve_opts o = { .root = root, .watch = watch, .nwatch = 3,
				.rebuild = fake_rebuild, .debounce_ms = 150 };
	struct buf err = BUF_INIT;
	struct runner run = { 0 };
	run.s = serve_start(&o, &err);
	CHECK(run.s != NULL, "watching server: %s", buf_cstr(&err));
	if (!run.s || pipe(run.stop) < 0)
		goto out;
	pthread_create(&run.thread, NULL, run_thread, &run);
	unsigned port = serve_port(run.s);
	unsigned long id0 = serve_build_id(run.s);

	int n = calls();
	put("in/content/a.md", "a changed\n");
	CHECK(wait_calls(n) == n + 1, "edit in place: one rebuild (%d)", calls() - n);
	CHECK(serve_build_id(run.s) > id0, "the build id moved on");

	n = calls();
	put("in/content/deep/.b.md.swp", "x");
	put("in/content/4913", "x");
	put("in/other.txt", "changed\n");
	sleep_ms(300);
	CHECK(calls() == n, "editor droppings and unwatched siblings: no rebuild (%d)", calls() - n);

	n = calls();
	put("in/content/deep/b.md.tmp", "b new\n");
	char *from = at("in/content/deep/b.md.tmp"), *to = at("in/content/deep/b.md");
	rename(from, to);
	free(from);
	free(to);
	CHECK(wait_calls(n) >= n + 1, "save by rename: rebuild");
	sleep_ms(200);

	/* One rebuild for the burst, as long as no two of its writes are
	 * further apart than half the quiet time after a completed file
	 * (WATCH_SETTLED_MS: each write here closes its file): a write that
	 * stalls longer on a loaded machine makes the burst two, which is
	 * right.  (The threshold was 100 ms, from before completed files
	 * settled in 10 ms, and a fresh-clone run once saw two.) */
	n = calls();
	struct timespec b0, b1;
	clock_gettime(CLOCK_MONOTONIC, &b0);
	double gap = 0, last = 0;
	for (int i = 0; i < 30; i++) {
		put("in/content/a.md", i % 2 ? "odd\n" : "even\n");
		clock_gettime(CLOCK_MONOTONIC, &b1);
		double t = (b1.tv_sec - b0.tv_sec) * 1e3 + (b1.tv_nsec - b0.tv_nsec) / 1e6;
		gap = t - last > gap ? t - last : gap;
		last = t;
	}
	wait_calls(n);
	sleep_ms(400); /* the quiet time again: a second rebuild would show */
	if (gap < WATCH_SETTLED_MS / 2.0)
		CHECK(calls() == n + 1, "a burst of 30 writes (%.1f ms apart at most): one rebuild (%d)",
		      gap, calls() - n);
	else
		CHECK(calls() >= n + 1, "a burst of 30 writes (%.0f ms apart at most): rebuilt (%d)",
		      gap, calls() - n);

	/* A file still being written (modified, not yet closed) waits for
	 * the full quiet time; closing it completes the save. */
	n = calls();
	char *open_path = at("in/content/a.md");
	FILE *fp = fopen(open_path, "w");
	free(open_path);
	fputs("half a save", fp);
	fflush(fp);
	sleep_ms(60);
	CHECK(calls() == n, "a file still open for writing: no rebuild yet (%d)", calls() - n);
	fputs(" and the rest\n", fp);
	fclose(fp);
	CHECK(wait_calls(n) == n + 1, "closed after writing: one rebuild (%d)", calls() - n);
	sleep_ms(200);

	n = calls();
	put("in/content/new/dir/c.md", "c\n");
	CHECK(wait_calls(n) >= n + 1, "new subfolder: rebuild");
	sleep_ms(200);
	n = calls();
	put("in/content/new/dir/c.md", "c changed\n");
	CHECK(wait_calls(n) >= n + 1, "edit in a subfolder created after start: rebuild");
	sleep_ms(200);

	n = calls();
	put("in/jobsite.yml.new", "title: y\n");
	from = at("in/jobsite.yml.new");
	to = at("in/jobsite.yml");
	sleep_ms(200);
	CHECK(calls() == n, "a sibling of jobsite.yml: no rebuild (%d)", calls() - n);
	rename(from, to);
	free(from);
	free(to);
	CHECK(wait_calls(n) == n + 1, "jobsite.yml replaced by rename: rebuild (%d)", calls() - n);
	sleep_ms(200);
	n = calls();
	put("in/jobsite.yml", "title: z\n");
	CHECK(wait_calls(n) == n + 1, "jobsite.yml edited again: rebuild");
	sleep_ms(200);

	n = calls();
	put("in/static/s.css", "x\n");
	CHECK(wait_calls(n) >= n + 1, "a watched folder created after start: rebuild");
	sleep_ms(200);
	n = calls();
	put("in/static/s.css", "y\n");
	CHECK(wait_calls(n) >= n + 1, "and then watched inside");
	sleep_ms(200);

	/* a failing rebuild shows the error, a later one clears it */
	struct resp r = { 0 };
	pthread_mutex_lock(&fake_mu);
	fake_fail = 1;
	pthread_mutex_unlock(&fake_mu);
	n = calls();
	put("in/content/a.md", "broken\n");
	wait_calls(n);
	sleep_ms(50);
	CHECK(http(port, "GET", "/", &r) == 500 && contains(&r, "unclosed section &#39;&lt;x&gt;&#39; &amp; &quot;y&quot;"),
	      "failed rebuild: error page: %d %s", r.status, buf_cstr(&r.body));
	pthread_mutex_lock(&fake_mu);
	fake_fail = 0;
	pthread_mutex_unlock(&fake_mu);
	n = calls();
	put("in/content/a.md", "fixed\n");
	wait_calls(n);
	sleep_ms(50);
	CHECK(http(port, "GET", "/", &r) == 200 && contains(&r, "<h1>Home</h1>"),
	      "fixed rebuild: the page: %d", r.status);
	resp_release(&r);

	time_t t0 = time(NULL);
	if (write(run.stop[1], "x", 1) != 1)
		die("pipe");
	pthread_join(run.thread, NULL);
	CHECK(run.rc == 0 && time(NULL) - t0 <= 1, "serve_run stops on stop_fd (rc %d)", run.rc);
	close(run.stop[0]);
	close(run.stop[1]);
out:
	serve_free(run.s);
	buf_release(&err);
	free(content);
	free(yml);
	free(missing);
	free(root);
}

/* ---- jobsite serve ------------------------------------------------------- */

/* The fake site build: content/page.html -> OUT/index.html, or an error
 * naming the line and column of the word BROKEN.  Without a page, the
 * output folder is left as it is (the benchmark fills it itself). */
static int fake_build(const char *site_dir, const char *out_dir, void (*ready)(void *ctx),
		      void *ready_ctx, struct buf *error_text)
{
	struct buf page = BUF_INIT;
	char *in = path_join(site_dir, "content/page.html");
	int rc = 0;
	if (read_file(in, &page, 0) < 0)
		goto out;
	const char *bad = strstr(buf_cstr(&page), "BROKEN");
	if (bad) {
		int line = 1, col = 1;
		for (const char *p = page.p; p < bad; p++, col++)
			if (*p == '\n')
				line++, col = 0;
		buf_printf(error_text, "content/page.html:%d:%d: error: broken\n", line, col);
		rc = 1;
		goto out;
	}
	char *out = path_join(out_dir, "index.html"), *tmpf = path_join(out_dir, ".index.html.tmp");
	if (write_file(tmpf, page.p, page.n) < 0 || rename(tmpf, out) < 0) {
		buf_printf(error_text, "%s: error: cannot write: %s\n", out, strerror(errno));
		rc = 1;
	} else if (ready) {
		ready(ready_ctx);
	}
	free(out);
	free(tmpf);
out:
	free(in);
	buf_release(&page);
	return rc;
}

static void test_cmd_serve(void)
{
	char *argv0[] = { "serve", "-p", "0", NULL };
	serve_site_build = NULL;
	int saved = dup(2), null = open("/dev/null", O_WRONLY);
	dup2(null, 2);
	int rc = cmd_serve(3, argv0);
	char *argv1[] = { "serve", "-p", "70000", NULL };
	int rc1 = cmd_serve(3, argv1);
	char *argv2[] = { "serve", "--nope", NULL };
	int rc2 = cmd_serve(2, argv2);
	dup2(saved, 2);
	close(saved);
	close(null);
	CHECK(rc == EXIT_CONTENT, "serve without a build refuses: %d", rc);
	CHECK(rc1 == EXIT_USAGE && rc2 == EXIT_USAGE, "serve usage errors: %d %d", rc1, rc2);

	/* the real command with the fake build, stopped by SIGINT */
	put("site/content/page.html", "<html><head><title>One</title></head><body>one</body></html>\n");
	char *site = at("site");
	int out[2];
	if (pipe(out) < 0)
		die("pipe");
	pid_t pid = fork();
	if (pid == 0) {
		dup2(out[1], 1);
		close(out[0]);
		serve_site_build = fake_build;
		char *argv[] = { "serve", "-p", "0", "-s", site, NULL };
		_exit(cmd_serve(5, argv));
	}
	close(out[1]);
	FILE *f = fdopen(out[0], "r");
	char line[512] = "";
	unsigned port = 0;
	if (fgets(line, sizeof line, f)) {
		const char *u = strstr(line, "http://127.0.0.1:");
		if (u)
			port = (unsigned)atoi(u + 17);
	}
	CHECK(port > 0, "jobsite serve prints its URL: '%s'", line);
	struct resp r = { 0 };
	if (port) {
		CHECK(http(port, "GET", "/", &r) == 200 && contains(&r, "<title>One</title>") &&
		      contains(&r, TAG), "jobsite serve serves the first build: %d", r.status);
		put("site/content/page.html", "<html><body>\n\n  BROKEN</body></html>\n");
		int ok = 0;
		for (int i = 0; i < 200 && !ok; i++) {
			sleep_ms(10);
			ok = http(port, "GET", "/", &r) == 500 &&
			     contains(&r, "content/page.html:3:3: error: broken");
		}
		CHECK(ok, "jobsite serve shows the build error: %s", buf_cstr(&r.body));
	}
	resp_release(&r);
	kill(pid, SIGINT);
	int status = 0;
	time_t t0 = time(NULL);
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0 && time(NULL) - t0 <= 2,
	      "jobsite serve exits 0 on SIGINT (status %#x)", status);
	fclose(f);
	free(site);
}

static int harness(int argc, char **argv)
{
	serve_site_build = fake_build;
	return cmd_serve(argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--harness"))
		return harness(argc, argv);
	signal(SIGPIPE, SIG_IGN);
	snprintf(tmp, sizeof tmp, "/tmp/t_serve.XXXXXX");
	if (!mkdtemp(tmp))
		die("mkdtemp");
	make_site();
	test_decode();
	test_mime();
	test_inject();
	/* first, while this process has no threads to lose in fork() */
	test_cmd_serve();

	char *root = at("out");
	struct serve_opts o = { .root = root, .rebuild = fake_rebuild };
	struct buf err = BUF_INIT;
	struct serve *s = serve_start(&o, &err);
	CHECK(s != NULL, "serve_start: %s", buf_cstr(&err));
	if (s) {
		unsigned port = serve_port(s);
		test_files(port);
		test_traversal(port);
		test_error_page(s, port);
		test_events(s, port);
		serve_free(s);
	}
	test_stop_with_stream();
	test_output_ready();
	test_port_fallback();
	test_watch();
	buf_release(&err);
	free(root);
	remove_tree(tmp);
	return test_done();
}
