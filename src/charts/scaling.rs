//! The scaling laws against the measured speedups: one chart per sweep scenario, one panel
//! per runtime, both axes log 2. Each fitted sweep draws its measured median speedups as
//! markers and its law (the Universal Scalability Law where it has one, else Amdahl's) as a
//! line over the worker counts it was fitted on. Points past the usable CPUs, which measure
//! oversubscription and are not fitted, are drawn faded. Only a sweep whose hold-out check
//! landed inside its interval is extrapolated: dashed inside a shaded band (the 95% interval
//! of the bootstrap replicates) up to [`PREDICTION_LIMIT`] workers, past a grey rule
//! labelled "extrapolated".

use plotters::prelude::*;

use super::kinds::{ChartKind, Drawn, RunCharts};
use super::legend::{self, Entry};
use super::{ChartError, FONT, Plane, SERIAL, canvas, fail, multiples, style};
use crate::analysis::scaling::law::Law;
use crate::analysis::scaling::{PREDICTION_LIMIT, Past, SweepFit};
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

/// The speedup axis of `fits` and `past`: their measurements and bands, within [`Y_LOG2`].
fn y_axis(fits: &[&SweepFit], past: &[&Past]) -> std::ops::Range<f64> {
    let mut values: Vec<f64> = vec![0.0];
    values.extend(past.iter().map(|p| clip(p.speedup)));
    for fit in fits {
        values.extend(fit.measured.iter().map(|o| clip(o.speedup)));
        if let Some(band) = band_at(fit, f64::from(PREDICTION_LIMIT)) {
            values.extend([clip(band.low()), clip(band.high())]);
        }
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

/// A prediction band where the sweep's predictions may be shown.
fn band_at(fit: &SweepFit, workers: f64) -> Option<crate::stats::Estimate> {
    fit.predicts().then(|| fit.predict(workers)).flatten()
}

/// The law a sweep's line draws: its USL, else Amdahl's.
fn law_of(fit: &SweepFit) -> Law {
    fit.usl.as_ref().map_or(Law { sigma: fit.serial_fraction.value, kappa: 0.0 }, |u| u.law)
}

/// The fits of `scenario`'s plain sweeps.
fn fits_of(fits: &[SweepFit], scenario: Scenario) -> Vec<&SweepFit> {
    fits.iter()
        .filter(|f| f.sweep.scenario == scenario && f.sweep.variant == Default::default())
        .collect()
}

/// The oversubscribed points of `scenario`'s plain sweeps.
fn past_of(past: &[Past], scenario: Scenario) -> Vec<&Past> {
    past.iter()
        .filter(|p| p.sweep.scenario == scenario && p.sweep.variant == Default::default())
        .collect()
}

/// The right end of the worker axis, log 2: the predictions' limit where a fit predicts,
/// else the largest count measured.
fn x_end(fits: &[&SweepFit], past: &[&Past]) -> f64 {
    let largest = fits.iter().map(|f| f.largest()).chain(past.iter().map(|p| p.workers)).max();
    let end = reach(fits).unwrap_or(0).max(largest.unwrap_or(2)).max(2);
    f64::from(end).log2()
}

/// How far the predicting fits of `fits` are extrapolated: [`PREDICTION_LIMIT`] workers, or
/// fewer where the run's tasks run out first; `None` where none predicts past its counts.
fn reach(fits: &[&SweepFit]) -> Option<u32> {
    fits.iter()
        .filter(|f| f.predicts())
        .map(|f| f.tasks.map_or(PREDICTION_LIMIT, |t| t.min(PREDICTION_LIMIT)))
        .filter(|&limit| fits.iter().any(|f| f.predicts() && limit > f.largest()))
        .max()
}

/// The SVG of the scaling chart of `fits` and `past` (one scenario's), or `None` without a
/// fit.
pub fn render(
    fits: &[&SweepFit],
    past: &[&Past],
    title: &str,
) -> Result<Option<String>, ChartError> {
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
            let faded: Vec<&Past> =
                past.iter().copied().filter(|p| p.sweep.runtime == *runtime).collect();
            let axes = (x_end(fits, past), y_axis(fits, past));
            draw_panel(cell, *runtime, (&shown, &faded), axes)?;
        }
        legend::draw(&key, &entries(fits, past)).map_err(&oops)?;
        root.present().map_err(&oops)?;
    }
    Ok(Some(svg))
}

