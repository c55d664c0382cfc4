//! What the report says about the fitted laws: a table of the lesson's sweeps (CPU and I/O
//! work, and the user's function) and the sentences their intervals support: the ceiling of
//! this machine's cores, a coherency the run cannot pin down, retrograde scaling, workers
//! that take turns, predictions too wide to mean anything and the hold-out check.

use serde::Serialize;

use super::{Fitted, PREDICTED_WORKERS, SweepFit, TOO_WIDE, shown};
use crate::executor::ExecutorKind;
use crate::plan::Scenario;
use crate::point::Variant;
use crate::results::task_length::TaskLength;

/// Above this, sigma's whole interval says the workers took turns.
const TAKING_TURNS: f64 = 0.8;

/// One row of the report's table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScalingRowView {
    /// "cpython-3.13 threads cpu".
    pub sweep: String,
    /// The worker counts fitted: "1, 2, 4, 8".
    pub counts: String,
    /// Amdahl's serial fraction.
    pub serial_fraction: String,
    /// The USL's sigma, kappa and peak.
    pub sigma: String,
    /// Coherency.
    pub kappa: String,
    /// N*, or "none" when kappa's estimate is 0.
    pub peak: String,
    /// The predicted speedups at [`PREDICTED_WORKERS`], "(too wide)" where they say nothing.
    pub predicted: Vec<String>,
    /// The hold-out check: "measured at workers: predicted (error, inside or outside the
    /// predicted interval)", or "-".
    pub holdout: String,
}

/// The report's scaling section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScalingView {
    /// The worker counts predicted, for the table's head.
    pub predicted_workers: Vec<u32>,
    /// One row per fitted sweep shown.
    pub rows: Vec<ScalingRowView>,
    /// What the intervals support.
    pub sentences: Vec<String>,
}

fn prediction(fit: &SweepFit, workers: u32) -> String {
    if workers <= fit.largest() {
        return "measured".to_string();
    }
    let predicted = fit.predict(f64::from(workers));
    let wide = if predicted.too_wide() { " (too wide)" } else { "" };
    format!("{predicted}x{wide}")
}

fn row(fit: &SweepFit) -> ScalingRowView {
    let counts: Vec<String> = fit.measured.iter().map(|o| format!("{}", o.workers)).collect();
    ScalingRowView {
        sweep: fit.sweep.to_string(),
        counts: counts.join(", "),
        serial_fraction: fit.serial_fraction.to_string(),
        sigma: fit.sigma.to_string(),
        kappa: fit.kappa.to_string(),
        peak: fit.peak.map_or_else(|| "none (κ = 0)".to_string(), |p| p.to_string()),
        predicted: PREDICTED_WORKERS.iter().map(|&w| prediction(fit, w)).collect(),
        holdout: fit.holdout.map_or_else(
            || "-".to_string(),
            |h| {
                let inside = if h.within() { "inside" } else { "outside" };
                format!(
                    "{}x at {}: predicted {} ({:+.0}%, {inside})",
                    shown(h.measured),
                    h.workers,
                    h.predicted,
                    100.0 * h.error()
                )
            },
        ),
    }
}

/// The sweeps the report shows: the plain CPU and I/O sweeps and the user's function.
fn shown_in_report(fit: &&SweepFit) -> bool {
    matches!(fit.sweep.scenario, Scenario::Cpu | Scenario::Io | Scenario::Function)
        && fit.sweep.variant == Variant::Plain
}

/// The report's section from `fits` of a run on `cores` logical cores whose CPU tasks lasted
/// other than planned for the runtimes of `off` (see [`crate::results::task_length`]); `None`
/// without a fit to show.
pub fn view(fits: &[SweepFit], cores: u32, off: &[TaskLength]) -> Option<ScalingView> {
    let shown: Vec<&SweepFit> = fits.iter().filter(shown_in_report).collect();
    if shown.is_empty() {
        return None;
    }
    let mut sentences = Vec::new();
    sentences.extend(ceiling(&shown, cores));
    sentences.extend(off_baseline(&shown, off));
    sentences.extend(unpinned(&shown, cores));
    sentences.extend(retrograde(&shown));
    sentences.extend(taking_turns(&shown));
    sentences.extend(too_wide(&shown));
    sentences.push(holdouts(&shown));
    Some(ScalingView {
        predicted_workers: PREDICTED_WORKERS.to_vec(),
        rows: shown.iter().map(|f| row(f)).collect(),
        sentences,
    })
}

/// The CPU fits whose serial baseline ran tasks of another length than planned.
fn off_baseline(fits: &[&SweepFit], off: &[TaskLength]) -> Option<String> {
    let named: Vec<String> = off
        .iter()
        .filter(|length| {
            fits.iter()
                .any(|f| f.sweep.runtime == length.runtime && f.sweep.scenario == Scenario::Cpu)
        })
        .map(|length| {
            format!(
                "{} ({} ms against {} ms)",
                length.runtime,
                shown(length.realised_ms),
                shown(length.target_ms)
            )
        })
        .collect();
    (!named.is_empty()).then(|| {
        format!(
            "The CPU fits of {} rest on serial tasks that did not last what was planned (see the \
             task lengths under the experiment): the machine ran the loop at another speed then, \
             and every speedup of those sweeps, so their σ and κ, moves with that baseline; a \
             rerun can give other figures.",
            named.join(", ")
        )
    })
}

