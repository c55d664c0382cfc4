//! The shared drawing of "a value against the worker count" charts (wall time, speedup,
//! efficiency): one line per runtime x executor in the runtime's colour family and marker and
//! the executor's line style ([`super::style`]), an optional reference line (the ideal), an
//! optional mark at the machine's core count, and optional error bars. The legend stands
//! beside the plotting area, never over it. Past [`MAX_SERIES`] lines the chart becomes small
//! multiples: one panel per runtime in a grid, all with the same axes. Past 16 workers the
//! worker axis is log 2.

use plotters::prelude::*;

use super::legend::{self, Entry};
use super::style;
use super::{ChartError, FONT, IDEAL, Plane, SERIAL, canvas, fail, y_range};
use crate::analysis::summary::SummaryRow;
use crate::executor::ExecutorKind;
use crate::plan::Scenario;
use crate::runtime::Runtime;

/// Gives a point's error bar (low, high), if it has one.
pub(crate) type ErrorBar = fn(&SummaryRow) -> Option<(f64, f64)>;

/// What one curve chart shows.
pub(crate) struct CurveSpec<'a> {
    /// The chart's name in errors.
    pub chart: &'static str,
    /// The caption.
    pub title: String,
    /// The y axis description, with its unit.
    pub y_desc: &'a str,
    /// The summary rows to draw (one scenario).
    pub rows: Vec<&'a SummaryRow>,
    /// The value drawn.
    pub value: fn(&SummaryRow) -> Option<f64>,
    /// An error bar (low, high) per point, if any.
    pub error_bar: Option<ErrorBar>,
    /// The reference line's name and points.
    pub reference: Option<(String, Vec<(f64, f64)>)>,
    /// Mark this many cores on the x axis.
    pub cores: Option<u32>,
    /// And this many physical cores, where fewer (SMT siblings share a core).
    pub physical: Option<u32>,
}

const EXECUTORS: [ExecutorKind; 8] = [
    ExecutorKind::Threads,
    ExecutorKind::Processes,
    ExecutorKind::Interpreters,
    ExecutorKind::Asyncio,
    ExecutorKind::AsyncioThreads,
    ExecutorKind::ProcessesFork,
    ExecutorKind::ProcessesForkserver,
    ExecutorKind::ProcessesSpawn,
];

/// The most lines one panel holds before the chart turns into one panel per runtime.
pub const MAX_SERIES: usize = 6;

/// Past this many workers the worker axis is log 2.
pub const LOG_AXIS_PAST: u32 = 16;

/// The pool rows (threads and processes, not the serial baseline) of one scenario whose
/// worker count is their concurrency: `asyncio-threads` holds every task in flight at any
/// loop count, so against a worker axis it would sit beside pools running fewer at once
/// (the asyncio section sets it beside threads at equal concurrency instead).
pub(crate) fn pool_rows(rows: &[SummaryRow], scenario: Scenario) -> Vec<&SummaryRow> {
    rows.iter()
        .filter(|r| r.point.scenario == scenario && r.point.executor != ExecutorKind::Serial)
        .filter(|r| r.point.executor != ExecutorKind::AsyncioThreads)
        .collect()
}

/// A caption's note where `scenario` measured `asyncio-threads`, which the curves leave out.
pub(crate) fn left_out_note(rows: &[SummaryRow], scenario: Scenario) -> &'static str {
    let loops = rows
        .iter()
        .any(|r| r.point.scenario == scenario && r.point.executor == ExecutorKind::AsyncioThreads);
    if loops {
        " asyncio-threads is not drawn: its loops hold every task in flight at any worker \
         count, so its workers are not its concurrency (the asyncio section sets it beside \
         threads with as many tasks in flight)."
    } else {
        ""
    }
}

/// The worker axis: linear, or log 2 for wide sweeps (x is then log2(workers)).
#[derive(Debug, Clone, Copy)]
struct WorkerAxis {
    log2: bool,
    max: u32,
}

impl WorkerAxis {
    fn of(workers: &[u32]) -> Self {
        let max = workers.iter().copied().max().unwrap_or(1).max(2);
        Self { log2: max > LOG_AXIS_PAST, max }
    }

