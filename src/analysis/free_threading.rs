//! The free-threaded build's own price, from three arms measured in the same run: the GIL
//! build of the same version (`cpython-3.13`), the free-threaded build with its GIL forced
//! back on (`cpython-3.13t-gil`, `PYTHON_GIL=1`) and the free-threaded build as it comes
//! (`cpython-3.13t`). Each runtime sizes its CPU tasks to the same length, so times are not
//! compared directly: every figure here is a rate, burn_cpu iterations per second, and every
//! ratio is paired by repeat (the arms of one repeat ran in the same pass, minutes apart at
//! most), with the interval of the per-repeat ratios.
//!
//! The single-thread slowdown is the GIL build's rate over the free-threaded build's, one
//! worker in series each. The speedups put every arm's pools on the GIL build's one worker,
//! so they add up the build's price and the lock's gain; the free-threaded threads over the
//! GIL build's processes say where, if anywhere, the build overtakes what a GIL build can do.

use serde::Serialize;

use super::stats::{self, Against, Estimate};
use crate::executor::ExecutorKind;
use crate::plan::Scenario;
use crate::point::{Point, Variant};
use crate::results::{RunRow, TaskRow};
use crate::runtime::Runtime;
use crate::view::section::{Block, Chapter, SectionView, markdown, slug};
use crate::view::table::{Cell, Column, Table};

mod sentences;
#[cfg(test)]
mod tests;

/// One free-threaded build's price, as the report shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BuildPrice {
    /// The free-threaded build, its GIL off (`cpython-3.13t`).
    pub build: Runtime,
    /// The same build with `PYTHON_GIL=1`, when it was measured.
    pub forced: Option<Runtime>,
    /// The GIL build of the same version, when it was measured.
    pub gil_build: Option<Runtime>,
    /// The runtime whose one worker every speedup is against: the GIL build, else the
    /// free-threaded build itself.
    pub baseline: Runtime,
    /// One worker's time per iteration, the free-threaded build over the GIL build.
    pub slowdown: Option<Estimate>,
    /// The same with the GIL forced back on.
    pub forced_slowdown: Option<Estimate>,
    /// One worker's time per iteration, the build with `PYTHON_GIL=1` over the build as it
    /// comes: what turning the lock back on costs one thread.
    pub forced_over_free: Option<Estimate>,
    /// One row per worker count.
    pub rows: Vec<PriceRow>,
    /// The first worker count where the build's threads beat the GIL build's processes
    /// (their interval above 1).
    pub overtakes_at: Option<u32>,
    /// The sentences: the slowdown, the overtaking point, a GIL that came back.
    pub sentences: Vec<String>,
}

/// Every arm's pools at one worker count, against [`BuildPrice::baseline`]'s one worker.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PriceRow {
    /// Workers.
    pub workers: u32,
    /// The GIL build's threads.
    pub gil_threads: Option<Estimate>,
    /// The GIL build's processes.
    pub gil_processes: Option<Estimate>,
    /// The free-threaded build's threads with `PYTHON_GIL=1`.
    pub forced_threads: Option<Estimate>,
    /// The free-threaded build's threads, its GIL off.
    pub free_threads: Option<Estimate>,
    /// The free-threaded build's threads over the GIL build's processes.
    pub free_over_gil_processes: Option<Estimate>,
    /// The free-threaded build's threads over the same threads with `PYTHON_GIL=1`: the
    /// lock's gain alone.
    pub lock_gain: Option<Estimate>,
}

/// The rates (iterations per second) of one point's measured repeats, by repeat.
fn rates(runs: &[RunRow], point: Point) -> Vec<(u32, f64)> {
    runs.iter()
        .filter(|r| r.point == point && r.measured() && r.elapsed_s > 0.0)
        .map(|r| (r.repeat, f64::from(r.tasks) * r.cpu_iterations as f64 / r.elapsed_s))
        .filter(|(_, rate)| rate.is_finite() && *rate > 0.0)
        .collect()
}

/// `a`'s rate over `b`'s, paired by repeat; the ratio of the medians (no interval) where no
/// repeat holds both; `None` where either was not measured.
fn rate_ratio(runs: &[RunRow], a: Point, b: Point) -> Option<Estimate> {
    stats::paired_or_medians(&rates(runs, a), &rates(runs, b))
}

/// A serial CPU point of `runtime`.
fn serial(runtime: Runtime) -> Point {
    Point {
        runtime,
        executor: ExecutorKind::Serial,
        scenario: Scenario::Cpu,
        variant: Variant::Plain,
        workers: 1,
    }
}

