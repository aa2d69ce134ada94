#!/usr/bin/env python3
"""Summarises `perf script -F comm,tid,ip,sym` output of a Sluice worker (with -g call chains).

usage: perf script -i perf.data -F comm,tid,ip,sym | bench/scripts/perf-summary.py [TOP]

Prints the samples per thread, how the event loops' (rtmp-*) samples split between system calls
and user space, the kernel functions the system calls spend their samples in (inclusive), and the
user-space frames with the most self samples. JIT-compiled Java frames have names only if the
worker ran with -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit (and
-XX:+PreserveFramePointer for whole Java stacks).
"""
import collections
import sys

KERNEL = ['tcp_sendmsg_locked', '__tcp_push_pending_frames', 'handle_softirqs', 'tcp_v4_rcv',
          'sock_def_readable', 'sk_reset_timer', '_copy_from_iter', '__alloc_skb',
          '__inet_lookup_established', 'do_epoll_wait']

# Kernel functions that name the system call they are under (entry points are often inlined).
CALLS = {'do_writev': 'writev', 'vfs_writev': 'writev', '__sys_sendto': 'send', '__sys_recvfrom': 'recv',
         'do_epoll_wait': 'epoll_wait', 'ksys_read': 'read', 'ksys_write': 'write', 'do_futex': 'futex'}


def samples(stream):
    block = []
    for line in stream:
        line = line.rstrip('\n')
        if not line.strip():
            if block:
                yield block
            block = []
        else:
            block.append(line.strip())
    if block:
        yield block


def main():
    top = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    threads = collections.Counter()
    kinds = collections.Counter()
    inclusive = collections.Counter()
    user_self = collections.Counter()
    loops = 0
    for block in samples(sys.stdin):
        thread = block[0].split()[0]
        threads[thread] += 1
        if not thread.startswith('rtmp'):
            continue
        loops += 1
        frames = [l.split(None, 1)[1].rsplit('+', 1)[0] if ' ' in l else '?' for l in block[1:]]
        if any(f.startswith(('entry_SYSCALL', 'do_syscall')) for f in frames):
            call = next((CALLS[f] for f in frames if f in CALLS), None)
            if call is None:
                call = next((f.replace('__x64_sys_', '') for f in frames if f.startswith('__x64_sys_')), 'entry/exit only')
            kinds['system call ' + call] += 1
            for f in set(frames):
                inclusive[f] += 1
        else:
            kinds['user space'] += 1
            user_self[frames[0] if frames else '?'] += 1
    total = sum(threads.values())
    print(f'samples: {total}')
    for t, n in threads.most_common(8):
        print(f'  {100.0 * n / total:5.1f} %  {t}')
    if not loops:
        return
    print(f'\nevent loops (rtmp-*): {loops} samples')
    for k, n in kinds.most_common(8):
        print(f'  {100.0 * n / loops:5.1f} %  {k}')
    print('\nkernel, inclusive, share of the event loops\' samples')
    for k in KERNEL:
        print(f'  {100.0 * inclusive[k] / loops:5.1f} %  {k}')
    print('\nuser space, self, share of the event loops\' samples')
    for k, n in user_self.most_common(top):
        print(f'  {100.0 * n / loops:5.1f} %  {k[:120]}')


if __name__ == '__main__':
    main()
