//! The scaling laws drawn past the measured range: one chart per sweep scenario, one panel
//! per runtime, both axes log 2 up to [`PREDICTION_LIMIT`] workers. Each fitted sweep draws
//! its measured median speedups as markers and its Universal Scalability Law as a solid line
//! over the measured worker counts; past the largest one the line turns dashed inside a
//! shaded band (the 95% interval of the bootstrap replicates), and a grey rule marks where
//! the measurements end, labelled "extrapolated".

use plotters::prelude::*;

use super::kinds::{ChartKind, Drawn, RunCharts};
use super::legend::{self, Entry};
use super::wall_time::scenario_title;
use super::{ChartError, FONT, Plane, SERIAL, canvas, fail, multiples, style};
use crate::analysis::scaling::{PREDICTION_LIMIT, SweepFit};
use crate::plan::Scenario;
use crate::runtime::Runtime;

const CHART: &str = "scaling";

/// A point on the chart: (log2 workers, log2 speedup).
type Xy = (f64, f64);
/// The widest the speedup axis goes, log 2: from 1/8 to 256.
const Y_LOG2: std::ops::Range<f64> = -3.0..8.0;

fn clip(speedup: f64) -> f64 {
    speedup.max(f64::MIN_POSITIVE).log2().clamp(Y_LOG2.start, Y_LOG2.end)
}

/// The speedup axis of `fits`: their measurements and bands, within [`Y_LOG2`].
fn y_axis(fits: &[&SweepFit]) -> std::ops::Range<f64> {
    let mut values: Vec<f64> = Vec::new();
    for fit in fits {
        values.extend(fit.measured.iter().map(|o| clip(o.speedup)));
        let band = fit.predict(f64::from(PREDICTION_LIMIT));
        values.extend([clip(band.low), clip(band.high), 0.0]);
    }
    let low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (low - 0.5).max(Y_LOG2.start)..(high + 0.8).min(Y_LOG2.end)
}

/// The log-2 worker counts a curve is drawn at between `from` and `to` workers.
fn grid(from: f64, to: f64) -> Vec<f64> {
    let (a, b) = (from.max(1.0).log2(), to.max(1.0).log2());
    let steps = 48;
    (0..=steps).map(|i| a + (b - a) * f64::from(i) / f64::from(steps)).collect()
}

/// The fits of `scenario`'s plain sweeps.
fn fits_of(fits: &[SweepFit], scenario: Scenario) -> Vec<&SweepFit> {
    fits.iter()
        .filter(|f| f.sweep.scenario == scenario && f.sweep.variant == Default::default())
        .collect()
}

/// The SVG of the scaling chart of `fits` (one scenario's), or `None` without a fit.
pub fn render(fits: &[&SweepFit], title: &str) -> Result<Option<String>, ChartError> {
    let runtimes = Runtime::present(fits.iter().map(|f| f.sweep.runtime));
    if runtimes.is_empty() {
        return Ok(None);
    }
    let (size, rows, columns) = multiples(runtimes.len(), 300);
    let oops = fail(CHART);
    let mut svg = String::new();
    {
        let root = canvas(&mut svg, size)?;
        let root = root.titled(title, (FONT, 18)).map_err(&oops)?;
        let (plots, key) = root.split_horizontally(size.0 - legend::WIDTH);
        let cells = plots.split_evenly((rows, columns));
        for (cell, runtime) in cells.iter().zip(&runtimes) {
            let shown: Vec<&SweepFit> =
                fits.iter().copied().filter(|f| f.sweep.runtime == *runtime).collect();
            draw_panel(cell, *runtime, &shown, y_axis(fits))?;
        }
        legend::draw(&key, &entries(fits)).map_err(&oops)?;
        root.present().map_err(&oops)?;
    }
    Ok(Some(svg))
}

