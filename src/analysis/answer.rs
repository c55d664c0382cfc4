//! The report's first block, "On this machine": the answer a reader came for, in at most five
//! lines chosen by the data and its intervals, each ending in a link to its evidence. Which
//! pool for CPU-bound work and which for waiting come from the choice guide's paired
//! comparisons ([`decisions::pairing`]), so a winner is named only where the interval leaves 1
//! out; where CPU work stops gaining comes from the speedups' intervals; what a pool costs
//! comes from the startup scenario. The runtimes shown are the CPythons of the run (a reader
//! asks about Python), or every runtime when no CPython ran.

use serde::Serialize;

use super::decisions::{self, Pairing};
use super::startup;
use super::summary::SummaryRow;
use crate::executor::ExecutorKind;
use crate::plan::Scenario;
use crate::point::Variant;
use crate::runtime::Runtime;
use crate::stats::{Against, Estimate};

/// Where a line's evidence is in the report (the templates see its `title` and `anchor`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// The choice guide.
    Choosing,
    /// The results' speedup charts and tables.
    Results,
    /// The start-up table.
    Startup,
    /// The section on the user's own function.
    Function,
    /// The free-threaded build's price.
    FreeThreading,
}

impl Evidence {
    /// The link's words.
    pub fn title(self) -> &'static str {
        match self {
            Evidence::Choosing => "choosing a tool",
            Evidence::Results => "results",
            Evidence::Startup => "start-up costs",
            Evidence::Function => "your function",
            Evidence::FreeThreading => "the free-threaded build's price",
        }
    }

    /// The section's id: the same in report.html and, as GitHub derives it, in report.md
    /// (each the slug of its heading, as the section registry anchors it).
    pub fn anchor(self) -> String {
        use crate::view::section::{Chapter, slug};
        match self {
            Evidence::Choosing => Chapter::Choosing.id(),
            Evidence::Results => Chapter::Results.id(),
            Evidence::Startup => slug(super::startup::TITLE),
            Evidence::Function => slug(FUNCTION_TITLE),
            Evidence::FreeThreading => slug(super::free_threading::TITLE),
        }
    }
}

/// The heading of the section on the user's own function.
pub const FUNCTION_TITLE: &str = "Your function";

impl Serialize for Evidence {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut link = serializer.serialize_struct("Evidence", 2)?;
        link.serialize_field("title", self.title())?;
        link.serialize_field("anchor", &self.anchor())?;
        link.end()
    }
}

/// One line of the block: Markdown text, then its evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnswerLine {
    /// The sentence, in Markdown.
    pub text: String,
    /// Where to check it.
    pub evidence: Evidence,
}

impl AnswerLine {
    /// A line with its evidence.
    pub fn new(text: String, evidence: Evidence) -> Self {
        Self { text, evidence }
    }
}

/// Past this many runtimes the choices are a table, not a sentence each.
pub const TABLE_PAST: usize = 2;

/// The two situations the block answers, with a sentence's opening.
const SITUATIONS: [(Scenario, &str); 2] =
    [(Scenario::Cpu, "For CPU-bound work"), (Scenario::Io, "For waiting (I/O-bound work)")];

/// The choices as a small table: a row per runtime, a column per situation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnswerTable {
    /// The columns' heads: "CPU-bound work at 2 workers", "waiting (I/O) at 2 workers".
    pub situations: Vec<String>,
    /// One row per runtime.
    pub rows: Vec<AnswerRow>,
    /// Where to check it.
    pub evidence: Evidence,
}

/// One runtime's picks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnswerRow {
    /// The runtime.
    pub runtime: String,
    /// Per situation: the pick, its factor and interval, or "-" where not measured.
    pub cells: Vec<String>,
}

/// The choices as a table where the block covers more than [`TABLE_PAST`] runtimes.
pub fn answer_table(summary: &[SummaryRow], workers: u32) -> Option<AnswerTable> {
    let runtimes = shown_runtimes(summary);
    if runtimes.len() <= TABLE_PAST {
        return None;
    }
    let pick = |runtime: Runtime, scenario: Scenario| {
        let row = pool_rows(summary, runtime, scenario).find(|r| r.point.workers == workers)?;
        Some(verdict(&decisions::pairing(row)?))
    };
    let rows: Vec<AnswerRow> = runtimes
        .iter()
        .map(|&runtime| AnswerRow {
            runtime: runtime.to_string(),
            cells: SITUATIONS
                .iter()
                .map(|&(scenario, _)| pick(runtime, scenario).unwrap_or_else(|| "-".into()))
                .collect(),
        })
        .filter(|row| row.cells.iter().any(|c| c != "-"))
        .collect();
    let at = counted(workers as usize, "worker");
    (!rows.is_empty()).then(|| AnswerTable {
        situations: vec![format!("CPU-bound work at {at}"), format!("waiting (I/O) at {at}")],
        rows,
        evidence: Evidence::Choosing,
    })
}

