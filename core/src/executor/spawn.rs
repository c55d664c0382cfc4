//! Starting and reaping the worker processes of a `ProcessPool`.
//!
//! Only the first worker is a new program: `posix_spawn` (no copy of the parent's memory)
//! starts it with every worker's pipes. It then starts the others as copies of itself (see
//! [`super::siblings`]), which costs a fraction of starting a program: on a 2-core VM about
//! 0.06 ms each against 0.35 ms of CPU for an exec. The copies are made with `CLONE_PARENT`,
//! so every worker is the pool's own child, waited for and killed by pid like the first.
//! All workers share one process group of their own, so a Ctrl-C in the terminal reaches
//! gilbench, which stops the run and reaps them, instead of killing them under it.

use std::ffi::{CString, OsStr};
use std::io::{PipeReader, PipeWriter};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;

use super::locate::WorkerProgram;
use super::siblings::sibling_fds;
use super::worker::WorkerArgs;
use crate::error::ExecutorError;

/// The pool's ends of one worker's pipes.
pub(crate) struct PoolEnds {
    /// Requests go in here (the worker's stdin).
    pub requests: PipeWriter,
    /// Responses come out here (the worker's stdout).
    pub responses: PipeReader,
}

/// The workers' ends of every pipe, held until the first worker has been started with them.
pub(crate) struct WorkerEnds {
    /// Per worker: the read end of its requests and the write end of its responses.
    ends: Vec<(OwnedFd, OwnedFd)>,
}

/// Creates the pipes of `workers` workers: the pool's ends, and the workers' ends.
pub(crate) fn pipes(workers: usize) -> std::io::Result<(Vec<PoolEnds>, WorkerEnds)> {
    // The workers' ends are moved above every descriptor number the first worker's
    // `dup2`s write to, so no `dup2` overwrites a descriptor a later one still reads.
    let lowest = i32::try_from(3 + 2 * workers).map_err(std::io::Error::other)?;
    let mut pool = Vec::with_capacity(workers);
    let mut ends = Vec::with_capacity(workers);
    for _ in 0..workers {
        let (request_reader, requests) = std::io::pipe()?;
        let (responses, response_writer) = std::io::pipe()?;
        ends.push((above(request_reader.into(), lowest)?, above(response_writer.into(), lowest)?));
        pool.push(PoolEnds { requests, responses });
    }
    Ok((pool, WorkerEnds { ends }))
}

/// A close-on-exec copy of `fd` numbered `lowest` or more.
fn above(fd: OwnedFd, lowest: i32) -> std::io::Result<OwnedFd> {
    // SAFETY: F_DUPFD_CLOEXEC on a descriptor we own returns a new descriptor or -1.
    let copy = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, lowest) };
    if copy < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: `copy` is a fresh descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(copy) })
}

/// A worker process, waited for by pid.
#[derive(Debug)]
pub(crate) struct WorkerProcess {
    pid: libc::pid_t,
    /// Set once the process has been waited for; it is never signalled after that.
    status: Option<Option<ExitStatus>>,
}

impl WorkerProcess {
    /// A child process of this one with this pid.
    pub(crate) fn new(pid: libc::pid_t) -> Self {
        Self { pid, status: None }
    }

    /// The process id, as the kernel's calls take it (also the id of the pool's process
    /// group, for the first worker).
    pub(crate) fn pid(&self) -> libc::pid_t {
        self.pid
    }

    /// The process id.
    pub(crate) fn id(&self) -> u32 {
        self.pid.unsigned_abs()
    }

    /// Sends SIGKILL unless the process was already waited for (its pid may be reused then).
    pub(crate) fn kill(&self) {
        if self.status.is_none() {
            // SAFETY: kill has no memory-safety preconditions; an exited, unwaited child is
            // a zombie whose pid cannot have been reused.
            unsafe { libc::kill(self.pid, libc::SIGKILL) };
        }
    }

    /// Waits for the process to end; `None` when it cannot be waited for (not our child).
    pub(crate) fn wait(&mut self) -> Option<ExitStatus> {
        if let Some(status) = self.status {
            return status;
        }
        let mut raw = 0;
        let status = loop {
            // SAFETY: waitpid writes the status into `raw`, a valid c_int.
            let result = unsafe { libc::waitpid(self.pid, &mut raw, 0) };
            if result == self.pid {
                break Some(ExitStatus::from_raw(raw));
            }
            if result < 0
                && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted
            {
                continue;
            }
            break None;
        };
        self.status = Some(status);
        status
    }
}

