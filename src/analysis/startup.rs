//! What a pool costs to start and shut down, from the startup scenario (one empty task per
//! worker, so the wall time is the pool's life and nothing else), and what that cost says
//! about a pool that ran slower than serial: the sentence sets the start-up beside the work
//! the pool had to share, so a reader can tell start-up from contention.

use serde::Serialize;
use serde_json::json;

use super::input::Input;
use super::stats::{Against, Estimate};
use super::summary::SummaryRow;
use crate::executor::ExecutorKind;
use crate::plan::Scenario;
use crate::runtime::Runtime;
use crate::verdict::count;
use crate::view::section::{Block, Chapter, SectionView, markdown};
use crate::view::table::{Cell, Column, Table};

/// One pool's start-and-shutdown cost.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StartupCost {
    /// The runtime.
    pub runtime: Runtime,
    /// The pool.
    pub executor: ExecutorKind,
    /// Its workers.
    pub workers: u32,
    /// The wall time of a pool's life with one empty task per worker, seconds.
    pub cost: Estimate,
}

impl StartupCost {
    /// Milliseconds with the interval: "52.3 ms [49.0, 55.1]".
    pub fn shown_ms(&self) -> String {
        self.cost.shown(crate::stats::Unit::Millis)
    }
}

/// Every pool's start-up cost the run measured, by runtime, executor and workers.
pub fn costs(summary: &[SummaryRow]) -> Vec<StartupCost> {
    let mut costs: Vec<StartupCost> = summary
        .iter()
        .filter(|r| r.point.scenario == Scenario::Startup && r.n() > 0)
        .map(|r| StartupCost {
            runtime: r.point.runtime,
            executor: r.point.executor,
            workers: r.point.workers,
            cost: r.median,
        })
        .collect();
    costs.sort_by_key(|c| (c.runtime, c.executor, c.workers));
    costs
}

/// The costs as a table: one row per runtime and pool, one column per worker count.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostTable {
    /// The worker counts, in order.
    pub workers: Vec<u32>,
    /// One row per runtime and pool.
    pub rows: Vec<CostTableRow>,
}

/// A row of [`CostTable`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostTableRow {
    /// The runtime's label.
    pub runtime: String,
    /// The pool's name.
    pub executor: String,
    /// Each worker count's cost as shown, "-" where it was not measured.
    pub cells: Vec<String>,
}

/// [`costs`] pivoted for the report; `None` when the run measured none.
pub fn table(summary: &[SummaryRow]) -> Option<CostTable> {
    let costs = costs(summary);
    let mut workers: Vec<u32> = costs.iter().map(|c| c.workers).collect();
    workers.sort_unstable();
    workers.dedup();
    let mut pools: Vec<(Runtime, ExecutorKind)> =
        costs.iter().map(|c| (c.runtime, c.executor)).collect();
    pools.dedup();
    let rows: Vec<CostTableRow> = pools
        .into_iter()
        .map(|(runtime, executor)| CostTableRow {
            runtime: runtime.to_string(),
            executor: executor.name().to_string(),
            cells: workers
                .iter()
                .map(|&w| {
                    costs
                        .iter()
                        .find(|c| (c.runtime, c.executor, c.workers) == (runtime, executor, w))
                        .map_or("-".to_string(), StartupCost::shown_ms)
                })
                .collect(),
        })
        .collect();
    (!rows.is_empty()).then_some(CostTable { workers, rows })
}

