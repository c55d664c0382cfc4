//! `Serial`: runs each task in the caller's thread when it is submitted. The baseline every
//! speedup is measured against, with the same interface as the pools.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::future::TaskFuture;
use super::gil::Gil;
use super::thread_pool::run_task;
use super::{Executor, ExecutorKind};
use crate::error::ExecutorError;
use crate::workload::Task;

/// Runs tasks one after another in the calling thread. While it exists the calling thread
/// has the workers' 1 ns timer slack; dropping it restores the caller's own.
pub struct Serial {
    submitted: AtomicUsize,
    gil: Option<Gil>,
    shut_down: bool,
    caller_slack: Option<u64>,
}

impl Default for Serial {
    fn default() -> Self {
        Self::new(None)
    }
}

impl Serial {
    /// A serial executor; with `gil`, each task takes that (uncontended) interpreter lock, as
    /// single-threaded CPython does.
    pub fn new(gil: Option<Gil>) -> Self {
        // Tasks run in this (the calling) thread: give it the workers' timer precision.
        let caller_slack = crate::clock::timer_slack();
        crate::clock::precise_timers();
        Self { submitted: AtomicUsize::new(0), gil, shut_down: false, caller_slack }
    }
}

impl Drop for Serial {
    fn drop(&mut self) {
        if let Some(slack) = self.caller_slack {
            crate::clock::set_timer_slack(slack);
        }
    }
}

impl Executor for Serial {
    fn kind(&self) -> ExecutorKind {
        ExecutorKind::Serial
    }

    fn workers(&self) -> usize {
        1
    }

    fn submit(&self, task: Task) -> Result<TaskFuture, ExecutorError> {
        if self.shut_down {
            return Err(ExecutorError::ShutDown);
        }
        let index = self.submitted.fetch_add(1, Ordering::Relaxed);
        Ok(TaskFuture::ready(index, run_task(&task, 0, self.gil.as_ref())))
    }

    fn shutdown(&mut self) -> Result<(), ExecutorError> {
        self.shut_down = true;
        Ok(())
    }
}
