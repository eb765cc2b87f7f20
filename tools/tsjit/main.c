/* main.c — the tsjit command: subcommand dispatch, --help, --version. */
#include <stdio.h>
#include <string.h>

#include "tool.h"

static const char USAGE[] =
    "usage: tsjit <command> [options]\n"
    "\n"
    "commands:\n"
    "  run MODEL.pt [--method NAME] [--mode jit|interp] [--threads N] [--out DIR]\n"
    "               [--bench N] -- ARG...     call a method, write its result as .npy\n"
    "  info MODEL.pt [--method NAME] [--ir] [--ops] [--strict]\n"
    "                                         classes, signatures, IR, operators\n"
    "  info --jit MODEL.pt [--method NAME] -- ARG...   the specialization for ARGs\n"
    "  repl [MODEL.pt]                        interactive session\n"
    "  bench MODEL.pt [--method NAME] [--threads N] [--runs N] [--profile] -- ARG...\n"
    "\n"
    "ARG: x.npy (tensor), 5 (int), 2.5 (float), true/false, none, [a,b] (list), (a,b) (tuple)\n"
    "options: --help, --version\n";

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(USAGE, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        fputs(USAGE, stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("tsjit %s\n", tsj_version());
        return 0;
    }
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } cmds[] = {{"run", tool_run}, {"info", tool_info}, {"repl", tool_repl}, {"bench", tool_bench}};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (!strcmp(cmd, cmds[i].name))
            return cmds[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "tsjit: unknown command '%s'\n\n%s", cmd, USAGE);
    return 2;
}
