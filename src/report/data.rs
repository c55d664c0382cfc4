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
    pub scaling: Vec<crate::analysis::scaling::SweepFit>,
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
        let runs_frame = store::read_parquet(&dir.join("runs.parquet"))?;
        let tasks_frame = store::read_parquet(&dir.join("tasks.parquet"))?;
        let cores = u32::try_from(machine.logical_cores).unwrap_or(u32::MAX);
        let overhead_path = dir.join("overhead.json");
        let overhead =
            if overhead_path.is_file() { store::read_json(&overhead_path)? } else { Vec::new() };
        let runs = frames::run_rows(&runs_frame).map_err(table("runs.parquet"))?;
        Ok(Self {
            overhead,
            summary: analysis::summary::summarize(&runs, cores),
            scaling: analysis::scaling::fit_sweeps(&runs),
            runs,
            tasks: frames::task_rows(&tasks_frame).map_err(table("tasks.parquet"))?,
            dir,
            manifest,
            machine,
        })
    }

    /// True when the run stopped before its last measurement.
    pub fn is_partial(&self) -> bool {
        self.manifest.status != RunStatus::Complete
    }

    /// The worker count the lesson's figures compare at: the plan's lesson count, or the
    /// measured count nearest to it.
    pub fn lesson_workers(&self) -> u32 {
        let target = u32::try_from(self.manifest.plan.mixed_workers).unwrap_or(2);
        let mut measured: Vec<u32> =
            self.manifest.plan.workers.iter().filter_map(|w| u32::try_from(*w).ok()).collect();
        measured.sort_unstable();
        measured.into_iter().min_by_key(|w| w.abs_diff(target)).unwrap_or(target)
    }
}
