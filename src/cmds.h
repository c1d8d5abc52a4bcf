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
int cmd_check(int argc, char **argv);
int cmd_build(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_new(int argc, char **argv);

#endif
