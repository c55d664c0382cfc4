//! The CPU task length each runtime really ran, set against the length the calibration aimed
//! at: the serial baseline's wall time over its task count, the median over the repeats.
//!
//! Calibration measures the loop's speed for a fraction of a second; on a machine whose speed
//! swings from second to second, the tasks can come out longer or shorter than planned, and
//! pools' start-up then weighs differently against them. The report states every runtime's
//! realised length, says so in one sentence where it is more than [`TOLERANCE`] off, and
//! plan.json records both lengths.

use serde::{Deserialize, Serialize};

use super::RunRow;
use crate::executor::ExecutorKind;
use crate::plan::Scenario;
use crate::point::Variant;
use crate::runtime::Runtime;
use gilbench_core::stats::Estimate;

/// How far a realised length may lie from its target before the report says so (15%).
pub const TOLERANCE: f64 = 0.15;

/// One runtime's CPU task length, planned and realised.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TaskLength {
    /// The runtime.
    pub runtime: Runtime,
    /// The length the calibration aimed at, ms.
    pub target_ms: f64,
    /// The median serial task length over the repeats, ms.
    pub realised_ms: f64,
    /// The realised length's interval, ms (none under the samples an interval needs).
    #[serde(default)]
    pub realised_low_ms: Option<f64>,
    /// Its upper end.
    #[serde(default)]
    pub realised_high_ms: Option<f64>,
    /// burn_cpu iterations per task.
    pub iterations: u64,
    /// Serial repeats measured.
    pub repeats: usize,
}

impl TaskLength {
    /// realised / target.
    pub fn ratio(&self) -> f64 {
        self.realised_ms / self.target_ms
    }

    /// True when the realised length is more than [`TOLERANCE`] off its target.
    pub fn off_target(&self) -> bool {
        (self.ratio() - 1.0).abs() > TOLERANCE
    }

    /// Iterations per millisecond as the tasks ran (not as calibrated).
    pub fn realised_rate(&self) -> f64 {
        self.iterations as f64 / self.realised_ms
    }

    /// The sentence for a length off its target: "The CPU tasks of cpython-3.11 lasted 35.1 ms,
    /// not the 20 ms aimed at (76% longer): ...".
    pub fn warning(&self) -> String {
        let ratio = self.ratio();
        let (how, change) =
            if ratio > 1.0 { ("longer", ratio - 1.0) } else { ("shorter", 1.0 - ratio) };
        format!(
            "The CPU tasks of {} lasted {} ms, not the {} ms aimed at ({:.0}% {how}): the machine \
             ran its loop at another speed than during calibration, so its speedups rest on \
             tasks of another length than the other runtimes'",
            self.runtime,
            shown_ms(self.realised_ms),
            shown_ms(self.target_ms),
            change * 100.0
        )
    }
}

/// "35.1", "20", "0.84": milliseconds with three significant digits at most.
pub fn shown_ms(ms: f64) -> String {
    let digits = if ms >= 100.0 {
        0
    } else if ms >= 10.0 {
        1
    } else {
        2
    };
    let text = format!("{ms:.digits$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// Each runtime's realised CPU task length, in the order the runtimes first appear: from the
/// successful serial measurements of the plain CPU scenario (warm-ups left out) whose tasks
/// were calibrated (`task_s` > 0).
pub fn realised(runs: &[RunRow]) -> Vec<TaskLength> {
    let serial_cpu = |r: &&RunRow| {
        r.measured()
            && r.tasks > 0
            && r.task_s > 0.0
            && r.point.scenario == Scenario::Cpu
            && r.point.executor == ExecutorKind::Serial
            && r.point.variant == Variant::Plain
    };
    Runtime::present(runs.iter().map(|r| r.point.runtime))
        .into_iter()
        .filter_map(|runtime| {
            let rows: Vec<&RunRow> =
                runs.iter().filter(serial_cpu).filter(|r| r.point.runtime == runtime).collect();
            let first = rows.first()?;
            let per_task: Vec<f64> =
                rows.iter().map(|r| r.elapsed_s / f64::from(r.tasks) * 1000.0).collect();
            let estimate = Estimate::of(&per_task)?;
            Some(TaskLength {
                runtime,
                target_ms: first.task_s * 1000.0,
                realised_ms: estimate.value,
                realised_low_ms: estimate.interval.map(|i| i.low),
                realised_high_ms: estimate.interval.map(|i| i.high),
                iterations: first.cpu_iterations,
                repeats: per_task.len(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
