/* empty_part.c — stands in for a part directory that has no sources yet. */
typedef int tsj_empty_part;