fn entries(fits: &[&SweepFit]) -> Vec<Entry> {
    let mut executors: Vec<_> = fits.iter().map(|f| f.sweep.executor).collect();
    executors.sort();
    executors.dedup();
    let mut entries: Vec<Entry> = executors
        .into_iter()
        .map(|e| Entry::line(format!("{e}: fitted USL"), SERIAL, style::dash(e)))
        .collect();
    for runtime in Runtime::present(fits.iter().map(|f| f.sweep.runtime)) {
        let marker = Some(style::marker(runtime));
        entries.push(Entry {
            marker,
            ..Entry::line(format!("{runtime}: measured"), style::family(runtime), None)
        });
    }
    entries.push(Entry::line("extrapolated (dotted)".into(), SERIAL, Some(style::CORES_DASH)));
    entries.push(Entry::line("its 95% band".into(), RGBColor(0xC8, 0xC8, 0xC8), None));
    entries
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    runtime: Runtime,
    fits: &[&SweepFit],
    y: std::ops::Range<f64>,
) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    let oops = fail(CHART);
    let top = f64::from(PREDICTION_LIMIT).log2();
    let mut chart = ChartBuilder::on(area)
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .caption(runtime.to_string(), (FONT, 15))
        .build_cartesian_2d(-0.2..top + 0.2, y.clone())
        .map_err(&oops)?;
    // Ticks at whole powers of two only: 1/4, 1/2, 1, 2, 4...
    let power = |v: &f64| {
        let x = 2f64.powf(v.round());
        if (v - v.round()).abs() > 1e-9 {
            String::new()
        } else if x < 1.0 {
            format!("1/{:.0}", 1.0 / x)
        } else {
            format!("{x:.0}")
        }
    };
    chart
        .configure_mesh()
        .x_desc("workers (log 2)")
        .y_desc("speedup over serial (log 2)")
        .x_labels(9)
        .y_labels((y.end - y.start).ceil() as usize + 1)
        .x_label_formatter(&power)
        .y_label_formatter(&power)
        .light_line_style(WHITE.mix(0.0))
        .label_style((FONT, 13))
        .draw()
        .map_err(&oops)?;
    for fit in fits {
        draw_fit(&mut chart, fit, &y)?;
    }
    Ok(())
}

fn draw_fit<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Plane>,
    fit: &SweepFit,
    y: &std::ops::Range<f64>,
) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    let oops = fail(CHART);
    let c = |speedup: f64| clip(speedup).clamp(y.start, y.end);
    let color = style::color(fit.sweep.runtime, fit.sweep.executor);
    let largest = f64::from(fit.largest());
    let curve = |xs: Vec<f64>| -> Vec<(f64, f64)> {
        xs.into_iter().map(|x| (x, c(fit.law.speedup(2f64.powf(x))))).collect()
    };
    let beyond = grid(largest, f64::from(PREDICTION_LIMIT));
    let (mut low, mut high): (Vec<Xy>, Vec<Xy>) = beyond
        .iter()
        .map(|&x| {
            let band = fit.predict(2f64.powf(x));
            ((x, c(band.low)), (x, c(band.high)))
        })
        .unzip();
    high.reverse();
    low.extend(high);
    chart.draw_series([Polygon::new(low, color.mix(0.15).filled())]).map_err(&oops)?;
    style::draw_line(chart, curve(grid(1.0, largest)), color, style::dash(fit.sweep.executor))?;
    style::draw_line(chart, curve(beyond), color, Some(style::CORES_DASH))?;
    let x = largest.log2();
    style::draw_line(chart, vec![(x, y.start), (x, y.end)], SERIAL, Some((2, 4)))?;
    chart
        .draw_series([Text::new("extrapolated →", (x + 0.08, y.end - 0.1), (FONT, 12))])
        .map_err(&oops)?;
    let measured: Vec<(f64, f64)> =
        fit.measured.iter().map(|o| (o.workers.log2(), c(o.speedup))).collect();
    style::draw_markers(chart, style::marker(fit.sweep.runtime), &measured, color)
}

/// The fitted laws against workers, one chart per sweep scenario with fits.
pub struct Scaling;

impl ChartKind for Scaling {
    fn draw(&self, run: &RunCharts<'_>) -> Result<Vec<Drawn>, ChartError> {
        let mut drawn = Vec::new();
        for scenario in run.sweep_scenarios() {
            let fits = fits_of(run.scaling, scenario);
            let title = format!(
                "{} work: fitted scaling laws, extrapolated to {PREDICTION_LIMIT} workers",
                scenario_title(scenario)
            );
            if let Some(svg) = render(&fits, &title)? {
                let caption = format!(
                    "Measured median speedups (markers) and the Universal Scalability Law fitted \
                     to them, {} scenario: solid over the measured worker counts, dashed and \
                     shaded (95% bootstrap band) past them, where it is extrapolated, not \
                     measured. The grey rule marks the largest measured count; this machine has \
                     {} logical cores.",
                    scenario.name(),
                    run.cores
                );
                drawn.push(Drawn { name: format!("scaling_{}", scenario.name()), caption, svg });
            }
        }
        Ok(drawn)
    }
}
