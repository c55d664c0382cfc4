//! Parallel efficiency (speedup / ideal speedup) against the worker count: 1.0 means every
//! usable worker was fully used.

use super::ChartError;
use super::curves::{CurveSpec, draw, pool_rows};
use super::kinds::{ChartKind, Drawn, RunCharts};
use crate::analysis::summary::SummaryRow;
use crate::plan::Scenario;

/// The SVG of the efficiency chart of `scenario`.
pub fn render(rows: &[SummaryRow], scenario: Scenario) -> Result<String, ChartError> {
    let rows = pool_rows(rows, scenario);
    let mut workers: Vec<u32> = rows.iter().map(|r| r.point.workers).collect();
    workers.sort_unstable();
    workers.dedup();
    let full = workers.iter().map(|&w| (f64::from(w), 1.0)).collect();
    draw(&CurveSpec {
        chart: "efficiency",
        title: format!("{} work: efficiency (speedup / ideal)", scenario.title()),
        y_desc: "efficiency",
        rows,
        value: |r| r.efficiency,
        error_bar: None,
        reference: Some(("full use".to_string(), full)),
        cores: None,
        physical: None,
    })
}

/// Efficiency against workers, one chart per sweep scenario.
pub struct Efficiency;

impl ChartKind for Efficiency {
    fn draw(&self, run: &RunCharts<'_>) -> Result<Vec<Drawn>, ChartError> {
        run.per_sweep_scenario("efficiency", |scenario, name| {
            let caption = format!(
                "Efficiency (speedup / ideal speedup), {name} scenario.{}",
                super::curves::left_out_note(run.summary, scenario)
            );
            Ok((caption, render(run.summary, scenario)?))
        })
    }
}
