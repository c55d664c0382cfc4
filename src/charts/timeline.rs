//! A per-task timeline (a Gantt chart) of one measurement: one lane per worker, one bar per
//! task from its start to its end. I/O waits overlap across lanes; CPU work spreads over the
//! cores, or, under a GIL, takes turns.

use plotters::prelude::*;

use super::kinds::{ChartKind, Drawn, RunCharts, Section};
use super::{ChartError, FONT, SERIAL, canvas, fail, style};
use crate::executor::ExecutorKind;
use crate::plan::Scenario;
use crate::results::TaskRow;
use crate::runtime::Runtime;

/// The SVG of the timeline of `tasks` (the tasks of one measurement).
pub fn render(
    title: &str,
    runtime: Runtime,
    executor: ExecutorKind,
    tasks: &[TaskRow],
) -> Result<String, ChartError> {
    let oops = fail("timeline");
    let lanes = tasks.iter().map(|t| t.worker).max().map_or(1, |w| w + 1);
    let end = tasks.iter().map(|t| t.end_s).fold(0.0, f64::max).max(1e-6) * 1.05;
    let height = 90 + 26 * lanes;
    let color = style::color(runtime, executor);
    let mut svg = String::new();
    {
        let root = canvas(&mut svg, (760, height))?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FONT, 16))
            .margin(10)
            .x_label_area_size(36)
            .y_label_area_size(80)
            .build_cartesian_2d(0.0..end, -0.5..(f64::from(lanes) - 0.5))
            .map_err(&oops)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE.mix(0.0))
            .x_desc("seconds since the measurement started")
            .y_labels(lanes as usize)
            .y_label_formatter(&|y| format!("worker {}", y.round()))
            .label_style((FONT, 12))
            .draw()
            .map_err(&oops)?;
        let bars = tasks.iter().map(|t| {
            let lane = f64::from(t.worker);
            Rectangle::new(
                [(t.start_s, lane - 0.35), (t.end_s.max(t.start_s), lane + 0.35)],
                color.mix(0.75).filled(),
            )
        });
        chart.draw_series(bars).map_err(&oops)?;
        let outlines = tasks.iter().map(|t| {
            let lane = f64::from(t.worker);
            Rectangle::new(
                [(t.start_s, lane - 0.35), (t.end_s.max(t.start_s), lane + 0.35)],
                SERIAL.stroke_width(1),
            )
        });
        chart.draw_series(outlines).map_err(&oops)?;
        root.present().map_err(&oops)?;
    }
    Ok(svg)
}

/// The tasks of the measurement of `runtime`/`scenario`/`executor` at `workers` whose wall
/// time is the median of its repeats (the representative one).
fn representative(
    run: &RunCharts<'_>,
    runtime: Runtime,
    scenario: Scenario,
    executor: ExecutorKind,
    workers: u32,
) -> Vec<TaskRow> {
    let mut candidates: Vec<_> = run
        .runs
        .iter()
        .filter(|r| {
            r.point.runtime == runtime
                && r.point.scenario == scenario
                && r.point.executor == executor
                && r.point.workers == workers
        })
        .filter(|r| r.measured() && r.point.cpu_fraction().is_none())
        .collect();
    candidates.sort_by(|a, b| a.elapsed_s.total_cmp(&b.elapsed_s));
    let Some(chosen) = candidates.get(candidates.len() / 2) else { return Vec::new() };
    run.tasks.iter().filter(|t| t.measurement == chosen.measurement).cloned().collect()
}

/// Per-task timelines of the median repeat, per runtime, sweep scenario and pool, at the
/// lesson's worker count.
pub struct Timelines;

impl ChartKind for Timelines {
    fn section(&self) -> Section {
        Section::Timelines
    }

    fn draw(&self, run: &RunCharts<'_>) -> Result<Vec<Drawn>, ChartError> {
        let workers = run.lesson_workers;
        let mut drawn = Vec::new();
        for runtime in Runtime::present(run.summary.iter().map(|r| r.point.runtime)) {
            for scenario in [Scenario::Cpu, Scenario::Io] {
                for executor in
                    [ExecutorKind::Threads, ExecutorKind::Processes, ExecutorKind::Interpreters]
                {
                    let tasks = representative(run, runtime, scenario, executor, workers);
                    if tasks.is_empty() {
                        continue;
                    }
                    let title = format!("{runtime}, {scenario} work, {executor} x {workers}");
                    let runtime_name = runtime.name().replace('-', "_");
                    drawn.push(Drawn {
                        name: format!("timeline_{runtime_name}_{scenario}_{executor}"),
                        caption: format!(
                            "{title}: one lane per worker, one bar per task (the median repeat)."
                        ),
                        svg: render(&title, runtime, executor, &tasks)?,
                    });
                }
            }
        }
        Ok(drawn)
    }
}
