/*
 * slug.h - URL slugs: lowercase ASCII letters, digits and single hyphens.
 *
 * Accents are folded ("Clínica Santa María" -> "clinica-santa-maria"), "&"
 * becomes "and", apostrophes vanish ("O'Brien" -> "obrien"), every other run
 * of punctuation or space becomes one hyphen.  At most `max` bytes (cut at a
 * hyphen where possible); an input with nothing usable gives "".
 */
#ifndef JOBSITE_SLUG_H
#define JOBSITE_SLUG_H

#include "buf.h"

#define SLUG_MAX 80

void slugify(struct slice s, struct buf *out, size_t max);
/* Convenience: a new malloc'd slug string. */
char *slug_new(struct slice s);

#endif
