//! What one worker costs, from the cost scenario: each measurement starts a pool whose
//! workers all meet once (one task each), so its first task's start is when the first worker
//! was up and its last task's start when the whole pool was; its memory was read before the
//! pool and with every worker up. Per pool this gives one worker's start-up and N workers'
//! (medians of the repeats with their intervals), the memory per worker (RSS, USS and PSS of
//! the pool's processes, the difference over N) and how the idle processes grew over the run;
//! and, for pools that compute in parallel, the task length under which starting the pool
//! costs more than it saves.

use std::collections::BTreeMap;

use serde::Serialize;

use super::stats::{Estimate, Unit};
use crate::executor::ExecutorKind;
use crate::model::StartMethod;
use crate::plan::Scenario;
use crate::results::{RunRow, TaskRow};
use crate::runtime::Runtime;
use crate::view::section::{Block, Chapter, SectionView, markdown};
use crate::view::table::{Cell, Column, Table};
use serde_json::json;

mod sentences;
#[cfg(test)]
mod tests;

/// One pool's price per worker.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkerCost {
    /// The runtime.
    pub runtime: Runtime,
    /// The pool.
    pub executor: ExecutorKind,
    /// One worker's start-up: from just before the pool was built to its first task's
    /// start, with one worker, seconds.
    pub one_start: Option<Estimate>,
    /// The largest pool measured.
    pub workers: u32,
    /// Its start-up: to its last worker's first task, seconds.
    pub pool_start: Option<Estimate>,
    /// Bytes per worker at [`WorkerCost::workers`]: resident, unique and proportional.
    pub rss: Option<Estimate>,
    /// Unique bytes per worker.
    pub uss: Option<Estimate>,
    /// Proportional bytes per worker.
    pub pss: Option<Estimate>,
    /// Resident bytes of the idle processes at the pool's first and last measurement.
    pub idle_growth: Option<(u64, u64)>,
}

/// The cost table and what it says.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostView {
    /// One row per runtime and pool.
    pub rows: Vec<CostRow>,
    /// The break-even sentences, the growth sentences and the caveats.
    pub sentences: Vec<String>,
}

/// A row of the cost table, as shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostRow {
    /// The runtime.
    pub runtime: String,
    /// The pool.
    pub executor: String,
    /// One worker's start-up, ms with its interval.
    pub one_start: String,
    /// The largest pool's start-up, ms with its interval, and its size.
    pub pool_start: String,
    /// RSS per worker, MiB.
    pub rss: String,
    /// USS per worker, MiB.
    pub uss: String,
    /// PSS per worker, MiB.
    pub pss: String,
    /// The idle processes' RSS at the first and last measurement, MiB.
    pub growth: String,
}

/// The measurements of one pool at one worker count: each measurement's rows and tasks.
struct Measured<'a> {
    runs: Vec<&'a RunRow>,
    starts: BTreeMap<u32, Vec<f64>>,
}

/// Every pool's cost from the cost scenario's `runs` and `tasks`.
pub fn costs(runs: &[RunRow], tasks: &[TaskRow]) -> Vec<WorkerCost> {
    let mut by_pool: BTreeMap<(Runtime, ExecutorKind), BTreeMap<u32, Measured<'_>>> =
        BTreeMap::new();
    for run in runs.iter().filter(|r| r.point.scenario == Scenario::Cost && r.measured()) {
        let point = run.point;
        let at = by_pool.entry((point.runtime, point.executor)).or_default();
        let measured = at
            .entry(point.workers)
            .or_insert_with(|| Measured { runs: Vec::new(), starts: BTreeMap::new() });
        measured.runs.push(run);
        measured.starts.insert(run.measurement, Vec::new());
    }
    for task in tasks.iter().filter(|t| t.scenario == Scenario::Cost && !t.warmup) {
        let measured = by_pool
            .get_mut(&(task.runtime, task.executor))
            .and_then(|at| at.get_mut(&task.workers))
            .and_then(|m| m.starts.get_mut(&task.measurement));
        if let Some(starts) = measured {
            starts.push(task.start_s);
        }
    }
    by_pool
        .into_iter()
        .filter_map(|((runtime, executor), at)| cost(runtime, executor, &at))
        .collect()
}