fn entries(fits: &[&SweepFit], past: &[&Past]) -> Vec<Entry> {
    let mut executors: Vec<_> = fits.iter().map(|f| f.sweep.executor).collect();
    executors.sort();
    executors.dedup();
    let mut entries: Vec<Entry> = executors
        .into_iter()
        .map(|e| Entry::line(format!("{e}: fitted law"), SERIAL, style::dash(e)))
        .collect();
    for runtime in Runtime::present(fits.iter().map(|f| f.sweep.runtime)) {
        let marker = Some(style::marker(runtime));
        entries.push(Entry {
            marker,
            ..Entry::line(format!("{runtime}: measured"), style::family(runtime), None)
        });
    }
    if !past.is_empty() {
        let faded = style::mix(SERIAL, WHITE, 0.6);
        entries.push(Entry::line("past the CPUs (faded): not fitted".into(), faded, None));
    }
    if fits.iter().any(|f| f.predicts()) {
        entries.push(Entry::line("extrapolated (dotted)".into(), SERIAL, Some(style::CORES_DASH)));
        entries.push(Entry::line("its 95% band".into(), RGBColor(0xC8, 0xC8, 0xC8), None));
    }
    entries
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    runtime: Runtime,
    (fits, past): (&[&SweepFit], &[&Past]),
    (top, y): (f64, std::ops::Range<f64>),
) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    let oops = fail(CHART);
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
    for point in past {
        let color = style::mix(style::color(point.sweep.runtime, point.sweep.executor), WHITE, 0.6);
        let at = [(f64::from(point.workers).log2(), clip(point.speedup).clamp(y.start, y.end))];
        style::draw_markers(&mut chart, style::marker(point.sweep.runtime), &at, color)?;
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
    let law = law_of(fit);
    let curve = |xs: Vec<f64>| -> Vec<(f64, f64)> {
        xs.into_iter().map(|x| (x, c(law.speedup(2f64.powf(x))))).collect()
    };
    style::draw_line(chart, curve(grid(1.0, largest)), color, style::dash(fit.sweep.executor))?;
    // Extrapolated as far as the run's tasks give every worker one.
    let limit = f64::from(fit.tasks.map_or(PREDICTION_LIMIT, |t| t.min(PREDICTION_LIMIT)));
    if fit.predicts() && limit > largest {
        let beyond = grid(largest, limit);
        let (mut low, mut high): (Vec<Xy>, Vec<Xy>) = beyond
            .iter()
            .filter_map(|&x| band_at(fit, 2f64.powf(x)))
            .zip(&beyond)
            .map(|(band, &x)| ((x, c(band.low())), (x, c(band.high()))))
            .unzip();
        high.reverse();
        low.extend(high);
        chart.draw_series([Polygon::new(low, color.mix(0.15).filled())]).map_err(&oops)?;
        style::draw_line(chart, curve(beyond), color, Some(style::CORES_DASH))?;
        let x = largest.log2();
        style::draw_line(chart, vec![(x, y.start), (x, y.end)], SERIAL, Some((2, 4)))?;
        chart
            .draw_series([Text::new("extrapolated →", (x + 0.08, y.end - 0.1), (FONT, 12))])
            .map_err(&oops)?;
    }
    let measured: Vec<(f64, f64)> =
        fit.measured.iter().map(|o| (o.workers.log2(), c(o.speedup))).collect();
    style::draw_markers(chart, style::marker(fit.sweep.runtime), &measured, color)
}

/// The fitted laws against workers, one chart per sweep scenario with fits.
pub struct Scaling;

impl ChartKind for Scaling {
    fn draw(&self, run: &RunCharts<'_>) -> Result<Vec<Drawn>, ChartError> {
        let mut drawn = Vec::new();
        let usable = run.scaling.usable;
        for scenario in run.sweep_scenarios() {
            let fits = fits_of(&run.scaling.fits, scenario);
            let past = past_of(&run.scaling.past, scenario);
            let reach = reach(&fits);
            let passed = fits.iter().any(|f| f.predicts());
            let title = if let Some(reach) = reach {
                format!(
                    "{} work: fitted scaling laws, extrapolated to {reach} workers",
                    scenario.title()
                )
            } else {
                format!("{} work: fitted scaling laws", scenario.title())
            };
            if let Some(svg) = render(&fits, &past, &title)? {
                let caption = caption(scenario, usable, (passed, reach), !past.is_empty());
                drawn.push(Drawn { name: format!("scaling_{}", scenario.name()), caption, svg });
            }
        }
        Ok(drawn)
    }
}

/// The chart's caption: what is drawn, and what is not (`passed`: some sweep passed its
/// hold-out check; `reach`: how far the extrapolation goes).
fn caption(
    scenario: Scenario,
    usable: u32,
    (passed, reach): (bool, Option<u32>),
    past: bool,
) -> String {
    let mut text = format!(
        "Measured median speedups (markers) and the law fitted to them, {} scenario: the \
         Universal Scalability Law where the sweep has 3 counts to fit, else Amdahl's, solid \
         over the counts fitted.",
        scenario.name()
    );
    if past {
        text.push_str(&format!(
            " Faded markers: counts past this run's {usable} usable CPUs, which measure \
             oversubscription and are not fitted."
        ));
    }
    if reach.is_some() {
        text.push_str(
            " Dashed and shaded (95% bootstrap band): the law extrapolated, not measured, for \
             the sweeps whose hold-out check landed inside its interval, as far as the run's \
             tasks give every worker one; the grey rule marks their largest fitted count.",
        );
    } else if passed {
        text.push_str(
            " Nothing is extrapolated: the sweeps that passed their hold-out check have no \
             task left for more workers than they measured.",
        );
    } else {
        text.push_str(" No sweep passed a hold-out check, so nothing is extrapolated.");
    }
    text
}
