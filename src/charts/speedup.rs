//! Speedup over the serial baseline against the worker count, with the ideal speedup
//! (min(workers, cores) for CPU work, workers for I/O) and the machine's core count marked.

use super::ChartError;
use super::curves::{CurveSpec, draw, pool_rows};
use super::kinds::{ChartKind, Drawn, RunCharts};
use crate::analysis::summary::SummaryRow;
use crate::plan::Scenario;

/// The SVG of the speedup chart of `scenario` on a machine with `cores` logical cores.
pub fn render(rows: &[SummaryRow], scenario: Scenario, cores: u32) -> Result<String, ChartError> {
    render_on(rows, scenario, cores, None)
}

/// [`render`], marking `physical` cores too where an SMT machine has fewer than `cores`.
pub fn render_on(
    rows: &[SummaryRow],
    scenario: Scenario,
    cores: u32,
    physical: Option<u32>,
) -> Result<String, ChartError> {
    let rows = pool_rows(rows, scenario);
    let mut ideal: Vec<(f64, f64)> = rows
        .iter()
        .filter_map(|r| r.ideal_speedup.map(|v| (f64::from(r.point.workers), v)))
        .collect();
    ideal.sort_by(|a, b| a.0.total_cmp(&b.0));
    ideal.dedup_by(|a, b| a.0 == b.0);
    draw(&CurveSpec {
        chart: "speedup",
        title: format!("{} work: speedup over serial", scenario.title()),
        y_desc: "speedup (x)",
        rows,
        value: |r| r.speedup.map(|s| s.value),
        error_bar: None,
        reference: Some(("ideal".to_string(), ideal)),
        cores: Some(cores),
        physical,
    })
}

/// Speedup against workers, one chart per sweep scenario.
pub struct Speedup;

impl ChartKind for Speedup {
    fn draw(&self, run: &RunCharts<'_>) -> Result<Vec<Drawn>, ChartError> {
        run.per_sweep_scenario("speedup", |scenario, name| {
            let smt = match run.physical_cores.filter(|&p| p < run.cores) {
                Some(p) => {
                    format!(", long dashes: its {p} physical cores (SMT siblings share a core)")
                }
                None => String::new(),
            };
            let caption = format!(
                "Speedup over the serial baseline, {name} scenario; dashed black: ideal, dashed \
                 grey: the machine's {} cores{smt}.{}",
                run.cores,
                super::curves::left_out_note(run.summary, scenario)
            );
            Ok((caption, render_on(run.summary, scenario, run.cores, run.physical_cores)?))
        })
    }
}
