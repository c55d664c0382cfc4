//! A whole run, as the command line and the notebooks start it: the [`runner`] measures into
//! the journal and hands back its rows, then this module writes the run folder's tables from
//! them (runs, tasks and, through [`analysis`], the summary and the scaling fits) with plan.json, all in one batch:
//! they change together or not at all (a full disk, a read-only folder), and `--resume`
//! writes them again.
//!
//! It sits above the runner and the analysis so that neither needs the other.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use crate::analysis;
use crate::plan::ValidPlan;
use crate::results::store;
use crate::results::{JournalEntry, RunRow, TaskRow, frames};
use crate::runner::{self, Finished};
pub use crate::runner::{RunEnd, RunError, RunOptions, RunOutcome};

/// Measures `plan` into a new run folder under `options.out` and writes its tables. The
/// adaptive rounds also repeat the cells the fidelity check leaves undecided, unless
/// `options` names other cells.
pub fn run(
    plan: &ValidPlan,
    options: &RunOptions,
    stop: &AtomicBool,
) -> Result<RunOutcome, RunError> {
    write_tables(runner::run(plan, &with_fidelity(options), stop)?)
}

/// Finishes the partial run in `dir` (only what its journal lacks) and rewrites its tables.
pub fn resume(dir: &Path, options: &RunOptions, stop: &AtomicBool) -> Result<RunOutcome, RunError> {
    write_tables(runner::resume(dir, &with_fidelity(options), stop)?)
}

fn with_fidelity(options: &RunOptions) -> RunOptions {
    let mut options = options.clone();
    options.undecided = options.undecided.or(Some(analysis::open::open_comparisons));
    options
}

/// [`run`] with measurers of the caller's (see [`runner::run_with`]).
pub fn run_with(
    plan: &ValidPlan,
    measurers: runner::Measurers,
    options: &RunOptions,
    stop: &AtomicBool,
) -> Result<RunOutcome, RunError> {
    write_tables(runner::run_with(plan, measurers, options, stop)?)
}

/// [`resume`] with measurers of the caller's.
pub fn resume_with(
    dir: &Path,
    measurers: runner::Measurers,
    options: &RunOptions,
    stop: &AtomicBool,
) -> Result<RunOutcome, RunError> {
    write_tables(runner::resume_with(dir, measurers, options, stop)?)
}

/// Writes the tables, the summary and plan.json of a finished (or stopped) run; a write that
/// fails leaves a run to finish with `--resume`.
fn write_tables(finished: Finished) -> Result<RunOutcome, RunError> {
    let Finished { dir, mut manifest, entries, end } = finished;
    // Written again, plan.json is of this gilbench's schema (its findings moved to `setup`).
    manifest.schema = crate::results::manifest::Schema::current();
    let unfinished = |error: store::StoreError| RunError::Unfinished { dir: dir.clone(), error };
    let runs: Vec<RunRow> = entries.iter().map(|e| e.run.clone()).collect();
    let tasks: Vec<TaskRow> = entries.iter().flat_map(JournalEntry::task_rows).collect();
    let cores = u32::try_from(crate::machine::logical_cores()).unwrap_or(u32::MAX);
    let summary = analysis::summary::summarize(&runs, cores);
    let mut runs_frame = frames::runs_frame(&runs)?;
    let mut tasks_frame = frames::tasks_frame(&tasks)?;
    let mut summary_frame = analysis::frames::summary_frame(&summary)?;
    // The machine that measured, as machine.json holds it (this one, where it cannot be read).
    let machine: Option<crate::machine::Machine> = store::read_json(&dir.join("machine.json")).ok();
    let usable = machine.map_or(cores, |m| m.usable_cpus());
    let fits = analysis::scaling::fit_sweeps(&runs, usable);
    let mut scaling_frame = analysis::scaling::table::scaling_frame(&fits)?;
    let noise = analysis::noise::warnings(&summary);
    manifest.noise = noise.iter().map(ToString::to_string).collect();
    manifest.task_lengths = crate::results::task_length::realised(&runs);
    let mut batch = store::Batch::new();
    let mut stage = |batch: &mut store::Batch| -> Result<(), store::StoreError> {
        store::stage_csv(batch, &dir.join("runs.csv"), &mut runs_frame)?;
        store::stage_parquet(batch, &dir.join("runs.parquet"), &mut runs_frame)?;
        store::stage_csv(batch, &dir.join("tasks.csv"), &mut tasks_frame)?;
        store::stage_parquet(batch, &dir.join("tasks.parquet"), &mut tasks_frame)?;
        store::stage_csv(batch, &dir.join("summary.csv"), &mut summary_frame)?;
        store::stage_csv(batch, &dir.join("scaling.csv"), &mut scaling_frame)?;
        store::stage_json(batch, &dir.join("plan.json"), &manifest)
    };
    stage(&mut batch).map_err(unfinished)?;
    batch.commit().map_err(unfinished)?;
    if let Some(out) = dir.parent() {
        store::point_latest(out, &dir)?;
    }
    // The report says these beside the calibration; the terminal says them with the rest.
    let sizing = manifest.task_lengths_off().into_iter().map(|length| length.warning());
    let warnings: Vec<String> = manifest.all_warnings().into_iter().chain(sizing).collect();
    let closing = closing_lines(&manifest, &entries, &noise, warnings.len(), &dir);
    Ok(RunOutcome { dir, end, warnings, closing })
}

/// What a terminal shows when a run ends (the report and plan.json hold the rest): the time
/// spent against the budget, the comparisons settled and open, the noise in one line.
fn closing_lines(
    manifest: &crate::results::manifest::RunManifest,
    entries: &[JournalEntry],
    noise: &[analysis::noise::NoiseWarning],
    notices: usize,
    dir: &Path,
) -> Vec<String> {
    use crate::runner::human_duration;
    let mut lines = Vec::new();
    if let Some(spending) = &manifest.spending {
        let budget = spending
            .budget_s
            .map_or(String::new(), |s| format!(" of a {} budget", human_duration(s)));
        let lesson = crate::runner::lesson_clause(spending);
        lines.push(format!(
            "Measured for {}{budget}: {} measurements in all{lesson}.",
            human_duration(spending.invocation_s),
            entries.len()
        ));
        if !spending.left_out.is_empty() {
            lines.push(format!(
                "Left out: {} scenario(s) not measured or cut short (the report lists them); \
                 gilbench run --resume {} --budget +3m measures more.",
                spending.left_out.len(),
                dir.display()
            ));
        }
    }
    let (settled, open) = analysis::open::counts(entries);
    lines.push(format!("Comparisons: {settled} settled, {open} still open."));
    let spread: Vec<f64> = noise
        .iter()
        .filter_map(|w| match w {
            analysis::noise::NoiseWarning::Spread { cv, .. } => Some(*cv),
            analysis::noise::NoiseWarning::FewRepeats => None,
        })
        .collect();
    if let Some(worst) = spread.iter().copied().reduce(f64::max) {
        lines.push(format!(
            "Noise: {} of the groups varied by more than {:.0}% (up to {:.0}%): see the report's \
                 section on noise.",
            spread.len(),
            analysis::summary::NOISY_CV * 100.0,
            worst * 100.0
        ));
    }
    if notices > 0 {
        lines.push(format!("{notices} notices: in plan.json's warnings and in the report."));
    }
    lines
}

#[cfg(test)]
mod function_tests;
#[cfg(test)]
mod tests;
