/*
 * frontmatter.h - YAML front matter at the top of a Markdown or text posting.
 *
 *   ---
 *   title: Solutions Architect
 *   company: "Meridian Technologies, Inc."
 *   ---
 *   body...
 *
 * Only a mapping is accepted.  Scalar values are kept as text; a sequence of
 * scalars becomes one value joined with ", "; deeper nesting is ignored with
 * a note.  Every entry remembers its line in the file, for diagnostics.
 */
#ifndef JOBSITE_FRONTMATTER_H
#define JOBSITE_FRONTMATTER_H

#include "buf.h"

struct fm_entry {
	char *key;
	char *value;     /* NULL for YAML null / "~" / empty */
	unsigned line;   /* 1-based line of the key in the file */
	int quoted;      /* value was a quoted scalar */
};

struct front_matter {
	struct fm_entry *v;
	size_t n, cap;
};

enum fm_result {
	FM_NONE = 0,      /* no front matter: *body is the whole text */
	FM_OK = 1,        /* parsed */
	FM_UNCLOSED = -1, /* "---" opens a block that never closes: no front matter */
	FM_INVALID = -2,  /* not valid YAML, or not a mapping: entries empty */
};

/*
 * Look for front matter at the start of `text` (already repaired: no BOM,
 * LF line ends).  Sets *body to the text after it and *body_line to the
 * body's first line number.  On FM_INVALID/FM_UNCLOSED, *err (caller frees)
 * says what is wrong and *err_line where.
 */
enum fm_result front_matter_parse(struct slice text, struct front_matter *fm,
				  struct slice *body, unsigned *body_line,
				  char **err, unsigned *err_line);

/* The entry for `key` (ASCII case-insensitive), or NULL. */
const struct fm_entry *front_matter_get(const struct front_matter *fm,
					const char *key);

void front_matter_release(struct front_matter *fm);

#endif
