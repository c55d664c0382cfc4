//! The driver's requests as methods: one typed [`Request`] out, its typed reply back
//! ([`CpythonDriver::call`]), for the lesson's measurements, the calibration, the `burn_cpu`
//! check and the overhead suite's operations.

use std::io::Write;
use std::time::Duration;

use serde::de::DeserializeOwned;

use super::process::LineError;
use super::protocol::{self, BurnReply, CalibrateReply, ElapsedReply, MeasureReply, Request};
use super::{CpythonDriver, CpythonError};
use crate::bench::Measurement;
use crate::executor::ExecutorKind;
use crate::workload::Task;

impl CpythonDriver {
    /// Sends one request and reads its reply as `R`; a reply with "error" is `Reported`.
    pub(super) fn call<R: DeserializeOwned>(
        &mut self,
        request: &Request<'_>,
    ) -> Result<R, CpythonError> {
        self.call_within(request, None)
    }

    /// [`CpythonDriver::call`], killing the driver and its pool when no line comes for
    /// `limit` (progress events count).
    pub(super) fn call_within<R: DeserializeOwned>(
        &mut self,
        request: &Request<'_>,
        limit: Option<Duration>,
    ) -> Result<R, CpythonError> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| CpythonError::Protocol("the driver is closed".into()))?;
        let mut line =
            serde_json::to_vec(request).map_err(|e| CpythonError::Protocol(e.to_string()))?;
        line.push(b'\n');
        let exited = |driver: &mut Self, what: String| {
            let status = driver.child.try_wait().ok().flatten();
            CpythonError::Protocol(match status {
                Some(status) => format!("{what}; python3 {status}"),
                None => what,
            })
        };
        if let Err(error) = stdin.write_all(&line).and_then(|()| stdin.flush()) {
            return Err(exited(self, format!("cannot write to the driver: {error}")));
        }
        let reply = match self.reply_line(limit) {
            Ok(Some(reply)) => reply,
            Ok(None) => {
                // The exit status, where the process is gone already.
                std::thread::sleep(Duration::from_millis(20));
                let status = self.child.try_wait().ok().flatten();
                return Err(CpythonError::Exited(
                    status.map_or_else(String::new, |s| format!(" ({s})")),
                ));
            }
            Err(LineError::Read(error)) => {
                return Err(exited(self, format!("cannot read from the driver: {error}")));
            }
            Err(LineError::Failed(error)) => return Err(error),
        };
        protocol::reply(request.op(), reply)
    }

    /// Runs `tasks` with `executor` and `workers` in CPython, timed as the lesson does.
    pub fn measure(
        &mut self,
        executor: ExecutorKind,
        tasks: &[Task],
        workers: usize,
    ) -> Result<Measurement, CpythonError> {
        let python = matches!(tasks.first(), Some(Task::Python { .. }));
        // The cost scenario: the driver waits with its pool up while its memory is read.
        let hold = tasks.iter().any(|task| matches!(task, Task::Gather { .. }));
        self.before_pool = if hold { self.tree_memory() } else { None };
        self.held = None;
        let pin = self.pin.clone();
        let (executor_name, pin) = (executor.name(), pin.as_deref());
        let request = if python {
            // The home driver's first serial results are what `==` compares against.
            let keep_reference = executor == ExecutorKind::Serial;
            Request::MeasureFunction {
                executor: executor_name,
                workers,
                tasks,
                keep_reference,
                pin,
            }
        } else {
            Request::Measure { executor: executor_name, workers, tasks, hold, pin }
        };
        // Under a GIL a pool's tasks share one core and finish together: the first result
        // of N workers comes after about N tasks' time, so the limit grows with the pool.
        let limit = self.task_timeout.filter(|_| python).map(|t| t * workers.max(1) as u32);
        let reply: MeasureReply = self.call_within(&request, limit)?;
        let workers = if executor == ExecutorKind::Serial { 1 } else { workers };
        Ok(Measurement {
            runtime: self.runtime,
            executor,
            workers,
            elapsed_s: reply.elapsed_s,
            spans: reply.spans,
            memory: self.held.take(),
        })
    }

    /// The iteration count that makes CPython's burn_cpu last about `target`.
    pub fn calibrate(&mut self, target: Duration) -> Result<u64, CpythonError> {
        let reply: CalibrateReply =
            self.call(&Request::Calibrate { target_s: target.as_secs_f64() })?;
        Ok(reply.iterations)
    }

    /// CPython's `burn_cpu(n)` for each `n`, as the exact `repr` strings it prints.
    pub fn burn_cpu_reprs(&mut self, iterations: &[u64]) -> Result<Vec<String>, CpythonError> {
        let reply: BurnReply = self.call(&Request::Burn { iterations })?;
        Ok(reply.values)
    }

    /// Seconds CPython takes for one benchmark operation of the overhead suite: `dispatch`
    /// (`count` no-ops) or `lifecycle` (a pool started, one no-op per worker; `count` unused).
    pub fn time_operation(
        &mut self,
        op: &str,
        executor: ExecutorKind,
        workers: usize,
        count: usize,
    ) -> Result<f64, CpythonError> {
        let executor = executor.name();
        let request = match op {
            "dispatch" => Request::Dispatch { executor, workers, count },
            "lifecycle" => Request::Lifecycle { executor, workers },
            other => {
                let known = "dispatch or lifecycle";
                return Err(CpythonError::Protocol(format!(
                    "no overhead operation {other:?} ({known})"
                )));
            }
        };
        let reply: ElapsedReply = self.call(&request)?;
        Ok(reply.elapsed_s)
    }
}
