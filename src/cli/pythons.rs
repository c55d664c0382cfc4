//! `gilbench pythons`: the CPython interpreters this machine has (python3* on PATH, pyenv's
//! versions, the environments `make pythons` prepared, and any `--python`), each asked what it
//! is: version, build (free-threaded or not), whether its GIL is on now, the label it would
//! run under beside the others, and which executors it supports. `--paths` prints the usable
//! ones as a `--python` list for `gilbench run`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use serde::Serialize;

use gilbench::executor::ExecutorKind;
use gilbench::runtime::Runtime;
use gilbench::runtime::pythons::{self, FoundPython};

#[derive(Debug, Args)]
pub struct PythonsArgs {
    /// Further interpreters to ask, comma-separated.
    #[arg(long, value_delimiter = ',')]
    python: Vec<PathBuf>,
    /// Print JSON.
    #[arg(long, conflicts_with = "paths")]
    json: bool,
    /// Print only a comma-separated `--python` list for `gilbench run`: python3 on PATH (the
    /// default runtime), then one interpreter per version and build that has something more
    /// to show (an interpreter pool, or no GIL), the environments `make pythons` prepared
    /// first.
    #[arg(long)]
    paths: bool,
}

/// One interpreter as listed.
#[derive(Debug, Serialize)]
struct Listed {
    path: PathBuf,
    label: Option<String>,
    version: Option<String>,
    free_threaded: Option<bool>,
    gil_enabled: Option<bool>,
    executors: Vec<ExecutorKind>,
    unsupported: Vec<String>,
    problem: Option<String>,
}

fn listed(path: PathBuf, found: Result<FoundPython, String>) -> Listed {
    match found {
        Ok(found) => {
            let unsupported = found.unsupported();
            let executors = ExecutorKind::ALL
                .iter()
                .filter(|kind| !unsupported.iter().any(|(k, _)| k == *kind))
                .copied()
                .collect();
            Listed {
                label: found.info.tag().map(|tag| Runtime::CpythonAt(tag).to_string()),
                version: Some(found.info.version.clone()),
                free_threaded: Some(found.info.free_threaded),
                gil_enabled: Some(found.info.gil_enabled),
                executors,
                unsupported: unsupported
                    .into_iter()
                    .map(|(k, why)| format!("{k}: {why}"))
                    .collect(),
                problem: None,
                path,
            }
        }
        Err(problem) => Listed {
            path,
            label: None,
            version: None,
            free_threaded: None,
            gil_enabled: None,
            executors: Vec::new(),
            unsupported: Vec::new(),
            problem: Some(problem),
        },
    }
}

pub fn run(args: &PythonsArgs) -> anyhow::Result<ExitCode> {
    let root = std::env::current_dir()?;
    // The prepared environments first: for --paths, one interpreter per label, and a venv
    // with the backport beats its bare base interpreter.
    let mut candidates: Vec<PathBuf> = pythons::discover(&root);
    candidates.sort_by_key(|path| !path.starts_with(root.join(pythons::VENV_DIR)));
    candidates.extend(args.python.iter().cloned());
    let found: Vec<Listed> = candidates
        .into_iter()
        .map(|path| {
            let probed = FoundPython::probe_in(&path, Some(&root)).map_err(|e| e.to_string());
            listed(path, probed)
        })
        .collect();
    if args.paths {
        let more = |p: &&Listed| {
            p.problem.is_none()
                && (p.free_threaded == Some(true)
                    || p.executors.contains(&ExecutorKind::Interpreters))
        };
        let default = gilbench::runtime::cpython::find_python(None).ok();
        let (mut labels, mut paths) = (Vec::new(), Vec::new());
        if let Some(python3) =
            default.and_then(|path| FoundPython::probe_in(&path, Some(&root)).ok())
        {
            let label = python3.info.tag().map(|tag| Runtime::CpythonAt(tag).to_string());
            // python3 itself, unless an interpreter of its version can show more.
            let better = found.iter().filter(more).find(|p| p.label == label);
            let path = better.map_or(python3.path.clone(), |p| p.path.clone());
            labels.extend(label);
            paths.push(path.display().to_string());
        }
        for python in found.iter().filter(more) {
            if let Some(label) = &python.label
                && !labels.contains(label)
            {
                labels.push(label.clone());
                paths.push(python.path.display().to_string());
            }
        }
        println!("{}", paths.join(","));
    } else if args.json {
        println!("{}", serde_json::to_string_pretty(&found)?);
    } else {
        print!("{}", table(&found));
    }
    Ok(ExitCode::SUCCESS)
}

fn table(found: &[Listed]) -> String {
    let mut text = String::new();
    for python in found {
        text.push_str(&format!("{}\n", python.path.display()));
        match &python.problem {
            Some(problem) => text.push_str(&format!("  cannot run the driver: {problem}\n")),
            None => {
                let build = if python.free_threaded == Some(true) {
                    "free-threaded build"
                } else {
                    "GIL build"
                };
                let gil = if python.gil_enabled == Some(true) { "on" } else { "off" };
                text.push_str(&format!(
                    "  {} (CPython {}, {build}, GIL {gil} now)\n  executors: {}\n",
                    python.label.as_deref().unwrap_or("?"),
                    python.version.as_deref().unwrap_or("?"),
                    python.executors.iter().map(|e| e.name()).collect::<Vec<_>>().join(", ")
                ));
                for why in &python.unsupported {
                    text.push_str(&format!("  not: {why}\n"));
                }
            }
        }
    }
    if found.is_empty() {
        text.push_str("no CPython found (python3 on PATH, pyenv, .pythons/, --python)\n");
    }
    text
}
