//! Wall time against the worker count for one scenario: one line per runtime x executor,
//! with the interval of each median as a bar (its real coverage is in the report's method), and the ideal time (ceil(tasks /
//! usable workers) rounds of one task) as a dashed line.

use super::ChartError;
use super::curves::{CurveSpec, draw, pool_rows};
use super::kinds::{ChartKind, Drawn, RunCharts};
use crate::analysis::summary::SummaryRow;
use crate::executor::ExecutorKind;
use crate::plan::Scenario;

/// The SVG of the wall-time chart of `scenario`.
pub fn render(rows: &[SummaryRow], scenario: Scenario) -> Result<String, ChartError> {
    let rows = pool_rows(rows, scenario);
    // The ideal of the first runtime measured (each runtime's ideal follows its own baseline).
    let first = rows.iter().map(|r| r.point.runtime).min();
    let mut ideal: Vec<(f64, f64)> = rows
        .iter()
        .filter(|r| Some(r.point.runtime) == first && r.point.executor == ExecutorKind::Threads)
        .filter_map(|r| r.ideal_s.map(|v| (f64::from(r.point.workers), v)))
        .collect();
    ideal.sort_by(|a, b| a.0.total_cmp(&b.0));
    let reference = first.map(|rt| (format!("ideal ({rt})"), ideal));
    draw(&CurveSpec {
        chart: "wall time",
        title: format!("{} work: wall time (median, interval)", scenario.title()),
        y_desc: "wall time (s)",
        rows,
        value: |r| Some(r.median_s()).filter(|v| v.is_finite()),
        error_bar: Some(|r| r.median.interval.map(|i| (i.low, i.high))),
        reference,
        cores: None,
        physical: None,
    })
}

/// Wall time against workers, one chart per sweep scenario.
pub struct WallTime;

impl ChartKind for WallTime {
    fn draw(&self, run: &RunCharts<'_>) -> Result<Vec<Drawn>, ChartError> {
        run.per_sweep_scenario("wall_time", |scenario, name| {
            let caption = format!(
                "Wall time of the {name} scenario against the worker count (median of the \
                 repeats; bars: its interval, whose coverage the method section states; \
                 dashed: ideal).{}",
                super::curves::left_out_note(run.summary, scenario)
            );
            Ok((caption, render(run.summary, scenario)?))
        })
    }
}
