//! `gilbench compare`: several saved runs (other machines, or other settings) on one static
//! HTML page. The last line printed is the page's path.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use gilbench::report::compare;

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Run folders to compare (at least two).
    #[arg(required = true, num_args = 2..)]
    runs: Vec<PathBuf>,
    /// The page to write [default: compare.html in the first run's output folder].
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn run(args: &CompareArgs) -> anyhow::Result<ExitCode> {
    for dir in &args.runs {
        gilbench::results::store::open_run_folder(dir)?;
    }
    let out = match &args.out {
        Some(out) => out.clone(),
        None => {
            let first = gilbench::results::store::open_run_folder(&args.runs[0])?;
            first.parent().map_or_else(|| PathBuf::from("compare.html"), |p| p.join("compare.html"))
        }
    };
    let page = compare::render_compare(&args.runs, &out).context("rendering the comparison")?;
    println!("{}", page.display());
    Ok(ExitCode::SUCCESS)
}
