/*
 * repair.h - the first stage of ingest: scraped bytes to clean NFC UTF-8.
 *
 *   struct repair_report rep = { 0 };
 *   struct buf text = BUF_INIT;
 *   repair_text(file_bytes, REPAIR_ALL, &text, &rep);
 *   ... repair_report_describe(&rep, &warnings) ...
 *
 * repair_text() does, in this order:
 *   1. decoding: a UTF-8 BOM is dropped; UTF-16 LE/BE with a BOM is decoded;
 *      invalid UTF-8 becomes U+FFFD (one per maximal invalid subpart, as
 *      browsers do); CRLF and lone CR become LF; C0 controls other than
 *      \t and \n, and DEL, are removed;
 *   2. REPAIR_ENTITIES: HTML character references decoded (entities.h);
 *      leave it out for HTML input, whose parser decodes them;
 *   3. REPAIR_MOJIBAKE: fix_mojibake() below;
 *   4. the C1 controls still left and U+FEFF are removed; U+00A0, U+2007 and
 *      U+202F become a plain space;
 *   5. REPAIR_NFC: Unicode NFC (utf8proc), only when the text has a
 *      character that NFC could change.
 * The output is always valid UTF-8 without NUL.  Clean ASCII or UTF-8 text
 * comes out byte for byte as it went in.
 *
 * Nothing here fails: any bytes give some text.  Memory: out is appended to
 * and owned by the caller; nothing else is kept.  Thread-safe.
 */
#ifndef JOBSITE_REPAIR_H
#define JOBSITE_REPAIR_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* What was done, counted; the caller turns it into warnings. */
struct repair_report {
	unsigned bom;          /* byte-order marks removed (1 at most at the start; more inside) */
	unsigned utf16;        /* 1 when the input was UTF-16 */
	unsigned crlf;         /* CRLF or lone CR turned into LF */
	unsigned controls;     /* C0/C1 control characters (and DEL) removed */
	unsigned invalid_utf8; /* invalid sequences replaced with U+FFFD */
	unsigned entities;     /* character references decoded */
	unsigned nbsp;         /* no-break spaces made plain spaces */
	unsigned mojibake;     /* mojibake spans re-decoded */
	unsigned c1;           /* C1 controls read as Windows-1252 (0x93 -> U+201C) */
};

enum {
	REPAIR_ENTITIES = 1,
	REPAIR_MOJIBAKE = 2,
	REPAIR_NFC = 4,
	REPAIR_ALL = 7,
};

/* Bytes of a file -> clean UTF-8 appended to out.  rep may be NULL; counts
 * are added to it. */
void repair_text(struct slice in, unsigned flags, struct buf *out,
		 struct repair_report *rep);

/*
 * Re-decode mojibake in UTF-8 text and append the result to out.
 *
 * Fixed: UTF-8 that was decoded as Windows-1252 (sloppy) or Latin-1, or a
 * mix of the two, as MacRoman, and any of these applied repeatedly
 * ("Ã¢â‚¬â„¢" -> "â€™" -> "’").  A span is re-decoded only when it reads as
 * mojibake (see the scoring in repair.c); when every non-ASCII character of
 * the text belongs to such a span, as when a whole file was mis-decoded,
 * the whole text is re-decoded as soon as one span is clearly mojibake.
 * Afterwards C1 controls that Windows-1252 defines are read as Windows-1252
 * (U+0085 -> "…"); the five it leaves undefined are kept.
 *
 * Input should be valid UTF-8; invalid bytes become U+FFFD.  Returns the
 * number of changes (spans re-decoded + C1 characters re-read), which are
 * also added to rep->mojibake and rep->c1 when rep is not NULL.
 */
unsigned fix_mojibake(struct slice utf8, struct buf *out, struct repair_report *rep);

/*
 * Append a one-line summary of the notable repairs ("mojibake repaired
 * (2 spans); invalid UTF-8 replaced (3 sequences)") to out.  Line endings,
 * BOMs, entities, no-break spaces and NFC are routine and not mentioned.
 * Returns the number of items written (0: nothing worth a warning).
 */
int repair_report_describe(const struct repair_report *rep, struct buf *out);

/* 1 when NFC leaves code point cp alone in any context, so text made only
 * of such characters skips utf8proc.  Exposed for the unit test. */
int repair_nfc_inert(uint32_t cp);

#endif
