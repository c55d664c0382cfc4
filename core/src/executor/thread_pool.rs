//! `ThreadPool`: worker threads of this process pulling tasks from one shared queue, like
//! Python's `ThreadPoolExecutor`.
//!
//! With a [`Gil`] (the `rust-gil` runtime) each worker takes the pool's interpreter lock to
//! run a task, so only one task computes at a time, exactly as CPython's threads do; sleeps
//! release it. [`ThreadPool::interpreters`] gives each worker a lock of its own instead, as
//! CPython's `InterpreterPoolExecutor` gives each worker thread its own interpreter (PEP 684):
//! the workers then compute in parallel. Panics in tasks are caught and reported through the
//! task's future.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender};

use super::future::{Slot, TaskFuture, TaskOutcome};
use super::gil::Gil;
use super::{Executor, ExecutorKind, check_workers, panic_message};
use crate::clock;
use crate::error::{ExecutorError, TaskError};
use crate::workload::{NoGil, Payload, Task};

struct Job {
    task: Task,
    slot: Arc<Slot>,
}

/// A pool of worker threads.
pub struct ThreadPool {
    workers: usize,
    sender: Option<Sender<Job>>,
    threads: Vec<JoinHandle<()>>,
    submitted: AtomicUsize,
    kind: ExecutorKind,
    /// Each worker's interpreter lock: one shared lock, one per worker, or none.
    locks: Vec<Option<Arc<Gil>>>,
    /// Each worker thread's kernel id, 0 until the thread has started (for pinning).
    tids: Arc<[AtomicI32]>,
}

impl ThreadPool {
    /// Starts `workers` threads; with `gil`, they share that interpreter lock.
    pub fn new(workers: usize, gil: Option<Arc<Gil>>) -> Result<Self, ExecutorError> {
        Self::start(ExecutorKind::Threads, vec![gil; workers])
    }

    /// Starts `workers` threads that each hold an interpreter lock of their own, switched
    /// every `switch_interval` (`None`: native threads, which have no lock to split).
    pub fn interpreters(
        workers: usize,
        switch_interval: Option<std::time::Duration>,
    ) -> Result<Self, ExecutorError> {
        let locks = (0..workers).map(|_| switch_interval.map(|i| Arc::new(Gil::new(i)))).collect();
        Self::start(ExecutorKind::Interpreters, locks)
    }

    fn start(kind: ExecutorKind, locks: Vec<Option<Arc<Gil>>>) -> Result<Self, ExecutorError> {
        let workers = locks.len();
        check_workers(workers)?;
        let (sender, receiver) = crossbeam_channel::unbounded::<Job>();
        let mut pool = Self {
            workers,
            sender: Some(sender),
            threads: Vec::new(),
            submitted: 0.into(),
            kind,
            locks,
            tids: (0..workers).map(|_| AtomicI32::new(0)).collect(),
        };
        for worker in 0..workers {
            let receiver = receiver.clone();
            let gil = pool.locks[worker].clone();
            let tids = Arc::clone(&pool.tids);
            let spawned = std::thread::Builder::new()
                .name(format!("gilbench-worker-{worker}"))
                .spawn(move || {
                    tids[worker].store(crate::host::thread_id(), Ordering::Release);
                    serve(worker, &receiver, gil.as_deref(), kind);
                });
            match spawned {
                Ok(handle) => pool.threads.push(handle),
                // Dropping the half-built pool joins the threads already started.
                Err(error) => return Err(ExecutorError::Thread(error)),
            }
        }
        Ok(pool)
    }

    /// The interpreter lock of the first worker, when the pool models the GIL (all workers
    /// share it, except in an interpreter pool).
    pub fn gil(&self) -> Option<&Arc<Gil>> {
        self.locks.first().and_then(Option::as_ref)
    }

    /// Every worker's interpreter lock, in worker order.
    pub fn locks(&self) -> &[Option<Arc<Gil>>] {
        &self.locks
    }

