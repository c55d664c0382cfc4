//! Speedup curves of several runs (machines, or one machine under several settings) on one
//! chart, each normalised to its own run's serial baseline: one panel per runtime the runs
//! share, one colour per run, the executors' line styles as everywhere else. Drawn by
//! `gilbench compare` from the points every run measured.

use plotters::prelude::*;

use super::legend::{self, Entry};
use super::{ChartError, FONT, SERIAL, canvas, fail, multiples, style, worker_tick, y_range};
use crate::analysis::summary::SummaryRow;
use crate::runtime::Runtime;

const CHART: &str = "machines";

/// One colour per run (Okabe-Ito).
const RUN_COLOURS: [RGBColor; 6] = [
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x56, 0xB4, 0xE9),
];

/// The colour of the `index`th run.
pub fn run_colour(index: usize) -> RGBColor {
    RUN_COLOURS[index % RUN_COLOURS.len()]
}

/// One run's rows of one scenario, with its label.
pub struct RunCurves<'a> {
    /// "run-id (host, 16 cores)".
    pub label: String,
    /// Its summary rows (pools only, the shared points).
    pub rows: Vec<&'a SummaryRow>,
}

/// The SVG of the speedup curves of `runs`, titled `title`; `None` without a point.
pub fn render(runs: &[RunCurves<'_>], title: &str) -> Result<Option<String>, ChartError> {
    let all = runs.iter().flat_map(|r| r.rows.iter());
    let runtimes = Runtime::present(all.clone().map(|r| r.point.runtime));
    if runtimes.is_empty() {
        return Ok(None);
    }
    let max_workers = all.clone().map(|r| r.point.workers).max().unwrap_or(2).max(2);
    let log2 = max_workers > 16;
    let x = move |w: u32| if log2 { f64::from(w).log2() } else { f64::from(w) };
    let x_range = if log2 { -0.3..x(max_workers) + 0.3 } else { 0.5..f64::from(max_workers) + 0.5 };
    let y = y_range(all.clone().filter_map(|r| r.speedup.map(|s| s.value)), true);
    let (size, rows, columns) = multiples(runtimes.len(), 320);
    let oops = fail(CHART);
    let mut svg = String::new();
    {
        let root = canvas(&mut svg, size)?;
        let root = root.titled(title, (FONT, 18)).map_err(&oops)?;
        let (plots, key) = root.split_horizontally(size.0 - legend::WIDTH);
        for (cell, runtime) in plots.split_evenly((rows, columns)).iter().zip(&runtimes) {
            let mut chart = ChartBuilder::on(cell)
                .margin(10)
                .x_label_area_size(40)
                .y_label_area_size(56)
                .caption(runtime.to_string(), (FONT, 15))
                .build_cartesian_2d(x_range.clone(), y.clone())
                .map_err(&oops)?;
            chart
                .configure_mesh()
                .x_desc(if log2 { "workers (log 2)" } else { "workers" })
                .y_desc("speedup over its own serial")
                .x_label_formatter(&|v| worker_tick(*v, log2))
                .light_line_style(WHITE.mix(0.0))
                .label_style((FONT, 13))
                .draw()
                .map_err(&oops)?;
            for (index, run) in runs.iter().enumerate() {
                let mut executors: Vec<_> = run.rows.iter().map(|r| r.point.executor).collect();
                executors.sort();
                executors.dedup();
                for executor in executors {
                    let mut points: Vec<(f64, f64)> = run
                        .rows
                        .iter()
                        .filter(|r| r.point.runtime == *runtime && r.point.executor == executor)
                        .filter_map(|r| Some((x(r.point.workers), r.speedup?.value)))
                        .collect();
                    points.sort_by(|a, b| a.0.total_cmp(&b.0));
                    let colour = run_colour(index);
                    style::draw_line(&mut chart, points.clone(), colour, style::dash(executor))?;
                    style::draw_markers(&mut chart, style::marker(*runtime), &points, colour)?;
                }
            }
        }
        legend::draw(&key, &entries(runs)).map_err(&oops)?;
        root.present().map_err(&oops)?;
    }
    Ok(Some(svg))
}

fn entries(runs: &[RunCurves<'_>]) -> Vec<Entry> {
    let mut entries: Vec<Entry> = runs
        .iter()
        .enumerate()
        .map(|(i, run)| Entry::line(run.label.clone(), run_colour(i), None))
        .collect();
    let mut executors: Vec<_> =
        runs.iter().flat_map(|r| r.rows.iter().map(|r| r.point.executor)).collect();
    executors.sort();
    executors.dedup();
    entries
        .extend(executors.into_iter().map(|e| Entry::line(e.to_string(), SERIAL, style::dash(e))));
    entries
}
