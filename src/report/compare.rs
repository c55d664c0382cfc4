//! `gilbench compare`: several runs (other machines, or one machine under other settings) on
//! one static, self-contained HTML page: speedup curves, each normalised to its own run's
//! serial baseline; the scaling laws fitted per run with their intervals; each machine's
//! topology; and each run's lesson table. Runs with different plans are compared only on the
//! points (runtime, executor, scenario, workers) that every one of them measured, and the page
//! says which points were left out.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::data::RunData;
use super::render;
use super::{ReportError, context::Chart};
use crate::analysis::findings::{self, LessonTable};
use crate::analysis::scaling::{self, Sweep};
use crate::charts::machines::{self, RunCurves};
use crate::executor::ExecutorKind;
use crate::plan::Scenario;
use crate::point::{Point, Variant};
use crate::results::store;
use crate::runtime::Runtime;

mod tables;

/// One run on the page.
#[derive(Debug, Clone, Serialize)]
pub struct CompareRun {
    /// "run 1".
    pub label: String,
    /// The run folder's name.
    pub id: String,
    /// Host, CPU and cores.
    pub machine: String,
    /// The CPU topology, where machine.json has it.
    pub topology: Option<String>,
    /// When it started.
    pub started_at: String,
    /// The command that made it.
    pub command: String,
    /// The colour of its lines, as CSS.
    pub colour: String,
    /// Its lesson tables, one per runtime.
    pub lesson: Vec<LessonTable>,
    /// Its lesson's worker count.
    pub lesson_workers: u32,
    /// Points only this run measured.
    pub alone: Vec<String>,
    /// Its `--pin` setting.
    pub pin: crate::model::Pin,
}

/// One shared point, pinned against unpinned.
#[derive(Debug, Clone, Serialize)]
pub struct PinRow {
    /// "rust threads cpu workers=2".
    pub point: String,
    /// The unpinned run's median, seconds.
    pub unpinned_s: f64,
    /// The pinned run's median, seconds.
    pub pinned_s: f64,
    /// Pinned over unpinned, with its interval.
    pub ratio: String,
}

/// The first unpinned run set against the first pinned one.
#[derive(Debug, Clone, Serialize)]
pub struct PinComparison {
    /// The unpinned run's label.
    pub unpinned: String,
    /// The pinned run's label and setting.
    pub pinned: String,
    /// One row per shared point.
    pub rows: Vec<PinRow>,
}

/// One fitted sweep across the runs.
#[derive(Debug, Clone, Serialize)]
pub struct FitRow {
    /// "cpython threads cpu".
    pub sweep: String,
    /// Per run, in the runs' order: (sigma, kappa, peak) as printed, or None.
    pub runs: Vec<Option<[String; 3]>>,
}

/// The page's context.
#[derive(Debug, Clone, Serialize)]
pub struct CompareContext {
    /// The page's title.
    pub title: String,
    /// When it was rendered.
    pub generated_at: String,
    /// gilbench's version.
    pub version: String,
    /// The runs.
    pub runs: Vec<CompareRun>,
    /// Points every run measured.
    pub shared_points: usize,
    /// The speedup charts.
    pub charts: Vec<Chart>,
    /// The fits on the shared points.
    pub fits: Vec<FitRow>,
    /// The page's tables, built from the rest once it is filled.
    pub tables: Option<tables::CompareTables>,
    /// Pinned against unpinned, where the runs hold both.
    pub pinning: Option<PinComparison>,
}

/// The sweep points of a run with a speedup: pools on CPU and I/O work.
fn points(run: &RunData) -> BTreeSet<Point> {
    run.summary
        .iter()
        .filter(|r| matches!(r.point.scenario, Scenario::Cpu | Scenario::Io))
        .filter(|r| r.point.variant == Variant::Plain && r.point.executor != ExecutorKind::Serial)
        .filter(|r| r.speedup.is_some())
        .map(|r| r.point)
        .collect()
}

