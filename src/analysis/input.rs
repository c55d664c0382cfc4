//! What every section of the report is built from: one run's rows and the settings they
//! were measured with, borrowed once. Each analysis module's `section` takes an [`Input`]
//! and returns its [`crate::view::section::SectionView`]s (none when the run has nothing
//! for it); the report's registry lists them in order.

use crate::analysis::scaling::Scaling;
use crate::analysis::summary::SummaryRow;
use crate::plan::Plan;
use crate::results::task_length::TaskLength;
use crate::results::{RunRow, TaskRow};
use crate::runtime::Runtime;

/// One run, as the sections see it.
#[derive(Debug, Clone)]
pub struct Input<'a> {
    /// The summary: one row per point.
    pub summary: &'a [SummaryRow],
    /// Every measurement.
    pub runs: &'a [RunRow],
    /// Every task of every measurement.
    pub tasks: &'a [TaskRow],
    /// The plan as the user asked it.
    pub plan: &'a Plan,
    /// The machine's logical cores.
    pub cores: usize,
    /// The worker count of the lesson's comparison.
    pub lesson_workers: u32,
    /// Each CPython's default start method of its process pool.
    pub start_methods: std::collections::BTreeMap<Runtime, crate::model::StartMethod>,
    /// Pools a runtime could not run here, with the reason ("cpython-3.11, interpreters: ...").
    pub unsupported: Vec<String>,
    /// The scaling laws fitted to the run's sweeps.
    pub scaling: &'a Scaling,
    /// The CPU tasks whose realised length missed their target.
    pub task_lengths_off: Vec<TaskLength>,
}
