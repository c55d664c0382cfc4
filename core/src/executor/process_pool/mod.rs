//! `ProcessPool`: worker processes of our own worker program, tasks and results as JSON lines
//! over their stdin/stdout pipes, like Python's `ProcessPoolExecutor`.
//!
//! The parent keeps a queue of tasks not yet sent and gives each worker at most `prefetch`
//! tasks at a time (one running, one waiting, by default), so a worker never idles for a
//! round trip and no worker hoards the queue. One reader thread per worker waits for its
//! hello (see `start`: one worker program is started, the others are copies of it), then
//! completes futures as responses arrive and sends that worker more work. When a worker dies
//! while the pool is in use, the pool breaks: every pending future reports `BrokenPool` at
//! once and the other workers are killed. Every child is reaped by its reader thread;
//! shutdown (or drop) waits for queued tasks, closes the pipes and joins the readers, so no
//! zombie is left behind.

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, PipeReader, PipeWriter, Write};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use super::future::{Slot, TaskFuture};
use super::locate::WorkerProgram;
use super::protocol::{Request, Response, encode_request, read_bytes};
use super::spawn::{WorkerProcess, describe, reap};
use super::{Executor, ExecutorKind};
use crate::error::{ExecutorError, TaskError};
use crate::workload::Task;

mod start;

/// How a process pool starts its workers.
#[derive(Debug, Clone)]
pub struct ProcessPoolConfig {
    /// Number of worker processes.
    pub workers: usize,
    /// Tasks a worker may hold at once (running + waiting in its pipe); at least 1.
    pub prefetch: usize,
    /// The worker program; located with [`WorkerProgram::locate`] when `None`.
    pub program: Option<WorkerProgram>,
    /// With the `rust-gil` runtime: each worker's own lock's switch interval.
    pub gil_interval: Option<std::time::Duration>,
    /// How long the workers may take to say hello before the pool gives up on them.
    pub start_timeout: Duration,
}

/// The default [`ProcessPoolConfig::start_timeout`]: workers say hello within milliseconds,
/// so this only ends the wait for a program that is not a gilbench worker.
pub const DEFAULT_START_TIMEOUT: Duration = Duration::from_secs(10);

struct Link {
    stdin: Option<PipeWriter>,
    in_flight: HashMap<u64, Arc<Slot>>,
}

struct Pending {
    id: u64,
    task: Task,
    slot: Arc<Slot>,
}

#[derive(Default)]
struct PoolState {
    queue: VecDeque<Pending>,
    links: Vec<Link>,
    next_id: u64,
    next_worker: usize,
    broken: Option<String>,
    closing: bool,
    /// A moving average of how long tasks run in the workers (None before the first result).
    mean_task_s: Option<f64>,
}

/// Tasks shorter than this on average are sent to workers in deep batches.
const SHORT_TASK_S: f64 = 0.0005;
/// How many short tasks a worker may hold at once: enough to hide the pipe round trip.
const SHORT_TASK_PREFETCH: usize = 64;

struct Shared {
    state: Mutex<PoolState>,
    /// Each worker's process, once its reader thread has started it.
    children: Vec<Mutex<Option<WorkerProcess>>>,
    prefetch: usize,
}

/// A pool of worker processes.
pub struct ProcessPool {
    workers: usize,
    shared: Arc<Shared>,
    readers: Vec<JoinHandle<()>>,
    pids: Vec<u32>,
}

impl ProcessPool {
    /// The process ids of the workers, in worker order.
    pub fn worker_pids(&self) -> &[u32] {
        &self.pids
    }

    /// Kills every worker now; pending futures report `BrokenPool` (for interrupted runs).
    pub fn terminate(&mut self) {
        self.break_pool("the pool was terminated".into());
        self.join_readers();
    }

    fn break_pool(&self, reason: String) {
        break_pool(&self.shared, reason);
    }

