/*
 * fuzz_repair.c - libFuzzer target for text repair.
 *
 * Any bytes must give valid UTF-8 with no NUL, no C0 control but \t and
 * \n, and no C1 control; each piece (entities, mojibake) must give valid
 * UTF-8 for valid UTF-8 input.  Abort on a violation, so the fuzzer keeps
 * the input.
 */
#include <stdint.h>
#include <stdlib.h>

#include "charsets.h"
#include "entities.h"
#include "repair.h"

static int valid(struct slice s, int strict)
{
	size_t i = 0;
	while (i < s.n) {
		uint32_t cp;
		size_t len = utf8_get((const unsigned char *)s.p + i, s.n - i, &cp);
		if (!len)
			return 0;
		if (strict && ((cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7F ||
			       (cp >= 0x80 && cp <= 0x9F)))
			return 0;
		i += len;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct slice in = { (const char *)data, size };
	unsigned flags = size ? data[0] & REPAIR_ALL : REPAIR_ALL;
	struct buf out = BUF_INIT, out2 = BUF_INIT;
	struct repair_report rep = { 0 };

	repair_text(in, flags, &out, &rep);
	if (!valid(buf_slice(&out), 1))
		abort();

	/* The pieces, on text that is already valid UTF-8. */
	buf_reset(&out2);
	fix_mojibake(buf_slice(&out), &out2, NULL);
	if (!valid(buf_slice(&out2), 0))
		abort();
	buf_reset(&out2);
	decode_entities(buf_slice(&out), &out2);
	if (!valid(buf_slice(&out2), 0))
		abort();

	buf_release(&out);
	buf_release(&out2);
	return 0;
}
