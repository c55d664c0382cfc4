//! How the first worker of a pool starts the others: as copies of itself.
//!
//! Starting a program costs an exec (on a 2-core VM about 0.35 ms of CPU, more with dynamic
//! linking); copying a small single-threaded process costs a fork (about 0.06 ms). So the pool
//! starts one worker program and hands it every worker's pipes, on descriptors 3, 4, 5, ...;
//! that worker, before it reads anything, clones itself once per sibling with `CLONE_PARENT`
//! (a fork whose child belongs to the pool, so the pool waits for it and sees how it ended),
//! and each copy moves its own pair of pipes to stdin and stdout and closes the rest.
//!
//! The raw `clone` system call is used because glibc's `fork` cannot set `CLONE_PARENT`. It is
//! sound here: the process is single-threaded at that point and holds no lock, and glibc
//! (2.34 and later) asks the kernel for the thread id when a process signals itself.

use std::os::fd::RawFd;

/// The descriptors on which the first worker receives sibling `sibling`'s stdin and stdout
/// (`sibling` counts from 1; the first worker's own pipes are its stdin and stdout).
pub(crate) fn sibling_fds(sibling: usize) -> (RawFd, RawFd) {
    let base = 3 + 2 * (sibling.max(1) - 1);
    let base = RawFd::try_from(base).unwrap_or(RawFd::MAX - 1);
    (base, base + 1)
}

/// In the first worker: starts siblings `1..=count` and returns this process's worker index
/// (0 in the first worker, the sibling's number in each copy). A sibling that cannot be
/// started has its pipes closed, so the pool sees it end before it started.
pub(crate) fn start_siblings(count: usize) -> usize {
    let mut me = 0;
    // The clones are only sound in a single-threaded process (the worker binary, or `gilbench
    // worker`, which runs nothing else first); anywhere else the siblings are not started.
    let threads = std::fs::read_dir("/proc/self/task").map_or(0, |tasks| tasks.count());
    let clones = if threads == 1 { count } else { 0 };
    if clones < count {
        eprintln!(
            "gilbench-worker: not starting {count} copies from a process of {threads} threads"
        );
    }
    for sibling in 1..=clones {
        // SAFETY: a fork-like clone (no new stack, no shared memory) of a single-threaded
        // process; the child only continues this function's plain code.
        let pid = unsafe {
            libc::syscall(
                libc::SYS_clone,
                (libc::CLONE_PARENT | libc::SIGCHLD) as libc::c_ulong,
                0 as libc::c_ulong,
                0 as libc::c_ulong,
                0 as libc::c_ulong,
                0 as libc::c_ulong,
            )
        };
        if pid == 0 {
            let (stdin, stdout) = sibling_fds(sibling);
            // SAFETY: dup2 onto stdin and stdout of descriptors this process was given.
            unsafe {
                libc::dup2(stdin, 0);
                libc::dup2(stdout, 1);
            }
            me = sibling;
            break;
        }
        if pid < 0 {
            close_pair(sibling);
        }
    }
    for sibling in 1..=count {
        close_pair(sibling);
    }
    me
}

fn close_pair(sibling: usize) {
    let (stdin, stdout) = sibling_fds(sibling);
    // SAFETY: closing descriptors this process owns (closing a closed one only fails).
    unsafe {
        libc::close(stdin);
        libc::close(stdout);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sibling_descriptors_follow_stderr_without_overlap() {
        assert_eq!(super::sibling_fds(1), (3, 4));
        assert_eq!(super::sibling_fds(2), (5, 6));
        assert_eq!(super::sibling_fds(7), (15, 16));
    }
}
