//! scaling.csv: every fitted parameter of every sweep as one flat row, with its interval,
//! the points it rests on and the fit's residual. Predictions past the measured range are
//! rows of their own, named as predictions (written whether or not the report shows them:
//! the report shows those whose hold-out landed inside). The points past the usable CPUs
//! are rows of their own too: their time against the largest count within them.

use polars::prelude::{DataFrame, PolarsResult};
use serde::Serialize;

use super::law::Model;
use super::{PREDICTED_WORKERS, Past, Scaling, SweepFit};
use crate::executor::ExecutorKind;
use crate::plan::Scenario;
use crate::results::table::Table;
use crate::runtime::Runtime;
use crate::stats::Estimate;

/// What a row of scaling.csv estimates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum Parameter {
    /// Amdahl's serial fraction, or Karp-Flatt's at one worker count.
    SerialFraction,
    /// The USL's contention.
    Sigma,
    /// The USL's coherency.
    Kappa,
    /// The USL's peak worker count.
    PeakWorkers,
    /// The USL's speedup at a worker count past the measured ones: a prediction.
    PredictedSpeedup,
    /// The speedup the fit without the largest count predicts there.
    HoldoutPredictedSpeedup,
    /// The speedup measured at the held-out count.
    HoldoutMeasuredSpeedup,
    /// predicted / measured - 1 at the held-out count.
    HoldoutError,
    /// At a count past the usable CPUs: its time over the largest count's within them.
    OversubscribedTimeRatio,
}

/// The model column: a law, or Karp-Flatt's metric.
fn model_name(model: Option<Model>) -> &'static str {
    match model {
        Some(Model::Amdahl) => "amdahl",
        Some(Model::Usl) => "usl",
        None => "karp_flatt",
    }
}

/// The model column of a point past the usable CPUs: measured, no law.
const OVERSUBSCRIBED: &str = "oversubscribed";

crate::record! {
    /// One row of scaling.csv.
    #[derive(Debug, Clone, PartialEq, Serialize)]
    pub struct ScalingRecord {
        /// Who ran the tasks.
        pub runtime: Runtime,
        /// Which pool.
        pub executor: ExecutorKind,
        /// Which workload.
        pub scenario: Scenario,
        /// For mixed tasks, the compute fraction.
        pub cpu_fraction: Option<f64>,
        /// For contention, the rung.
        pub rung: Option<crate::model::Rung>,
        /// amdahl, usl, karp_flatt or oversubscribed.
        pub model: String,
        /// What the row estimates.
        pub parameter: String,
        /// The worker count it is at (Karp-Flatt, predictions, the hold-out).
        pub workers: Option<u32>,
        /// The estimate (inf: unbounded).
        pub estimate: f64,
        /// Its interval's low end (None without one).
        pub ci_low: Option<f64>,
        /// High end (inf: unbounded).
        pub ci_high: Option<f64>,
        /// The interval's level.
        pub level: Option<f64>,
        /// The worker counts the fit rests on.
        pub fitted_points: u32,
        /// The fit's root-mean-square misfit to the median speedups (None for Karp-Flatt).
        pub residual: Option<f64>,
    }
}

/// The rows of one fit.
fn records(fit: &SweepFit) -> Vec<ScalingRecord> {
    let points = u32::try_from(fit.measured.len()).unwrap_or(u32::MAX);
    let s = fit.sweep;
    let row =
        |model: Option<Model>, parameter: Parameter, workers: Option<u32>, value: Estimate| {
            let residual = match model {
                Some(Model::Amdahl) => Some(fit.amdahl_residual),
                Some(Model::Usl) => fit.usl.as_ref().map(|u| u.residual),
                None => None,
            };
            let interval = value.interval;
            ScalingRecord {
                runtime: s.runtime,
                executor: s.executor,
                scenario: s.scenario,
                cpu_fraction: s.variant.cpu_fraction(),
                rung: s.variant.rung(),
                model: model_name(model).to_string(),
                parameter: parameter.to_string(),
                workers,
                estimate: value.value,
                ci_low: interval.map(|i| i.low),
                ci_high: interval.map(|i| i.high),
                level: interval.map(|i| i.level),
                fitted_points: points,
                residual,
            }
        };
    let bare = Estimate::bare;
    let (amdahl, usl) = (Some(Model::Amdahl), Some(Model::Usl));
    let mut rows = vec![row(amdahl, Parameter::SerialFraction, None, fit.serial_fraction)];
    if let Some(law) = &fit.usl {
        rows.push(row(usl, Parameter::Sigma, None, law.sigma));
        rows.push(row(usl, Parameter::Kappa, None, law.kappa));
        rows.extend(law.peak.map(|peak| row(usl, Parameter::PeakWorkers, None, peak)));
    }
    for &(workers, fraction) in &fit.karp_flatt {
        rows.push(row(None, Parameter::SerialFraction, Some(workers), bare(fraction)));
    }
    for workers in PREDICTED_WORKERS.into_iter().filter(|&w| w > fit.largest()) {
        if let Some(predicted) = fit.predict(f64::from(workers)) {
            rows.push(row(usl, Parameter::PredictedSpeedup, Some(workers), predicted));
        }
    }
    if let Some(h) = fit.holdout {
        let at = Some(h.workers);
        rows.push(row(usl, Parameter::HoldoutPredictedSpeedup, at, h.predicted));
        rows.push(row(usl, Parameter::HoldoutMeasuredSpeedup, at, bare(h.measured)));
        rows.push(row(usl, Parameter::HoldoutError, at, bare(h.error())));
    }
    rows
}

/// The row of a point past the usable CPUs.
fn past_record(past: &Past) -> Option<ScalingRecord> {
    let ratio = past.time_ratio?;
    let s = past.sweep;
    Some(ScalingRecord {
        runtime: s.runtime,
        executor: s.executor,
        scenario: s.scenario,
        cpu_fraction: s.variant.cpu_fraction(),
        rung: s.variant.rung(),
        model: OVERSUBSCRIBED.to_string(),
        parameter: Parameter::OversubscribedTimeRatio.to_string(),
        workers: Some(past.workers),
        estimate: ratio.value,
        ci_low: ratio.interval.map(|i| i.low),
        ci_high: ratio.interval.map(|i| i.high),
        level: ratio.interval.map(|i| i.level),
        fitted_points: 0,
        residual: None,
    })
}

/// scaling.csv's frame: every fit's rows, then the oversubscribed points.
pub fn scaling_frame(scaling: &Scaling) -> PolarsResult<DataFrame> {
    let mut rows: Vec<ScalingRecord> = scaling.fits.iter().flat_map(records).collect();
    rows.extend(scaling.past.iter().filter_map(past_record));
    ScalingRecord::frame(&rows)
}
