/*
 * fuzz_serve_path.c - serve_decode_path() on any request target: it never
 * crashes, and what it accepts is a confined relative path (no empty, "."
 * or ".." segment, no leading '/', no backslash, NUL or control byte).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "serve.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *target = xstrndup((const char *)data, size);
	struct buf out = BUF_INIT;
	int slash;
	if (serve_decode_path(target, &out, &slash) == 0) {
		const char *p = buf_cstr(&out);
		if (strlen(p) != out.n || p[0] == '/')
			abort();
		for (size_t i = 0; i < out.n; i++)
			if (p[i] == '\\' || (unsigned char)p[i] < 0x20 || p[i] == 0x7f)
				abort();
		for (const char *seg = p; out.n && seg;) {
			const char *end = strchr(seg, '/');
			size_t n = end ? (size_t)(end - seg) : strlen(seg);
			if (n == 0 || (n == 1 && seg[0] == '.') ||
			    (n == 2 && seg[0] == '.' && seg[1] == '.'))
				abort();
			seg = end ? end + 1 : NULL;
		}
	}
	buf_release(&out);
	free(target);
	return 0;
}
