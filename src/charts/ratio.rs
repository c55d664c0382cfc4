//! The lesson's headline as bars: threads' wall time over processes' per scenario and
//! runtime, at one worker count, beside the reference lesson's ratios. Above 1, processes
//! were faster; below 1, threads were.

use plotters::prelude::*;

use super::kinds::{ChartKind, Drawn, RunCharts};
use super::{ChartError, FONT, IDEAL, SERIAL, SIZE, canvas, fail, runtime_color};
use crate::executor::ExecutorKind;
use crate::plan::Scenario;
use crate::results::rows::SummaryRow;
use crate::runtime::Runtime;

/// One bar: a scenario, a runtime and its ratio.
#[derive(Debug, Clone, PartialEq)]
pub struct RatioBar {
    /// The scenario.
    pub scenario: Scenario,
    /// The runtime.
    pub runtime: Runtime,
    /// threads / processes.
    pub ratio: f64,
    /// Its interval, when the run has one.
    pub interval: Option<(f64, f64)>,
}

/// The bars at `workers` (or the nearest measured worker count) for the CPU and I/O scenarios.
pub fn bars(rows: &[SummaryRow], workers: u32) -> Vec<RatioBar> {
    let mut bars = Vec::new();
    for scenario in [Scenario::Cpu, Scenario::Io] {
        for runtime in Runtime::ALL {
            let candidates: Vec<&SummaryRow> = rows
                .iter()
                .filter(|r| {
                    r.scenario == scenario
                        && r.runtime == runtime
                        && r.executor == ExecutorKind::Threads
                })
                .filter(|r| r.threads_over_processes.is_some())
                .collect();
            let nearest = candidates.iter().min_by_key(|r| r.workers.abs_diff(workers));
            if let Some(row) = nearest
                && let Some(ratio) = row.threads_over_processes
            {
                let interval = row.ratio_ci_low.zip(row.ratio_ci_high);
                bars.push(RatioBar { scenario, runtime, ratio, interval });
            }
        }
    }
    bars
}

/// The SVG of the ratio chart; `reference` holds the lesson's (cpu, io) ratios.
pub fn render(
    bars: &[RatioBar],
    workers: u32,
    reference: (f64, f64),
) -> Result<String, ChartError> {
    let oops = fail("ratio");
    let scenarios = [Scenario::Cpu, Scenario::Io];
    let slots = Runtime::ALL.len() as f64 + 1.0;
    let highest = bars.iter().map(|b| b.interval.map_or(b.ratio, |(_, high)| high.max(b.ratio)));
    let top = highest.chain([reference.0, reference.1, 1.0]).fold(0.0, f64::max) * 1.35;
    let mut svg = String::new();
    {
        let root = canvas(&mut svg, SIZE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(format!("Threads / processes wall time at {workers} workers"), (FONT, 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(64)
            .build_cartesian_2d(-0.5..(scenarios.len() as f64 * slots) - 0.5, 0.0..top)
            .map_err(&oops)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .disable_x_axis()
            .light_line_style(WHITE.mix(0.0))
            .y_desc("threads time / processes time (x)")
            .label_style((FONT, 13))
            .draw()
            .map_err(&oops)?;
        let width = scenarios.len() as f64 * slots;
        chart
            .draw_series(LineSeries::new(
                vec![(-0.5, 1.0), (width - 0.5, 1.0)],
                SERIAL.stroke_width(1),
            ))
            .map_err(&oops)?
            .label("1.0: no difference")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], SERIAL.stroke_width(1)));
        for (i, scenario) in scenarios.iter().enumerate() {
            let base = i as f64 * slots;
            let lesson = if *scenario == Scenario::Cpu { reference.0 } else { reference.1 };
            let span = vec![(base - 0.45, lesson), (base + slots - 1.55, lesson)];
            let series = chart
                .draw_series(DashedLineSeries::new(span, 6, 4, IDEAL.stroke_width(2)))
                .map_err(&oops)?;
            if i == 0 {
                series.label("reference lesson (CPython)").legend(super::legend_line(IDEAL));
            }
            let name = if *scenario == Scenario::Cpu { "CPU-bound" } else { "I/O-bound" };
            let centre = base + (slots - 2.0) / 2.0;
            chart
                .draw_series(std::iter::once(Text::new(
                    name.to_string(),
                    (centre - 0.3, -top * 0.04),
                    (FONT, 15),
                )))
                .map_err(&oops)?;
            for (j, runtime) in Runtime::ALL.iter().enumerate() {
                let Some(bar) =
                    bars.iter().find(|b| b.scenario == *scenario && b.runtime == *runtime)
                else {
                    continue;
                };
                let x = base + j as f64;
                let color = runtime_color(*runtime);
                let series = chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x - 0.4, 0.0), (x + 0.4, bar.ratio)],
                        color.filled(),
                    )))
                    .map_err(&oops)?;
                if i == 0
                    || !bars.iter().any(|b| b.scenario == Scenario::Cpu && b.runtime == *runtime)
                {
                    series.label(runtime.name()).legend(move |(x, y)| {
                        Rectangle::new([(x, y - 5), (x + 14, y + 5)], color.filled())
                    });
                }
                if let Some((low, high)) = bar.interval {
                    chart
                        .draw_series([
                            PathElement::new(vec![(x, low), (x, high)], IDEAL.stroke_width(2)),
                            PathElement::new(vec![(x - 0.1, low), (x + 0.1, low)], IDEAL),
                            PathElement::new(vec![(x - 0.1, high), (x + 0.1, high)], IDEAL),
                        ])
                        .map_err(&oops)?;
                }
                let label_y = bar.interval.map_or(bar.ratio, |(_, high)| high.max(bar.ratio));
                chart
                    .draw_series(std::iter::once(Text::new(
                        format!("{:.2}", bar.ratio),
                        (x - 0.3, label_y + top * 0.05),
                        (FONT, 13),
                    )))
                    .map_err(&oops)?;
            }
        }
        super::draw_legend(&mut chart, SeriesLabelPosition::UpperRight).map_err(&oops)?;
        root.present().map_err(&oops)?;
    }
    Ok(svg)
}

/// The threads/processes ratio bars at the lesson's worker count.
pub struct Ratio;

impl ChartKind for Ratio {
    fn draw(&self, run: &RunCharts<'_>) -> Result<Vec<Drawn>, ChartError> {
        let workers = run.lesson_workers;
        let caption = format!(
            "Threads' wall time over processes' at {workers} workers (median of the per-repeat \
             ratios; whiskers: its interval), beside the reference lesson's CPython ratios \
             (dashed)."
        );
        let svg = render(&bars(run.summary, workers), workers, run.reference)?;
        Ok(vec![Drawn { name: "ratio".into(), caption, svg }])
    }
}