/// The price of every free-threaded build the run measured on the cpu scenario.
pub fn prices(runs: &[RunRow], tasks: &[TaskRow]) -> Vec<BuildPrice> {
    let runtimes = Runtime::present(
        runs.iter().filter(|r| r.point.scenario == Scenario::Cpu).map(|r| r.point.runtime),
    );
    runtimes
        .iter()
        .filter(|r| r.is_free_threaded())
        .filter_map(|&build| price(runs, tasks, build, &runtimes))
        .collect()
}

/// Where a free-threaded build's threads stand against its GIL build's processes.
#[derive(Debug, Clone, PartialEq)]
pub enum Standing {
    /// Ahead by their interval, first at `workers`.
    Overtakes {
        /// The first worker count where they are ahead.
        workers: u32,
        /// Their rate over the processes' there.
        ratio: Estimate,
    },
    /// Behind by their interval at every count from 2 workers measured (a pool of one is
    /// no comparison of pools); `workers` is the largest.
    Behind {
        /// The largest worker count.
        workers: u32,
        /// Their rate over the processes' there.
        ratio: Estimate,
    },
    /// Neither ahead anywhere nor behind everywhere: not told apart at `workers`.
    Unresolved {
        /// The counts where the interval holds 1.
        workers: Vec<u32>,
        /// The ratio at the largest of them.
        ratio: Estimate,
    },
}

/// The standing of `price`'s threads, where the GIL build's processes were measured.
pub fn standing(price: &BuildPrice) -> Option<Standing> {
    let measured: Vec<(u32, Estimate)> =
        price.rows.iter().filter_map(|r| Some((r.workers, r.free_over_gil_processes?))).collect();
    if let Some(&(workers, ratio)) = measured.iter().find(|(_, e)| e.against(1.0) == Against::Above)
    {
        return Some(Standing::Overtakes { workers, ratio });
    }
    let pools: Vec<(u32, Estimate)> = measured.iter().copied().filter(|(w, _)| *w >= 2).collect();
    let pools = if pools.is_empty() { measured } else { pools };
    let &(largest, last) = pools.last()?;
    if pools.iter().all(|(_, e)| e.against(1.0) == Against::Below) {
        return Some(Standing::Behind { workers: largest, ratio: last });
    }
    let unresolved: Vec<(u32, Estimate)> =
        pools.into_iter().filter(|(_, e)| e.against(1.0) == Against::Unresolved).collect();
    let &(_, ratio) = unresolved.last()?;
    Some(Standing::Unresolved { workers: unresolved.iter().map(|(w, _)| *w).collect(), ratio })
}

/// The three arms of one free-threaded build, as far as the run measured them.
#[derive(Debug, Clone, Copy)]
struct Arms {
    build: Runtime,
    forced: Option<Runtime>,
    gil_build: Option<Runtime>,
    baseline: Runtime,
}

fn price(
    runs: &[RunRow],
    tasks: &[TaskRow],
    build: Runtime,
    runtimes: &[Runtime],
) -> Option<BuildPrice> {
    let tag = build.python_tag()?;
    let arm = |candidate: Runtime| runtimes.contains(&candidate).then_some(candidate);
    let forced = arm(Runtime::CpythonAt(tag.with_gil_forced()));
    let gil_build = arm(Runtime::CpythonAt(crate::model::PythonTag::gil(tag.minor)));
    let arms = Arms { build, forced, gil_build, baseline: gil_build.unwrap_or(build) };
    rates(runs, serial(arms.baseline)).first()?;
    let rows: Vec<PriceRow> =
        worker_counts(runs, build).into_iter().map(|n| price_row(runs, arms, n)).collect();
    let overtakes_at = rows
        .iter()
        .find(|row| row.free_over_gil_processes.is_some_and(|e| e.against(1.0) == Against::Above))
        .map(|row| row.workers);
    let mut price = BuildPrice {
        build,
        forced,
        gil_build,
        baseline: arms.baseline,
        slowdown: gil_build.and_then(|g| rate_ratio(runs, serial(g), serial(build))),
        forced_slowdown: gil_build
            .zip(forced)
            .and_then(|(g, f)| rate_ratio(runs, serial(g), serial(f))),
        forced_over_free: forced.and_then(|f| rate_ratio(runs, serial(build), serial(f))),
        rows,
        overtakes_at,
        sentences: Vec::new(),
    };
    price.sentences = sentences::sentences(&price, &gil_flags(tasks, build, forced));
    Some(price)
}

