#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "util.h"

void diag_init(struct diag *d, FILE *out)
{
	memset(d, 0, sizeof *d);
	d->out = out;
	pthread_mutex_init(&d->lock, NULL);
}

void diag_release(struct diag *d)
{
	for (size_t i = 0; i < d->nkinds; i++)
		free(d->kinds[i].kind);
	free(d->kinds);
	for (size_t i = 0; i < d->nrecords; i++) {
		free(d->records[i].file);
		free(d->records[i].kind);
		free(d->records[i].message);
	}
	free(d->records);
	pthread_mutex_destroy(&d->lock);
}

static void count_kind_n(struct diag *d, const char *kind, unsigned n)
{
	for (size_t i = 0; i < d->nkinds; i++) {
		if (!strcmp(d->kinds[i].kind, kind)) {
			d->kinds[i].count += n;
			return;
		}
	}
	d->kinds = xgrow(d->kinds, &d->kinds_cap, d->nkinds + 1,
			 sizeof *d->kinds);
	d->kinds[d->nkinds].kind = xstrdup(kind);
	d->kinds[d->nkinds].count = n;
	d->nkinds++;
}

static void count_kind(struct diag *d, const char *kind)
{
	count_kind_n(d, kind, 1);
}

void diag_init_held(struct diag *held, const struct diag *d, FILE *out)
{
	diag_init(held, d->out ? out : NULL);
	held->verbose = d->verbose;
	held->keep = d->keep;
}

void diag_pass_records(struct diag *d, struct diag *held, size_t from, size_t to)
{
	pthread_mutex_lock(&d->lock);
	for (size_t i = from; i < to && i < held->nrecords; i++) {
		if (d->keep) {
			d->records = xgrow(d->records, &d->records_cap, d->nrecords + 1,
					   sizeof *d->records);
			d->records[d->nrecords++] = held->records[i];
		} else {
			free(held->records[i].file);
			free(held->records[i].kind);
			free(held->records[i].message);
		}
		held->records[i] = (struct diag_record){ 0 };
	}
	pthread_mutex_unlock(&d->lock);
}

void diag_pass_counts(struct diag *d, const struct diag *held)
{
	pthread_mutex_lock(&d->lock);
	d->warnings += held->warnings;
	d->errors += held->errors;
	d->shown_lines |= held->shown_lines;
	for (size_t i = 0; i < held->nkinds; i++)
		count_kind_n(d, held->kinds[i].kind, held->kinds[i].count);
	pthread_mutex_unlock(&d->lock);
}

void diag_report(struct diag *d, enum diag_level level, const char *file,
		 unsigned line, unsigned col, const char *kind,
		 const char *fmt, ...)
{
	static const char *names[] = { "note", "warning", "error", "warning" };
	struct buf msg = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);

	pthread_mutex_lock(&d->lock);
	if (level == DIAG_WARNING) {
		d->warnings++;
		count_kind(d, kind ? kind : buf_cstr(&msg));
	} else if (level == DIAG_ERROR) {
		d->errors++;
	}
	if (d->keep && (level == DIAG_WARNING || level == DIAG_ERROR)) {
		d->records = xgrow(d->records, &d->records_cap, d->nrecords + 1,
				   sizeof *d->records);
		d->records[d->nrecords++] = (struct diag_record){
			level, file ? xstrdup(file) : NULL, kind ? xstrdup(kind) : NULL,
			xstrdup(buf_cstr(&msg)), line, col };
	}
	pthread_mutex_unlock(&d->lock);
	if (d->out && (level != DIAG_NOTE || d->verbose)) {
		/* the whole line made first, then written at once: stderr is
		 * unbuffered, and a rebuild says 30,000 cached warnings again */
		struct buf l = BUF_INIT;
		if (file) {
			buf_puts(&l, file);
			if (line)
				buf_printf(&l, ":%u", line);
			if (line && col)
				buf_printf(&l, ":%u", col);
			buf_puts(&l, ": ");
		} else {
			buf_puts(&l, "jobsite: ");
		}
		buf_puts(&l, names[level]);
		buf_puts(&l, ": ");
		buf_putslice(&l, buf_slice(&msg));
		buf_putc(&l, '\n');
		pthread_mutex_lock(&d->lock);
		fwrite(l.p, 1, l.n, d->out);
		pthread_mutex_unlock(&d->lock);
		buf_release(&l);
	}
	buf_release(&msg);
}

void diag_show_line(struct diag *d, const char *line_text, size_t len,
		    unsigned col)
{
	d->shown_lines = 1;
	if (!d->out)
		return;
	pthread_mutex_lock(&d->lock);
	fprintf(d->out, "  %.*s\n  ", (int)len, line_text);
	/* Keep tabs so the caret lines up under tabbed text. */
	for (unsigned i = 1; i < col && i - 1 < len; i++)
		fputc(line_text[i - 1] == '\t' ? '\t' : ' ', d->out);
	fputs("^\n", d->out);
	pthread_mutex_unlock(&d->lock);
}
