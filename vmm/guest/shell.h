/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * shell.h — KTSTR_MODE=shell: a busybox shell in the VM.  With exec=CMD
 * in /args, run `sh -c CMD` (output on the console, /dev/ttyS0) and report
 * its status (EXCX frame, KTSTR_EXEC_EXIT=<n> on COM2); else an
 * interactive shell with the console as its controlling terminal.  The
 * VM powers off when the command or the shell ends.
 */
#ifndef KTSTR_GUEST_SHELL_H
#define KTSTR_GUEST_SHELL_H

struct guest;

__attribute__((noreturn)) void guest_shell_run(struct guest *g);

/* Exit code of a wait status as a shell reports it: N, or 128 + signal. */
int guest_status_code(int status);

#endif /* KTSTR_GUEST_SHELL_H */