    fn x(&self, workers: f64) -> f64 {
        if self.log2 { workers.max(1.0).log2() } else { workers }
    }

    fn range(&self) -> std::ops::Range<f64> {
        if self.log2 {
            -0.4..self.x(f64::from(self.max)) + 0.4
        } else {
            0.5..f64::from(self.max) + 0.5
        }
    }

    fn label(&self, x: f64) -> String {
        super::worker_tick(x, self.log2)
    }
}

/// One line: its runtime, executor and points (workers, value, error bar).
struct Line<'a> {
    runtime: Runtime,
    executor: ExecutorKind,
    points: Vec<(&'a SummaryRow, f64)>,
}

fn lines<'a>(spec: &CurveSpec<'a>) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    for runtime in Runtime::present(spec.rows.iter().map(|r| r.point.runtime)) {
        for executor in EXECUTORS {
            let mut points: Vec<(&SummaryRow, f64)> = spec
                .rows
                .iter()
                .filter(|r| r.point.runtime == runtime && r.point.executor == executor)
                .filter_map(|r| (spec.value)(r).map(|v| (*r, v)))
                .collect();
            points.sort_by_key(|(r, _)| r.point.workers);
            if !points.is_empty() {
                lines.push(Line { runtime, executor, points });
            }
        }
    }
    lines
}

/// Draws `spec` and returns the SVG.
pub(crate) fn draw(spec: &CurveSpec<'_>) -> Result<String, ChartError> {
    let lines = lines(spec);
    let runtimes = Runtime::present(lines.iter().map(|l| l.runtime));
    let panels: Vec<Option<Runtime>> = if lines.len() > MAX_SERIES && runtimes.len() > 1 {
        runtimes.iter().copied().map(Some).collect()
    } else {
        vec![None]
    };
    let columns = panels.len().min(2);
    let rows = panels.len().div_ceil(columns);
    let size = if panels.len() == 1 {
        (legend::WIDTH + 700, 440)
    } else {
        (legend::WIDTH + 900, 40 + 300 * u32::try_from(rows).unwrap_or(1))
    };
    let axis = WorkerAxis::of(&spec.rows.iter().map(|r| r.point.workers).collect::<Vec<_>>());
    let mut values: Vec<f64> = lines.iter().flat_map(|l| l.points.iter().map(|p| p.1)).collect();
    if let Some(bar) = spec.error_bar {
        values.extend(spec.rows.iter().filter_map(|r| bar(r)).map(|(_, high)| high));
    }
    if let Some((_, points)) = &spec.reference {
        values.extend(points.iter().map(|p| p.1));
    }
    let y = y_range(values.into_iter(), true);
    let oops = fail(spec.chart);
    let mut svg = String::new();
    {
        let root = canvas(&mut svg, size)?;
        let root = root.titled(&spec.title, (FONT, 18)).map_err(&oops)?;
        let (plots, key) = root.split_horizontally(size.0 - legend::WIDTH);
        let cells = plots.split_evenly((rows, columns));
        for (cell, panel) in cells.iter().zip(&panels) {
            let shown: Vec<&Line> =
                lines.iter().filter(|l| panel.is_none_or(|rt| l.runtime == rt)).collect();
            draw_panel(cell, spec, &shown, *panel, axis, y.clone())?;
        }
        legend::draw(&key, &entries(spec, &lines, panels.len() > 1)).map_err(&oops)?;
        root.present().map_err(&oops)?;
    }
    Ok(svg)
}

