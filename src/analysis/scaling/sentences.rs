//! What the report says about the fitted laws: a table of the lesson's sweeps (CPU and I/O
//! work, and the user's function), the predictions whose hold-out check landed inside their
//! interval, the points past the usable CPUs as oversubscription, and the sentences the
//! intervals support: how far the cores let the fits reach, a coherency the run cannot pin
//! down, retrograde scaling, workers that take turns, predictions too wide to mean anything
//! and the hold-out check.

use serde::Serialize;

use super::{
    HOLDOUT_WORKER_COUNTS, MIN_WORKER_COUNTS, PREDICTED_WORKERS, Past, Scaling, SweepFit, shown,
};
use crate::plan::Scenario;
use crate::point::Variant;
use crate::results::task_length::TaskLength;
use crate::stats::Unit;

/// How every fitted parameter prints: two significant digits.
const PARAMETER: Unit = Unit::Parameter;

/// One row of the report's table of fits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScalingRowView {
    /// "cpython-3.13 threads cpu".
    pub sweep: String,
    /// The worker counts fitted: "1, 2".
    pub counts: String,
    /// Amdahl's serial fraction.
    pub serial_fraction: String,
    /// The USL's sigma, or why it has none.
    pub sigma: String,
    /// Coherency, "-" without a USL.
    pub kappa: String,
    /// N*, "none (κ = 0)" when kappa's estimate is 0, "-" without a USL.
    pub peak: String,
}

/// One row of the predictions: a sweep with a USL.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PredictionRowView {
    /// The sweep.
    pub sweep: String,
    /// The predicted speedups at [`PREDICTED_WORKERS`] where the hold-out landed inside,
    /// "(too wide)" where they say nothing, "not shown" where the hold-out missed or none
    /// was made.
    pub predicted: Vec<String>,
    /// The hold-out check.
    pub holdout: String,
}

/// One sweep's oversubscribed points.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PastRowView {
    /// The sweep.
    pub sweep: String,
    /// The largest count within the CPUs, with its median speedup: "1.9x at 2".
    pub within: String,
    /// Per count of [`ScalingView::past_workers`]: its time against `within`'s, "-" where
    /// the sweep has no such point.
    pub time_ratios: Vec<String>,
}

/// The report's scaling section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScalingView {
    /// The CPUs the run could use.
    pub usable: u32,
    /// The worker counts predicted, for the table's head.
    pub predicted_workers: Vec<u32>,
    /// One row per fitted sweep shown.
    pub rows: Vec<ScalingRowView>,
    /// One row per sweep with a USL.
    pub predictions: Vec<PredictionRowView>,
    /// The worker counts past the CPUs, for the oversubscription table's head.
    pub past_workers: Vec<u32>,
    /// The oversubscribed points of the sweeps shown, a row per sweep.
    pub past: Vec<PastRowView>,
    /// What the intervals support.
    pub sentences: Vec<String>,
}

fn prediction(fit: &SweepFit, workers: u32) -> String {
    if workers <= fit.largest() {
        return "measured".to_string();
    }
    if !fit.has_work_for(workers) {
        return format!("past its {} tasks", fit.tasks.unwrap_or(0));
    }
    match fit.predict(f64::from(workers)) {
        Some(predicted) if fit.predicts() => {
            let wide = if super::fitted::too_wide(&predicted) { " (too wide)" } else { "" };
            format!("{}x{wide}", predicted.shown(PARAMETER))
        }
        _ => "not shown".to_string(),
    }
}

fn holdout_cell(fit: &SweepFit) -> String {
    let Some(h) = fit.holdout else {
        return format!("not checked: {HOLDOUT_WORKER_COUNTS} counts needed");
    };
    let inside = if h.within() { "inside" } else { "outside: missed" };
    format!(
        "{}x at {}: predicted {} ({:+.0}%, {inside})",
        shown(h.measured),
        h.workers,
        h.predicted.shown(PARAMETER),
        100.0 * h.error()
    )
}

