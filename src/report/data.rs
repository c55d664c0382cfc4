//! A saved run, loaded for reporting: its plan.json and machine.json, its Parquet tables, and
//! its summary recomputed from the runs rows (the statistics live in one place, so a report
//! of an old run uses the same definitions as a new one).

use std::path::{Path, PathBuf};

use crate::analysis;
use crate::analysis::summary::SummaryRow;
use crate::machine::Machine;
use crate::results::frames;
use crate::results::manifest::{RunManifest, RunStatus};
use crate::results::store::{self, StoreError};
use crate::results::{RunRow, TaskRow};

/// Why a run folder could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// Not a run folder (or not one that can be opened).
    #[error(transparent)]
    NotARun(#[from] crate::error::ConfigError),
    /// A file is missing or unreadable.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A table does not have the expected columns.
    #[error("{path}: not a gilbench table: {error}")]
    Table {
        /// The table's file.
        path: PathBuf,
        /// polars' message.
        error: polars::error::PolarsError,
    },
}

/// Everything a report needs from one run folder.
#[derive(Debug, Clone)]
pub struct RunData {
    /// The run folder (canonical).
    pub dir: PathBuf,
    /// plan.json.
    pub manifest: RunManifest,
    /// machine.json.
    pub machine: Machine,
    /// The runs table.
    pub runs: Vec<RunRow>,
    /// The tasks table.
    pub tasks: Vec<TaskRow>,
    /// The summary.
    pub summary: Vec<SummaryRow>,
    /// The scaling laws fitted to its sweeps.
    pub scaling: crate::analysis::scaling::Scaling,
    /// `gilbench overhead`'s rows, when it saved them into this run folder.
    pub overhead: Vec<crate::overhead::OverheadRow>,
}

impl RunData {
    /// Loads the run in `dir` (a link such as `output/latest` is followed).
    pub fn load(dir: &Path) -> Result<Self, LoadError> {
        let dir = store::open_run_folder(dir)?;
        let plan = dir.join("plan.json");
        let manifest = RunManifest::read(&plan)?;
        let machine: Machine = store::read_json(&dir.join("machine.json"))?;
        let table = |file: &str| {
            let path = dir.join(file);
            move |error| LoadError::Table { path, error }
        };
        let overhead_path = dir.join("overhead.json");
        let overhead =
            if overhead_path.is_file() { store::read_json(&overhead_path)? } else { Vec::new() };
        let cores = u32::try_from(machine.logical_cores).unwrap_or(u32::MAX);
        // A run killed while it measured never wrote its tables: its journal holds the rows.
        let (runs, tasks) = if manifest.status == RunStatus::Running {
            let entries = crate::results::journal::read(&dir)?;
            let runs = entries.iter().map(|e| e.run.clone()).collect();
            (runs, entries.iter().flat_map(crate::results::JournalEntry::task_rows).collect())
        } else {
            let runs_frame = store::read_parquet(&dir.join("runs.parquet"))?;
            let tasks_frame = store::read_parquet(&dir.join("tasks.parquet"))?;
            let runs = frames::run_rows(&runs_frame).map_err(table("runs.parquet"))?;
            (runs, frames::task_rows(&tasks_frame).map_err(table("tasks.parquet"))?)
        };
        Ok(Self {
            overhead,
            summary: analysis::summary::summarize(&runs, cores),
            scaling: analysis::scaling::fit_sweeps(&runs, machine.usable_cpus()),
            runs,
            tasks,
            dir,
            manifest,
            machine,
        })
    }

    /// True when the run stopped before its last measurement for another reason than its
    /// budget (a budget's run says what it left out instead).
    pub fn is_partial(&self) -> bool {
        let budget = self.manifest.spending.as_ref().is_some_and(|s| s.stopped_by_budget);
        self.manifest.status != RunStatus::Complete && !budget
    }

    /// The scenarios of the plan the run did not measure (or cut short), one line each with
    /// the command that measures them.
    pub fn left_out(&self) -> Vec<String> {
        let done: std::collections::HashSet<crate::plan::Step> =
            self.runs.iter().filter(|r| r.ok).map(RunRow::step).collect();
        let plan = self.manifest.plan.plan();
        // The folder as `gilbench run` names it: the output folder's name and the run's.
        let parent = self.dir.parent().and_then(Path::file_name).map(Path::new);
        let folder = parent.map_or(self.dir.clone(), |p| p.join(&self.manifest.run_id));
        let command = format!("gilbench run --resume {} --budget +3m", folder.display());
        let left = plan.left_out(&self.manifest.setup, &done);
        left.iter().map(|l| format!("{l}: `{command}` adds it")).collect()
    }

    /// The worker count the lesson's figures compare at: the plan's lesson count, or the
    /// measured count nearest to it.
    pub fn lesson_workers(&self) -> u32 {
        self.manifest.plan.lesson_workers()
    }

    /// "Measuring took 2 min 58 s of a 3 min budget; the lesson table was complete after
    /// 41 s, with every comparison settled."
    pub fn budget_sentence(&self) -> Option<String> {
        use crate::runner::human_duration;
        let spending = self.manifest.spending.as_ref()?;
        let budget = spending.budget_s?;
        let lesson = crate::runner::lesson_clause(spending);
        Some(format!(
            "Measuring took {} of a {} budget{lesson}.",
            human_duration(spending.invocation_s),
            human_duration(budget)
        ))
    }
}
