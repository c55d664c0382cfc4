//! The literate report: a run's data turned into `report.md` (GitHub-flavoured, images from
//! `plots/`) and a self-contained `report.html` (inline SVG and CSS, no network requests),
//! rendered from saved files only, so any run can be re-rendered without measuring again.

pub mod code;
pub mod compare;
pub mod contents;
pub mod context;
pub mod data;
pub mod figures;
pub mod render;
pub mod sections;
pub mod site;
pub mod tables;

use std::path::{Component, Path, PathBuf};

use crate::results::store::{self, StoreError};

/// Why a report could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A run folder could not be loaded.
    #[error(transparent)]
    Load(#[from] data::LoadError),
    /// A chart failed.
    #[error(transparent)]
    Chart(#[from] crate::charts::ChartError),
    /// A template failed.
    #[error(transparent)]
    Render(#[from] render::RenderError),
    /// A file could not be written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The site index.
    #[error(transparent)]
    Site(#[from] site::SiteError),
}

/// Where a report was written.
#[derive(Debug, Clone)]
pub struct ReportFiles {
    /// report.md.
    pub markdown: PathBuf,
    /// report.html.
    pub html: PathBuf,
    /// The site index that lists the run(s).
    pub index: Option<PathBuf>,
    /// True when a run was partial.
    pub partial: bool,
}

/// The path from folder `from` to `to`, both absolute (`..` where needed).
fn relative(from: &Path, to: &Path) -> String {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(to[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    if parts.is_empty() { String::new() } else { format!("{}/", parts.join("/")) }
}

/// Renders the report of `runs` (one run, or several to compare) into `out` (default: the
/// run's own folder; for several runs, `compare-<time>` beside the first), with templates
/// from `templates` where given.
pub fn render_report(
    runs: &[PathBuf],
    out: Option<&Path>,
    templates: Option<&Path>,
) -> Result<ReportFiles, ReportError> {
    let loaded = runs.iter().map(|dir| data::RunData::load(dir)).collect::<Result<Vec<_>, _>>()?;
    let Some(first) = loaded.first() else {
        let none = crate::error::ConfigError::new("no run folder given");
        return Err(data::LoadError::NotARun(none).into());
    };
    let out = match out {
        Some(out) => out.to_path_buf(),
        None if loaded.len() == 1 => first.dir.clone(),
        None => {
            let parent = first.dir.parent().unwrap_or(Path::new("."));
            parent.join(format!("compare-{}", chrono::Local::now().format("%Y%m%d-%H%M%S")))
        }
    };
    std::fs::create_dir_all(out.join("plots")).map_err(|e| StoreError::io(&out, e))?;
    let out = out.canonicalize().map_err(|e| StoreError::io(&out, e))?;
    let prefixes: Vec<String> = loaded.iter().map(|run| relative(&out, &run.dir)).collect();
    let mut context = context::build(&loaded, &prefixes)?;
    let mut tera = render::templates(templates)?;
    let sections = context.runs.iter_mut().flat_map(|run| run.sections.iter_mut());
    render::write_prose(&mut tera, sections)?;
    let markdown = render::render(&tera, "report.md", &context)?;
    let html = render::render(&tera, "report.html", &context)?;
    // The plots, the report and the index are staged first and renamed into place together:
    // a full disk or a read-only folder leaves the previous report as it was.
    let mut batch = store::Batch::new();
    for view in &context.runs {
        for chart in view.charts.iter().chain(&view.timelines) {
            batch.stage_text(&out.join(&chart.file), &chart.svg)?;
        }
    }
    let markdown_path = out.join("report.md");
    let html_path = out.join("report.html");
    batch.stage_text(&markdown_path, &markdown)?;
    batch.stage_text(&html_path, &html)?;
    let index = match first.dir.parent() {
        Some(root) if loaded.len() == 1 => Some({
            // The run's own report.html exists once this batch is in, when it is written there.
            let rendering = if out == first.dir { first.dir.as_path() } else { Path::new("") };
            site::stage_index(root, rendering, &mut batch)?
        }),
        _ => None,
    };
    batch.commit()?;
    Ok(ReportFiles { markdown: markdown_path, html: html_path, index, partial: context.partial })
}
