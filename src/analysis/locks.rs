//! Who holds which lock: for each runtime, its threads', processes' and interpreters' CPU
//! speedups over one worker in series at the largest worker count the cores can run at once,
//! and one sentence each, chosen by the speedup's interval against 1: an interpreter pool
//! (CPython 3.12+'s subinterpreters, each with its own lock; rust-gil's model of them) beside
//! the threads that share one lock, and a free-threaded CPython whose threads have none.

use serde::Serialize;

use crate::analysis::summary::SummaryRow;
use crate::executor::ExecutorKind;
use crate::plan::Scenario;
use crate::runtime::Runtime;
use crate::stats::{Estimate, Interval};
use crate::verdict::count;
use crate::view::section::{Block, Chapter, SectionView, plain};
use crate::view::table::{Cell, Column, Table, Unit};

/// One runtime's pools on CPU work at one worker count.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LockRow {
    /// The runtime.
    pub runtime: Runtime,
    /// What its threads share: "one GIL per process", "none (free-threaded)", ...
    pub lock: &'static str,
    /// Workers.
    pub workers: u32,
    /// The most a pool could reach.
    pub ideal: Option<f64>,
    /// Threads.
    pub threads: Option<Estimate>,
    /// Processes.
    pub processes: Option<Estimate>,
    /// Interpreters.
    pub interpreters: Option<Estimate>,
}

/// The table and its sentences.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Locks {
    /// One row per runtime with CPU pools measured.
    pub rows: Vec<LockRow>,
    /// What the rows show, one sentence per runtime worth one.
    pub sentences: Vec<String>,
    /// True when the run has something beyond one lock per process to show: an interpreter
    /// pool or a free-threaded CPython.
    pub relevant: bool,
}

/// What the threads of `runtime` share.
pub fn lock_of(runtime: Runtime) -> &'static str {
    match runtime {
        Runtime::Rust => "none (native threads)",
        Runtime::RustGil => "one modelled GIL per process",
        Runtime::CpythonAt(tag) if tag.free_threaded => "none (free-threaded build)",
        Runtime::Cpython | Runtime::CpythonAt(_) => "one GIL per process (per interpreter)",
    }
}

/// The table at the largest worker count no greater than `cores` (or the smallest measured).
pub fn locks(summary: &[SummaryRow], cores: u32) -> Locks {
    let cpu: Vec<&SummaryRow> = summary
        .iter()
        .filter(|r| r.point.scenario == Scenario::Cpu && r.point.executor != ExecutorKind::Serial)
        .collect();
    let mut counts: Vec<u32> = cpu.iter().map(|r| r.point.workers).filter(|w| *w > 1).collect();
    counts.sort_unstable();
    let Some(workers) = counts.iter().rev().find(|w| **w <= cores).or(counts.first()).copied()
    else {
        return Locks::default();
    };
    let rows: Vec<LockRow> = Runtime::present(cpu.iter().map(|r| r.point.runtime))
        .into_iter()
        .map(|runtime| {
            let at = |executor| {
                cpu.iter().find(|r| {
                    r.point.runtime == runtime
                        && r.point.executor == executor
                        && r.point.workers == workers
                })
            };
            let speedup = |executor| at(executor)?.speedup;
            LockRow {
                runtime,
                lock: lock_of(runtime),
                workers,
                ideal: at(ExecutorKind::Threads)
                    .or(at(ExecutorKind::Processes))
                    .or(at(ExecutorKind::Interpreters))
                    .and_then(|r| r.ideal_speedup),
                threads: speedup(ExecutorKind::Threads),
                processes: speedup(ExecutorKind::Processes),
                interpreters: speedup(ExecutorKind::Interpreters),
            }
        })
        .collect();
    let sentences = rows.iter().filter_map(sentence).collect();
    let relevant =
        rows.iter().any(|row| row.interpreters.is_some() || row.runtime.is_free_threaded());
    Locks { rows, sentences, relevant }
}

/// What a speedup's interval supports, against 1 (one worker in series) and the ideal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// Wholly past halfway from 1 to the ideal.
    Parallel,
    /// Wholly above 1, but not wholly past halfway to the ideal.
    PartlyParallel,
    /// Not above 1, and wholly short of a quarter of the way to the ideal: one at a time.
    Turns,
    /// The interval spans too much to say.
    Unplaced,
}

/// The speedup as shown ("1.93x [1.90, 1.97]") and what its interval supports.
fn judged(speedup: &Estimate, ideal: Option<f64>) -> (String, Reading) {
    let Some(Interval { low, high, .. }) = speedup.interval else {
        return (format!("{speedup} (no interval)"), Reading::Unplaced);
    };
    let shown = speedup.to_string();
    // Halfway from 1 to the ideal, and a quarter of the way: "in parallel" needs the whole
    // interval past halfway, "took turns" the whole interval short of a quarter.
    let way = |part: f64| ideal.map_or(f64::NAN, |ideal| 1.0 + (ideal - 1.0) * part);
    let reading = if low >= way(0.5) {
        Reading::Parallel
    } else if low > 1.0 {
        Reading::PartlyParallel
    } else if high < way(0.25) {
        Reading::Turns
    } else {
        Reading::Unplaced
    };
    (shown, reading)
}

