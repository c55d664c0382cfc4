//! Charts of a run as SVG, drawn with plotters: one file per chart kind, one shared style, one
//! interface ([`kinds::ChartKind`], listed in [`kinds::KINDS`]).
//!
//! Colours follow the Okabe-Ito palette, which reads for colour-blind people: each executor
//! has one colour everywhere (threads blue, processes orange, serial grey), and each runtime
//! one marker and line style (rust: circles, solid; rust-gil: triangles, dashed; cpython:
//! squares, dotted). Axes carry units. Every chart function returns the SVG as a string and
//! never panics on thin data: one worker count, one repeat or a missing runtime still draws.

pub mod crossover;
mod curves;
pub mod efficiency;
pub mod kinds;
pub mod ratio;
pub mod speedup;
pub mod spread;
pub mod timeline;
pub mod wall_time;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::executor::ExecutorKind;
use crate::runtime::Runtime;

/// A chart could not be drawn.
#[derive(Debug, thiserror::Error)]
#[error("drawing the {chart} chart: {message}")]
pub struct ChartError {
    /// Which chart.
    pub chart: &'static str,
    /// plotters' message.
    pub message: String,
}

/// Turns any plotters error into a [`ChartError`] for `chart`.
pub(crate) fn fail<E: std::fmt::Display>(chart: &'static str) -> impl Fn(E) -> ChartError {
    move |error| ChartError { chart, message: error.to_string() }
}

/// The size of the ordinary charts, in pixels.
pub const SIZE: (u32, u32) = (760, 440);

/// Blue, for threads.
pub const THREADS: RGBColor = RGBColor(0x00, 0x72, 0xB2);
/// Orange, for processes.
pub const PROCESSES: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
/// Grey, for serial.
pub const SERIAL: RGBColor = RGBColor(0x66, 0x66, 0x66);
/// Black, for ideal lines.
pub const IDEAL: RGBColor = RGBColor(0x22, 0x22, 0x22);
/// Bluish green, for native Rust (where a chart is coloured by runtime).
pub const RUST: RGBColor = RGBColor(0x00, 0x9E, 0x73);
/// Reddish purple, for rust-gil.
pub const RUST_GIL: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
/// Vermillion, for CPython.
pub const CPYTHON: RGBColor = RGBColor(0xD5, 0x5E, 0x00);

/// Sky blue, for interpreter pools (one lock per worker).
pub const INTERPRETERS: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
/// The colours of further CPythons in one run (by minor version), after vermillion.
pub const MORE_CPYTHONS: [RGBColor; 3] =
    [RGBColor(0x8C, 0x2D, 0x04), RGBColor(0x44, 0x44, 0x44), RGBColor(0xB8, 0x86, 0x0B)];

/// The font every chart uses.
pub const FONT: &str = "sans-serif";

/// The colour of an executor.
pub fn executor_color(executor: ExecutorKind) -> RGBColor {
    match executor {
        ExecutorKind::Threads => THREADS,
        ExecutorKind::Processes => PROCESSES,
        ExecutorKind::Serial => SERIAL,
        ExecutorKind::Interpreters => INTERPRETERS,
    }
}

/// The colour of a runtime (for charts coloured by runtime).
pub fn runtime_color(runtime: Runtime) -> RGBColor {
    match runtime {
        Runtime::Rust => RUST,
        Runtime::RustGil => RUST_GIL,
        Runtime::Cpython => CPYTHON,
        // Four neighbouring minor versions get four colours; a free-threaded build is two
        // colours away from its GIL build.
        Runtime::CpythonAt(tag) => {
            let index = usize::from(tag.minor) + 2 * usize::from(tag.free_threaded);
            [CPYTHON].into_iter().chain(MORE_CPYTHONS).nth(index % 4).unwrap_or(CPYTHON)
        }
    }
}

/// The cartesian coordinates of the line charts.
pub(crate) type Plane =
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>;