    /// Pins worker `i`'s thread to `cpus[i % cpus.len()]`, once every thread has started
    /// (threads start in microseconds; [`PIN_WAIT`] bounds the wait).
    fn pin_threads(&self, cpus: &[usize]) -> Result<(), ExecutorError> {
        let deadline = std::time::Instant::now() + PIN_WAIT;
        for (i, tid) in self.tids.iter().enumerate() {
            let cpu = cpus[i % cpus.len()];
            let mut id = tid.load(Ordering::Acquire);
            while id == 0 && std::time::Instant::now() < deadline {
                std::thread::yield_now();
                id = tid.load(Ordering::Acquire);
            }
            let not_started = || std::io::Error::other("the worker thread never started");
            let pinned =
                if id == 0 { Err(not_started()) } else { crate::host::pin_thread(id, cpu) };
            pinned.map_err(|error| ExecutorError::Pin { cpu, error })?;
        }
        Ok(())
    }
}

/// How long pinning waits for a worker thread to start.
const PIN_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Runs one task on `worker`, catching a panic, and returns its outcome.
pub(crate) fn run_task(
    task: &Task,
    worker: usize,
    gil: Option<&Gil>,
) -> Result<TaskOutcome, TaskError> {
    // Under the GIL model a task starts once its thread holds the lock, as a CPython task
    // starts when its thread runs bytecode.
    let start_s = std::cell::Cell::new(clock::now_s());
    let result = catch_unwind(AssertUnwindSafe(|| match gil {
        Some(gil) => gil.with_lock(worker, |thread| {
            start_s.set(clock::now_s());
            task.run(thread)
        }),
        None => task.run(&NoGil),
    }));
    let start_s = start_s.get();
    let end_s = clock::now_s();
    match result {
        Ok(Ok(value)) => Ok(TaskOutcome { value, worker, start_s, end_s }),
        Ok(Err(error)) => Err(error),
        Err(payload) => Err(TaskError::Panicked(panic_message(payload.as_ref()))),
    }
}

fn serve(worker: usize, jobs: &Receiver<Job>, gil: Option<&Gil>, kind: ExecutorKind) {
    clock::precise_timers();
    // The loop ends when the pool drops its sender and the queue is empty.
    while let Ok(job) = jobs.recv() {
        let outcome = match &job.task {
            // Interpreters share no objects: a payload is copied into the worker's interpreter
            // and its result copied back out, as CPython's interpreter pool copies them.
            &Task::Payload { iterations, bytes, ref data }
                if kind == ExecutorKind::Interpreters =>
            {
                let data = Payload(Arc::new(data.bytes().to_vec()));
                let copy = Task::Payload { iterations, bytes, data };
                let outcome = run_task(&copy, worker, gil);
                if let Task::Payload { data, .. } = &copy {
                    drop(std::hint::black_box(data.bytes().to_vec()));
                }
                outcome
            }
            // Nor module globals: the contention ladder's objects are each interpreter's own.
            &Task::Contend { rung, steps, .. } if kind == ExecutorKind::Interpreters => {
                run_task(&Task::Contend { rung, steps, own_globals: true }, worker, gil)
            }
            task => run_task(task, worker, gil),
        };
        job.slot.complete(outcome);
    }
}

impl Executor for ThreadPool {
    fn kind(&self) -> ExecutorKind {
        self.kind
    }

    fn workers(&self) -> usize {
        self.workers
    }

    fn pin_workers(&mut self, cpus: &[usize]) -> Result<(), ExecutorError> {
        self.pin_threads(cpus)
    }

    fn worker_threads(&self) -> Vec<i32> {
        self.tids.iter().map(|tid| tid.load(Ordering::Acquire)).filter(|&tid| tid != 0).collect()
    }

    fn submit(&self, task: Task) -> Result<TaskFuture, ExecutorError> {
        let sender = self.sender.as_ref().ok_or(ExecutorError::ShutDown)?;
        let index = self.submitted.fetch_add(1, Ordering::Relaxed);
        let (future, slot) = TaskFuture::new(index);
        sender.send(Job { task, slot }).map_err(|_| ExecutorError::ShutDown)?;
        Ok(future)
    }

    fn shutdown(&mut self) -> Result<(), ExecutorError> {
        // Closing the queue lets each worker finish what is queued, then exit.
        self.sender = None;
        let mut panicked = 0;
        for handle in self.threads.drain(..) {
            // Tasks run under catch_unwind, so a worker thread panics only through a bug of
            // the pool itself; its jobs' futures were completed or are dropped with the queue.
            panicked += usize::from(handle.join().is_err());
        }
        match panicked {
            0 => Ok(()),
            n => Err(ExecutorError::Broken(format!("{n} worker thread(s) panicked"))),
        }
    }
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        let _ = self.shutdown();
    }
}
