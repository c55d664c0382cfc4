//! The contention ladder ("Sharing"): each rung's speedup over its own serial run, per
//! runtime and pool, and for threads, the only pool whose workers share the objects, that
//! speedup against private work's (paired by repeat: the rung's per-repeat speedup over
//! private work's in the same repeat). Sentences name where sharing erased the gain (a
//! speedup whose interval does not lie above 1 where private work's does) and where it only
//! cost part of it.

use serde::Serialize;

use super::stats::{self, Against, Estimate};
use super::summary::SummaryRow;
use crate::executor::ExecutorKind;
use crate::model::Rung;
use crate::plan::Scenario;
use crate::point::{Point, Variant};
use crate::results::RunRow;
use crate::runtime::Runtime;
use crate::view::section::{Block, Chapter, SectionView, markdown};
use crate::view::table::{Cell, Column, Table};

#[cfg(test)]
mod tests;

/// One runtime's ladder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ladder {
    /// The runtime.
    pub runtime: Runtime,
    /// The pools' worker count.
    pub workers: u32,
    /// One row per rung, in ladder order.
    pub rows: Vec<RungRow>,
    /// What the ladder shows.
    pub sentences: Vec<String>,
}

/// One rung of a runtime's ladder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RungRow {
    /// The rung.
    pub rung: Rung,
    /// Threads' speedup over the rung's serial run.
    pub threads: Option<Estimate>,
    /// Threads' speedup over private work's threads' speedup, paired by repeat.
    pub threads_vs_private: Option<Estimate>,
    /// Processes' speedup.
    pub processes: Option<Estimate>,
    /// Interpreters' speedup.
    pub interpreters: Option<Estimate>,
}

/// Every runtime's ladder, from the summary and the runs.
pub fn ladders(summary: &[SummaryRow], runs: &[RunRow]) -> Vec<Ladder> {
    let ladder_rows: Vec<&SummaryRow> =
        summary.iter().filter(|r| r.point.scenario == Scenario::Contention).collect();
    Runtime::present(ladder_rows.iter().map(|r| r.point.runtime))
        .into_iter()
        .filter_map(|runtime| {
            let workers = ladder_rows
                .iter()
                .filter(|r| r.point.runtime == runtime && r.point.executor != ExecutorKind::Serial)
                .map(|r| r.point.workers)
                .max()?;
            let speedup = |rung: Rung, executor: ExecutorKind| {
                let point = at(runtime, executor, rung, workers);
                ladder_rows.iter().find(|r| r.point == point).and_then(|r| r.speedup)
            };
            let rows: Vec<RungRow> = Rung::ALL
                .iter()
                .map(|&rung| RungRow {
                    rung,
                    threads: speedup(rung, ExecutorKind::Threads),
                    threads_vs_private: against_private(runs, runtime, rung, workers),
                    processes: speedup(rung, ExecutorKind::Processes),
                    interpreters: speedup(rung, ExecutorKind::Interpreters),
                })
                .collect();
            let sentences = sentences(runtime, &rows);
            Some(Ladder { runtime, workers, rows, sentences })
        })
        .collect()
}

fn at(runtime: Runtime, executor: ExecutorKind, rung: Rung, workers: u32) -> Point {
    let workers = if executor == ExecutorKind::Serial { 1 } else { workers };
    Point {
        runtime,
        executor,
        scenario: Scenario::Contention,
        variant: Variant::Rung(rung),
        workers,
    }
}

/// Each repeat's speedup (serial over threads) of `rung`.
fn speedups(runs: &[RunRow], runtime: Runtime, rung: Rung, workers: u32) -> Vec<(u32, f64)> {
    let times = |point: Point| super::summary::repeat_times(runs, point);
    let serial = times(at(runtime, ExecutorKind::Serial, rung, workers));
    let threads = times(at(runtime, ExecutorKind::Threads, rung, workers));
    stats::paired_by_repeat(&serial, &threads)
}

