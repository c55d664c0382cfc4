//! The compare page's tables in the one table model: the runs and their machines, the
//! fitted laws side by side, pinned against unpinned, and each run's lesson table.

use super::{CompareContext, CompareRun};
use crate::view::table::{Cell, Column, Table, Unit};
use crate::view::text::{code_span, words_of};

/// The page's tables.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CompareTables {
    /// The runs and their machines.
    pub runs: Table,
    /// The fits, where any sweep was fitted.
    pub fits: Option<Table>,
    /// Pinned against unpinned, where one run was pinned.
    pub pinning: Option<Table>,
    /// Each run's lesson table, where it has one.
    pub lessons: Vec<Option<Table>>,
}

/// The tables of `context`.
pub fn tables(context: &CompareContext) -> CompareTables {
    CompareTables {
        runs: runs(&context.runs),
        fits: (!context.fits.is_empty()).then(|| fits(context)),
        pinning: context.pinning.as_ref().map(|p| {
            let mut table = Table::new(vec![
                Column::text("point"),
                Column::unit("not pinned", Unit::Seconds, 3),
                Column::unit("pinned", Unit::Seconds, 3),
                Column::numbers("pinned / not pinned"),
            ]);
            for row in &p.rows {
                table.push(vec![
                    Cell::text(row.point.clone()),
                    Cell::Number(Some(row.unpinned_s)),
                    Cell::Number(Some(row.pinned_s)),
                    Cell::shown(row.ratio.clone()),
                ]);
            }
            table
        }),
        lessons: context.runs.iter().map(lesson).collect(),
    }
}

fn runs(runs: &[CompareRun]) -> Table {
    let mut table = Table::new(vec![
        Column::text("run"),
        Column::text("folder"),
        Column::text("machine"),
        Column::text("workers pinned"),
        Column::text("started"),
    ]);
    for run in runs {
        table.push(vec![
            Cell::Swatch { colour: run.colour.clone(), text: run.label.clone() },
            Cell::Markdown(code_span(&run.id)),
            Cell::text(run.machine.clone()),
            Cell::text(words_of(&run.pin)),
            Cell::text(run.started_at.clone()),
        ]);
    }
    table
}

fn fits(context: &CompareContext) -> Table {
    let mut columns = vec![Column::text("sweep")];
    for run in &context.runs {
        columns.push(Column::numbers(format!("{}: σ", run.label)));
        columns.push(Column::numbers("κ"));
        columns.push(Column::numbers("N*"));
    }
    let mut table = Table::new(columns);
    for fit in &context.fits {
        let mut cells = vec![Cell::text(fit.sweep.clone())];
        for run in &fit.runs {
            match run {
                Some(shown) => cells.extend(shown.iter().cloned().map(Cell::Shown)),
                None => cells.extend([Cell::shown("-"), Cell::shown("-"), Cell::shown("-")]),
            }
        }
        table.push(cells);
    }
    table
}

fn lesson(run: &CompareRun) -> Option<Table> {
    if run.lesson.is_empty() {
        return None;
    }
    let mut table = Table::new(vec![
        Column::text("runtime"),
        Column::unit("CPU: threads", Unit::Seconds, 3),
        Column::unit("CPU: processes", Unit::Seconds, 3),
        Column::numbers("CPU: threads / processes"),
        Column::unit("I/O: threads", Unit::Seconds, 3),
        Column::unit("I/O: processes", Unit::Seconds, 3),
        Column::numbers("I/O: threads / processes"),
    ]);
    for t in &run.lesson {
        let (cpu, io) = (&t.report.cpu, &t.report.io);
        table.push(vec![
            Cell::text(t.report.settings.runtime.to_string()),
            Cell::Number(Some(cpu.threads.seconds)),
            Cell::Number(Some(cpu.processes.seconds)),
            Cell::estimate(Some(&cpu.ratio)),
            Cell::Number(Some(io.threads.seconds)),
            Cell::Number(Some(io.processes.seconds)),
            Cell::estimate(Some(&io.ratio)),
        ]);
    }
    Some(table)
}
