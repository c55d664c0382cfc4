//! Charts of a run as SVG, drawn with plotters: one file per chart kind, one shared style, one
//! interface ([`kinds::ChartKind`], listed in [`kinds::KINDS`]).
//!
//! Colours start from the Okabe-Ito palette, which reads for colour-blind people. Every chart
//! draws a series the same way ([`style`]): each runtime has its own colour family and
//! marker, each executor its own line style and shade; legends stand beside the plotting
//! area ([`legend`]). Axes carry units. Every chart function returns the SVG as a string and
//! never panics on thin data: one worker count, one repeat or a missing runtime still draws.

pub mod crossover;
mod curves;
pub mod efficiency;
pub mod kinds;
pub mod legend;
pub mod machines;
pub mod ratio;
pub mod scaling;
pub mod speedup;
pub mod spread;
pub mod style;
pub mod timeline;
pub mod wall_time;

use plotters::coord::Shift;
use plotters::prelude::*;

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

/// The font every chart uses.
pub const FONT: &str = "sans-serif";

/// The cartesian coordinates of the line charts.
pub(crate) type Plane =
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>;

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

/// The grid of small multiples: `panels` panels in rows of at most two, each `panel_height`
/// pixels tall under a title, with the legend's strip beside them: (canvas size, rows,
/// columns).
pub(crate) fn multiples(panels: usize, panel_height: u32) -> ((u32, u32), usize, usize) {
    let columns = panels.clamp(1, 2);
    let rows = panels.max(1).div_ceil(columns);
    let height = 60 + panel_height * u32::try_from(rows).unwrap_or(1);
    ((legend::WIDTH + 900, height), rows, columns)
}

/// A worker axis tick's label: only whole values are labelled (powers of two on a log 2
/// axis, where `x` is the exponent), so no count is printed twice between ticks.
pub(crate) fn worker_tick(x: f64, log2: bool) -> String {
    if (x - x.round()).abs() > 1e-9 {
        String::new()
    } else if log2 {
        format!("{:.0}", 2f64.powf(x))
    } else {
        format!("{x:.0}")
    }
}
