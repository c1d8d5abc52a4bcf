/*
 * entities.h - HTML character references to text.
 *
 * For Markdown and plain-text postings only: HTML input keeps its
 * references for the HTML parser.  Decoding gives *text*: "&lt;script&gt;"
 * becomes the characters "<script>", and it is the output escaper's job to
 * escape them again.  Nothing here produces markup.
 */
#ifndef JOBSITE_ENTITIES_H
#define JOBSITE_ENTITIES_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/*
 * Append `in` to `out` with character references decoded the way a browser
 * decodes them in text:
 *   - named: the HTML 4 set (libxml2's table) plus the common HTML 5 names
 *     (&apos; &hyphen; &check; &NewLine; &AMP; ...); case-sensitive; the
 *     ';' is required except for the legacy names amp lt gt quot nbsp copy
 *     reg (not when followed by a letter, digit or '=');
 *   - numeric: &#8217; &#x2019; (';' optional); &#128;-&#159; are read as
 *     Windows-1252; 0, surrogates and values above U+10FFFF give U+FFFD.
 * Unknown or malformed references ("&foo;", "& ", "&#;") are kept as they
 * are.  Returns the number of references decoded.
 */
size_t decode_entities(struct slice in, struct buf *out);

/* The code point of a named entity (name without '&' and ';'), or 0. */
uint32_t entity_lookup(const char *name, size_t n);

#endif