fn fits(runs: &[RunData], shared: &BTreeSet<Point>) -> Vec<FitRow> {
    let sweeps: BTreeSet<Sweep> = shared.iter().map(|p| Sweep::of(*p)).collect();
    let speedups: Vec<_> =
        runs.iter().map(|r| (scaling::speedups(&r.runs), r.machine.usable_cpus())).collect();
    sweeps
        .into_iter()
        .map(|sweep| {
            let cells = speedups
                .iter()
                .map(|(all, usable)| {
                    let mut ratios = all.get(&sweep)?.clone();
                    ratios.retain(|&workers, _| shared.contains(&sweep.at(workers)));
                    let fit = scaling::fit_within(sweep, &ratios, *usable, scaling::REPLICATES)?;
                    let usl = fit.usl?;
                    let shown = |e: &crate::stats::Estimate| e.shown(crate::stats::Unit::Parameter);
                    let peak = usl.peak.map_or_else(|| "none (κ = 0)".to_string(), |p| shown(&p));
                    Some([shown(&usl.sigma), shown(&usl.kappa), peak])
                })
                .collect();
            FitRow { sweep: sweep.to_string(), runs: cells }
        })
        .filter(|row| row.runs.iter().any(Option::is_some))
        .collect()
}

fn charts(
    runs: &[RunData],
    labels: &[String],
    shared: &BTreeSet<Point>,
) -> Result<Vec<Chart>, ReportError> {
    let mut charts = Vec::new();
    for scenario in [Scenario::Cpu, Scenario::Io] {
        let curves: Vec<RunCurves> = runs
            .iter()
            .zip(labels)
            .map(|(run, label)| RunCurves {
                label: label.clone(),
                rows: run
                    .summary
                    .iter()
                    .filter(|r| r.point.scenario == scenario && shared.contains(&r.point))
                    .collect(),
            })
            .collect();
        let title =
            format!("{} work: speedup over each run's own serial baseline", scenario.name());
        if let Some(svg) = machines::render(&curves, &title)? {
            let id = format!("machines_{}", scenario.name());
            let caption = format!(
                "Speedup over serial against workers, {} scenario, on the points every run \
                 measured; one colour per run, the executors' line styles as in the reports.",
                scenario.name()
            );
            charts.push(Chart { file: String::new(), id, caption, svg });
        }
    }
    Ok(charts)
}

fn run_view(index: usize, run: &RunData, shared: &BTreeSet<Point>) -> CompareRun {
    let workers = run.lesson_workers();
    let colour = machines::run_colour(index);
    let lesson = Runtime::present(run.summary.iter().map(|r| r.point.runtime))
        .into_iter()
        .filter_map(|rt| {
            let chunks = run.manifest.plan.io_chunks;
            findings::lesson_table(
                &run.summary,
                &run.runs,
                rt,
                workers,
                run.machine.logical_cores,
                chunks,
            )
        })
        .collect();
    let physical = run.machine.physical_cores.map_or("?".to_string(), |p| p.to_string());
    CompareRun {
        label: format!("run {}", index + 1),
        id: run.manifest.run_id.clone(),
        machine: format!(
            "{} ({}, {physical} physical / {} logical cores)",
            run.machine.hostname, run.machine.cpu_brand, run.machine.logical_cores
        ),
        topology: run.machine.topology.as_ref().map(|t| t.describe()),
        started_at: run.manifest.started_at.clone(),
        command: run.manifest.command.clone(),
        colour: format!("#{:02x}{:02x}{:02x}", colour.0, colour.1, colour.2),
        lesson,
        lesson_workers: workers,
        alone: points(run).difference(shared).map(ToString::to_string).collect(),
        pin: run.manifest.plan.plan().pin,
    }
}

