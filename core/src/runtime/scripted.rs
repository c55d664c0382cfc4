//! A measurer that runs nothing: it answers every measurement with a time a script computes
//! from what was asked (executor, tasks, workers, and how many measurements came before), as
//! hyperfine's `MockExecutor` does. The runner's steps, adaptive rounds, resume and
//! bookkeeping become millisecond tests with exact expected outputs.

use std::time::Duration;

use super::{Measure, MeasureError};
use crate::bench::{Measurement, TaskSpan};
use crate::error::ExecutorError;
use crate::executor::ExecutorKind;
use crate::model::Runtime;
use crate::workload::Task;

/// What a script is asked: one measurement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Asked<'a> {
    /// The executor.
    pub executor: ExecutorKind,
    /// The tasks.
    pub tasks: &'a [Task],
    /// Workers.
    pub workers: usize,
    /// How many measurements this measurer answered before.
    pub count: usize,
}

/// A script's answer: the wall time in seconds, or a failure with its message (one that
/// starts with [`CPYTHON_REPORTED`] is reported as the CPython driver's, the rest as a pool's).
pub type Answer = Result<f64, String>;

/// The prefix of a scripted failure that stands for an error the CPython driver reported.
pub const CPYTHON_REPORTED: &str = "CPython: ";

/// A measurer whose times come from a script.
pub struct Scripted {
    runtime: Runtime,
    script: Box<dyn FnMut(Asked<'_>) -> Answer>,
    iterations: u64,
    count: usize,
}

impl Scripted {
    /// Measures as `runtime` with times from `script`; calibration answers `iterations`.
    pub fn new(
        runtime: Runtime,
        iterations: u64,
        script: impl FnMut(Asked<'_>) -> Answer + 'static,
    ) -> Self {
        Scripted { runtime, script: Box::new(script), iterations, count: 0 }
    }
}

impl Measure for Scripted {
    fn runtime(&self) -> Runtime {
        self.runtime
    }

    /// The script's time; each task a span on worker `index % workers`, worth 1.
    fn measure(
        &mut self,
        executor: ExecutorKind,
        tasks: &[Task],
        workers: usize,
    ) -> Result<Measurement, MeasureError> {
        let asked = Asked { executor, tasks, workers, count: self.count };
        self.count += 1;
        let elapsed_s = (self.script)(asked).map_err(|message| {
            match message.strip_prefix(CPYTHON_REPORTED) {
                Some(reported) => super::CpythonError::Reported(reported.to_string()).into(),
                None => MeasureError::Executor(ExecutorError::Broken(message)),
            }
        })?;
        let per_task = elapsed_s / tasks.len().max(1) as f64;
        // A user's function computes 90% of its time here and moves 100 bytes in, 10 out.
        let python = matches!(tasks.first(), Some(Task::Python { .. }));
        let spans = (0..tasks.len())
            .map(|task| TaskSpan {
                task,
                worker: task % workers.max(1),
                start_s: per_task * task as f64,
                end_s: per_task * (task + 1) as f64,
                value: 1.0,
                cpu_s: python.then_some(0.9 * per_task),
                bytes_in: python.then_some(100),
                bytes_out: python.then_some(10),
                gil: python.then_some(self.runtime.has_gil()),
            })
            .collect();
        Ok(Measurement { runtime: self.runtime, executor, workers, elapsed_s, spans, memory: None })
    }

    fn calibrate(&mut self, _target: Duration) -> Result<u64, MeasureError> {
        Ok(self.iterations)
    }
}
