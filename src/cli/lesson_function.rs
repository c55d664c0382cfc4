//! `gilbench lesson --task`: the lesson's experiment on the user's own function, at one
//! worker count, answered in four lines: what the function is (how much it computes, what
//! it moves), what threads and processes gained over serial, and which to pick by the paired
//! interval. It is a small run (the function in the CPython given, and the rust-gil model at
//! its compute fraction) measured into a temporary folder and read back as the report reads a
//! run, so the lines are the report's "Your function" section in brief.

use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use anyhow::Context;

use gilbench::ExecutorKind;
use gilbench::analysis::function::FunctionView;
use gilbench::function::FunctionSpec;
use gilbench::plan::{Plan, Profile, Scenario};
use gilbench::progress::ProgressMode;
use gilbench::report::data::RunData;
use gilbench::runner::RunOptions;

/// Never set: a lesson is short, and Ctrl-C ends it with the process.
static STOP: AtomicBool = AtomicBool::new(false);

/// What the lesson's flags give a function run.
pub struct FunctionLesson {
    /// The function.
    pub spec: FunctionSpec,
    /// Workers per pool.
    pub workers: usize,
    /// Tasks per measurement.
    pub tasks: usize,
    /// Measured repeats.
    pub repeat: usize,
    /// The interpreter.
    pub python: Option<std::path::PathBuf>,
    /// Print JSON.
    pub json: bool,
}

/// Measures the function and prints the four lines (or the section as JSON).
pub fn run(lesson: FunctionLesson) -> anyhow::Result<ExitCode> {
    let plan = Plan {
        workers: vec![lesson.workers],
        tasks: lesson.tasks,
        repeat: lesson.repeat,
        warmup: 0,
        ..Plan::profile(Profile::Lesson)
    }
    .with_function(lesson.spec, false)
    .validated()?;
    let folder = tempfile::Builder::new()
        .prefix("gilbench-lesson-")
        .tempdir()
        .context("creating a temporary folder for the lesson's run")?;
    let options = RunOptions {
        out: folder.path().to_path_buf(),
        name: Some("lesson".into()),
        pythons: lesson.python.into_iter().collect(),
        runtimes_explicit: false,
        progress: ProgressMode::Quiet,
        command: String::new(),
        environments: std::env::current_dir().ok(),
        undecided: None,
        budget_s: None,
    };
    let outcome = gilbench::session::run(&plan, &options, &STOP).context("the run failed")?;
    let data = RunData::load(&outcome.dir).context("reading the lesson's run back")?;
    let view =
        gilbench::report::context::function_view(&data).context("the run holds no function")?;
    if lesson.json {
        println!("{}", serde_json::to_string_pretty(&view)?);
    } else {
        print!("{}", lines(&view, &data));
    }
    for finding in &view.findings {
        eprintln!("gilbench: finding: {finding}");
    }
    Ok(if view.failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// The four lines of each CPython measured.
fn lines(view: &FunctionView, data: &RunData) -> String {
    let mut out = String::new();
    for row in &view.rows {
        let runtime = row.runtime;
        out += &format!(
            "{} on {runtime}: computes {} of its time, moves {} per task (median task {}, {} tasks)\n",
            view.name, row.compute, row.bytes, row.task, view.tasks
        );
        for executor in [ExecutorKind::Threads, ExecutorKind::Processes] {
            let found = data.summary.iter().find(|r| {
                r.point.runtime == runtime
                    && r.point.scenario == Scenario::Function
                    && r.point.executor == executor
            });
            let text = found.map_or_else(
                || "not measured".to_string(),
                |r| {
                    let speedup = r.speedup.map_or_else(|| "-".into(), |s| s.to_string());
                    format!("{:.3} s, {speedup} over serial", r.median_s())
                },
            );
            out += &format!("  {:<10} {text}\n", format!("{executor}:"));
        }
        out += &format!("  pick: {}\n", row.pick);
    }
    out
}
