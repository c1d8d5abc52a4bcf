/*
 * dates.h - calendar dates in posting text.
 *
 * Pure, thread-safe functions over UTF-8 text; results are written to a
 * caller's buffer as "YYYY-MM-DD" (NUL-terminated, 11 bytes).  Every date
 * is checked against the calendar (leap years included) and must fall in
 * 1990..2099.
 */
#ifndef JOBSITE_DATES_H
#define JOBSITE_DATES_H

#include "buf.h"

/*
 * Parse a value that is a date: "2024-03-05", "2024-03-05T10:00:00Z",
 * "2024-03-05 10:00", "March 5, 2024", "Mar 5, 2024", "Mar. 5th, 2024",
 * "Sept 5, 2024", "03/05/2024", "3/5/2024" (US order: month first),
 * "5 March 2024", "05-Mar-2024", "2024/03/05".  Quotes, emphasis markers
 * and surrounding blanks are allowed; other text around the date is not.
 * Returns 1 and fills out, or 0: relative dates ("3 days ago", "Posted 30+
 * days ago", "today", "Just posted"), bare years, impossible days.
 */
int date_parse(struct slice s, char out[11]);

/*
 * The posting date stated in a whole posting: a date after "Posted",
 * "Posted on", "Date posted", "Posting date", "Published", "Listed",
 * "Date:", a calendar badge ("📅 March 5, 2024"), or a line that holds
 * nothing but a date.  Dates after "Application Deadline", "Closing date",
 * "Start date", "Expires", "Valid through" and the like are never taken,
 * nor relative dates or bare years.  Returns 1 and fills out, or 0.
 */
int date_find(struct slice text, char out[11]);

#endif
