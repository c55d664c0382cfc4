//! How a series looks in the line charts, the same in every chart and notebook: each runtime
//! has its own marker and colour family, and each executor its own line style and shade
//! within that family (threads: the family's colour, solid; processes: darker, dashed;
//! interpreters: lighter, dotted; serial: grey, dash-dot). Two CPythons of one run never share
//! a colour or a marker: the family and the marker follow the version and the build, so
//! cpython-3.11, -3.12, -3.13 and -3.13t each look different.

use plotters::prelude::*;

use super::{ChartError, Plane, SERIAL};
use crate::executor::ExecutorKind;
use crate::runtime::Runtime;

/// Colour families of the CPythons of a run, by (minor version x 2 + free-threaded) mod 8.
const CPYTHON_FAMILIES: [RGBColor; 8] = [
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x8C, 0x2D, 0x04),
    RGBColor(0xB8, 0x86, 0x0B),
    RGBColor(0x33, 0x33, 0x99),
    RGBColor(0x99, 0x33, 0x66),
];

/// A series' marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// rust.
    Circle,
    /// rust-gil.
    Triangle,
    /// A filled square.
    Square,
    /// A filled diamond.
    Diamond,
    /// A triangle pointing down.
    InvertedTriangle,
    /// An x.
    Cross,
    /// A square outline.
    HollowSquare,
    /// A diamond outline.
    HollowDiamond,
}

const CPYTHON_MARKERS: [Marker; 8] = [
    Marker::Square,
    Marker::Diamond,
    Marker::InvertedTriangle,
    Marker::Cross,
    Marker::HollowSquare,
    Marker::HollowDiamond,
    Marker::Square,
    Marker::Diamond,
];

/// The index of a versioned CPython among the families and markers.
fn cpython_index(runtime: Runtime) -> Option<usize> {
    match runtime {
        Runtime::CpythonAt(tag) => {
            Some((usize::from(tag.minor) * 2 + usize::from(tag.free_threaded)) % 8)
        }
        _ => None,
    }
}

/// A runtime's colour family (its threads' colour).
pub fn family(runtime: Runtime) -> RGBColor {
    match runtime {
        Runtime::Rust => super::RUST,
        Runtime::RustGil => super::RUST_GIL,
        Runtime::Cpython => super::CPYTHON,
        Runtime::CpythonAt(_) => {
            cpython_index(runtime).map_or(super::CPYTHON, |i| CPYTHON_FAMILIES[i])
        }
    }
}

/// A runtime's marker.
pub fn marker(runtime: Runtime) -> Marker {
    match runtime {
        Runtime::Rust => Marker::Circle,
        Runtime::RustGil => Marker::Triangle,
        Runtime::Cpython => Marker::Square,
        Runtime::CpythonAt(_) => cpython_index(runtime).map_or(Marker::Square, |i| {
            // 3.11 and 3.13 sit two apart; the markers alternate so neighbours differ too.
            CPYTHON_MARKERS[(i / 2 + 4 * (i % 2)) % 8]
        }),
    }
}

pub(crate) fn mix(color: RGBColor, toward: RGBColor, share: f64) -> RGBColor {
    let blend = |a: u8, b: u8| (f64::from(a) * (1.0 - share) + f64::from(b) * share).round() as u8;
    RGBColor(blend(color.0, toward.0), blend(color.1, toward.1), blend(color.2, toward.2))
}

/// The colour of `executor`'s series of `runtime`: a shade of the runtime's family.
pub fn color(runtime: Runtime, executor: ExecutorKind) -> RGBColor {
    let base = family(runtime);
    match executor {
        ExecutorKind::Threads => base,
        ExecutorKind::Processes => mix(base, BLACK, 0.35),
        ExecutorKind::Interpreters => mix(base, WHITE, 0.4),
        ExecutorKind::Asyncio => mix(base, WHITE, 0.65),
        ExecutorKind::AsyncioThreads => mix(base, WHITE, 0.25),
        ExecutorKind::ProcessesFork => mix(base, BLACK, 0.2),
        ExecutorKind::ProcessesForkserver => mix(base, BLACK, 0.5),
        ExecutorKind::ProcessesSpawn => mix(base, BLACK, 0.65),
        ExecutorKind::Serial => SERIAL,
    }
}

