//! Futures and `as_completed`, as in Python's `concurrent.futures`.
//!
//! A [`TaskFuture`] is a shared slot that a worker fills once with the task's outcome.
//! Waiting on one future uses a condition variable; [`as_completed`] registers one channel
//! with every future it watches (Python's "waiters") and yields each future as its outcome
//! arrives, in completion order.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use crossbeam_channel::Sender;
use serde::{Deserialize, Serialize};

use crate::error::TaskError;

/// What one finished task reports: its value, who ran it and when.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TaskOutcome {
    /// The task's return value.
    pub value: f64,
    /// The worker (thread or process index, from 0) that ran it.
    pub worker: usize,
    /// When it started, in seconds on the machine-wide clock ([`crate::clock::now_s`]).
    pub start_s: f64,
    /// When it ended, on the same clock.
    pub end_s: f64,
}

type Outcome = Result<TaskOutcome, TaskError>;

#[derive(Default)]
struct SlotState {
    outcome: Option<Outcome>,
    waiters: Vec<(Sender<usize>, usize)>,
}

#[derive(Default)]
pub(crate) struct Slot {
    state: Mutex<SlotState>,
    done: Condvar,
}

impl Slot {
    fn lock(&self) -> MutexGuard<'_, SlotState> {
        // A panic while holding this lock cannot leave the state half-written (every update
        // is one assignment), so a poisoned lock is still safe to use.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Sets the outcome (the first one wins) and wakes every waiter.
    pub(crate) fn complete(&self, outcome: Outcome) {
        let waiters = {
            let mut state = self.lock();
            if state.outcome.is_some() {
                return;
            }
            state.outcome = Some(outcome);
            std::mem::take(&mut state.waiters)
        };
        self.done.notify_all();
        for (waiter, position) in waiters {
            // The receiver may be gone (an abandoned as_completed): nothing to tell then.
            let _ = waiter.send(position);
        }
    }
}

/// The eventual outcome of one submitted task. Cheap to clone; every clone sees the same slot.
#[derive(Clone)]
pub struct TaskFuture {
    index: usize,
    slot: Arc<Slot>,
}

impl std::fmt::Debug for TaskFuture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TaskFuture")
            .field("index", &self.index)
            .field("done", &self.done())
            .finish()
    }
}

impl TaskFuture {
    pub(crate) fn new(index: usize) -> (Self, Arc<Slot>) {
        let slot = Arc::new(Slot::default());
        (Self { index, slot: Arc::clone(&slot) }, slot)
    }

    /// A future that is already finished (what `Serial` returns).
    pub(crate) fn ready(index: usize, outcome: Outcome) -> Self {
        let (future, slot) = Self::new(index);
        slot.complete(outcome);
        future
    }

    /// The submission number within its pool, from 0.
    pub fn index(&self) -> usize {
        self.index
    }

    /// True once the task has finished (with a value or an error).
    pub fn done(&self) -> bool {
        self.slot.lock().outcome.is_some()
    }

    /// Waits for the task and returns its outcome, or the task's error.
    pub fn outcome(&self) -> Result<TaskOutcome, TaskError> {
        let mut state = self.slot.lock();
        loop {
            if let Some(outcome) = &state.outcome {
                return outcome.clone();
            }
            state = self.slot.done.wait(state).unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }

    /// Waits for the task and returns its value, or the task's error (Python's `result()`).
    pub fn result(&self) -> Result<f64, TaskError> {
        self.outcome().map(|outcome| outcome.value)
    }
}

/// Yields the given futures in the order they finish (Python's `as_completed`). Futures that
/// are already done come first. Every future is yielded exactly once.
pub fn as_completed(futures: &[TaskFuture]) -> AsCompleted<'_> {
    let (sender, receiver) = crossbeam_channel::unbounded();
    for (position, future) in futures.iter().enumerate() {
        let mut state = future.slot.lock();
        if state.outcome.is_some() {
            // Already finished: the send cannot fail, the receiver is alive right here.
            let _ = sender.send(position);
        } else {
            state.waiters.push((sender.clone(), position));
        }
    }
    AsCompleted { futures, receiver, remaining: futures.len() }
}

/// The iterator returned by [`as_completed`].
pub struct AsCompleted<'a> {
    futures: &'a [TaskFuture],
    receiver: crossbeam_channel::Receiver<usize>,
    remaining: usize,
}

impl<'a> Iterator for AsCompleted<'a> {
    type Item = &'a TaskFuture;

    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        // Every slot is completed exactly once by its pool, on success, failure, a broken
        // pool or shutdown, so this receive always ends; a pool that was dropped completes
        // its pending slots with an error before it goes.
        let position = self.receiver.recv().ok()?;
        self.remaining -= 1;
        self.futures.get(position)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(value: f64) -> Outcome {
        Ok(TaskOutcome { value, worker: 0, start_s: 0.0, end_s: 0.0 })
    }

    #[test]
    fn as_completed_yields_in_completion_order() {
        let pairs: Vec<_> = (0..3).map(TaskFuture::new).collect();
        let futures: Vec<TaskFuture> = pairs.iter().map(|(f, _)| f.clone()).collect();
        pairs[1].1.complete(outcome(1.0));
        let mut order = as_completed(&futures);
        assert_eq!(order.next().map(TaskFuture::index), Some(1));
        pairs[2].1.complete(outcome(2.0));
        assert_eq!(order.next().map(TaskFuture::index), Some(2));
        pairs[0].1.complete(Err(TaskError::Failed("no".into())));
        assert_eq!(order.next().map(TaskFuture::index), Some(0));
        assert!(order.next().is_none());
        assert_eq!(futures[0].result(), Err(TaskError::Failed("no".into())));
    }

    #[test]
    fn the_first_outcome_wins() {
        let (future, slot) = TaskFuture::new(0);
        slot.complete(outcome(1.0));
        slot.complete(outcome(2.0));
        assert_eq!(future.result(), Ok(1.0));
    }
}