    fn join_readers(&mut self) {
        for reader in self.readers.drain(..) {
            // A reader thread only ends by returning; a panic in it would be a bug, and the
            // children it owned are still killed and reaped by `break_pool` below.
            if reader.join().is_err() {
                break_pool(&self.shared, "a reader thread panicked".into());
            }
        }
        for child in &self.shared.children {
            if let Some(child) = lock(child).as_mut() {
                reap(child, false);
            }
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every critical section leaves the state consistent, so a poisoned lock is usable.
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Sends queued tasks to workers with room, one batched write per worker.
fn dispatch(shared: &Shared, state: &mut PoolState) -> Result<(), String> {
    if state.broken.is_some() {
        return Ok(());
    }
    let workers = state.links.len();
    // Long tasks: `prefetch` each, so no worker hoards the queue. Tiny tasks: deep batches,
    // since a round trip per task would cost more than the tasks themselves.
    let cap = match state.mean_task_s {
        Some(mean) if mean < SHORT_TASK_S => shared.prefetch.max(SHORT_TASK_PREFETCH),
        _ => shared.prefetch,
    };
    let mut batches: Vec<Vec<u8>> = vec![Vec::new(); workers];
    while let Some(next) = state.queue.front() {
        // A payload travels one at a time per worker: a worker then only ever receives bytes
        // while it waits for a request, so the pool's writes (made under the lock) can never
        // wait on a worker that is itself waiting to hand back a payload.
        let cap = match &next.task {
            Task::Payload { bytes, .. } if *bytes > 0 => 1,
            _ => cap,
        };
        let start = state.next_worker;
        let candidate = (0..workers)
            .map(|offset| (start + offset) % workers)
            .filter(|&w| state.links[w].in_flight.len() < cap)
            .min_by_key(|&w| state.links[w].in_flight.len());
        let Some(worker) = candidate else { break };
        let Some(pending) = state.queue.pop_front() else { break };
        state.next_worker = (worker + 1) % workers;
        let request = Request { id: pending.id, task: pending.task };
        if let Err(error) = encode_request(&request, &mut batches[worker]) {
            pending.slot.complete(Err(TaskError::Invalid(format!("cannot encode task: {error}"))));
            continue;
        }
        state.links[worker].in_flight.insert(pending.id, pending.slot);
    }
    for (worker, batch) in batches.iter().enumerate().filter(|(_, batch)| !batch.is_empty()) {
        let Some(stdin) = state.links[worker].stdin.as_mut() else {
            return Err(format!("worker {worker}'s pipe is closed"));
        };
        stdin
            .write_all(batch)
            .map_err(|error| format!("cannot write to worker {worker}: {error}"))?;
    }
    Ok(())
}

/// Closes every worker's stdin once the pool is closing and has nothing left to run.
fn close_if_drained(state: &mut PoolState) {
    let drained = state.queue.is_empty() && state.links.iter().all(|l| l.in_flight.is_empty());
    if state.closing && drained {
        for link in &mut state.links {
            link.stdin = None;
        }
    }
}

fn break_pool(shared: &Shared, reason: String) {
    let orphans: Vec<Arc<Slot>> = {
        let mut state = lock(&shared.state);
        if state.broken.is_none() {
            state.broken = Some(reason.clone());
        }
        let mut orphans: Vec<Arc<Slot>> = state.queue.drain(..).map(|p| p.slot).collect();
        for link in &mut state.links {
            link.stdin = None;
            orphans.extend(link.in_flight.drain().map(|(_, slot)| slot));
        }
        orphans
    };
    for child in &shared.children {
        // Killing an exited (or reaped) child is harmless; its reader thread reaps it.
        if let Some(child) = lock(child).as_ref() {
            child.kill();
        }
    }
    let reason = lock(&shared.state).broken.clone().unwrap_or(reason);
    for slot in orphans {
        slot.complete(Err(TaskError::BrokenPool(reason.clone())));
    }
}

fn read_responses(shared: &Shared, worker: usize, mut reader: BufReader<PipeReader>) {
    let mut line = Vec::with_capacity(256);
    let failure = loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => break None,
            Ok(_) => {}
            Err(error) => break Some(format!("cannot read from worker {worker}: {error}")),
        }
        let response: Response = match serde_json::from_slice(&line) {
            Ok(response) => response,
            Err(error) => {
                break Some(format!("worker {worker} sent an unreadable response: {error}"));
            }
        };
        // A payload given back: read it whole (the copy a process pool pays for), then drop it.
        if let Err(error) = read_bytes(response.bytes, &mut reader) {
            break Some(format!("cannot read worker {worker}'s payload: {error}"));
        }
        let (slot, sent) = {
            let mut state = lock(&shared.state);
            let slot = state.links[worker].in_flight.remove(&response.id);
            if let Ok(outcome) = &response.outcome {
                let took = (outcome.end_s - outcome.start_s).max(0.0);
                state.mean_task_s = Some(state.mean_task_s.map_or(took, |m| 0.8 * m + 0.2 * took));
            }
            let sent = dispatch(shared, &mut state);
            close_if_drained(&mut state);
            (slot, sent)
        };
        match slot {
            Some(slot) => slot.complete(response.outcome),
            None => {
                break Some(format!(
                    "worker {worker} answered task {}, never sent to it",
                    response.id
                ));
            }
        }
        if let Err(reason) = sent {
            break Some(reason);
        }
    };
    // The worker closed its stdout: it has exited or is about to. Reap it first, so the
    // error can say how it ended.
    let (status, pid) = match lock(&shared.children[worker]).as_mut() {
        Some(child) => (reap(child, failure.is_some()), child.id()),
        None => (None, 0),
    };
    let unexpected = {
        let state = lock(&shared.state);
        let busy = !state.queue.is_empty() || state.links.iter().any(|l| !l.in_flight.is_empty());
        state.broken.is_none() && (failure.is_some() || busy || !state.closing)
    };
    if unexpected {
        let reason = failure.unwrap_or_else(|| {
            format!("worker {worker} (pid {pid}) {} while the pool was in use", describe(status))
        });
        break_pool(shared, reason);
    }
}

impl Executor for ProcessPool {
    fn kind(&self) -> ExecutorKind {
        ExecutorKind::Processes
    }

