//! The mixed workload's crossover: threads' wall time over processes' against the fraction
//! of each task spent computing, one line per runtime. Where a line crosses 1, the better
//! tool changes: under a GIL, threads win while tasks mostly wait and lose as they compute.

use plotters::prelude::*;

use super::kinds::{ChartKind, Drawn, RunCharts};
use super::legend::{self, Entry};
use super::style;
use super::{ChartError, FONT, SERIAL, SIZE, canvas, fail, y_range};
use crate::analysis::summary::SummaryRow;
use crate::executor::ExecutorKind;
use crate::plan::Scenario;
use crate::runtime::Runtime;

/// The SVG of the crossover chart.
pub fn render(rows: &[SummaryRow], workers: u32) -> Result<String, ChartError> {
    let oops = fail("crossover");
    let mixed: Vec<&SummaryRow> = rows
        .iter()
        .filter(|r| {
            r.point.scenario == Scenario::Mixed && r.point.executor == ExecutorKind::Threads
        })
        .filter(|r| r.threads_over_processes.is_some() && r.point.cpu_fraction().is_some())
        .collect();
    let values =
        mixed.iter().filter_map(|r| r.threads_over_processes.map(|e| e.value)).chain([1.0]);
    let mut svg = String::new();
    {
        let root = canvas(&mut svg, (SIZE.0 + legend::WIDTH, SIZE.1))?;
        let root = root
            .titled(&format!("Mixed tasks at {workers} workers: threads / processes"), (FONT, 18))
            .map_err(&oops)?;
        let (plot, key) = root.split_horizontally(SIZE.0);
        let mut entries = vec![Entry::line("1.0: a tie".into(), SERIAL, None)];
        let mut chart = ChartBuilder::on(&plot)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(64)
            .build_cartesian_2d(-0.05..1.05, y_range(values, true))
            .map_err(&oops)?;
        chart
            .configure_mesh()
            .x_desc("fraction of each task spent computing")
            .y_desc("threads time / processes time (x)")
            .light_line_style(WHITE.mix(0.0))
            .label_style((FONT, 13))
            .draw()
            .map_err(&oops)?;
        style::draw_line(&mut chart, vec![(-0.05, 1.0), (1.05, 1.0)], SERIAL, None)?;
        for runtime in Runtime::present(mixed.iter().map(|r| r.point.runtime)) {
            let mut points: Vec<(f64, f64)> = mixed
                .iter()
                .filter(|r| r.point.runtime == runtime)
                .filter_map(|r| {
                    r.point.cpu_fraction().zip(r.threads_over_processes.map(|e| e.value))
                })
                .collect();
            if points.is_empty() {
                continue;
            }
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            // The threads' line of each runtime, in its family's colour and marker.
            let color = style::color(runtime, ExecutorKind::Threads);
            let marker = style::marker(runtime);
            style::draw_line(&mut chart, points.clone(), color, None)?;
            style::draw_markers(&mut chart, marker, &points, color)?;
            entries.push(Entry {
                marker: Some(marker),
                ..Entry::line(runtime.to_string(), color, None)
            });
        }
        legend::draw(&key, &entries).map_err(&oops)?;
        root.present().map_err(&oops)?;
    }
    Ok(svg)
}

/// The mixed workload's crossover, when the run measured it.
pub struct Crossover;

impl ChartKind for Crossover {
    fn draw(&self, run: &RunCharts<'_>) -> Result<Vec<Drawn>, ChartError> {
        if !run.summary.iter().any(|r| r.point.scenario == Scenario::Mixed) {
            return Ok(Vec::new());
        }
        Ok(vec![Drawn {
            name: "crossover".into(),
            caption: "Mixed tasks: threads over processes as the share of computing grows; \
                      above 1 processes win."
                .into(),
            svg: render(run.summary, run.mixed_workers)?,
        }])
    }
}
