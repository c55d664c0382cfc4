//! "Scaling within this machine's cores": the table of fits, the predictions whose hold-out
//! landed inside, the oversubscribed counts, and the sentences, as the report's section.

use serde_json::json;

use super::sentences::{ScalingView, view};
use crate::analysis::input::Input;
use crate::view::section::{Block, Chapter, SectionView, markdown};
use crate::view::table::{Cell, Column, Table};

/// The section's heading.
pub const TITLE: &str = "Scaling within this machine's cores";

/// The section, where the run fitted or oversubscribed a sweep the report shows.
pub fn section(input: &Input) -> Vec<SectionView> {
    let Some(view) = view(input.scaling, &input.task_lengths_off) else { return Vec::new() };
    let usable = json!({ "usable": view.usable });
    let intro = json!({
        "usable": view.usable,
        "level_pct": (crate::stats::LEVEL * 100.0).round() as u32,
        "replicates": crate::analysis::findings::sum_shown(super::REPLICATES as f64),
    });
    let mut section = SectionView::headed(Chapter::Measured, TITLE)
        .prose("scaling_intro", intro)
        .block(Block::Table(fits(&view)));
    if !view.predictions.is_empty() {
        section =
            section.prose("scaling_predictions", json!({})).block(Block::Table(predictions(&view)));
    }
    if !view.past.is_empty() {
        section = section.prose("scaling_past", usable).block(Block::Table(past(&view)));
    }
    vec![section.block(Block::List(markdown(view.sentences)))]
}

fn fits(view: &ScalingView) -> Table {
    let mut table = Table::new(vec![
        Column::text("sweep"),
        Column::text("worker counts fitted"),
        Column::numbers("Amdahl: serial fraction"),
        Column::numbers("USL: σ"),
        Column::numbers("USL: κ"),
        Column::numbers("USL: peak N*"),
    ]);
    for row in &view.rows {
        table.push(vec![
            Cell::text(row.sweep.clone()),
            Cell::shown(row.counts.clone()),
            Cell::shown(row.serial_fraction.clone()),
            Cell::shown(row.sigma.clone()),
            Cell::shown(row.kappa.clone()),
            Cell::shown(row.peak.clone()),
        ]);
    }
    table
}

fn predictions(view: &ScalingView) -> Table {
    let mut columns = vec![Column::text("sweep")];
    columns.extend(
        view.predicted_workers.iter().map(|w| Column::numbers(format!("{w} workers on {w} cores"))),
    );
    columns.push(Column::text("hold-out: measured, predicted"));
    let mut table = Table::new(columns);
    for row in &view.predictions {
        let mut cells = vec![Cell::text(row.sweep.clone())];
        cells.extend(row.predicted.iter().cloned().map(Cell::Shown));
        cells.push(Cell::shown(row.holdout.clone()));
        table.push(cells);
    }
    table
}

fn past(view: &ScalingView) -> Table {
    let mut columns = vec![Column::text("sweep"), Column::numbers("speedup within the CPUs")];
    columns.extend(
        view.past_workers.iter().map(|w| Column::numbers(format!("{w} workers: time against it"))),
    );
    let mut table = Table::new(columns);
    for row in &view.past {
        let mut cells = vec![Cell::text(row.sweep.clone()), Cell::shown(row.within.clone())];
        cells.extend(row.time_ratios.iter().cloned().map(Cell::Shown));
        table.push(cells);
    }
    table
}
