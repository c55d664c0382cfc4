//! Starting a `ProcessPool`: the pipes, the first worker (started by the first reader
//! thread, which lives as long as the pool uses it, so the workers die with it), the hello of
//! every worker, and the clean-up when any of that fails.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, PipeReader};
use std::sync::mpsc::{RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{Link, PoolState, ProcessPool, ProcessPoolConfig, Shared, lock, read_responses};
use crate::error::ExecutorError;
use crate::executor::check_workers;
use crate::executor::locate::WorkerProgram;
use crate::executor::protocol::Hello;
use crate::executor::spawn::{WorkerEnds, WorkerProcess, pipes, spawn_first};

/// How long a failed start still listens for the reports of lower workers.
const CAUSE_GRACE: Duration = Duration::from_millis(200);

/// A reader thread's report that its worker started (its pid) or could not.
type Started = (usize, Result<u32, ExecutorError>);

impl ProcessPool {
    /// Starts the worker processes and returns once every worker has said hello (or with the
    /// first error, after stopping whatever started). The first worker is started by the
    /// first reader thread, which lives as long as the pool uses it: the workers die with it.
    pub fn new(config: ProcessPoolConfig) -> Result<Self, ExecutorError> {
        check_workers(config.workers)?;
        let program = match config.program {
            Some(program) => program,
            None => WorkerProgram::locate()?,
        };
        let workers = config.workers;
        let spawn_error = |error| ExecutorError::Spawn { program: program.program.clone(), error };
        let (pool_ends, worker_ends) = pipes(workers).map_err(spawn_error)?;
        let mut links = Vec::with_capacity(workers);
        let mut outputs = Vec::with_capacity(workers);
        for ends in pool_ends {
            links.push(Link { stdin: Some(ends.requests), in_flight: HashMap::new() });
            outputs.push(ends.responses);
        }
        let shared = Arc::new(Shared {
            state: Mutex::new(PoolState { links, ..PoolState::default() }),
            children: (0..workers).map(|_| Mutex::new(None)).collect(),
            prefetch: config.prefetch.max(1),
        });
        let mut pool = Self { workers, shared, readers: Vec::new(), pids: vec![0; workers] };
        let (started, starts) = std::sync::mpsc::channel();
        let mut first = Some(FirstWorker { ends: worker_ends, gil: config.gil_interval });
        for (worker, output) in outputs.into_iter().enumerate() {
            let shared = Arc::clone(&pool.shared);
            let program = program.clone();
            let started = started.clone();
            let first = first.take();
            let spawned = std::thread::Builder::new()
                .name(format!("gilbench-reader-{worker}"))
                .spawn(move || start_and_serve(&shared, worker, &program, first, output, started));
            match spawned {
                Ok(handle) => pool.readers.push(handle),
                Err(error) => {
                    pool.stop_starting();
                    return Err(ExecutorError::Thread(error));
                }
            }
        }
        drop(started);
        let mut failure: Option<(usize, ExecutorError)> = None;
        let mut deadline = Instant::now() + config.start_timeout;
        for _ in 0..workers {
            if failure.is_some() {
                // The pool has failed; wait a moment more only to hear the cause from a
                // lower worker (the first worker's end shows in its copies too).
                deadline = deadline.min(Instant::now() + CAUSE_GRACE);
            }
            let wait = deadline.saturating_duration_since(Instant::now());
            let (worker, outcome) = match starts.recv_timeout(wait) {
                Ok(report) => report,
                Err(RecvTimeoutError::Timeout) if failure.is_some() => break,
                Err(RecvTimeoutError::Timeout) => {
                    let error = std::io::Error::other(format!(
                        "no hello from its workers within {:?}: is it a gilbench worker?",
                        config.start_timeout
                    ));
                    failure = failure.or(Some((workers, spawn_error(error))));
                    break;
                }
                // Every reader reports before it can end, so this is a reader that panicked.
                Err(RecvTimeoutError::Disconnected) => {
                    let error =
                        std::io::Error::other("a reader thread ended before its worker started");
                    failure = failure.or(Some((workers, ExecutorError::Thread(error))));
                    break;
                }
            };
            match outcome {
                Ok(pid) => pool.pids[worker] = pid,
                // The lowest worker's error is the cause (the first worker starts the others).
                Err(error) if failure.as_ref().is_none_or(|(first, _)| worker < *first) => {
                    failure = Some((worker, error));
                }
                Err(_) => {}
            }
        }
        if let Some((_, error)) = failure {
            pool.stop_starting();
            return Err(error);
        }
        Ok(pool)
    }

    /// Abandons a pool that failed to start: kills and reaps every process it started,
    /// including copies that died before they said hello (found by their process group,
    /// whose id is the first worker's pid).
    fn stop_starting(&mut self) {
        let group = lock(&self.shared.children[0]).as_ref().map(WorkerProcess::pid);
        // First the whole group: whatever holds the pipes open goes, so every reader ends.
        if let Some(group) = group {
            // SAFETY: kill has no memory-safety preconditions; the group is our workers'.
            unsafe { libc::kill(-group, libc::SIGKILL) };
        }
        self.break_pool("the pool could not start".into());
        self.join_readers();
        if let Some(group) = group {
            reap_group(group);
        }
    }
}

/// What the first reader thread needs to start the first worker.
struct FirstWorker {
    ends: WorkerEnds,
    gil: Option<std::time::Duration>,
}

/// A reader thread: starts the first worker (when given `first`), waits for its worker's
/// hello, reports the pid through `started`, then reads its answers until it exits.
fn start_and_serve(
    shared: &Shared,
    worker: usize,
    program: &WorkerProgram,
    first: Option<FirstWorker>,
    output: PipeReader,
    started: Sender<Started>,
) {
    if let Some(first) = first {
        match spawn_first(program, first.ends, first.gil) {
            Ok(process) => *lock(&shared.children[worker]) = Some(process),
            Err(error) => {
                let _ = started.send((worker, Err(error)));
                return;
            }
        }
    }
    let mut reader = BufReader::with_capacity(1 << 16, output);
    let mut line = Vec::with_capacity(64);
    let hello = match reader.read_until(b'\n', &mut line) {
        Ok(0) => Err("ended before it started".to_string()),
        Ok(_) => match serde_json::from_slice::<Hello>(&line) {
            Ok(hello) if hello.worker == worker => Ok(hello.pid),
            Ok(hello) => Err(format!("said it was worker {}", hello.worker)),
            Err(error) => Err(format!("sent an unreadable hello: {error}")),
        },
        Err(error) => Err(format!("could not be read from: {error}")),
    };
    let report = match hello {
        Ok(pid) => {
            let mut child = lock(&shared.children[worker]);
            let process = child.get_or_insert_with(|| {
                WorkerProcess::new(libc::pid_t::try_from(pid).unwrap_or(libc::pid_t::MAX))
            });
            Ok(process.id())
        }
        Err(message) => Err(ExecutorError::Spawn {
            program: program.program.clone(),
            error: std::io::Error::other(format!("worker {worker} {message}")),
        }),
    };
    let ok = report.is_ok();
    let _ = started.send((worker, report));
    drop(started);
    if ok {
        read_responses(shared, worker, reader);
    }
}

/// Waits for every child of ours left in `group` (killed already).
fn reap_group(group: libc::pid_t) {
    let mut status = 0;
    // SAFETY: waitpid on a process group of our own children; `status` is a valid c_int.
    while unsafe { libc::waitpid(-group, &mut status, 0) } > 0 {}
}