/// One sentence per pool of 2 workers or more whose CPU speedup lies below 1 by its
/// interval: the start-up cost of that pool beside the work it shared out. (One worker is
/// serial work plus a pool's costs: slower by construction.)
pub fn slower_than_serial(summary: &[SummaryRow], cores: usize) -> Vec<String> {
    let costs = costs(summary);
    summary
        .iter()
        .filter(|r| r.point.scenario == Scenario::Cpu && r.point.workers >= 2)
        .filter_map(|row| Some((row, row.speedup?)))
        .filter(|(_, speedup)| speedup.against(1.0) == Against::Below)
        .filter_map(|(row, speedup)| {
            let point = row.point;
            let serial_s = row.baseline_s?;
            let lead = format!(
                "{}, {} at {}: {} the serial speed",
                point.runtime,
                point.executor.name(),
                crate::verdict::count(point.workers as usize, "worker"),
                speedup
            );
            let cost = costs.iter().find(|c| {
                (c.runtime, c.executor, c.workers) == (point.runtime, point.executor, point.workers)
            });
            Some(match cost {
                Some(cost) => explain(row, cost, serial_s, cores, &lead),
                None => format!(
                    "{lead}; this run did not measure the pool's start-up (the startup \
                     scenario), so start-up and contention cannot be told apart."
                ),
            })
        })
        .collect()
}

fn explain(
    row: &SummaryRow,
    cost: &StartupCost,
    serial_s: f64,
    cores: usize,
    lead: &str,
) -> String {
    let workers = row.point.workers as usize;
    // Threads under an interpreter lock compute one at a time: they share no work out.
    let one_lock = row.point.executor == ExecutorKind::Threads && row.point.runtime.has_gil();
    let share = if one_lock { 1 } else { workers.min(cores.max(1)) };
    let work_s = serial_s / share as f64;
    let what = if one_lock {
        format!("{work_s:.3} s of computing (the serial time: its threads take turns on one lock)")
    } else {
        format!(
            "{:.3} s of computing (the serial {:.3} s shared by {})",
            work_s,
            serial_s,
            crate::verdict::count(share, "core")
        )
    };
    let extra_s = row.median.value - work_s;
    let judgement = match (cost.cost.value >= 0.5 * extra_s, one_lock) {
        (true, _) => "start-up accounts for most of the time lost",
        (false, true) => {
            "start-up explains little of the time lost: the rest is the lock passing from \
             thread to thread"
        }
        // More workers than cores take turns on them; within the cores they do not.
        (false, false) if workers > cores => {
            "start-up explains little of the time lost: the rest is oversubscription (more \
             workers than cores, taking turns on them) and the pool's own traffic"
        }
        (false, false) => {
            "start-up explains little of the time lost: the rest is the pool's own traffic and \
             what its workers share besides the cores (memory, caches)"
        }
    };
    format!(
        "{lead}. Starting and stopping its workers took {:.3} s (median, one empty task each) \
         against {what}: {judgement}.",
        cost.cost.value
    )
}

#[cfg(test)]
mod tests;

/// The start-up section's heading.
pub const TITLE: &str = "What a pool costs to start";

/// "What a pool costs to start": the cost of each pool at each worker count.
pub fn section(input: &Input) -> Vec<SectionView> {
    let Some(costs) = table(input.summary) else { return Vec::new() };
    let mut columns = vec![Column::text("runtime"), Column::text("pool")];
    columns.extend(costs.workers.iter().map(|&w| Column::numbers(count(w as usize, "worker"))));
    let mut shown = Table::new(columns);
    for row in costs.rows {
        let mut cells = vec![Cell::Text(row.runtime), Cell::Text(row.executor)];
        cells.extend(row.cells.into_iter().map(Cell::Shown));
        shown.push(cells);
    }
    vec![
        SectionView::headed(Chapter::Measured, TITLE)
            .prose("startup_intro", json!({}))
            .block(Block::Table(shown)),
    ]
}

/// The pools slower than serial, each with its start-up beside its work (no heading).
pub fn slower_than_serial_section(input: &Input) -> Vec<SectionView> {
    let sentences = slower_than_serial(input.summary, input.cores);
    if sentences.is_empty() {
        return Vec::new();
    }
    vec![
        SectionView::part(Chapter::Measured)
            .prose("slower_than_serial_intro", json!({}))
            .block(Block::List(markdown(sentences))),
    ]
}
