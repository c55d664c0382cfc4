//! asyncio beside threads and processes, on the work it is for: waiting (the io scenario)
//! and waiting mixed with computing (the mixed scenario at each compute fraction). One event
//! loop overlaps every wait, as threads do, but computes on its one thread, one task at a
//! time (a loop per worker thread, `asyncio-threads`, computes on as many threads as the
//! interpreter lets run at once): the table gives each pool's speedup over serial at one worker count, and asyncio's
//! time against the threads' (paired by repeat, from the summary's rows), so a reader sees
//! where one loop keeps pace and where its computing serialises. One loop holds at most
//! as many tasks in flight as the pools have workers, so those columns compare equal
//! concurrency; a loop per thread holds every task at once, so it is set beside threads
//! with as many workers as it has tasks in flight, where the run measured them, and its
//! row says how many it held. A sentence names a cause (computing on the loop's one thread)
//! only where the tasks computed.

use serde::Serialize;

use super::stats::{self, Against, Estimate};
use super::summary::SummaryRow;
use crate::executor::ExecutorKind;
use crate::plan::Scenario;
use crate::point::Point;
use crate::results::RunRow;
use crate::runtime::Runtime;
use crate::view::section::{Block, Chapter, SectionView, markdown};
use crate::view::table::{Cell, Column, Table};

/// One CPython's asyncio rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AsyncioView {
    /// The runtime.
    pub runtime: Runtime,
    /// One row per workload.
    pub rows: Vec<AsyncioRow>,
    /// What the rows show.
    pub sentences: Vec<String>,
}

/// One workload's pools.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AsyncioRow {
    /// "io", "mixed cpu=0.5".
    pub workload: String,
    /// Workers (coroutines in flight, for asyncio).
    pub workers: u32,
    /// Threads' speedup over serial.
    pub threads: Option<Estimate>,
    /// Processes' speedup.
    pub processes: Option<Estimate>,
    /// asyncio's speedup.
    pub asyncio: Option<Estimate>,
    /// asyncio's speedup with one loop per worker thread.
    pub asyncio_threads: Option<Estimate>,
    /// How many tasks each measurement ran: what a loop per thread holds in flight.
    pub tasks: u32,
    /// Threads' speedup with as many workers as `tasks`: a loop per thread's equal.
    pub threads_at_tasks: Option<Estimate>,
    /// Those threads' time over a loop per thread's, paired by repeat.
    pub loops_over_threads: Option<Estimate>,
    /// Threads' time over asyncio's: above 1 where asyncio was faster.
    pub asyncio_over_threads: Option<Estimate>,
}

/// Every CPython's asyncio view, where asyncio was measured.
pub fn views(summary: &[SummaryRow], runs: &[RunRow]) -> Vec<AsyncioView> {
    let asyncio: Vec<&SummaryRow> =
        summary.iter().filter(|r| r.point.executor.is_asyncio()).collect();
    Runtime::present(asyncio.iter().map(|r| r.point.runtime))
        .into_iter()
        .map(|runtime| {
            let mut points: Vec<Point> = asyncio
                .iter()
                .filter(|r| r.point.runtime == runtime)
                .filter(|r| matches!(r.point.scenario, Scenario::Io | Scenario::Mixed))
                .map(|r| r.point.with_executor(ExecutorKind::Asyncio))
                .collect();
            points.sort();
            points.dedup();
            // The io sweep at its largest count; every mixed fraction.
            let io_largest =
                points.iter().filter(|p| p.scenario == Scenario::Io).map(|p| p.workers).max();
            points.retain(|p| p.scenario != Scenario::Io || Some(p.workers) == io_largest);
            let rows: Vec<AsyncioRow> = points.iter().map(|&p| row(summary, runs, p)).collect();
            let sentences = points
                .iter()
                .zip(&rows)
                .flat_map(|(p, row)| {
                    let computes = p.cpu_fraction().is_some_and(|f| f > 0.0);
                    sentences(runtime, row, computes)
                })
                .collect();
            AsyncioView { runtime, rows, sentences }
        })
        .collect()
}