fn cost(
    runtime: Runtime,
    executor: ExecutorKind,
    at: &BTreeMap<u32, Measured<'_>>,
) -> Option<WorkerCost> {
    let first_start = |m: &Measured<'_>| {
        let firsts: Vec<f64> = m.starts.values().filter_map(|s| fold(s, f64::min)).collect();
        Estimate::of(&firsts)
    };
    let last_start = |m: &Measured<'_>| {
        let lasts: Vec<f64> = m.starts.values().filter_map(|s| fold(s, f64::max)).collect();
        Estimate::of(&lasts)
    };
    let (&workers, largest) = at.last_key_value()?;
    let per_worker = |pick: fn((f64, f64, f64)) -> f64| {
        let values: Vec<f64> = largest
            .runs
            .iter()
            .filter_map(|r| r.memory)
            .map(|m| pick(m.per_worker(workers)))
            .collect();
        Estimate::of(&values)
    };
    let mut ordered: Vec<&RunRow> = at.values().flat_map(|m| m.runs.iter().copied()).collect();
    ordered.sort_by_key(|r| r.measurement);
    let idle: Vec<u64> = ordered.iter().filter_map(|r| r.memory).map(|m| m.idle.rss).collect();
    Some(WorkerCost {
        runtime,
        executor,
        one_start: at.get(&1).and_then(first_start),
        workers,
        pool_start: if workers > 1 { last_start(largest) } else { None },
        rss: per_worker(|(rss, _, _)| rss),
        uss: per_worker(|(_, uss, _)| uss),
        pss: per_worker(|(_, _, pss)| pss),
        idle_growth: idle.first().zip(idle.last()).map(|(a, b)| (*a, *b)),
    })
}

fn fold(values: &[f64], pick: fn(f64, f64) -> f64) -> Option<f64> {
    values.iter().copied().reduce(pick)
}

/// The report's view of `costs`: the table, and the sentences (the tasks below which a
/// pool of `tasks` tasks does not pay for itself on `cores` cores); `None` without costs.
pub fn view(
    costs: &[WorkerCost],
    tasks: u32,
    cores: usize,
    defaults: &BTreeMap<Runtime, StartMethod>,
) -> Option<CostView> {
    if costs.is_empty() {
        return None;
    }
    let rows = costs.iter().map(|c| row(c, defaults.get(&c.runtime))).collect();
    Some(CostView { rows, sentences: sentences::sentences(costs, tasks, cores) })
}

/// The pool's label: a CPython's plain process pool names its default start method.
fn row(cost: &WorkerCost, default_method: Option<&StartMethod>) -> CostRow {
    let dash = || "-".to_string();
    let ms = |e: &Estimate| e.shown(Unit::Millis);
    let mib = |e: &Estimate| e.shown(Unit::MiB);
    CostRow {
        runtime: cost.runtime.to_string(),
        executor: match default_method {
            Some(method) if cost.executor == ExecutorKind::Processes => {
                format!("processes ({method}, the default)")
            }
            _ => cost.executor.name().to_string(),
        },
        one_start: cost.one_start.as_ref().map_or_else(dash, ms),
        pool_start: cost
            .pool_start
            .as_ref()
            .map_or_else(dash, |e| format!("{} ({})", ms(e), cost.workers)),
        rss: cost.rss.as_ref().map_or_else(dash, mib),
        uss: cost.uss.as_ref().map_or_else(dash, mib),
        pss: cost.pss.as_ref().map_or_else(dash, mib),
        growth: cost.idle_growth.map_or_else(dash, |(first, last)| {
            let mib = |b: u64| b as f64 / f64::from(1 << 20);
            format!("{:.1} to {:.1} MiB", mib(first), mib(last))
        }),
    }
}

/// The cost section's heading.
pub const TITLE: &str = "What one worker costs";

/// "What one worker costs": the table and the sentences of [`view`].
pub fn section(input: &super::input::Input) -> Vec<SectionView> {
    let tasks = u32::try_from(input.plan.tasks).unwrap_or(u32::MAX);
    let costs = costs(input.runs, input.tasks);
    let Some(view) = view(&costs, tasks, input.cores, &input.start_methods) else {
        return Vec::new();
    };
    let mut table = Table::new(vec![
        Column::text("runtime"),
        Column::text("pool"),
        Column::numbers("one worker starts in"),
        Column::numbers("the largest pool starts in (workers)"),
        Column::numbers("RSS per worker"),
        Column::numbers("USS per worker"),
        Column::numbers("PSS per worker"),
        Column::numbers("idle RSS, first to last"),
    ]);
    for row in view.rows {
        table.push(vec![
            Cell::Text(row.runtime),
            Cell::Text(row.executor),
            Cell::Shown(row.one_start),
            Cell::Shown(row.pool_start),
            Cell::Shown(row.rss),
            Cell::Shown(row.uss),
            Cell::Shown(row.pss),
            Cell::Shown(row.growth),
        ]);
    }
    vec![
        SectionView::headed(Chapter::Measured, TITLE)
            .prose("cost_intro", json!({}))
            .block(Block::Table(table))
            .block(Block::List(markdown(view.sentences))),
    ]
}