    fn workers(&self) -> usize {
        self.workers
    }

    fn submit(&self, task: Task) -> Result<TaskFuture, ExecutorError> {
        let mut state = lock(&self.shared.state);
        if let Some(reason) = &state.broken {
            return Err(ExecutorError::Broken(reason.clone()));
        }
        if state.closing {
            return Err(ExecutorError::ShutDown);
        }
        let id = state.next_id;
        state.next_id += 1;
        let index = usize::try_from(id).unwrap_or(usize::MAX);
        let (future, slot) = TaskFuture::new(index);
        // A payload whose bytes do not match its length would put the worker's stream out of
        // step: it fails here, alone, before anything is framed.
        if let Err(error) = task.validate() {
            slot.complete(Err(error));
            return Ok(future);
        }
        state.queue.push_back(Pending { id, task, slot });
        if let Err(reason) = dispatch(&self.shared, &mut state) {
            drop(state);
            self.break_pool(reason);
        }
        Ok(future)
    }

    fn shutdown(&mut self) -> Result<(), ExecutorError> {
        {
            let mut state = lock(&self.shared.state);
            state.closing = true;
            close_if_drained(&mut state);
        }
        self.join_readers();
        Ok(())
    }

    fn worker_pids(&self) -> Vec<u32> {
        self.pids.clone()
    }

    fn pin_workers(&mut self, cpus: &[usize]) -> Result<(), ExecutorError> {
        for (i, &pid) in self.pids.iter().enumerate() {
            let cpu = cpus[i % cpus.len()];
            crate::host::pin_process(pid, cpu)
                .map_err(|error| ExecutorError::Pin { cpu, error })?;
        }
        Ok(())
    }

    fn terminate(&mut self) {
        ProcessPool::terminate(self);
    }
}

impl Drop for ProcessPool {
    fn drop(&mut self) {
        let _ = self.shutdown();
    }
}