fn ceiling(fits: &[&SweepFit], cores: u32) -> Option<String> {
    let past = fits.iter().any(|f| f.sweep.scenario == Scenario::Cpu && f.largest() > cores);
    past.then(|| {
        format!(
            "CPU work here cannot use more than this machine's {cores} cores, so past {cores} \
             workers its speedups stay flat, and the laws read that ceiling as contention (σ) \
             or coherency (κ): their CPU predictions are for more workers on this machine, not \
             for a machine with more cores."
        )
    })
}

fn unpinned(fits: &[&SweepFit], cores: u32) -> Option<String> {
    let open: Vec<&&SweepFit> = fits
        .iter()
        .filter(|f| f.kappa.low <= 0.0 && !f.peak.is_some_and(|p| p.high.is_finite()))
        .collect();
    let largest = fits.iter().map(|f| f.largest()).max().unwrap_or(1);
    let widest = open.iter().map(|f| f.kappa.high).fold(0.0, f64::max);
    (!open.is_empty()).then(|| {
        format!(
            "For {} of {} sweeps κ's interval holds 0 (the widest runs to {}): with worker counts \
             up to {largest} on {cores} cores this run cannot pin κ down, so whether and where \
             those sweeps would peak is not known.",
            open.len(),
            fits.len(),
            shown(widest)
        )
    })
}

fn retrograde(fits: &[&SweepFit]) -> Option<String> {
    let falling: Vec<String> = fits
        .iter()
        .filter(|f| f.retrograde())
        .map(|f| match f.peak {
            Some(peak) => {
                format!("{} (N* ≈ {})", f.sweep, shown(peak.value))
            }
            None => f.sweep.to_string(),
        })
        .collect();
    (!falling.is_empty()).then(|| {
        format!(
            "Retrograde scaling, where κ's interval leaves 0 out, so the speedup peaks and then \
             falls, in {} of {} sweeps: {}.",
            falling.len(),
            fits.len(),
            falling.join(", ")
        )
    })
}

fn taking_turns(fits: &[&SweepFit]) -> Option<String> {
    let turns: Vec<String> = fits
        .iter()
        .filter(|f| f.sigma.low >= TAKING_TURNS)
        .map(|f| format!("{} (σ = {})", f.sweep, f.sigma))
        .collect();
    let threads = fits
        .iter()
        .any(|f| f.sigma.low >= TAKING_TURNS && f.sweep.executor == ExecutorKind::Threads);
    let why = if threads { ", as threads under one GIL do on CPU work" } else { "" };
    (!turns.is_empty()).then(|| {
        format!(
            "σ's whole interval lies above {TAKING_TURNS} for {}: their workers took turns{why}.",
            turns.join(", ")
        )
    })
}

fn too_wide(fits: &[&SweepFit]) -> Option<String> {
    let predictions: Vec<Fitted> = fits
        .iter()
        .flat_map(|f| {
            PREDICTED_WORKERS.iter().filter(|&&w| w > f.largest()).map(|&w| f.predict(f64::from(w)))
        })
        .collect();
    let wide = predictions.iter().filter(|p| p.too_wide()).count();
    (wide > 0).then(|| {
        format!(
            "{wide} of {} predictions are marked \"too wide\": their interval spans more than a \
             factor of {TOO_WIDE}, so they say only that the law allows anything in it.",
            predictions.len()
        )
    })
}

fn holdouts(fits: &[&SweepFit]) -> String {
    let checked: Vec<(&SweepFit, super::Holdout)> =
        fits.iter().filter_map(|f| Some((*f, f.holdout?))).collect();
    let Some(worst) = checked.iter().max_by(|a, b| a.1.error().abs().total_cmp(&b.1.error().abs()))
    else {
        return format!(
            "No sweep has {} worker counts, so no hold-out check was made.",
            super::HOLDOUT_WORKER_COUNTS
        );
    };
    let mut errors: Vec<f64> = checked.iter().map(|(_, h)| 100.0 * h.error().abs()).collect();
    let median = crate::stats::median(&mut errors).unwrap_or(f64::NAN);
    let inside = checked.iter().filter(|(_, h)| h.within()).count();
    format!(
        "Hold-out check: each sweep was fitted again without its largest worker count and \
         predicted it. The median error was {median:.0}% (the largest {:+.0}%, {} at {} \
         workers); the measured speedup lay inside the predicted interval in {inside} of {}.",
        100.0 * worst.1.error(),
        worst.0.sweep,
        worst.1.workers,
        checked.len()
    )
}