fn row(summary: &[SummaryRow], runs: &[RunRow], point: Point) -> AsyncioRow {
    let speedup_at = |at: Point| summary.iter().find(|r| r.point == at).and_then(|r| r.speedup);
    let speedup = |executor: ExecutorKind| speedup_at(point.with_executor(executor));
    let times = |executor| super::summary::repeat_times(runs, point.with_executor(executor));
    let ratios = stats::paired_ratios(&times(ExecutorKind::Threads), &times(ExecutorKind::Asyncio));
    // Every pool of a point ran the same tasks: any of its rows says how many.
    let tasks = summary
        .iter()
        .find(|r| r.point.with_executor(ExecutorKind::Asyncio) == point)
        .map_or(point.workers, |r| r.tasks);
    let equal = Point { workers: tasks, ..point.with_executor(ExecutorKind::Threads) };
    let loops = stats::paired_ratios(
        &super::summary::repeat_times(runs, equal),
        &times(ExecutorKind::AsyncioThreads),
    );
    AsyncioRow {
        tasks,
        threads_at_tasks: speedup_at(equal),
        loops_over_threads: Estimate::of(&loops),
        workload: format!("{}{}", point.scenario, point.variant),
        workers: point.workers,
        threads: speedup(ExecutorKind::Threads),
        processes: speedup(ExecutorKind::Processes),
        asyncio: speedup(ExecutorKind::Asyncio),
        asyncio_threads: speedup(ExecutorKind::AsyncioThreads),
        asyncio_over_threads: Estimate::of(&ratios),
    }
}

/// The sentences of one row: one loop against the threads at equal concurrency, and a
/// loop per thread against threads holding as many tasks, or why it is not set beside them.
fn sentences(runtime: Runtime, row: &AsyncioRow, computes: bool) -> Vec<String> {
    let lead = format!(
        "{runtime}, {} at {}",
        row.workload,
        crate::verdict::count(row.workers as usize, "worker")
    );
    let mut said: Vec<String> = one_loop(&lead, row, computes).into_iter().collect();
    said.extend(loops(&lead, row));
    said
}

fn one_loop(lead: &str, row: &AsyncioRow, computes: bool) -> Option<String> {
    let ratio = row.asyncio_over_threads?;
    Some(match ratio.against(1.0) {
        Against::Above => format!(
            "{lead}: one event loop was faster than the threads ({ratio} their speed, as many tasks in flight): it waits without a thread per task."
        ),
        Against::Unresolved => format!(
            "{lead}: one event loop kept pace with the threads ({ratio} their speed, an interval that holds 1)."
        ),
        // Only tasks that compute have a CPU part for the loop's one thread to run in turn.
        Against::Below if computes => format!(
            "{lead}: one event loop ran at {ratio} the threads' speed: it computes every task's CPU part on its one thread, one after another, while the waits overlap."
        ),
        Against::Below => format!(
            "{lead}: one event loop was slower than the threads ({ratio} their speed, as many tasks in flight); these tasks only wait, so it is the loop's own cost, not computing."
        ),
    })
}

fn loops(lead: &str, row: &AsyncioRow) -> Option<String> {
    let speedup = row.asyncio_threads?;
    let tasks = row.tasks;
    // With a worker per task the pools hold every task too: nothing to say apart.
    if row.workers >= tasks {
        return None;
    }
    Some(match row.loops_over_threads {
        Some(ratio) => format!(
            "{lead}: a loop per thread held all {tasks} tasks in flight at once; against threads with {tasks} workers, which hold as many, it ran at {ratio} their speed."
        ),
        None => format!(
            "{lead}: a loop per thread held all {tasks} tasks in flight at once, the pools only {}, so its {speedup} speedup is not set against theirs; threads with {tasks} workers would hold as many, and this run did not measure them (a sweep with --workers up to {tasks} would).",
            row.workers
        ),
    })
}

/// "asyncio": each CPython's table and sentences, under one heading.
pub fn section(input: &super::input::Input) -> Vec<SectionView> {
    let views = views(input.summary, input.runs);
    if views.is_empty() {
        return Vec::new();
    }
    let mut section = SectionView::headed(Chapter::Measured, "asyncio")
        .prose("asyncio_intro", serde_json::json!({}));
    for view in views {
        section =
            section.block(Block::Table(table(&view))).block(Block::List(markdown(view.sentences)));
    }
    vec![section]
}

