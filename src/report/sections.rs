//! Every section of the report's measured chapter and its method chapter, in the order the
//! report prints them: the analysis's registry ([`SECTIONS`]), each built the same way from
//! one [`Input`], then the harness's cost (from `gilbench overhead`, a layer above the
//! analysis). The Contents and both formats follow from the list.

use serde_json::json;

use super::data::RunData;
use crate::analysis::SECTIONS;
use crate::analysis::input::Input;
use crate::overhead::{Metric, OverheadRow};
use crate::view::section::{Block, Chapter, SectionView};
use crate::view::table::{Cell, Column, Table};
use crate::view::text::words_of;

/// The run's input to every section.
pub fn input(run: &RunData) -> Input<'_> {
    let manifest = &run.manifest;
    Input {
        summary: &run.summary,
        runs: &run.runs,
        tasks: &run.tasks,
        plan: manifest.plan.plan(),
        cores: run.machine.logical_cores,
        lesson_workers: run.lesson_workers(),
        start_methods: manifest
            .pythons
            .iter()
            .filter_map(|(r, found)| Some((*r, found.info.start_method?)))
            .collect(),
        unsupported: manifest
            .setup
            .unsupported
            .iter()
            .map(|u| format!("{}, {}: {}", u.runtime, u.executor, u.reason))
            .collect(),
        scaling: &run.scaling,
        task_lengths_off: manifest.task_lengths_off(),
    }
}

/// Every section of `run`, in order; `anchored` false leaves their ids out (a comparison's
/// later runs, whose headings repeat the first's).
pub fn sections(run: &RunData, input: &Input, anchored: bool) -> Vec<SectionView> {
    let mut sections: Vec<SectionView> = SECTIONS.iter().flat_map(|build| build(input)).collect();
    sections.extend(overhead(&run.overhead));
    if !anchored {
        sections.iter_mut().for_each(|s| s.id = None);
    }
    sections
}

/// "What the harness costs", from `gilbench overhead`'s rows where the run folder has them.
fn overhead(rows: &[OverheadRow]) -> Vec<SectionView> {
    if rows.is_empty() {
        return Vec::new();
    }
    let mut table = Table::new(vec![
        Column::text("metric"),
        Column::text("executor"),
        Column::numbers("workers"),
        Column::numbers("gilbench"),
        Column::numbers("CPython"),
        Column::numbers("gilbench / CPython"),
        Column::text("target"),
        Column::text("verdict"),
    ]);
    for row in rows {
        table.push(vec![
            Cell::text(words_of(&row.metric)),
            Cell::text(row.executor.name()),
            Cell::shown(row.workers.to_string()),
            Cell::shown(row.shown(&row.gilbench_estimate(), &row.unit)),
            Cell::or_dash(row.cpython_estimate().map(|c| row.shown(&c, &row.unit))),
            Cell::or_dash(row.ratio.map(|r| format!("{r:.2}"))),
            Cell::text(row.target.clone()),
            Cell::text(row.verdict.word()),
        ]);
    }
    let mut section = SectionView::headed(Chapter::Method, "What the harness costs")
        .prose("overhead_intro", json!({}))
        .block(Block::Table(table));
    if let Some(floor) = rows.iter().find(|o| o.metric == Metric::IoFloor) {
        let sleeps = super::figures::io_floor_sleeps();
        section = section.prose("overhead_floor", json!({ "row": floor, "sleeps": sleeps }));
    }
    vec![section]
}