/// The median of `b`'s times over `a`'s, with a 95% percentile interval from resampling
/// each run's repeats on its own (two runs have no repeats in common to pair).
fn ratio_of_medians(a: &[f64], b: &[f64], seed: u64) -> Option<crate::stats::Estimate> {
    let median = |v: &[f64]| crate::stats::median(&mut v.to_vec());
    let value = median(b)? / median(a)?;
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut draw =
        |v: &[f64]| -> Vec<f64> { (0..v.len()).map(|_| v[rng.usize(..v.len())]).collect() };
    let mut ratios: Vec<f64> = (0..scaling::REPLICATES)
        .filter_map(|_| {
            let (a, b) = (draw(a), draw(b));
            Some(median(&b)? / median(&a)?)
        })
        .collect();
    Some(scaling::fitted::of(value, &mut ratios))
}

/// A ratio near 1 with its interval, in the decimals that tell its ends apart from each
/// other and from 1: "0.97x [0.95, 0.99]".
fn ratio_shown(ratio: &crate::stats::Estimate) -> String {
    ratio.shown(crate::stats::Unit::Ratio)
}

fn pinning(runs: &[RunData], labels: &[String], shared: &BTreeSet<Point>) -> Option<PinComparison> {
    use crate::model::Pin;
    let pin = |run: &RunData| run.manifest.plan.plan().pin;
    let unpinned = runs.iter().position(|r| pin(r) == Pin::None)?;
    let pinned = runs.iter().position(|r| pin(r) != Pin::None)?;
    let (a, b) = (&runs[unpinned], &runs[pinned]);
    let rows = shared
        .iter()
        .enumerate()
        .filter_map(|(i, &point)| {
            let times = |run: &RunData| -> Vec<f64> {
                crate::analysis::summary::repeat_times(&run.runs, point)
                    .into_iter()
                    .map(|(_, t)| t)
                    .collect()
            };
            let (ta, tb) = (times(a), times(b));
            let ratio = ratio_of_medians(&ta, &tb, i as u64)?;
            Some(PinRow {
                point: point.to_string(),
                unpinned_s: crate::stats::median(&mut ta.clone())?,
                pinned_s: crate::stats::median(&mut tb.clone())?,
                ratio: ratio_shown(&ratio),
            })
        })
        .collect();
    Some(PinComparison {
        unpinned: labels[unpinned].clone(),
        pinned: format!("{} (--pin {})", labels[pinned], pin(b)),
        rows,
    })
}

/// The page's context for `runs`.
pub fn build(runs: &[RunData]) -> Result<CompareContext, ReportError> {
    let mut sets = runs.iter().map(points);
    let first = sets.next().unwrap_or_default();
    let shared: BTreeSet<Point> = sets.fold(first, |all, next| &all & &next);
    let labels: Vec<String> = (1..=runs.len()).map(|i| format!("run {i}")).collect();
    let mut context = CompareContext {
        title: format!("Threads vs processes on {} runs, side by side", runs.len()),
        generated_at: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        version: env!("CARGO_PKG_VERSION").to_string(),
        runs: runs.iter().enumerate().map(|(i, run)| run_view(i, run, &shared)).collect(),
        shared_points: shared.len(),
        charts: charts(runs, &labels, &shared)?,
        fits: fits(runs, &shared),
        pinning: pinning(runs, &labels, &shared),
        tables: None,
    };
    context.tables = Some(tables::tables(&context));
    Ok(context)
}

/// The fewest runs a comparison takes.
pub const MIN_RUNS: usize = 2;

/// Renders the comparison of the run folders `dirs` into `out` (a file), atomically; returns
/// its path.
pub fn render_compare(dirs: &[PathBuf], out: &Path) -> Result<PathBuf, ReportError> {
    if dirs.len() < MIN_RUNS {
        let few = crate::error::ConfigError::new(format!(
            "compare needs at least {MIN_RUNS} run folders, got {}",
            dirs.len()
        ));
        return Err(super::data::LoadError::NotARun(few).into());
    }
    let runs = dirs.iter().map(|d| RunData::load(d)).collect::<Result<Vec<_>, _>>()?;
    let context = build(&runs)?;
    let tera = render::templates(None)?;
    let html = render::render(&tera, "compare.html", &context)?;
    let mut batch = store::Batch::new();
    batch.stage_text(out, &html)?;
    batch.commit()?;
    Ok(out.to_path_buf())
}