/// The block for one run at the lesson's `workers`, on a machine of `cores` logical cores
/// (without the choices where [`answer_table`] gives them).
pub fn answer(summary: &[SummaryRow], workers: u32, cores: usize) -> Vec<AnswerLine> {
    let runtimes = shown_runtimes(summary);
    let mut lines = Vec::new();
    // Past TABLE_PAST runtimes answer_table gives the choices (the context asks it).
    let tabled = runtimes.len() > TABLE_PAST;
    for (scenario, opening) in SITUATIONS.into_iter().filter(|_| !tabled) {
        if let Some(text) = choice_line(summary, &runtimes, scenario, workers, opening) {
            lines.push(AnswerLine::new(text, Evidence::Choosing));
        }
    }
    if let Some(text) = runtimes.first().and_then(|&rt| scaling_line(summary, rt, cores)) {
        lines.push(AnswerLine::new(text, Evidence::Results));
    }
    if let Some(text) = startup_line(summary, &runtimes) {
        lines.push(AnswerLine::new(text, Evidence::Startup));
    }
    lines
}

/// The run's CPythons, or all its runtimes when it has none.
fn shown_runtimes(summary: &[SummaryRow]) -> Vec<Runtime> {
    let all = Runtime::present(summary.iter().map(|r| r.point.runtime));
    let pythons: Vec<Runtime> = all.iter().copied().filter(|r| r.is_cpython()).collect();
    if pythons.is_empty() { all } else { pythons }
}

/// The pools' rows (not the serial baseline) of `runtime`'s plain `scenario`.
fn pool_rows(
    summary: &[SummaryRow],
    runtime: Runtime,
    scenario: Scenario,
) -> impl Iterator<Item = &SummaryRow> {
    summary.iter().filter(move |r| {
        let p = r.point;
        p.runtime == runtime
            && p.scenario == scenario
            && p.variant == Variant::Plain
            && p.executor != ExecutorKind::Serial
    })
}

/// "For CPU-bound work at 2 workers: on cpython-3.11, processes (1.80x [1.70, 1.90] faster
/// than threads); on cpython-3.13t, no pool was clearly faster (threads and processes within
/// 1.02x [0.97, 1.07])."
fn choice_line(
    summary: &[SummaryRow],
    runtimes: &[Runtime],
    scenario: Scenario,
    workers: u32,
    opening: &str,
) -> Option<String> {
    let parts: Vec<String> = runtimes
        .iter()
        .filter_map(|&runtime| {
            let pairing = decisions::pairing(
                pool_rows(summary, runtime, scenario).find(|r| r.point.workers == workers)?,
            )?;
            Some(format!("on {runtime}, {}", verdict(&pairing)))
        })
        .collect();
    if parts.is_empty() {
        return None;
    }
    Some(format!("{opening} at {}: {}.", counted(workers as usize, "worker"), parts.join("; ")))
}

fn verdict(p: &Pairing) -> String {
    let Pairing { winner, second, factor } = p;
    if p.decided() {
        format!("use {winner} ({factor} faster than {second})")
    } else if crate::verdict::about_as_long(factor) {
        format!(
            "either: {winner} and {second} took about as long ({factor}, inside {})",
            decisions::parity_margin()
        )
    } else if factor.interval.is_some() {
        format!("no pool was clearly faster ({winner} and {second} within {factor})")
    } else {
        format!("{winner} by the medians ({factor} against {second}, too few repeats to tell)")
    }
}

