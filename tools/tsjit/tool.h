/*
 * tool.h — shared pieces of the tsjit command-line tool: subcommands,
 * the ARG syntax of the command-line contract, writing results, timing.
 */
#ifndef TOOL_H
#define TOOL_H

#include <stdio.h>

#include "tsjit.h"

/* Subcommands: argv[0] is the subcommand name. Exit status 0 ok, 1 model
 * or input error, 2 usage error. */
int tool_run(int argc, char **argv);
int tool_info(int argc, char **argv);
int tool_repl(int argc, char **argv);
int tool_bench(int argc, char **argv);

/* Parses one ARG (`x.npy`, `5`, `-2.5`, `true`, `none`, `[a,b]`, `(a,b)`)
 * into a new value. On failure returns NULL and writes a message into
 * msg; *usage is set when the text itself is malformed (exit 2) rather
 * than a file that fails to load (exit 1). */
tsj_value *tool_parse_arg(const char *text, char *msg, size_t msg_size, int *usage);

/* Writes a result under dir following the contract: a tensor -> out.npy;
 * a tuple/list -> out.0.npy, out.1.0.npy ...; int/float/bool -> 0-dim
 * int64/float64/bool; None writes nothing. 0 or -1 with msg. */
int tool_write_result(const tsj_value *v, const char *dir, char *msg, size_t msg_size);

/* Prints an error with its location, if any, to stderr. */
void tool_print_error(const char *prefix, const tsj_error *err);

/* Monotonic clock in seconds. */
double tool_now(void);
/* Shows the progress of compiles over half a second on stderr when it is
 * a terminal (tool_progress.c). */
void tool_progress_attach(tsj_model *model);

#endif /* TOOL_H */
