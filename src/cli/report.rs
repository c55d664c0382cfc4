//! `gilbench report`: renders report.md and report.html from saved runs only (nothing is
//! measured). One run folder gives that run's report (in the folder itself unless `--out`);
//! several give a comparison. The last line printed is the path of report.html.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use gilbench::error::ConfigError;
use gilbench::report;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Run folders to render [default: output/latest].
    runs: Vec<PathBuf>,
    /// Where to write the report [default: the run's folder].
    #[arg(long)]
    out: Option<PathBuf>,
    /// A folder of templates overriding the built-in ones (report.md.tera, report.html.tera,
    /// index.html.tera, style.css).
    #[arg(long)]
    templates: Option<PathBuf>,
}

pub fn run(args: &ReportArgs) -> anyhow::Result<ExitCode> {
    let runs =
        if args.runs.is_empty() { vec![PathBuf::from("output/latest")] } else { args.runs.clone() };
    for dir in &runs {
        gilbench::results::store::open_run_folder(dir)?;
    }
    if let Some(dir) = args.templates.as_ref().filter(|dir| !dir.is_dir()) {
        return Err(
            ConfigError::new(format!("--templates {} is not a folder", dir.display())).into()
        );
    }
    let files = report::render_report(&runs, args.out.as_deref(), args.templates.as_deref())
        .context("rendering the report")?;
    if files.partial {
        eprintln!("gilbench: note: rendered from a partial run; the report says so at the top");
    }
    eprintln!("Markdown: {}", files.markdown.display());
    if let Some(index) = &files.index {
        eprintln!("Site index: {}", index.display());
    }
    println!("{}", files.html.display());
    Ok(ExitCode::SUCCESS)
}
