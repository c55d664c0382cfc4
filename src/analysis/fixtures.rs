//! Rows the analysis's tests build their runs from, shared here so that no module's tests
//! reach into another's.

use super::summary::SummaryRow;
use crate::executor::ExecutorKind;
use crate::plan::Scenario;
use crate::point::{Point, Variant};
use crate::runtime::Runtime;
use crate::stats::{Estimate, Interval};

/// A CPU summary row at 2 workers with a speedup interval `ci` (and an ideal of 2).
pub fn cpu_row(runtime: Runtime, executor: ExecutorKind, ci: [f64; 2]) -> SummaryRow {
    let point =
        Point { runtime, executor, scenario: Scenario::Cpu, variant: Variant::Plain, workers: 2 };
    let interval = Interval { low: ci[0], high: ci[1], level: 0.9375 };
    SummaryRow {
        baseline_s: Some(0.04),
        ideal_s: Some(0.02),
        ideal_speedup: Some(2.0),
        speedup: Some(Estimate { value: (ci[0] + ci[1]) / 2.0, interval: Some(interval), n: 5 }),
        ..SummaryRow::example(point, 0.02)
    }
}
