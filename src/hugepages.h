/*
 * hugepages.h - start again with glibc's malloc asking for transparent
 * huge pages (hugepages.c says when, and why).
 */
#ifndef JOBSITE_HUGEPAGES_H
#define JOBSITE_HUGEPAGES_H

/* Exec this program again, with the same arguments, when huge pages
 * would help and the tunable is not set; returns when it does not. */
void hugepages_reexec(char **argv);

/* Is glibc.malloc.hugetlb=1 among this process's tunables? */
int hugepages_on(void);

#endif