fn verb(reading: Reading) -> &'static str {
    match reading {
        Reading::Parallel => "so they computed in parallel",
        Reading::PartlyParallel => {
            "faster than one in series, though not clearly past halfway to the ideal"
        }
        Reading::Turns => "no nearer the ideal than one in series: they took turns",
        Reading::Unplaced => "a speedup this run cannot place",
    }
}

/// A sentence for a runtime with an interpreter pool, or free-threaded threads.
fn sentence(row: &LockRow) -> Option<String> {
    let threads = row.threads.as_ref().map(|s| judged(s, row.ideal));
    let workers = row.workers as usize;
    let free = row.runtime.is_free_threaded();
    let ideal = row.ideal.map_or(String::new(), |ideal| format!(" (ideal {ideal:.2}x)"));
    if let Some((shown, reading)) = row.interpreters.as_ref().map(|s| judged(s, row.ideal)) {
        let mut text = format!(
            "On {}, where each interpreter holds its own lock, {} reached {shown} the serial \
             speed{ideal}, {}",
            row.runtime,
            count(workers, "interpreter"),
            verb(reading)
        );
        if let Some((shown, reading)) = threads {
            text.push_str(&format!(
                "; its {}, sharing one lock, reached {shown}, {}",
                count(workers, "thread"),
                verb(reading)
            ));
        }
        return Some(text + ".");
    }
    let (shown, reading) = threads?;
    if free || (row.runtime.is_cpython() && reading == Reading::Turns) {
        let why = if free { "this build has no GIL" } else { "they share one GIL" };
        return Some(format!(
            "On {}, {} reached {shown}{ideal}, {} ({why}).",
            row.runtime,
            count(workers, "thread"),
            verb(reading)
        ));
    }
    None
}

/// "One lock per interpreter, or none": the table at the largest worker count the cores
/// run at once, its sentences, and the pools a runtime could not run here.
pub fn section(input: &super::input::Input) -> Vec<SectionView> {
    let locks = locks(input.summary, u32::try_from(input.cores).unwrap_or(u32::MAX));
    if !locks.relevant && input.unsupported.is_empty() {
        return Vec::new();
    }
    let mut table = Table::new(vec![
        Column::text("runtime"),
        Column::text("what its threads share"),
        Column::numbers("workers"),
        Column::numbers("threads"),
        Column::numbers("processes"),
        Column::numbers("interpreters"),
        Column::unit("ideal", Unit::Ratio, 2),
    ]);
    for row in &locks.rows {
        table.push(vec![
            Cell::text(row.runtime.to_string()),
            Cell::text(row.lock),
            Cell::shown(row.workers.to_string()),
            Cell::estimate(row.threads.as_ref()),
            Cell::estimate(row.processes.as_ref()),
            Cell::estimate(row.interpreters.as_ref()),
            Cell::Number(row.ideal),
        ]);
    }
    let unsupported = input.unsupported.iter().map(|u| format!("Not measured: {u}"));
    vec![
        SectionView::headed(Chapter::Measured, "One lock per interpreter, or none")
            .prose("locks_intro", serde_json::json!({}))
            .block(Block::Table(table))
            .block(Block::Paragraphs(plain(locks.sentences)))
            .block(Block::List(plain(unsupported))),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::cpu_row as row;
    use crate::runtime::PythonTag;

    #[test]
    fn interpreters_in_parallel_beside_threads_that_take_turns() {
        let py313 = Runtime::CpythonAt(PythonTag::gil(13));
        let py311 = Runtime::CpythonAt(PythonTag::gil(11));
        let summary = vec![
            row(py313, ExecutorKind::Interpreters, [1.8, 1.95]),
            row(py313, ExecutorKind::Threads, [0.9, 1.0]),
            row(py311, ExecutorKind::Threads, [0.95, 1.05]),
        ];
        let locks = locks(&summary, 2);
        assert_eq!(locks.rows.len(), 2);
        let joined = locks.sentences.join("\n");
        let expected = [
            "On cpython-3.13, where each interpreter holds its own lock, 2 interpreters reached \
             1.88x [1.80, 1.95] the serial speed (ideal 2.00x), so they computed in parallel; \
             its 2 threads, sharing one lock, reached 0.95x [0.90, 1.00], no nearer the ideal \
             than one in series: they took turns.",
            "On cpython-3.11, 2 threads reached 1.00x [0.95, 1.05] (ideal 2.00x), no nearer the \
             ideal than one in series: they took turns (they share one GIL).",
        ];
        for sentence in expected {
            assert!(joined.contains(sentence), "{joined}");
        }
        let partly = super::locks(&[row(py313, ExecutorKind::Interpreters, [1.13, 1.47])], 2);
        assert!(partly.sentences[0].contains("not clearly past halfway"), "{:?}", partly.sentences);
        let wide = super::locks(&[row(py313, ExecutorKind::Interpreters, [0.9, 1.9])], 2);
        assert!(wide.sentences[0].contains("cannot place"), "{:?}", wide.sentences);
    }

    #[test]
    fn free_threaded_threads_are_explained_by_the_missing_lock() {
        let free = Runtime::CpythonAt(PythonTag::free(14));
        let locks = locks(&[row(free, ExecutorKind::Threads, [1.7, 1.9])], 2);
        assert_eq!(locks.rows[0].lock, "none (free-threaded build)");
        assert!(locks.sentences[0].contains("in parallel (this build has no GIL)"), "{locks:?}");
    }
}