fn row(fit: &SweepFit) -> ScalingRowView {
    let counts: Vec<String> = fit.measured.iter().map(|o| format!("{}", o.workers)).collect();
    let (sigma, kappa, peak) = match &fit.usl {
        Some(usl) => (
            usl.sigma.shown(PARAMETER),
            usl.kappa.shown(PARAMETER),
            usl.peak.map_or_else(|| "none (κ = 0)".to_string(), |p| p.shown(PARAMETER)),
        ),
        None => (format!("none ({MIN_WORKER_COUNTS} counts needed)"), "-".into(), "-".into()),
    };
    ScalingRowView {
        sweep: fit.sweep.to_string(),
        counts: counts.join(", "),
        serial_fraction: fit.serial_fraction.shown(PARAMETER),
        sigma,
        kappa,
        peak,
    }
}

/// The oversubscription table: a row per sweep, a column per count in `counts`.
fn past_rows(past: &[&Past], fits: &[&SweepFit], counts: &[u32]) -> Vec<PastRowView> {
    let mut sweeps: Vec<super::Sweep> = past.iter().map(|p| p.sweep).collect();
    sweeps.dedup();
    sweeps
        .into_iter()
        .map(|sweep| {
            let points: Vec<&&Past> = past.iter().filter(|p| p.sweep == sweep).collect();
            let within = points.first().map_or(1, |p| p.within);
            let speedup = fits
                .iter()
                .find(|f| f.sweep == sweep)
                .and_then(|f| f.measured.iter().find(|o| o.workers as u32 == within))
                .map_or_else(|| "-".to_string(), |o| format!("{}x", shown(o.speedup)));
            let cell = |workers: &u32| {
                points
                    .iter()
                    .find(|p| p.workers == *workers)
                    .and_then(|p| p.time_ratio)
                    .map_or_else(|| "-".to_string(), |r| r.to_string())
            };
            PastRowView {
                sweep: sweep.to_string(),
                within: format!("{speedup} at {within}"),
                time_ratios: counts.iter().map(cell).collect(),
            }
        })
        .collect()
}

/// The sweeps the report shows: the plain CPU and I/O sweeps and the user's function.
fn shown_in_report(sweep: &super::Sweep) -> bool {
    matches!(sweep.scenario, Scenario::Cpu | Scenario::Io | Scenario::Function)
        && sweep.variant == Variant::Plain
}

/// The report's section from `scaling`, whose CPU tasks lasted other than planned for the
/// runtimes of `off` (see [`crate::results::task_length`]); `None` without a fit or an
/// oversubscribed point to show.
pub fn view(scaling: &Scaling, off: &[TaskLength]) -> Option<ScalingView> {
    let shown: Vec<&SweepFit> = scaling.fits.iter().filter(|f| shown_in_report(&f.sweep)).collect();
    let past: Vec<&Past> = scaling.past.iter().filter(|p| shown_in_report(&p.sweep)).collect();
    if shown.is_empty() && past.is_empty() {
        return None;
    }
    let usable = scaling.usable;
    let mut past_workers: Vec<u32> = past.iter().map(|p| p.workers).collect();
    past_workers.sort_unstable();
    past_workers.dedup();
    let mut sentences = Vec::new();
    sentences.extend(within(&shown, &past, usable));
    sentences.extend(oversubscription(&past, usable));
    sentences.extend(no_usl(&shown, usable));
    sentences.extend(off_baseline(&shown, off));
    sentences.extend(unpinned(&shown));
    sentences.extend(retrograde(&shown));
    sentences.extend(taking_turns(&shown));
    sentences.extend(too_wide(&shown));
    sentences.extend(holdouts(&shown));
    Some(ScalingView {
        usable,
        predicted_workers: PREDICTED_WORKERS.to_vec(),
        rows: shown.iter().map(|f| row(f)).collect(),
        // Without a hold-out check anywhere no prediction is shown: the sentences say why.
        predictions: shown
            .iter()
            .filter(|f| f.usl.is_some() && shown.iter().any(|g| g.holdout.is_some()))
            .map(|f| PredictionRowView {
                sweep: f.sweep.to_string(),
                predicted: PREDICTED_WORKERS.iter().map(|&w| prediction(f, w)).collect(),
                holdout: holdout_cell(f),
            })
            .collect(),
        past: past_rows(&past, &shown, &past_workers),
        past_workers,
        sentences,
    })
}

mod causes;
use causes::{
    holdouts, no_usl, off_baseline, oversubscription, retrograde, taking_turns, too_wide, unpinned,
    within,
};
