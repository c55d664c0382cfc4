//! The comparisons a run has not settled yet, for the runner's decision rounds: at every
//! cell where two or more pools ran (startup and cost aside: they are described by their
//! spread), the two fastest pools' paired factor, open until its interval leaves 1 out or
//! lies inside the parity margin ([`crate::verdict::settled`]); and the fidelity check's
//! "cannot tell" rows.

use super::decisions::pairing;
use super::summary::summarize;
use crate::executor::ExecutorKind;
use crate::plan::Scenario;
use crate::results::{JournalEntry, RunRow};
use crate::runner::adaptive::{Cell, Open};
use crate::stats::Estimate;
use crate::verdict::{repeats_to_settle, settled};

/// Every compared cell of the rows in `entries` with its two fastest pools' paired factor.
fn compared(entries: &[JournalEntry]) -> Vec<(Cell, Estimate)> {
    let runs: Vec<RunRow> = entries.iter().map(|e| e.run.clone()).collect();
    let cores = u32::try_from(crate::machine::logical_cores()).unwrap_or(u32::MAX);
    let mut cells: Vec<(Cell, Estimate)> = Vec::new();
    for row in &summarize(&runs, cores) {
        let cell = Cell::of(row.point);
        let described = matches!(cell.scenario, Scenario::Startup | Scenario::Cost);
        if row.point.executor == ExecutorKind::Serial
            || described
            || cells.iter().any(|(c, _)| *c == cell)
        {
            continue;
        }
        if let Some(pairing) = pairing(row) {
            cells.push((cell, pairing.factor));
        }
    }
    cells
}

/// The open comparisons of the rows in `entries`, each with the repeats likely to settle it.
pub fn open_comparisons(entries: &[JournalEntry]) -> Vec<Open> {
    let mut open: Vec<Open> = compared(entries)
        .into_iter()
        .filter(|(_, factor)| !settled(factor))
        .map(|(cell, factor)| Open { cell, repeats_to_decide: repeats_to_settle(&factor) })
        .collect();
    for fidelity in super::fidelity::undecided_cells(entries) {
        if !open.iter().any(|o| o.cell == fidelity.cell) {
            open.push(fidelity);
        }
    }
    open.sort_by_key(|o| o.cell);
    open
}

/// How many of the run's pool comparisons are settled and how many are open.
pub fn counts(entries: &[JournalEntry]) -> (usize, usize) {
    let cells = compared(entries);
    let settled = cells.iter().filter(|(_, factor)| settled(factor)).count();
    (settled, cells.len() - settled)
}
