/* fuzz_frontmatter.c - the YAML front matter reader and the JSON-LD reader. */
#include <stdint.h>
#include <stdlib.h>

#include "frontmatter.h"
#include "jsonld.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct slice s = { (const char *)data, size };
	struct front_matter fm;
	struct slice body;
	unsigned body_line, err_line;
	char *err = NULL;
	front_matter_parse(s, &fm, &body, &body_line, &err, &err_line);
	for (size_t i = 0; i < fm.n; i++)
		(void)front_matter_get(&fm, fm.v[i].key);
	front_matter_release(&fm);
	free(err);

	struct ld_list l = { 0 };
	unsigned line, col;
	err = NULL;
	jsonld_parse(s, &l, &err, &line, &col);
	ld_list_release(&l);
	free(err);
	return 0;
}
