/*
 * cmds.h - the commands of the jobsite CLI.
 *
 * Each command is `int cmd_NAME(int argc, char **argv)`; argv[0] is the
 * command name.  Return 0 on success, 1 on content or template errors, 2 on
 * usage errors.  Only main() exits.
 */
#ifndef JOBSITE_CMDS_H
#define JOBSITE_CMDS_H

enum { EXIT_OK = 0, EXIT_CONTENT = 1, EXIT_USAGE = 2 };

int cmd_render(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
/* Not in main.c's table until serve_site_build (serve.h) is wired. */
int cmd_serve(int argc, char **argv);

/* Print `usage` and the option table to stdout; used by --help. */
int cmd_print_help(const char *name);

#endif
