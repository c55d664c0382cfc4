//! `output/index.html`: every run of an output folder, newest first, with its machine, date,
//! status and headline ratios, linking to each run's report, so the folder can be published
//! as a static site as it is.

use crate::view::table::{Cell, Column, Table};
use std::path::Path;

use serde::Serialize;

use super::data::RunData;
use super::render::{self, RenderError};
use crate::charts::ratio;
use crate::plan::Scenario;
use crate::results::store::{self, StoreError};
use crate::runtime::Runtime;

/// One run in the index.
#[derive(Debug, Clone, Serialize)]
pub struct IndexEntry {
    /// The run folder's name.
    pub id: String,
    /// When it started.
    pub started_at: String,
    /// Host, CPU and cores.
    pub machine: String,
    /// complete or partial.
    pub status: String,
    /// "cpython cpu 1.82x, io 0.98x; ..." at the lesson's worker count.
    pub headline: Vec<String>,
    /// The report's path relative to the index, when rendered.
    pub report: Option<String>,
    /// Why the run could not be read, if it could not.
    pub problem: Option<String>,
}

#[derive(Serialize)]
struct IndexContext {
    /// The runs, newest first, as a table.
    runs: Option<Table>,
    /// True when `gilbench compare` wrote compare.html beside the index.
    compare: bool,
    generated_at: String,
}

fn entry(dir: &Path, id: String, rendering: &Path) -> IndexEntry {
    let has_report = dir.join("report.html").is_file() || dir == rendering;
    let report = has_report.then(|| format!("{id}/report.html"));
    match RunData::load(dir) {
        Ok(run) => {
            let bars = ratio::bars(&run.summary, run.lesson_workers());
            let headline = Runtime::present(run.summary.iter().map(|r| r.point.runtime))
                .into_iter()
                .filter_map(|rt| {
                    let of = |s: Scenario| {
                        bars.iter()
                            .find(|b| b.runtime == rt && b.scenario == s)
                            .map(|b| b.ratio.value)
                    };
                    let (cpu, io) = (of(Scenario::Cpu), of(Scenario::Io));
                    (cpu.is_some() || io.is_some()).then(|| {
                        let show =
                            |v: Option<f64>| v.map_or("n/a".to_string(), |v| format!("{v:.2}x"));
                        format!("{rt}: CPU {}, I/O {}", show(cpu), show(io))
                    })
                })
                .collect();
            IndexEntry {
                id,
                started_at: run.manifest.started_at.clone(),
                machine: format!(
                    "{} ({}, {} cores)",
                    run.machine.hostname, run.machine.cpu_brand, run.machine.logical_cores
                ),
                status: format!("{:?}", run.manifest.status).to_lowercase(),
                headline,
                report,
                problem: None,
            }
        }
        Err(error) => IndexEntry {
            id,
            started_at: String::new(),
            machine: String::new(),
            status: "unreadable".into(),
            headline: Vec::new(),
            report,
            problem: Some(error.to_string()),
        },
    }
}

/// Stages `<root>/index.html`, listing every run folder in `root`, into `batch`; `rendering`
/// is the run folder whose report the same batch holds.
pub fn stage_index(
    root: &Path,
    rendering: &Path,
    batch: &mut store::Batch,
) -> Result<std::path::PathBuf, SiteError> {
    let mut runs = Vec::new();
    let listing = std::fs::read_dir(root).map_err(|e| StoreError::io(root, e))?;
    for item in listing.flatten() {
        let path = item.path();
        let name = item.file_name().to_string_lossy().into_owned();
        if name == "latest" || name.starts_with('.') || !path.join("plan.json").is_file() {
            continue;
        }
        runs.push(entry(&path, name, rendering));
    }
    runs.sort_by(|a, b| b.started_at.cmp(&a.started_at).then_with(|| b.id.cmp(&a.id)));
    let tera = render::templates(None)?;
    let context = IndexContext {
        runs: (!runs.is_empty()).then(|| table(&runs)),
        compare: root.join("compare.html").is_file(),
        generated_at: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
    };
    let html = render::render(&tera, "index.html", &context)?;
    let path = root.join("index.html");
    batch.stage_text(&path, &html)?;
    Ok(path)
}

/// The runs as the index lists them: a link to each report, its machine, status and
/// headline ratios.
fn table(runs: &[IndexEntry]) -> Table {
    let mut table = Table::new(vec![
        Column::text("run"),
        Column::text("started"),
        Column::text("machine"),
        Column::text("status"),
        Column::text("threads / processes"),
    ]);
    for run in runs {
        let id = match &run.report {
            Some(href) => Cell::Link { text: run.id.clone(), href: href.clone() },
            None => Cell::text(run.id.clone()),
        };
        let status = match &run.problem {
            Some(problem) => format!("{}: {problem}", run.status),
            None => run.status.clone(),
        };
        table.push(vec![
            id,
            Cell::text(run.started_at.clone()),
            Cell::text(run.machine.clone()),
            Cell::text(status),
            Cell::Lines(run.headline.clone()),
        ]);
    }
    table
}

/// The index could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    /// A file.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The template.
    #[error(transparent)]
    Render(#[from] RenderError),
}