/// An executor's line: dash and gap lengths in pixels (`None`: solid).
pub fn dash(executor: ExecutorKind) -> Option<(u32, u32)> {
    match executor {
        ExecutorKind::Threads => None,
        ExecutorKind::Processes => Some((9, 5)),
        ExecutorKind::Interpreters => Some((2, 4)),
        ExecutorKind::Asyncio => Some((1, 3)),
        ExecutorKind::AsyncioThreads => Some((1, 6)),
        ExecutorKind::ProcessesFork => Some((9, 2)),
        ExecutorKind::ProcessesForkserver => Some((5, 3)),
        ExecutorKind::ProcessesSpawn => Some((14, 6)),
        ExecutorKind::Serial => Some((12, 4)),
    }
}

/// The reference lines' dashes: the ideal's (drawn black) and the core count's (grey).
pub const IDEAL_DASH: (u32, u32) = (6, 4);
/// The core count's mark.
pub const CORES_DASH: (u32, u32) = (3, 5);

/// One piece of a marker, in pixels around the point.
#[derive(Debug, Clone)]
enum Shape {
    Dot(i32),
    Filled(Vec<(i32, i32)>),
    Stroked(Vec<(i32, i32)>),
}

fn shapes(marker: Marker) -> Vec<Shape> {
    use Shape::{Dot, Filled, Stroked};
    match marker {
        Marker::Circle => vec![Dot(4)],
        Marker::Triangle => vec![Filled(vec![(0, -5), (5, 4), (-5, 4)])],
        Marker::InvertedTriangle => vec![Filled(vec![(0, 5), (5, -4), (-5, -4)])],
        Marker::Square => vec![Filled(vec![(-4, -4), (4, -4), (4, 4), (-4, 4)])],
        Marker::HollowSquare => vec![Stroked(vec![(-4, -4), (4, -4), (4, 4), (-4, 4), (-4, -4)])],
        Marker::Diamond => vec![Filled(vec![(0, -5), (5, 0), (0, 5), (-5, 0)])],
        Marker::HollowDiamond => vec![Stroked(vec![(0, -5), (5, 0), (0, 5), (-5, 0), (0, -5)])],
        Marker::Cross => vec![Stroked(vec![(-4, -4), (4, 4)]), Stroked(vec![(-4, 4), (4, -4)])],
    }
}

/// Draws `marker` at every point of `points` on a chart.
pub(crate) fn draw_markers<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Plane>,
    marker: Marker,
    points: &[(f64, f64)],
    color: RGBColor,
) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    let oops = |e: DrawingAreaErrorKind<DB::ErrorType>| ChartError {
        chart: "markers",
        message: e.to_string(),
    };
    for shape in shapes(marker) {
        let at = points.iter().map(|p| EmptyElement::at(*p));
        match shape {
            Shape::Dot(r) => chart
                .draw_series(at.map(|e| e + Circle::new((0, 0), r, color.filled())))
                .map(|_| ()),
            Shape::Filled(corners) => chart
                .draw_series(at.map(|e| e + Polygon::new(corners.clone(), color.filled())))
                .map(|_| ()),
            Shape::Stroked(path) => chart
                .draw_series(at.map(|e| e + PathElement::new(path.clone(), color.stroke_width(2))))
                .map(|_| ()),
        }
        .map_err(oops)?;
    }
    Ok(())
}

/// Draws `marker` once at pixel `at` of `area` (a legend's sample).
pub(crate) fn draw_marker_at<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    marker: Marker,
    at: (i32, i32),
    color: RGBColor,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    for shape in shapes(marker) {
        let here = EmptyElement::at(at);
        match shape {
            Shape::Dot(r) => area.draw(&(here + Circle::new((0, 0), r, color.filled()))),
            Shape::Filled(corners) => area.draw(&(here + Polygon::new(corners, color.filled()))),
            Shape::Stroked(path) => {
                area.draw(&(here + PathElement::new(path, color.stroke_width(2))))
            }
        }?;
    }
    Ok(())
}

/// Draws a polyline in `executor`'s line style.
pub(crate) fn draw_line<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Plane>,
    points: Vec<(f64, f64)>,
    color: RGBColor,
    dashes: Option<(u32, u32)>,
) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    let style = color.stroke_width(2);
    let drawn = match dashes {
        None => chart.draw_series(LineSeries::new(points, style)).map(|_| ()),
        Some((dash, gap)) => {
            chart.draw_series(DashedLineSeries::new(points, dash, gap, style)).map(|_| ())
        }
    };
    drawn.map_err(|e| ChartError { chart: "line", message: e.to_string() })
}
