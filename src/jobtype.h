/*
 * jobtype.h - employment type and workplace as stated in posting text.
 *
 * Pure, thread-safe functions over UTF-8 text.  Only what a posting says
 * counts: "full-time employees receive benefits" states no employment
 * type, and "remote patient monitoring" no workplace.
 */
#ifndef JOBSITE_JOBTYPE_H
#define JOBSITE_JOBTYPE_H

#include "buf.h"
#include "posting.h"

/*
 * A value that names an employment type: "Full Time", "FULL_TIME",
 * "full-time", "Full-time (40 hrs)", "Part-time (24 hours/week)", "PRN",
 * "Per Diem", "Contract", "Contractor", "Contract - 13 weeks",
 * "Contract to hire", "Temp", "Temporary", "Seasonal", "Internship",
 * "Intern", "Summer Internship".  EMPLOYMENT_NONE if not understood.
 */
enum employment_type employment_type_parse(struct slice s);

/*
 * The employment type stated in a whole posting: a labelled line
 * ("Employment Type:", "Job Type:", "Schedule Type:", "Position Type:",
 * "Schedule:", "Type:"), a badge ("⏰ Full-time"), or a sentence saying what
 * this job is ("This is a full-time position", "This is a 6-month contract
 * role", "This is a paid summer internship").  Labels win over sentences.
 */
enum employment_type employment_type_find(struct slice text);

/*
 * A workplace value: "Remote", "Fully Remote", "Hybrid", "Hybrid (3 days
 * in office)", "On-site", "Onsite", "In office", "In person", "Hybrid
 * remote in Austin, TX".  WORKPLACE_NONE if none.
 */
enum workplace workplace_parse(struct slice s);

/*
 * The workplace stated in a whole posting: labelled lines ("Workplace:",
 * "Work Arrangement:", "Work Location: In person", "Location: Hybrid -
 * Austin, TX"), badges ("🌎 Remote", "🏢 Hybrid - Stamford, CT"), heading
 * lines ("Acme | Remote - US | 2024"), then sentences ("This is a fully
 * remote position", "This role is 100% remote", "Hybrid work model",
 * "Hybrid schedule", "This is a fully on-site position", "not eligible for
 * remote work", "must reside in Florida" with a remote mention).  In
 * sentences hybrid wins over on-site, and on-site over remote.
 */
enum workplace workplace_find(struct slice text);

#endif
