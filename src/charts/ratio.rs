//! The lesson's headline as bars: threads' wall time over processes' per scenario and
//! runtime, at one worker count, beside the reference lesson's ratios. Above 1, processes
//! were faster; below 1, threads were.

use plotters::prelude::*;

use super::kinds::{ChartKind, Drawn, RunCharts};
use super::legend::{self, Entry};
use super::style;
use super::{ChartError, FONT, IDEAL, SERIAL, SIZE, canvas, fail};
use crate::analysis::summary::SummaryRow;
use crate::executor::ExecutorKind;
use crate::plan::Scenario;
use crate::runtime::Runtime;
use crate::stats::{Estimate, Interval};

/// One bar: a scenario, a runtime and its ratio.
#[derive(Debug, Clone, PartialEq)]
pub struct RatioBar {
    /// The scenario.
    pub scenario: Scenario,
    /// The runtime.
    pub runtime: Runtime,
    /// threads / processes, with its interval when the run has one.
    pub ratio: Estimate,
}

/// The bars at `workers` (or the nearest measured worker count) for the CPU and I/O scenarios.
pub fn bars(rows: &[SummaryRow], workers: u32) -> Vec<RatioBar> {
    let mut bars = Vec::new();
    for scenario in [Scenario::Cpu, Scenario::Io] {
        for runtime in Runtime::present(rows.iter().map(|r| r.point.runtime)) {
            let candidates: Vec<&SummaryRow> = rows
                .iter()
                .filter(|r| {
                    r.point.scenario == scenario
                        && r.point.runtime == runtime
                        && r.point.executor == ExecutorKind::Threads
                })
                .filter(|r| r.threads_over_processes.is_some())
                .collect();
            let nearest = candidates.iter().min_by_key(|r| r.point.workers.abs_diff(workers));
            if let Some(row) = nearest
                && let Some(ratio) = row.threads_over_processes
            {
                bars.push(RatioBar { scenario, runtime, ratio });
            }
        }
    }
    bars
}

/// The ratio chart's drawing surface.
type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, super::Plane>;

/// The SVG of the ratio chart; `reference` holds the lesson's (cpu, io) ratios.
pub fn render(
    bars: &[RatioBar],
    workers: u32,
    reference: (f64, f64),
) -> Result<String, ChartError> {
    let oops = fail("ratio");
    let runtimes = Runtime::present(bars.iter().map(|b| b.runtime));
    let slots = runtimes.len().max(1) as f64 + 1.0;
    let highest =
        bars.iter().map(|b| b.ratio.interval.map_or(b.ratio.value, |i| i.high.max(b.ratio.value)));
    let top = highest.chain([reference.0, reference.1, 1.0]).fold(0.0, f64::max) * 1.15;
    let mut svg = String::new();
    {
        let root = canvas(&mut svg, (SIZE.0 + legend::WIDTH, SIZE.1))?;
        let title = format!("Threads / processes wall time at {workers} workers");
        let root = root.titled(&title, (FONT, 18)).map_err(&oops)?;
        let (plot, key) = root.split_horizontally(SIZE.0);
        let width = 2.0 * slots;
        let mut chart = ChartBuilder::on(&plot)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(64)
            .build_cartesian_2d(-0.5..width - 0.5, 0.0..top)
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
        chart
            .draw_series(LineSeries::new(
                vec![(-0.5, 1.0), (width - 0.5, 1.0)],
                SERIAL.stroke_width(1),
            ))
            .map_err(&oops)?;
        for (i, scenario) in [Scenario::Cpu, Scenario::Io].into_iter().enumerate() {
            let lesson = if scenario == Scenario::Cpu { reference.0 } else { reference.1 };
            let group = Group { scenario, base: i as f64 * slots, slots, top };
            draw_group(&mut chart, &group, lesson, bars)?;
        }
        let mut entries = vec![
            Entry::line("1.0: no difference".into(), SERIAL, None),
            Entry::line("reference lesson (CPython)".into(), IDEAL, Some(style::IDEAL_DASH)),
        ];
        for runtime in runtimes {
            let color = style::family(runtime);
            let bar = Some(style::Marker::Square);
            entries.push(Entry { marker: bar, ..Entry::line(runtime.to_string(), color, None) });
        }
        legend::draw(&key, &entries).map_err(&oops)?;
        root.present().map_err(&oops)?;
    }
    Ok(svg)
}

/// Where one scenario's bars go.
struct Group {
    scenario: Scenario,
    base: f64,
    slots: f64,
    top: f64,
}

/// One scenario: the reference lesson's ratio, the scenario's name, and a bar per runtime.
fn draw_group(
    chart: &mut Chart,
    g: &Group,
    lesson: f64,
    bars: &[RatioBar],
) -> Result<(), ChartError> {
    let oops = fail("ratio");
    let span = vec![(g.base - 0.45, lesson), (g.base + g.slots - 1.55, lesson)];
    style::draw_line(chart, span, IDEAL, Some(style::IDEAL_DASH))?;
    let name = if g.scenario == Scenario::Cpu { "CPU-bound" } else { "I/O-bound" };
    let centre = g.base + (g.slots - 2.0) / 2.0;
    let label = Text::new(name.to_string(), (centre - 0.3, -g.top * 0.04), (FONT, 15));
    chart.draw_series(std::iter::once(label)).map_err(&oops)?;
    for (j, runtime) in Runtime::present(bars.iter().map(|b| b.runtime)).into_iter().enumerate() {
        let Some(bar) = bars.iter().find(|b| b.scenario == g.scenario && b.runtime == runtime)
        else {
            continue;
        };
        draw_bar(chart, bar, g.base + j as f64, g.top)?;
    }
    Ok(())
}

/// One bar at `x` with its interval's whiskers and its value above.
fn draw_bar(chart: &mut Chart, bar: &RatioBar, x: f64, top: f64) -> Result<(), ChartError> {
    let oops = fail("ratio");
    let color = style::family(bar.runtime);
    let rect = Rectangle::new([(x - 0.4, 0.0), (x + 0.4, bar.ratio.value)], color.filled());
    chart.draw_series(std::iter::once(rect)).map_err(&oops)?;
    if let Some(Interval { low, high, .. }) = bar.ratio.interval {
        chart
            .draw_series([
                PathElement::new(vec![(x, low), (x, high)], IDEAL.stroke_width(2)),
                PathElement::new(vec![(x - 0.1, low), (x + 0.1, low)], IDEAL),
                PathElement::new(vec![(x - 0.1, high), (x + 0.1, high)], IDEAL),
            ])
            .map_err(&oops)?;
    }
    let label_y = bar.ratio.interval.map_or(bar.ratio.value, |i| i.high.max(bar.ratio.value));
    let value =
        Text::new(format!("{:.2}", bar.ratio.value), (x - 0.3, label_y + top * 0.05), (FONT, 13));
    chart.draw_series(std::iter::once(value)).map_err(&oops)?;
    Ok(())
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