fn against_private(
    runs: &[RunRow],
    runtime: Runtime,
    rung: Rung,
    workers: u32,
) -> Option<Estimate> {
    let mine = speedups(runs, runtime, rung, workers);
    let private = speedups(runs, runtime, Rung::Private, workers);
    Estimate::of(&stats::paired_ratios(&mine, &private))
}

fn sentences(runtime: Runtime, rows: &[RungRow]) -> Vec<String> {
    let Some(private) = rows.iter().find(|r| r.rung == Rung::Private) else {
        return Vec::new();
    };
    let Some(private_threads) = private.threads else {
        return Vec::new();
    };
    if private_threads.against(1.0) != Against::Above {
        let mut out = vec![format!(
            "{runtime}'s threads did not clearly speed up even on private objects ({private_threads}): with {}, there is no clear gain for sharing to erase.",
            if runtime.has_gil() { "one lock for all its threads" } else { "this noise" }
        )];
        let slower: Vec<String> = rows
            .iter()
            .filter(|r| r.rung != Rung::Private)
            .filter_map(|r| Some((r, r.threads_vs_private?)))
            .filter(|(_, ratio)| ratio.against(1.0) == Against::Below)
            .map(|(r, ratio)| format!("{} ({ratio})", r.rung))
            .collect();
        if !slower.is_empty() {
            out.push(format!(
                "Against private work, sharing still cost {runtime}'s threads on {}: the same steps gained less on shared objects.",
                slower.join(", ")
            ));
        }
        return out;
    }
    let mut erased = Vec::new();
    let mut cut = Vec::new();
    for row in rows.iter().filter(|r| r.rung != Rung::Private) {
        let (Some(threads), Some(ratio)) = (row.threads, row.threads_vs_private) else {
            continue;
        };
        if threads.against(1.0) != Against::Above {
            erased.push(format!("{} ({threads}, {ratio} of private work's)", row.rung.name()));
        } else if ratio.against(1.0) == Against::Below {
            cut.push(format!("{} ({threads}, {ratio} of private work's)", row.rung.name()));
        }
    }
    let mut out = Vec::new();
    if !erased.is_empty() {
        out.push(format!(
            "{runtime}'s threads sped up private work {private_threads}, but sharing erased the gain on {}: no speedup above 1 there.",
            erased.join(", ")
        ));
    }
    if !cut.is_empty() {
        out.push(format!(
            "On {}, {runtime}'s threads kept a speedup, smaller than on private work.",
            cut.join(", ")
        ));
    }
    if erased.is_empty() && cut.is_empty() {
        out.push(format!(
            "{runtime}'s threads sped up every rung: no rung's speedup lay below private work's ({private_threads}) by its interval, so this run shows no cost of sharing."
        ));
    }
    out
}

/// "Sharing": each runtime's ladder and sentences, under one heading.
pub fn section(input: &super::input::Input) -> Vec<SectionView> {
    let ladders = ladders(input.summary, input.runs);
    let Some(first) = ladders.first() else { return Vec::new() };
    let mut section = SectionView::headed(Chapter::Measured, "Sharing")
        .prose("sharing_intro", serde_json::json!({ "workers": first.workers }));
    for ladder in ladders {
        let mut table = Table::new(vec![
            Column::text(format!("{}: rung", ladder.runtime)),
            Column::numbers("threads"),
            Column::numbers("threads, against private"),
            Column::numbers("processes"),
            Column::numbers("interpreters"),
        ]);
        for row in &ladder.rows {
            table.push(vec![
                Cell::text(row.rung.name()),
                Cell::estimate(row.threads.as_ref()),
                Cell::estimate(row.threads_vs_private.as_ref()),
                Cell::estimate(row.processes.as_ref()),
                Cell::estimate(row.interpreters.as_ref()),
            ]);
        }
        section = section.block(Block::Table(table)).block(Block::List(markdown(ladder.sentences)));
    }
    vec![section]
}
