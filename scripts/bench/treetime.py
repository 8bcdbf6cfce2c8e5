#!/usr/bin/env python3
"""Runs a command and reports the CPU time of its whole process tree, as JSON written to a file.

    python3 scripts/bench/treetime.py RESULT.json -- command [args...]

GNU time reports the CPU of the processes its child waited for; Chromium's helper processes outlive their
parents and are reparented, so their CPU is lost (measured here: 0.4 s of a 1.5 s blank-page print). This
helper makes itself a child subreaper (prctl PR_SET_CHILD_SUBREAPER): every orphan of the tree is reparented to
it and reaped by it, so RUSAGE_CHILDREN holds the user and system time of every process of the tree (worker
threads count in their process). Wall time ends when the command itself exits; descendants still running then
are waited for (up to 30 s, then killed) and reported. The command's stdin, stdout and stderr are this process's.
"""
import ctypes
import json
import os
import resource
import signal
import sys
import time

PR_SET_CHILD_SUBREAPER = 36
LINGER_SECONDS = 30


def children_of(pid):
    out = []
    for d in os.listdir('/proc'):
        if not d.isdigit():
            continue
        try:
            with open(f'/proc/{d}/stat') as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(')') + 2:].split()
        if int(fields[1]) == pid:
            out.append((int(d), stat[stat.find('(') + 1:stat.rfind(')')]))
    return out


def main():
    if len(sys.argv) < 4 or sys.argv[2] != '--':
        sys.stderr.write('usage: treetime.py RESULT.json -- command [args...]\n')
        return 2
    result_file, cmd = sys.argv[1], sys.argv[3:]
    libc = ctypes.CDLL(None, use_errno=True)
    subreaper = libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(cmd[0], cmd)
        except OSError as e:
            sys.stderr.write(f'treetime: cannot run {cmd[0]}: {e}\n')
            os._exit(127)
    wall = None
    code = None
    lingered = []
    deadline = None
    while True:
        try:
            if wall is not None and deadline is None:
                # The command is done: anything left is a descendant that outlived it.
                lingered = children_of(os.getpid())
                deadline = time.monotonic() + LINGER_SECONDS
            if deadline is not None and time.monotonic() > deadline:
                for p, _ in children_of(os.getpid()):
                    try:
                        os.kill(p, signal.SIGKILL)
                    except OSError:
                        pass
                deadline = float('inf')
            p, status, _ = os.wait4(-1, os.WNOHANG if deadline not in (None, float('inf')) else 0)
            if p == 0:
                time.sleep(0.02)
                continue
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        if p == pid:
            wall = time.monotonic() - t0
            code = os.waitstatus_to_exitcode(status)
    tail = time.monotonic() - t0 - (wall or 0)
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(result_file, 'w') as f:
        json.dump({
            'wall': wall, 'user': ru.ru_utime, 'sys': ru.ru_stime, 'maxrss_kb': ru.ru_maxrss, 'code': code,
            'subreaper': subreaper, 'lingered': [name for _, name in lingered], 'linger_seconds': round(tail, 3),
        }, f)
    return 0


if __name__ == '__main__':
    sys.exit(main())