/// Draws a runtime's markers (circles, triangles or squares) at `points`.
pub(crate) fn draw_markers<'c, 'd, DB: DrawingBackend>(
    chart: &'c mut ChartContext<'d, DB, Plane>,
    runtime: Runtime,
    points: &[(f64, f64)],
    color: RGBColor,
) -> Result<&'c mut plotters::chart::SeriesAnno<'d, DB>, ChartError>
where
    DB::ErrorType: 'static,
{
    let style = color.filled();
    let drawn = match runtime {
        Runtime::Rust => chart.draw_series(points.iter().map(|p| Circle::new(*p, 4, style))),
        Runtime::RustGil => {
            chart.draw_series(points.iter().map(|p| TriangleMarker::new(*p, 5, style)))
        }
        Runtime::Cpython | Runtime::CpythonAt(_) => chart.draw_series(
            points.iter().map(|p| EmptyElement::at(*p) + Rectangle::new([(-4, -4), (4, 4)], style)),
        ),
    };
    drawn.map_err(|e| ChartError { chart: "markers", message: e.to_string() })
}

/// Draws a polyline in a runtime's line style: solid, dashed or dotted.
pub(crate) fn styled_line<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Plane>,
    runtime: Runtime,
    points: Vec<(f64, f64)>,
    color: RGBColor,
) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    let style = color.stroke_width(2);
    let result = match runtime {
        Runtime::Rust => chart.draw_series(LineSeries::new(points, style)).map(|_| ()),
        Runtime::RustGil => {
            chart.draw_series(DashedLineSeries::new(points, 8, 5, style)).map(|_| ())
        }
        Runtime::Cpython | Runtime::CpythonAt(_) => {
            chart.draw_series(DashedLineSeries::new(points, 2, 4, style)).map(|_| ())
        }
    };
    result.map_err(|e| ChartError { chart: "line", message: e.to_string() })
}

/// A legend entry's sample: a short line in the series' style.
pub(crate) fn legend_line(color: RGBColor) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> {
    move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
}

/// Gives a series the legend sample of its runtime: a short line and the runtime's marker.
pub(crate) fn legend_sample<'a, DB: DrawingBackend + 'a>(
    series: &mut plotters::chart::SeriesAnno<'a, DB>,
    runtime: Runtime,
    color: RGBColor,
) {
    let line = move |(x, y): (i32, i32)| {
        EmptyElement::at((x, y)) + PathElement::new(vec![(0, 0), (20, 0)], color.stroke_width(2))
    };
    match runtime {
        Runtime::Rust => series.legend(move |p| line(p) + Circle::new((10, 0), 4, color.filled())),
        Runtime::RustGil => {
            series.legend(move |p| line(p) + TriangleMarker::new((10, 0), 5, color.filled()))
        }
        Runtime::Cpython | Runtime::CpythonAt(_) => {
            series.legend(move |p| line(p) + Rectangle::new([(6, -4), (14, 4)], color.filled()))
        }
    };
}

/// Draws the chart's legend at `position` on a translucent white box.
pub(crate) fn draw_legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Plane>,
    position: SeriesLabelPosition,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>>
where
    DB::ErrorType: 'static,
{
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.85))
        .border_style(SERIAL)
        .label_font((FONT, 12))
        .draw()
}

/// A white drawing area on `svg` of `size`.
pub(crate) fn canvas(
    svg: &mut String,
    size: (u32, u32),
) -> Result<DrawingArea<SVGBackend<'_>, Shift>, ChartError> {
    let root = SVGBackend::with_string(svg, size).into_drawing_area();
    root.fill(&WHITE).map_err(fail("canvas"))?;
    Ok(root)
}

/// Nice axis bounds around `values`, from 0 unless `from_zero` is false.
pub(crate) fn y_range(values: impl Iterator<Item = f64>, from_zero: bool) -> std::ops::Range<f64> {
    let finite: Vec<f64> = values.filter(|v| v.is_finite()).collect();
    let max = finite.iter().copied().fold(f64::MIN, f64::max);
    let min = finite.iter().copied().fold(f64::MAX, f64::min);
    if finite.is_empty() {
        return 0.0..1.0;
    }
    let low = if from_zero { 0.0 } else { min * 0.9 };
    let high = if max > low { max * 1.1 } else { low + 1.0 };
    low..high
}

/// The x range of worker counts, with a margin on both sides.
pub(crate) fn worker_range(workers: &[u32]) -> std::ops::Range<f64> {
    let max = workers.iter().copied().max().unwrap_or(1).max(2) as f64;
    0.5..max + 0.5
}
