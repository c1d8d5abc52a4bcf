/*
 * fuzz_ingest.c - load + repair + extract on arbitrary bytes, as each of
 * the accepted file kinds (the first byte picks the extension).
 */
#include <stdint.h>
#include <stdlib.h>

#include "ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "f.md", "f.html", "f.txt", "f.json" };
	if (size < 1)
		return 0;
	const char *name = names[data[0] & 3];
	struct diag d;
	diag_init(&d, NULL);
	struct ingest_opts o = { .keep_description = 1, .jobs = 1 };
	struct posting_list l = { 0 };
	ingest_memory(name, (struct slice){ (const char *)data + 1, size - 1 }, &o, &d, &l);
	posting_list_release(&l);
	diag_release(&d);
	return 0;
}