/// Starts the first worker with every worker's pipes; it starts the other `siblings` itself.
/// The workers' ends are closed here, in the pool, whatever happens.
pub(crate) fn spawn_first(
    program: &WorkerProgram,
    ends: WorkerEnds,
    gil_interval: Option<std::time::Duration>,
) -> Result<WorkerProcess, ExecutorError> {
    let spawn_error = |error| ExecutorError::Spawn { program: program.program.clone(), error };
    let siblings = ends.ends.len().saturating_sub(1);
    let args = WorkerArgs { id: 0, gil_interval, parent: Some(std::process::id()), siblings };
    let mut argv = vec![c_string(program.program.as_os_str()).map_err(spawn_error)?];
    for arg in program.leading_args.iter().chain(&args.to_args()) {
        argv.push(c_string(OsStr::new(arg)).map_err(spawn_error)?);
    }
    let env = std::env::vars_os()
        .map(|(key, value)| {
            let mut pair = key.as_bytes().to_vec();
            pair.push(b'=');
            pair.extend_from_slice(value.as_bytes());
            CString::new(pair).map_err(std::io::Error::other)
        })
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(spawn_error)?;
    let mut targets = Vec::with_capacity(2 * ends.ends.len());
    for (worker, (requests, responses)) in ends.ends.iter().enumerate() {
        let (stdin, stdout) = if worker == 0 { (0, 1) } else { sibling_fds(worker) };
        targets.push((requests.as_raw_fd(), stdin));
        targets.push((responses.as_raw_fd(), stdout));
    }
    let pid = posix_spawn(&argv, &env, &targets).map_err(spawn_error)?;
    drop(ends);
    Ok(WorkerProcess::new(pid))
}

fn c_string(text: &OsStr) -> std::io::Result<CString> {
    CString::new(text.as_bytes()).map_err(std::io::Error::other)
}

fn null_terminated(strings: &[CString]) -> Vec<*mut libc::c_char> {
    strings
        .iter()
        .map(|s| s.as_ptr().cast_mut())
        .chain(std::iter::once(std::ptr::null_mut()))
        .collect()
}

/// `posix_spawn` of `argv[0]` with `env`, each `(from, to)` descriptor `dup2`ed, a new process
/// group, SIGPIPE back at its default and no blocked signals.
fn posix_spawn(
    argv: &[CString],
    env: &[CString],
    targets: &[(i32, i32)],
) -> std::io::Result<libc::pid_t> {
    let check = |code: libc::c_int| match code {
        0 => Ok(()),
        code => Err(std::io::Error::from_raw_os_error(code)),
    };
    let argv_ptrs = null_terminated(argv);
    let env_ptrs = null_terminated(env);
    // SAFETY: the attribute and file-action objects are initialised before use and destroyed
    // on every path; every pointer passed lives until posix_spawn returns; argv and envp are
    // null-terminated arrays of NUL-terminated strings.
    unsafe {
        let mut actions: libc::posix_spawn_file_actions_t = std::mem::zeroed();
        check(libc::posix_spawn_file_actions_init(&mut actions))?;
        let mut attr: libc::posix_spawnattr_t = std::mem::zeroed();
        if let Err(error) = check(libc::posix_spawnattr_init(&mut attr)) {
            libc::posix_spawn_file_actions_destroy(&mut actions);
            return Err(error);
        }
        let result = (|| {
            for &(from, to) in targets {
                check(libc::posix_spawn_file_actions_adddup2(&mut actions, from, to))?;
            }
            let mut defaults: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut defaults);
            libc::sigaddset(&mut defaults, libc::SIGPIPE);
            check(libc::posix_spawnattr_setsigdefault(&mut attr, &defaults))?;
            let mut none: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut none);
            check(libc::posix_spawnattr_setsigmask(&mut attr, &none))?;
            check(libc::posix_spawnattr_setpgroup(&mut attr, 0))?;
            let flags = libc::POSIX_SPAWN_SETPGROUP
                | libc::POSIX_SPAWN_SETSIGDEF
                | libc::POSIX_SPAWN_SETSIGMASK;
            check(libc::posix_spawnattr_setflags(&mut attr, flags as libc::c_short))?;
            let mut pid = 0;
            check(libc::posix_spawn(
                &mut pid,
                argv[0].as_ptr(),
                &actions,
                &attr,
                argv_ptrs.as_ptr(),
                env_ptrs.as_ptr(),
            ))?;
            Ok(pid)
        })();
        libc::posix_spawnattr_destroy(&mut attr);
        libc::posix_spawn_file_actions_destroy(&mut actions);
        result
    }
}

/// Waits for a worker (after killing it when asked); `None` when it was already gone.
pub(crate) fn reap(process: &mut WorkerProcess, kill: bool) -> Option<ExitStatus> {
    if kill {
        process.kill();
    }
    process.wait()
}

pub(crate) fn describe(status: Option<ExitStatus>) -> String {
    match status {
        Some(status) => match (status.code(), status.signal()) {
            (Some(code), _) => format!("exited with code {code}"),
            (None, Some(signal)) => format!("was killed by signal {signal}"),
            _ => "ended".to_string(),
        },
        None => "ended".to_string(),
    }
}
