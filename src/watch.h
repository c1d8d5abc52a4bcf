/*
 * watch.h - tell when anything under a set of folders or files changes
 * (Linux inotify), for `jobsite serve`.
 *
 * Directories are watched recursively: a subdirectory that appears later
 * (mkdir, mv, git checkout) gets its own watch as soon as its creation is
 * seen.  Watched files (jobsite.yml) are watched through their parent
 * directory, filtered by name, so editors that save by writing a new file
 * and renaming it over the old one (vim, sed -i, most IDEs) are seen; the
 * same parent watch sees a watched directory being deleted and created again.
 * A path that does not exist yet is watched for its creation.
 *
 * Editor droppings (vim's .swp/.swx/4913, emacs' .#x and #x#, x~) are not
 * changes.  A watched tree must not contain the folder the rebuild writes
 * to, or every rebuild would trigger the next one.
 *
 * Not thread-safe: one thread owns a struct watch.
 */
#ifndef JOBSITE_WATCH_H
#define JOBSITE_WATCH_H

struct watch;

/* A new watcher with nothing watched, or NULL if inotify is unavailable
 * (errno set). */
struct watch *watch_new(void);

/*
 * Watch `path`: a directory (recursively), a file, or a path that does not
 * exist yet.  Returns 0, or -1 if nothing could be watched (errno set; for
 * instance ENOSPC when fs.inotify.max_user_watches is reached).
 */
int watch_add(struct watch *w, const char *path);

/*
 * Wait for a change.  Returns 1 once something changed and then nothing
 * more changed for `quiet_ms` milliseconds (an editor's save burst, a
 * `git checkout`: one report) -- WATCH_SETTLED_MS when the last change
 * completed a file (closed after writing, renamed into place, removed),
 * as a save does -- or after `max_ms` of continuous changes;
 * 0 if `stop_fd` (>= 0) became readable first, which is not read; -1 on an
 * error (errno set).  Changes made while the caller was busy between two
 * calls are reported by the next call.
 */
int watch_wait(struct watch *w, int stop_fd, int quiet_ms, int max_ms);
#define WATCH_SETTLED_MS 10

/* How many directories are watched (for tests and the log). */
int watch_count(const struct watch *w);

void watch_free(struct watch *w);

#endif