fn table(view: &AsyncioView) -> Table {
    let mut table = Table::new(vec![
        Column::text(format!("{}: workload", view.runtime)),
        Column::numbers("workers (tasks in flight)"),
        Column::numbers("threads"),
        Column::numbers("processes"),
        Column::numbers("asyncio"),
        Column::numbers("asyncio against threads"),
        Column::numbers("asyncio, a loop per thread"),
        Column::numbers("threads with a worker per task"),
        Column::numbers("a loop per thread against them"),
    ]);
    for row in &view.rows {
        let in_flight = |e: &Estimate| format!("{e} ({} in flight)", row.tasks);
        let per_task = |e: &Estimate| format!("{e} ({} workers)", row.tasks);
        table.push(vec![
            Cell::text(row.workload.clone()),
            Cell::shown(row.workers.to_string()),
            Cell::estimate(row.threads.as_ref()),
            Cell::estimate(row.processes.as_ref()),
            Cell::estimate(row.asyncio.as_ref()),
            Cell::estimate(row.asyncio_over_threads.as_ref()),
            Cell::or_dash(row.asyncio_threads.as_ref().map(in_flight)),
            Cell::shown(
                row.threads_at_tasks.as_ref().map_or_else(|| "not measured".into(), per_task),
            ),
            Cell::estimate(row.loops_over_threads.as_ref()),
        ]);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::summary::summarize;
    use crate::point::{Milli, Variant};

    fn runs(asyncio_mixed_s: f64) -> Vec<RunRow> {
        let io = |executor, workers| Point {
            runtime: Runtime::Cpython,
            executor,
            scenario: Scenario::Io,
            variant: Variant::Plain,
            workers,
        };
        let mixed = |executor, workers| Point {
            scenario: Scenario::Mixed,
            variant: Variant::Fraction(Milli::from_fraction(0.5).expect("half")),
            ..io(executor, workers)
        };
        let mut rows = Vec::new();
        for repeat in 0..7u32 {
            let wobble = 1.0 + 0.01 * f64::from(repeat % 3);
            for (point, seconds) in [
                (io(ExecutorKind::Serial, 1), 1.6),
                (io(ExecutorKind::Threads, 4), 0.4),
                (io(ExecutorKind::Asyncio, 4), 0.4),
                (io(ExecutorKind::Threads, 2), 0.8),
                (io(ExecutorKind::Asyncio, 2), 0.8),
                (mixed(ExecutorKind::Serial, 1), 1.6),
                (mixed(ExecutorKind::Threads, 4), 0.8),
                (mixed(ExecutorKind::Asyncio, 4), asyncio_mixed_s),
            ] {
                let measurement = u32::try_from(rows.len()).expect("few");
                rows.push(RunRow {
                    repeat,
                    ..RunRow::example(measurement, point, seconds * wobble)
                });
            }
        }
        rows
    }

    #[test]
    fn asyncio_is_read_against_threads_on_waiting_and_mixed_work() {
        let runs = runs(1.2);
        let views = views(&summarize(&runs, 2), &runs);
        let [view] = views.as_slice() else { panic!("one runtime: {views:?}") };
        assert_eq!(view.rows.len(), 2, "io at its largest count, and mixed: {:?}", view.rows);
        let io = &view.rows[0];
        assert_eq!((io.workload.as_str(), io.workers), ("io", 4));
        assert!(view.sentences[0].contains("kept pace"), "{:?}", view.sentences);
        let mixed = &view.rows[1];
        let ratio = mixed.asyncio_over_threads.expect("paired");
        assert!((ratio.value - 0.8 / 1.2).abs() < 0.01, "{ratio}");
        assert!(view.sentences[1].contains("one after another"), "{:?}", view.sentences);
    }

    #[test]
    fn a_run_without_asyncio_has_no_view() {
        let runs: Vec<RunRow> =
            runs(1.2).into_iter().filter(|r| r.point.executor != ExecutorKind::Asyncio).collect();
        assert!(views(&summarize(&runs, 2), &runs).is_empty());
    }
}
