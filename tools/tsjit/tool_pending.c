/* tool_pending.c — subcommands that are not built yet say so (exit 2). */
#include <stdio.h>

#include "tool.h"

static int pending(const char *name)
{
    fprintf(stderr, "tsjit %s: not available yet in this version of tsjit; "
                    "use 'tsjit run' (see tsjit --help)\n", name);
    return 2;
}

int tool_repl(int argc, char **argv) { (void)argc; (void)argv; return pending("repl"); }
int tool_bench(int argc, char **argv) { (void)argc; (void)argv; return pending("bench"); }
