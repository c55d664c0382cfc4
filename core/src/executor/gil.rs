//! A model of CPython's Global Interpreter Lock (the "new GIL" of CPython 3.2+,
//! `Python/ceval_gil.c`), used by the `rust-gil` runtime.
//!
//! Every thread of one process must hold its process's [`Gil`] to compute. The mechanism is
//! CPython's: a thread that wants the lock waits on a condition variable for at most the
//! switch interval (5 ms by default); if the lock did not change hands meanwhile it sets a
//! *drop request*. The holder checks that request at every bytecode boundary (the workload's
//! [`Interpreter::tick`]) and hands the lock over; with forced switching the dropping thread
//! then waits until another thread has taken the lock, so it cannot grab it straight back.
//! Blocking calls run inside [`Interpreter::allow_threads`], with the lock released.
//!
//! The lock records every interval during which a thread held it, so tests can check the
//! invariant (no two threads ever hold it at once) from instrumentation, not from timing.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::clock;
use crate::workload::Interpreter;

/// CPython's default switch interval (`sys.getswitchinterval()`): 5 ms.
pub const DEFAULT_SWITCH_INTERVAL: Duration = Duration::from_millis(5);

/// One interval during which one thread held the interpreter lock.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HoldInterval {
    /// The thread (worker index) that held the lock.
    pub thread: usize,
    /// When it took the lock, on the machine-wide clock (seconds).
    pub start_s: f64,
    /// When it released it.
    pub end_s: f64,
}

#[derive(Debug, Default)]
struct GilState {
    locked: bool,
    /// The thread holding the lock now, or the last one that held it.
    last_holder: Option<usize>,
    /// Counts every hand-over, so a waiter can tell whether the lock changed hands while it
    /// waited (CPython's `switch_number`).
    switch_number: u64,
    /// Threads waiting in `take`.
    waiting: usize,
    held_since_s: f64,
    intervals: Vec<HoldInterval>,
    drop_requests: u64,
    /// The most hand-overs to other threads that one `take` sat through before it won.
    max_handoffs_waited: u64,
}

/// One process's interpreter lock.
#[derive(Debug)]
pub struct Gil {
    switch_interval: Duration,
    state: Mutex<GilState>,
    /// Signalled when the lock is released (CPython's `gil->cond`).
    released: Condvar,
    /// Signalled when the lock is taken (CPython's `gil->switch_cond`, for forced switching).
    taken: Condvar,
    /// The drop request (CPython's `gil_drop_request` in the eval breaker).
    drop_request: AtomicBool,
}

impl Gil {
    /// A lock with the given switch interval (CPython's `sys.setswitchinterval`).
    pub fn new(switch_interval: Duration) -> Self {
        Self {
            switch_interval,
            state: Mutex::new(GilState::default()),
            released: Condvar::new(),
            taken: Condvar::new(),
            drop_request: AtomicBool::new(false),
        }
    }

    /// The switch interval this lock waits before asking the holder to drop it.
    pub fn switch_interval(&self) -> Duration {
        self.switch_interval
    }

    fn lock(&self) -> MutexGuard<'_, GilState> {
        // Every update below keeps the state consistent between statements, so a poisoned
        // mutex (a panic elsewhere while holding it) leaves nothing half-written.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Takes the lock for `thread`, waiting as CPython's `take_gil` does.
    pub fn take(&self, thread: usize) {
        let mut state = self.lock();
        let arrived_at = state.switch_number;
        state.waiting += 1;
        while state.locked {
            let switch_number = state.switch_number;
            let (next, wait) = self
                .released
                .wait_timeout(state, self.switch_interval)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            state = next;
            if wait.timed_out() && state.locked && state.switch_number == switch_number {
                // The holder kept the lock for a whole interval: ask it to drop it.
                self.drop_request.store(true, Ordering::Release);
                state.drop_requests += 1;
            }
        }
        state.waiting -= 1;
        state.max_handoffs_waited = state.max_handoffs_waited.max(state.switch_number - arrived_at);
        state.locked = true;
        state.last_holder = Some(thread);
        state.switch_number += 1;
        state.held_since_s = clock::now_s();
        self.drop_request.store(false, Ordering::Release);
        drop(state);
        // Forced switching: wake the thread that dropped the lock on request.
        self.taken.notify_all();
    }

    /// Releases the lock held by `thread`, as CPython's `drop_gil`. When the release answers
    /// a drop request, waits until another thread has taken the lock (forced switching).
    pub fn release(&self, thread: usize, forced: bool) {
        let mut state = self.lock();
        let start_s = state.held_since_s;
        state.intervals.push(HoldInterval { thread, start_s, end_s: clock::now_s() });
        state.locked = false;
        self.released.notify_one();
        if forced {
            while state.waiting > 0 && !state.locked && state.last_holder == Some(thread) {
                state = self.taken.wait(state).unwrap_or_else(|poisoned| poisoned.into_inner());
            }
        }
    }

    /// True when a waiting thread has asked the holder to drop the lock.
    #[inline]
    pub fn drop_requested(&self) -> bool {
        self.drop_request.load(Ordering::Acquire)
    }

    /// Every interval during which a thread held the lock, in release order.
    pub fn hold_intervals(&self) -> Vec<HoldInterval> {
        self.lock().intervals.clone()
    }

    /// How many drop requests waiting threads have made.
    pub fn drop_requests(&self) -> u64 {
        self.lock().drop_requests
    }

    /// The most times the lock went to another thread while one thread waited for it.
    pub fn max_handoffs_waited(&self) -> u64 {
        self.lock().max_handoffs_waited
    }

    /// The hooks one thread uses while it runs a task under this lock.
    pub fn thread(&self, thread: usize) -> GilThread<'_> {
        GilThread { gil: self, thread }
    }

    /// Runs `work` on `thread` while holding the lock (taken before, released after).
    pub fn with_lock<R>(&self, thread: usize, work: impl FnOnce(&GilThread<'_>) -> R) -> R {
        struct Release<'a>(&'a Gil, usize);
        impl Drop for Release<'_> {
            fn drop(&mut self) {
                self.0.release(self.1, false);
            }
        }
        self.take(thread);
        let _release = Release(self, thread);
        work(&self.thread(thread))
    }
}

impl Default for Gil {
    fn default() -> Self {
        Self::new(DEFAULT_SWITCH_INTERVAL)
    }
}

/// One thread's view of the lock: the [`Interpreter`] hooks of the `rust-gil` runtime.
#[derive(Debug, Clone, Copy)]
pub struct GilThread<'a> {
    gil: &'a Gil,
    thread: usize,
}

impl Interpreter for GilThread<'_> {
    #[inline]
    fn tick(&self) {
        if self.gil.drop_requested() {
            self.gil.release(self.thread, true);
            self.gil.take(self.thread);
        }
    }

    fn allow_threads<R>(&self, blocking: impl FnOnce() -> R) -> R {
        self.gil.release(self.thread, false);
        let result = blocking();
        self.gil.take(self.thread);
        result
    }
}

/// Checks that no two hold intervals of different threads overlap; returns the first pair
/// that does.
pub fn first_overlap(intervals: &[HoldInterval]) -> Option<(HoldInterval, HoldInterval)> {
    let mut sorted = intervals.to_vec();
    sorted.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
    sorted.windows(2).find(|pair| pair[1].start_s < pair[0].end_s).map(|pair| (pair[0], pair[1]))
}