/// Every arm's pools at `workers`.
fn price_row(runs: &[RunRow], arms: Arms, workers: u32) -> PriceRow {
    let pool = |runtime: Runtime, executor| Point { executor, workers, ..serial(runtime) };
    let base = serial(arms.baseline);
    let against_base = |runtime: Option<Runtime>, executor| {
        runtime.and_then(|r| rate_ratio(runs, pool(r, executor), base))
    };
    let threads = ExecutorKind::Threads;
    let free_threads = pool(arms.build, threads);
    PriceRow {
        workers,
        gil_threads: against_base(arms.gil_build, threads),
        gil_processes: against_base(arms.gil_build, ExecutorKind::Processes),
        forced_threads: against_base(arms.forced, threads),
        free_threads: against_base(Some(arms.build), threads),
        free_over_gil_processes: arms
            .gil_build
            .and_then(|g| rate_ratio(runs, free_threads, pool(g, ExecutorKind::Processes))),
        lock_gain: arms.forced.and_then(|f| rate_ratio(runs, free_threads, pool(f, threads))),
    }
}

/// The worker counts of the build's thread pools on the cpu scenario, in order.
fn worker_counts(runs: &[RunRow], build: Runtime) -> Vec<u32> {
    let mut counts: Vec<u32> = runs
        .iter()
        .filter(|r| r.point.runtime == build && r.point.scenario == Scenario::Cpu)
        .filter(|r| r.point.executor == ExecutorKind::Threads)
        .map(|r| r.point.workers)
        .collect();
    counts.sort_unstable();
    counts.dedup();
    counts
}

/// What the workers said about their GIL, as `sys._is_gil_enabled()` read it in each task.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GilFlags {
    /// Tasks of the free-threaded build (GIL off) that ran with the GIL on, and all of its
    /// tasks that said.
    pub came_back: (usize, usize),
    /// Tasks of the `PYTHON_GIL=1` arm that ran with the GIL off, and all that said.
    pub stayed_off: (usize, usize),
}

fn gil_flags(tasks: &[TaskRow], build: Runtime, forced: Option<Runtime>) -> GilFlags {
    let count = |runtime: Runtime, wrong: bool| {
        let said: Vec<bool> =
            tasks.iter().filter(|t| t.runtime == runtime).filter_map(|t| t.gil).collect();
        (said.iter().filter(|&&gil| gil == wrong).count(), said.len())
    };
    GilFlags {
        came_back: count(build, true),
        stayed_off: forced.map_or((0, 0), |f| count(f, false)),
    }
}

/// The free-threaded price's heading (each build's adds ": <build>" where there are several).
pub const TITLE: &str = "The free-threaded build's price";

/// "The free-threaded build's price": a section per free-threaded build; the first is
/// anchored by [`TITLE`]'s slug, which the answer block links to.
pub fn section(input: &super::input::Input) -> Vec<SectionView> {
    let prices = prices(input.runs, input.tasks);
    let several = prices.len() > 1;
    prices
        .iter()
        .enumerate()
        .map(|(i, price)| {
            let title =
                if several { format!("{TITLE}: {}", price.build) } else { TITLE.to_string() };
            let mut section = SectionView::headed(Chapter::Measured, title)
                .prose("free_threading_intro", serde_json::to_value(price).unwrap_or_default())
                .block(Block::Table(price_table(price)))
                .block(Block::List(markdown(price.sentences.clone())));
            if i == 0 {
                section.id = Some(slug(TITLE));
            }
            section
        })
        .collect()
}

fn price_table(price: &BuildPrice) -> Table {
    let (gil, forced, build) = (price.gil_build, price.forced, price.build);
    let mut columns = vec![Column::numbers("workers")];
    if let Some(gil) = gil {
        columns.push(Column::numbers(format!("{gil} threads")));
        columns.push(Column::numbers(format!("{gil} processes")));
    }
    if let Some(forced) = forced {
        columns.push(Column::numbers(format!("{forced} threads")));
    }
    columns.push(Column::numbers(format!("{build} threads")));
    if forced.is_some() {
        columns.push(Column::numbers("the lock's gain"));
    }
    if let Some(gil) = gil {
        columns.push(Column::numbers(format!("{build} threads / {gil} processes")));
    }
    let mut table = Table::new(columns);
    for row in &price.rows {
        let mut cells = vec![Cell::shown(row.workers.to_string())];
        if gil.is_some() {
            cells.push(Cell::estimate(row.gil_threads.as_ref()));
            cells.push(Cell::estimate(row.gil_processes.as_ref()));
        }
        if forced.is_some() {
            cells.push(Cell::estimate(row.forced_threads.as_ref()));
        }
        cells.push(Cell::estimate(row.free_threads.as_ref()));
        if forced.is_some() {
            cells.push(Cell::estimate(row.lock_gain.as_ref()));
        }
        if gil.is_some() {
            cells.push(Cell::estimate(row.free_over_gil_processes.as_ref()));
        }
        table.push(cells);
    }
    table
}
