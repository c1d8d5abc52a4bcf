/*
 * mustache.h - a Mustache template engine (spec v1.4: core + inheritance +
 * dynamic names; lambdas are not supported in C templates).
 *
 * Templates are compiled once into immutable objects and rendered any number
 * of times, from any number of threads, into a struct buf.  The engine never
 * sees the data: it reaches it only through struct mustache_ops, in the
 * manner of mustach, so the site model and a JSON document each need only a
 * small adapter (see mdata_json.h).
 *
 * Ownership: a struct mustache_set owns every template compiled through it;
 * mustache_set_free() frees them all.  Pointers returned by
 * mustache_set_get()/mustache_compile() live as long as the set.
 */
#ifndef JOBSITE_MUSTACHE_H
#define JOBSITE_MUSTACHE_H

#include "buf.h"

/*
 * How the engine reaches data.  `ctx` is the adapter's own state: a stack of
 * context values whose top is the innermost section.  Names are passed as
 * written in the tag ("a.b.c", "." for the implicit iterator); resolving
 * dotted names and walking up the stack is the adapter's job, per the spec.
 */
struct mustache_ops {
	/*
	 * Resolve `name` and, if its value is truthy, push it as the new
	 * context and return 1.  For a non-empty list, push its first element.
	 * Return 0 (and push nothing) for a missing, false, null or empty
	 * value.
	 */
	int (*enter)(void *ctx, struct slice name);
	/*
	 * After a successful enter(): move to the next element of the list
	 * being iterated and return 1, or return 0 when there is none (or the
	 * value was not a list).
	 */
	int (*next)(void *ctx);
	/* Pop what the last successful enter() pushed. */
	void (*leave)(void *ctx);
	/*
	 * Resolve `name` to text for interpolation.  Return 1 and set *out
	 * (valid until the next call on ctx), or 0 when the name is missing or
	 * null (renders as nothing).
	 */
	int (*get)(void *ctx, struct slice name, struct slice *out);
};

/* A template error: where it is and what is wrong.  Strings are owned. */
struct mustache_error {
	char *file;          /* template file name, or "<string>" */
	unsigned line, col;  /* 1-based */
	char *message;       /* lowercase, no trailing period */
	char *line_text;     /* the offending line, for a caret display */
};

void mustache_error_release(struct mustache_error *err);
/* Print "file:line:col: error: message", the line and a caret, to `out`. */
void mustache_error_print(const struct mustache_error *err, void *out_FILE);

struct mustache_set;
struct mustache_tmpl;

/*
 * A set of named templates.  Partials and parents named `x` are looked up
 * first among templates added with mustache_set_add(), then as the file
 * `x.mustache` in each directory given, in order (the first directory wins,
 * so a site's own templates/ can override the built-in ones).
 */
struct mustache_set *mustache_set_new(void);
void mustache_set_add_dir(struct mustache_set *set, const char *dir);
/*
 * Add an in-memory template `name` (copied).  Templates already compiled
 * keep the partials they were linked to; add partials before compiling.
 */
void mustache_set_add(struct mustache_set *set, const char *name,
		      struct slice source);
void mustache_set_free(struct mustache_set *set);

/* Maximum depth of nested partials/parents at render time (recursion limit). */
#define MUSTACHE_MAX_DEPTH 64
/* Maximum nesting of sections/blocks/parents inside one template. */
#define MUSTACHE_MAX_NESTING 100

/*
 * Bound the work of one mustache_render() call: at most `max_steps`
 * template operations and `max_output` bytes appended (0 = keep the
 * default: 1e9 steps, 1 GiB).  Exceeding either is a render error, so a
 * hostile template or data set cannot make a render run forever.
 */
void mustache_set_limits(struct mustache_set *set, unsigned long max_steps,
			 size_t max_output);

/*
 * Compile the template `name` (looked up as partials are) and everything it
 * statically refers to.  Returns NULL and fills *err (if not NULL) when it
 * is missing or does not compile.  Thread-safe.  A missing partial is not an
 * error (it renders as nothing, per the spec); a missing parent is, and so
 * is a block override that neither the parent nor anything it statically
 * includes defines (unless a dynamic name there makes it unknowable).  Names
 * are relative: one that is empty, absolute or contains a ".." component is
 * never found (dynamic names come from data).
 */
const struct mustache_tmpl *mustache_set_get(struct mustache_set *set,
					     const char *name,
					     struct mustache_error *err);

/*
 * Compile `source`, reporting errors against `filename`.  The template is
 * owned by the set; partials it names are resolved through the set.
 */
const struct mustache_tmpl *mustache_compile(struct mustache_set *set,
					     const char *filename,
					     struct slice source,
					     struct mustache_error *err);

/*
 * Render `t` with data reached through ops/ctx, appending to `out`.
 * Returns 0, or -1 with *err filled (a missing partial is not an error: it
 * renders as nothing, per the spec; exceeding MUSTACHE_MAX_DEPTH is).
 */
int mustache_render(const struct mustache_tmpl *t,
		    const struct mustache_ops *ops, void *ctx,
		    struct buf *out, struct mustache_error *err);

/* HTML-escape s (& < > " ') onto out, as {{x}} does. */
void mustache_escape_html(struct buf *out, struct slice s);

#endif
