/*
 * charsets.h - the single-byte character sets that mojibake comes from,
 * and the two UTF-8 primitives every text stage needs.
 *
 * CS_WINLATIN is Windows-1252 and Latin-1 at once, "sloppy" like ftfy's
 * sloppy-windows-1252: bytes 0x80-0x9F decode as Windows-1252 where it
 * defines them and as the C1 control of the same number where it does not
 * (0x81 0x8D 0x8F 0x90 0x9D).  Encoding accepts both readings of a byte:
 * U+0080-U+00FF give their Latin-1 byte and the Windows-1252 punctuation
 * gives its byte, so text that was decoded partly one way and partly the
 * other still turns back into the same bytes.
 *
 * CS_MACROMAN is Mac OS Roman as Python's mac_roman codec has it (0xDB is
 * the euro sign, 0xF0 the Apple logo U+F8FF).
 *
 * All functions are pure and thread-safe.
 */
#ifndef JOBSITE_CHARSETS_H
#define JOBSITE_CHARSETS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

enum charset { CS_WINLATIN, CS_MACROMAN };

/* The code point byte b (any value 0-255) decodes to. */
uint32_t charset_decode(enum charset cs, unsigned char b);

/* The byte that decodes to cp, or -1 when the set has no such byte. */
int charset_encode(enum charset cs, uint32_t cp);

/* Windows-1252 reading of a C1 control U+0080-U+009F: the character a
 * browser shows for that byte, or 0 for the five bytes 1252 leaves undefined. */
uint32_t cp1252_c1(uint32_t cp);

/*
 * Decode one UTF-8 sequence at s (n > 0 bytes available), strictly: no
 * overlong forms, no surrogates, nothing above U+10FFFF.  Returns its
 * length (1-4) and stores the code point, or returns 0 when the bytes are
 * not valid UTF-8 (then *cp is undefined).  It stops at the first byte
 * that is not a continuation, so a NUL-terminated string needs no n
 * beyond its end.
 */
size_t utf8_get(const unsigned char *s, size_t n, uint32_t *cp);

/* Append cp (<= U+10FFFF, not a surrogate) as UTF-8; returns bytes written
 * to the 4-byte array out. */
size_t utf8_encode(uint32_t cp, unsigned char out[4]);

static inline void buf_put_utf8(struct buf *b, uint32_t cp)
{
	unsigned char t[4];
	buf_put(b, t, utf8_encode(cp, t));
}

#endif