/// Where CPU work stops gaining, for `runtime`'s fastest pool: the fewest workers past which
/// no worker count ran clearly faster (its speedup's interval wholly above theirs); none
/// without intervals.
fn scaling_line(summary: &[SummaryRow], runtime: Runtime, cores: usize) -> Option<String> {
    let rows: Vec<(u32, ExecutorKind, Estimate)> = pool_rows(summary, runtime, Scenario::Cpu)
        .filter_map(|r| Some((r.point.workers, r.point.executor, r.speedup?)))
        .collect();
    let &(best_workers, executor, best) =
        rows.iter().max_by(|a, b| a.2.value.total_cmp(&b.2.value))?;
    let mut pool: Vec<(u32, Estimate)> =
        rows.iter().filter(|r| r.1 == executor).map(|r| (r.0, r.2)).collect();
    pool.sort_by_key(|p| p.0);
    // "Clearly" needs intervals: without them (too few repeats) the line is left out.
    if pool.len() < 2 || pool.iter().any(|(_, e)| e.interval.is_none()) {
        return None;
    }
    let high = |e: &Estimate| e.interval.map_or(e.value, |i| i.high);
    let low = |e: &Estimate| e.interval.map_or(e.value, |i| i.low);
    let enough = (0..pool.len()).find(|&i| {
        let here = high(&pool[i].1);
        pool[i + 1..].iter().all(|(_, later)| low(later) <= here)
    })?;
    let (stop, _) = pool[enough];
    let largest = pool.last().map_or(stop, |p| p.0);
    let head = format!(
        "CPU-bound work on {runtime} reached {best} the serial speed ({executor}, {})",
        counted(best_workers as usize, "worker")
    );
    // The cores are named as the limit only where the gain stopped at them.
    let machine = if stop as usize == cores {
        format!("the machine has {}", counted(cores, "logical core"))
    } else if (stop as usize) < cores {
        format!("fewer than the machine's {}", counted(cores, "logical core"))
    } else {
        format!("past the machine's {}", counted(cores, "logical core"))
    };
    Some(if stop >= largest {
        format!(
            "{head}; {}, the most measured, still ran clearly faster than fewer.",
            counted(largest as usize, "worker")
        )
    } else if enough == 0 {
        format!(
            "{head}; no worker count ran clearly faster than {} ({machine}).",
            counted(stop as usize, "worker")
        )
    } else {
        format!(
            "{head}; past {} no worker count ran clearly faster ({machine}).",
            counted(stop as usize, "worker")
        )
    })
}

/// What starting a pool costs, for the runtime that measured the most kinds of pool.
fn startup_line(summary: &[SummaryRow], runtimes: &[Runtime]) -> Option<String> {
    let costs = startup::costs(summary);
    let runtime = runtimes.iter().copied().max_by_key(|&rt| {
        let mut kinds: Vec<ExecutorKind> =
            costs.iter().filter(|c| c.runtime == rt).map(|c| c.executor).collect();
        kinds.dedup();
        kinds.len()
    })?;
    let largest = costs.iter().filter(|c| c.runtime == runtime).map(|c| c.workers).max()?;
    let parts: Vec<String> = costs
        .iter()
        .filter(|c| c.runtime == runtime && c.workers == largest)
        .map(|c| format!("{} with {}", c.shown_ms(), c.executor))
        .collect();
    Some(format!(
        "Starting a pool of {} on {runtime} and shutting it down took {}.",
        counted(largest as usize, "worker"),
        join_and(&parts)
    ))
}

/// The free-threaded build's line: its single-thread price against its GIL build and where
/// its threads overtake that build's processes, for the first build measured beside one.
pub fn free_threading_line(prices: &[super::free_threading::BuildPrice]) -> Option<AnswerLine> {
    let price = prices.iter().find(|p| p.gil_build.is_some() && p.slowdown.is_some())?;
    let (build, gil, slowdown) = (price.build, price.gil_build?, price.slowdown?);
    let alone = match slowdown.against(1.0) {
        Against::Above => format!("one thread of {build} takes {slowdown} as long as one of {gil}"),
        Against::Below => {
            format!("one thread of {build} was faster than one of {gil} ({slowdown} the time)")
        }
        Against::Unresolved => {
            format!("one thread of {build} and one of {gil} could not be told apart ({slowdown})")
        }
    };
    use super::free_threading::Standing;
    let together = match super::free_threading::standing(price)? {
        Standing::Overtakes { workers, .. } => {
            format!("its threads overtake {gil}'s processes from {workers} workers")
        }
        Standing::Behind { workers, ratio } => format!(
            "its threads stay behind {gil}'s processes up to {workers} workers ({ratio} their rate)"
        ),
        // Without an interval (too few paired repeats) nothing was told apart or not.
        Standing::Unresolved { ratio, workers } if ratio.interval.is_none() => format!(
            "at {} workers too few paired repeats measured its threads against {gil}'s processes to tell them apart ({ratio} by the medians, no interval), and they were never ahead",
            workers.last().copied().unwrap_or(0)
        ),
        Standing::Unresolved { ratio, workers } => format!(
            "its threads and {gil}'s processes could not be told apart at {} workers ({ratio}) and were never ahead",
            workers.last().copied().unwrap_or(0)
        ),
    };
    let text = format!("On the free-threaded build, {alone}; {together}.");
    Some(AnswerLine::new(text, Evidence::FreeThreading))
}

/// "1 worker", "2 workers".
pub fn counted(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// "a", "a and b", "a, b and c".
fn join_and(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests;
