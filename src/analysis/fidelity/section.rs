//! The fidelity check as the report's section (no heading: it sits in the measured chapter's
//! body): rust-gil's ratios beside CPython's, the note on what the pools spend outside the
//! lock, or one line saying the run could not compare them.

use serde_json::json;

use super::{FidelityCheck, check};
use crate::analysis::input::Input;
use crate::view::section::{Block, Chapter, SectionView};
use crate::view::table::{Cell, Column, Table, Unit};
use crate::view::text::words_of;

/// The check, or the line that says it could not be made.
pub fn section(input: &Input) -> Vec<SectionView> {
    let check = check(input.runs, input.tasks);
    let part = SectionView::part(Chapter::Measured);
    if check.rows.is_empty() {
        return vec![part.prose("fidelity_missing", json!({}))];
    }
    let mut part = part
        .prose("fidelity_intro", json!({ "goal": check.goal_pct }))
        .block(Block::Table(table(&check)));
    if check.outside.len() == 2 {
        part = part.prose("fidelity_outside", serde_json::to_value(&check).unwrap_or_default());
    }
    vec![part]
}

fn table(check: &FidelityCheck) -> Table {
    let mut table = Table::new(vec![
        Column::text("ratio"),
        Column::text("against"),
        Column::numbers("workers"),
        Column::unit("rust-gil, wall", Unit::Ratio, 2),
        Column::unit("cpython, wall", Unit::Ratio, 2),
        Column::numbers("rust-gil, tasks"),
        Column::numbers("cpython, tasks"),
        Column::unit("difference, tasks", Unit::Percent, 1),
        Column::text(format!("verdict (goal: within {}%)", check.goal_pct)),
    ]);
    for row in &check.rows {
        let verdict = words_of(&row.verdict);
        let decide = row
            .repeats_needed
            .map_or_else(String::new, |n| format!(" (about {n} repeats would decide)"));
        table.push(vec![
            Cell::text(format!("{} / processes", row.pool.name())),
            Cell::text(row.cpython_runtime.to_string()),
            Cell::shown(row.workers.to_string()),
            Cell::Number(Some(row.model)),
            Cell::Number(Some(row.cpython)),
            Cell::estimate(Some(&row.model_tasks)),
            Cell::estimate(Some(&row.cpython_tasks)),
            Cell::Number(Some(row.difference_pct)),
            Cell::text(format!("{verdict}{decide}")),
        ]);
    }
    table
}