/// The legend: every line, or in small multiples the executors' styles and the runtimes'
/// colours and markers; then the reference line and the core count.
fn entries(spec: &CurveSpec<'_>, lines: &[Line<'_>], multiples: bool) -> Vec<Entry> {
    let mut entries: Vec<Entry> = Vec::new();
    if multiples {
        let mut executors: Vec<ExecutorKind> = lines.iter().map(|l| l.executor).collect();
        executors.sort();
        executors.dedup();
        for executor in executors {
            entries.push(Entry::line(executor.to_string(), SERIAL, style::dash(executor)));
        }
        for runtime in Runtime::present(lines.iter().map(|l| l.runtime)) {
            let marker = Some(style::marker(runtime));
            entries.push(Entry {
                marker,
                ..Entry::line(runtime.to_string(), style::family(runtime), None)
            });
        }
    } else {
        for line in lines {
            let label = format!("{} {}", line.runtime, line.executor);
            let color = style::color(line.runtime, line.executor);
            let marker = Some(style::marker(line.runtime));
            entries.push(Entry { marker, ..Entry::line(label, color, style::dash(line.executor)) });
        }
    }
    if let Some((name, _)) = &spec.reference {
        entries.push(Entry::line(name.clone(), IDEAL, Some(style::IDEAL_DASH)));
    }
    if let Some(cores) = spec.cores {
        entries.push(Entry::line(format!("{cores} cores"), SERIAL, Some(style::CORES_DASH)));
    }
    if let Some(physical) = smt_mark(spec) {
        entries.push(Entry::line(
            format!("{physical} physical cores"),
            SERIAL,
            Some(PHYSICAL_DASH),
        ));
    }
    entries
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    spec: &CurveSpec<'_>,
    lines: &[&Line<'_>],
    panel: Option<Runtime>,
    axis: WorkerAxis,
    y: std::ops::Range<f64>,
) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    let oops = fail(spec.chart);
    let mut builder = ChartBuilder::on(area);
    builder.margin(10).x_label_area_size(40).y_label_area_size(64);
    if let Some(runtime) = panel {
        builder.caption(runtime.to_string(), (FONT, 15));
    }
    let mut chart = builder.build_cartesian_2d(axis.range(), y).map_err(&oops)?;
    chart
        .configure_mesh()
        .x_desc(if axis.log2 { "workers (log 2)" } else { "workers" })
        .y_desc(spec.y_desc)
        .x_label_formatter(&|x| axis.label(*x))
        .light_line_style(WHITE.mix(0.0))
        .label_style((FONT, 13))
        .draw()
        .map_err(&oops)?;
    draw_references(&mut chart, spec, axis)?;
    for line in lines {
        let color = style::color(line.runtime, line.executor);
        let points: Vec<(f64, f64)> =
            line.points.iter().map(|(r, v)| (axis.x(f64::from(r.point.workers)), *v)).collect();
        style::draw_line(&mut chart, points.clone(), color, style::dash(line.executor))?;
        if let Some(bar) = spec.error_bar {
            let bars = line.points.iter().filter_map(|(r, _)| {
                bar(r).map(|(low, high)| {
                    let x = axis.x(f64::from(r.point.workers));
                    PathElement::new(vec![(x, low), (x, high)], color.stroke_width(1))
                })
            });
            chart.draw_series(bars).map_err(&oops)?;
        }
        style::draw_markers(&mut chart, style::marker(line.runtime), &points, color)?;
    }
    Ok(())
}

/// The physical cores' mark: long dashes.
const PHYSICAL_DASH: (u32, u32) = (10, 5);

/// The physical core count, where it is below the logical one.
fn smt_mark(spec: &CurveSpec<'_>) -> Option<u32> {
    spec.physical.filter(|&p| spec.cores.is_some_and(|c| p < c))
}

/// The ideal line and the core count's mark (and the physical cores' one, with the words
/// "SMT siblings share a core" between them).
fn draw_references<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Plane>,
    spec: &CurveSpec<'_>,
    axis: WorkerAxis,
) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    if let Some(cores) = spec.cores {
        let x = axis.x(f64::from(cores));
        let top = chart.y_range().end;
        style::draw_line(chart, vec![(x, 0.0), (x, top)], SERIAL, Some(style::CORES_DASH))?;
        if let Some(physical) = smt_mark(spec) {
            let p = axis.x(f64::from(physical));
            style::draw_line(chart, vec![(p, 0.0), (p, top)], SERIAL, Some(PHYSICAL_DASH))?;
            let words = Text::new("SMT siblings share a core", (p, top * 0.97), (FONT, 11));
            chart.draw_series([words]).map_err(fail(spec.chart))?;
        }
    }
    if let Some((_, points)) = &spec.reference {
        let points = points.iter().map(|(w, v)| (axis.x(*w), *v)).collect();
        style::draw_line(chart, points, IDEAL, Some(style::IDEAL_DASH))?;
    }
    Ok(())
}
