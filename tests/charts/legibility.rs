//! Charts stay legible with many series: a run of 4 runtimes x 4 executors (the serial
//! baseline among them) x 8 worker counts, up to 128, draws its wall time, speedup and
//! efficiency charts with no legend box over a data point, checked by geometry in the SVG.

use gilbench::ExecutorKind;
use gilbench::analysis::summary::SummaryRow;
use gilbench::charts::{efficiency, speedup, wall_time};
use gilbench::plan::Scenario;
use gilbench::runtime::{PythonTag, Runtime};
use gilbench::stats::{Estimate, Interval};
use quick_xml::Reader;
use quick_xml::events::Event;

const WORKERS: [u32; 8] = [1, 2, 4, 8, 16, 32, 64, 128];

fn wide_run() -> Vec<SummaryRow> {
    let runtimes = [
        Runtime::Rust,
        Runtime::RustGil,
        Runtime::CpythonAt(PythonTag::gil(12)),
        Runtime::CpythonAt(PythonTag::gil(13)),
    ];
    let executors = [
        ExecutorKind::Serial,
        ExecutorKind::Threads,
        ExecutorKind::Processes,
        ExecutorKind::Interpreters,
    ];
    let mut rows = Vec::new();
    for scenario in [Scenario::Cpu, Scenario::Io] {
        for (r, runtime) in runtimes.into_iter().enumerate() {
            for (e, executor) in executors.into_iter().enumerate() {
                for workers in WORKERS {
                    let w = f64::from(workers);
                    // Speedups that end high at 128 workers, where a legend in the upper
                    // right corner used to sit.
                    let speedup = w * (0.6 + 0.1 * (r + e) as f64);
                    let time = 2.0 / speedup;
                    let interval = Interval { low: time * 0.95, high: time * 1.05, level: 0.95 };
                    let point = gilbench::Point {
                        runtime,
                        executor,
                        scenario,
                        variant: gilbench::Variant::Plain,
                        workers,
                    };
                    rows.push(SummaryRow {
                        median: Estimate { value: time, interval: Some(interval), n: 6 },
                        baseline_s: Some(2.0),
                        ideal_s: Some(2.0 / w),
                        ideal_speedup: Some(w),
                        speedup: Some(Estimate::bare(speedup)),
                        efficiency: Some(speedup / w),
                        ..SummaryRow::example(point, time)
                    });
                }
            }
        }
    }
    rows
}

/// A box in pixels: x, y, width, height.
#[derive(Debug, Clone, Copy)]
struct Bounds(f64, f64, f64, f64);

/// A marker's reach around its centre, in pixels.
const MARKER_RADIUS: f64 = 5.0;

impl Bounds {
    /// True when a marker centred at (x, y) touches the box.
    fn touches(&self, (x, y): (f64, f64)) -> bool {
        let r = MARKER_RADIUS;
        x >= self.0 - r && x <= self.0 + self.2 + r && y >= self.1 - r && y <= self.1 + self.3 + r
    }
}

fn attribute(tag: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<f64> {
    let value = tag.try_get_attribute(name).ok().flatten()?;
    value.value.parse().ok()
}

fn text_attribute(tag: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<String> {
    let value = tag.try_get_attribute(name).ok().flatten()?;
    Some(value.value.into_owned())
}

/// A chart's legend boxes, marker centres and text positions.
struct Geometry {
    boxes: Vec<Bounds>,
    markers: Vec<(f64, f64)>,
    texts: Vec<(f64, f64)>,
}

/// The legend boxes (rectangles of at least 40 x 30 pixels that are not the background), the
/// markers (circles, polygons and rectangles under 12 pixels) by their centres, and the
/// positions of the texts.
fn geometry(svg: &str) -> Geometry {
    let (mut boxes, mut markers, mut texts) = (Vec::new(), Vec::new(), Vec::new());
    let mut reader = Reader::from_str(svg);
    let (mut width, mut height) = (0.0, 0.0);
    loop {
        let tag = match reader.read_event().expect("well-formed SVG") {
            Event::Start(tag) | Event::Empty(tag) => tag,
            Event::Eof => break,
            _ => continue,
        };
        let number = |name| attribute(&tag, name).unwrap_or(0.0);
        match tag.name().as_ref() {
            "svg" => (width, height) = (number("width"), number("height")),
            "rect" => {
                let bounds = Bounds(number("x"), number("y"), number("width"), number("height"));
                let background = bounds.2 >= width - 1.0 && bounds.3 >= height - 1.0;
                if bounds.2 >= 40.0 && bounds.3 >= 30.0 && !background {
                    boxes.push(bounds);
                } else if bounds.2 <= 12.0 && bounds.3 <= 12.0 {
                    markers.push((bounds.0 + bounds.2 / 2.0, bounds.1 + bounds.3 / 2.0));
                }
            }
            "circle" => markers.push((number("cx"), number("cy"))),
            "polygon" => {
                let points: Vec<(f64, f64)> = text_attribute(&tag, "points")
                    .unwrap_or_default()
                    .split_whitespace()
                    .filter_map(|p| {
                        let (x, y) = p.split_once(',')?;
                        Some((x.parse().ok()?, y.parse().ok()?))
                    })
                    .collect();
                let n = points.len().max(1) as f64;
                let centre = points.iter().fold((0.0, 0.0), |a, p| (a.0 + p.0, a.1 + p.1));
                markers.push((centre.0 / n, centre.1 / n));
            }
            "text" => texts.push((number("x"), number("y"))),
            _ => {}
        }
    }
    Geometry { boxes, markers, texts }
}

/// Markers inside a legend box are its samples: one per label, all in one column. Any other
/// marker there is a data point under the legend.
fn assert_no_legend_over_data(name: &str, svg: &str) {
    let Geometry { boxes, markers, texts } = geometry(svg);
    assert!(!boxes.is_empty(), "{name}: no legend box found");
    for legend in boxes {
        let inside: Vec<(f64, f64)> =
            markers.iter().copied().filter(|m| legend.touches(*m)).collect();
        let labels = texts.iter().filter(|t| legend.touches(**t)).count();
        let column = inside.first().map_or(0.0, |m| m.0);
        let stray: Vec<&(f64, f64)> =
            inside.iter().filter(|m| (m.0 - column).abs() > 1.0).collect();
        assert!(
            stray.is_empty() && inside.len() <= labels,
            "{name}: {} markers under the legend at {legend:?} ({labels} labels): {stray:?}",
            inside.len()
        );
    }
}

#[test]
fn no_legend_covers_a_data_point_at_4_runtimes_4_executors_and_128_workers() {
    let rows = wide_run();
    for scenario in [Scenario::Cpu, Scenario::Io] {
        let charts = [
            ("wall time", wall_time::render(&rows, scenario)),
            ("speedup", speedup::render(&rows, scenario, 16)),
            ("efficiency", efficiency::render(&rows, scenario)),
        ];
        let charts: Vec<(&str, String)> =
            charts.into_iter().map(|(name, svg)| (name, svg.expect("draws"))).collect();
        for (name, svg) in &charts {
            assert_no_legend_over_data(&format!("{name} {scenario}"), svg);
        }
        for (name, svg) in &charts {
            assert!(svg.contains("workers (log 2)"), "{name}: a log 2 axis past 16 workers");
        }
    }
}
