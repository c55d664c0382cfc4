//! What the templates see: plain serializable structs built from loaded runs, with every
//! number and every comparison sentence computed from the data, and the charts as SVG.

use serde::Serialize;

use super::code::{self, REPORT_SNIPPETS, Snippet};
use super::data::RunData;
use crate::analysis::fidelity::{self, FidelityCheck};
use crate::analysis::findings::{self, LessonTable, ToolChoice};
use crate::charts::{self, ChartError, ratio};
use crate::executor::ExecutorKind;
use crate::lesson::reference;
use crate::machine::Machine;
use crate::plan::{Plan, Scenario};
use crate::results::TaskRow;
use crate::runtime::Runtime;

/// One chart: its SVG and where the Markdown finds it.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    /// A stable id, also the file's stem.
    pub id: String,
    /// A caption for people.
    pub caption: String,
    /// `plots/<id>.svg`, relative to the report.
    pub file: String,
    /// The SVG itself (inlined in the HTML).
    pub svg: String,
}

/// One run, as the report shows it.
#[derive(Debug, Clone, Serialize)]
pub struct RunView {
    /// The run folder's name.
    pub id: String,
    /// complete, partial or running.
    pub status: String,
    /// The machine.
    pub machine: Machine,
    /// The plan.
    pub plan: Plan,
    /// Iterations per CPU task of each runtime.
    pub cpu_iterations: Vec<(String, u64)>,
    /// The command that reproduces it.
    pub command: String,
    /// When it started.
    pub started_at: String,
    /// Measurements done / planned.
    pub steps_done: usize,
    /// Measurements planned.
    pub steps_total: usize,
    /// Runtimes that could not run, with the reason.
    pub skipped: Vec<(String, String)>,
    /// Noise warnings and notices.
    pub warnings: Vec<String>,
    /// The worker count of the lesson's comparison.
    pub lesson_workers: u32,
    /// The lesson's table per runtime.
    pub lesson_tables: Vec<LessonTable>,
    /// Which tool for which workload.
    pub tools: Vec<ToolChoice>,
    /// rust-gil against CPython.
    pub fidelity: FidelityCheck,
    /// Mixed-workload sentences per runtime.
    pub crossovers: Vec<String>,
    /// The convoy effect: I/O delays beside CPU-bound work.
    pub convoy: Vec<findings::ConvoyDelay>,
    /// What the convoy delays show.
    pub convoy_sentence: Option<String>,
    /// What the harness costs beside CPython (from `gilbench overhead`).
    pub overhead: Vec<crate::overhead::OverheadRow>,
    /// Charts, by section.
    pub charts: Vec<Chart>,
    /// Per-task timelines.
    pub timelines: Vec<Chart>,
    /// The relative path from the report to the run folder's data files.
    pub data_prefix: String,
}

/// The whole context of one report.
#[derive(Debug, Clone, Serialize)]
pub struct ReportContext {
    /// The page title.
    pub title: String,
    /// When the report was rendered.
    pub generated_at: String,
    /// gilbench's version.
    pub version: String,
    /// True when any run is partial.
    pub partial: bool,
    /// The runs (one, or several for a comparison).
    pub runs: Vec<RunView>,
    /// True for a comparison of several runs.
    pub comparison: bool,
    /// The reference lesson's figures.
    pub reference: Reference,
    /// Code quoted from gilbench's source, by `language_name`.
    pub code: std::collections::BTreeMap<String, Snippet>,
}

/// The reference lesson's figures.
#[derive(Debug, Clone, Serialize)]
pub struct Reference {
    /// CPU threads, s.
    pub cpu_threads_s: f64,
    /// CPU processes, s.
    pub cpu_processes_s: f64,
    /// CPU ratio.
    pub cpu_ratio: f64,
    /// I/O threads, s.
    pub io_threads_s: f64,
    /// I/O processes, s.
    pub io_processes_s: f64,
    /// I/O ratio.
    pub io_ratio: f64,
}

fn chart(
    id: String,
    caption: String,
    svg: Result<String, ChartError>,
) -> Result<Chart, ChartError> {
    Ok(Chart { file: format!("plots/{id}.svg"), id, caption, svg: svg? })
}

/// The tasks of the measurement of `runtime`/`scenario`/`executor` at `workers` whose wall
/// time is the median of its repeats (the representative one).
fn representative(
    run: &RunData,
    runtime: Runtime,
    scenario: Scenario,
    executor: ExecutorKind,
    workers: u32,
) -> Vec<TaskRow> {
    let mut candidates: Vec<_> = run
        .runs
        .iter()
        .filter(|r| {
            r.runtime == runtime
                && r.scenario == scenario
                && r.executor == executor
                && r.workers == workers
        })
        .filter(|r| r.ok && !r.warmup && r.cpu_fraction.is_none())
        .collect();
    candidates.sort_by(|a, b| a.elapsed_s.total_cmp(&b.elapsed_s));
    let Some(chosen) = candidates.get(candidates.len() / 2) else { return Vec::new() };
    run.tasks.iter().filter(|t| t.measurement == chosen.measurement).cloned().collect()
}

fn run_charts(run: &RunData, prefix: &str) -> Result<(Vec<Chart>, Vec<Chart>), ChartError> {
    let rows = &run.summary;
    let cores = u32::try_from(run.machine.logical_cores).unwrap_or(1);
    let workers = run.lesson_workers();
    let id = |name: &str| format!("{prefix}{name}");
    let mut list = Vec::new();
    for scenario in [Scenario::Cpu, Scenario::Io] {
        if !rows.iter().any(|r| r.scenario == scenario) {
            continue;
        }
        let name = scenario.name();
        list.push(chart(id(&format!("wall_time_{name}")), format!("Wall time of the {name} scenario against the worker count (median of the repeats; bars: 95% confidence interval; dashed: ideal)."), charts::wall_time::render(rows, scenario))?);
        list.push(chart(id(&format!("speedup_{name}")), format!("Speedup over the serial baseline, {name} scenario; dashed black: ideal, dashed grey: the machine's {cores} cores."), charts::speedup::render(rows, scenario, cores))?);
        list.push(chart(
            id(&format!("efficiency_{name}")),
            format!("Efficiency (speedup / ideal speedup), {name} scenario."),
            charts::efficiency::render(rows, scenario),
        )?);
    }
    let bars = ratio::bars(rows, workers);
    list.push(chart(id("ratio"), format!("Threads' wall time over processes' at {workers} workers, beside the reference lesson's CPython ratios (dashed)."), ratio::render(&bars, workers, (reference::CPU_RATIO, reference::IO_RATIO)))?);
    if rows.iter().any(|r| r.scenario == Scenario::Mixed) {
        let mixed_workers = u32::try_from(run.manifest.plan.mixed_workers).unwrap_or(2);
        list.push(chart(id("crossover"), "Mixed tasks: threads over processes as the share of computing grows; above 1 processes win.".into(), charts::crossover::render(rows, mixed_workers))?);
    }
    for scenario in [Scenario::Cpu, Scenario::Io] {
        if run.runs.iter().any(|r| r.scenario == scenario) {
            let name = scenario.name();
            list.push(chart(id(&format!("spread_{name}")), format!("Every repeat of the {name} scenario (dots) and their median (bar); labels: runtime (rs, gil, py), executor (s, t, p) and workers."), charts::spread::render(&run.runs, scenario))?);
        }
    }
    let mut timelines = Vec::new();
    for runtime in Runtime::ALL {
        for scenario in [Scenario::Cpu, Scenario::Io] {
            for executor in [ExecutorKind::Threads, ExecutorKind::Processes] {
                let tasks = representative(run, runtime, scenario, executor, workers);
                if tasks.is_empty() {
                    continue;
                }
                let title = format!("{runtime}, {} work, {executor} x {workers}", scenario.name());
                let name = format!(
                    "timeline_{}_{}_{}",
                    runtime.name().replace('-', "_"),
                    scenario.name(),
                    executor.name()
                );
                timelines.push(chart(
                    id(&name),
                    format!("{title}: one lane per worker, one bar per task (the median repeat)."),
                    charts::timeline::render(&title, executor, &tasks),
                )?);
            }
        }
    }
    Ok((list, timelines))
}

fn view(run: &RunData, prefix: &str, data_prefix: String) -> Result<RunView, ChartError> {
    let workers = run.lesson_workers();
    let cores = run.machine.logical_cores;
    let (charts, timelines) = run_charts(run, prefix)?;
    let present: Vec<Runtime> = Runtime::ALL
        .into_iter()
        .filter(|rt| run.summary.iter().any(|r| r.runtime == *rt))
        .collect();
    let mut cpu_iterations: Vec<(String, u64)> = Vec::new();
    for runtime in &present {
        if let Some(row) =
            run.runs.iter().find(|r| r.runtime == *runtime && r.scenario == Scenario::Cpu)
        {
            cpu_iterations.push((runtime.name().to_string(), row.cpu_iterations));
        }
    }
    let manifest = &run.manifest;
    let convoy = findings::convoy_delays(&run.runs, &run.tasks);
    Ok(RunView {
        id: manifest.run_id.clone(),
        status: format!("{:?}", manifest.status).to_lowercase(),
        machine: run.machine.clone(),
        plan: manifest.plan.plan().clone(),
        cpu_iterations,
        command: manifest.command.clone(),
        started_at: manifest.started_at.clone(),
        steps_done: manifest.steps_done,
        steps_total: manifest.steps_total,
        skipped: manifest
            .skipped
            .iter()
            .map(|(r, why)| (r.name().to_string(), why.clone()))
            .collect(),
        warnings: manifest.all_warnings(),
        lesson_workers: workers,
        lesson_tables: present
            .iter()
            .filter_map(|rt| {
                findings::lesson_table(
                    &run.summary,
                    &run.runs,
                    *rt,
                    workers,
                    cores,
                    manifest.plan.io_chunks,
                )
            })
            .collect(),
        tools: findings::tool_choices(&run.summary),
        fidelity: fidelity::check(&run.runs, &run.tasks),
        crossovers: present
            .iter()
            .filter_map(|rt| findings::crossover_sentence(&run.summary, *rt))
            .collect(),
        convoy_sentence: findings::convoy_sentence(&convoy),
        convoy,
        overhead: run.overhead.clone(),
        charts,
        timelines,
        data_prefix,
    })
}

/// Builds the context of a report of `runs`; `data_prefixes` are the relative paths from
/// the report's folder to each run's folder (empty when the report sits in the run folder).
pub fn build(runs: &[RunData], data_prefixes: &[String]) -> Result<ReportContext, ChartError> {
    let comparison = runs.len() > 1;
    let views = runs
        .iter()
        .enumerate()
        .map(|(i, run)| {
            let prefix = if comparison { format!("run{}_", i + 1) } else { String::new() };
            view(run, &prefix, data_prefixes.get(i).cloned().unwrap_or_default())
        })
        .collect::<Result<Vec<_>, _>>()?;
    let code = REPORT_SNIPPETS
        .iter()
        .filter_map(|(language, name)| {
            code::snippet(language, name).map(|s| (format!("{language}_{name}"), s))
        })
        .collect();
    let title = match runs {
        [one] => format!("Threads vs processes on {}", one.machine.hostname),
        _ => format!("Threads vs processes: {} runs compared", runs.len()),
    };
    Ok(ReportContext {
        title,
        generated_at: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        version: env!("CARGO_PKG_VERSION").to_string(),
        partial: runs.iter().any(RunData::is_partial),
        runs: views,
        comparison,
        reference: Reference {
            cpu_threads_s: reference::CPU_THREADS_S,
            cpu_processes_s: reference::CPU_PROCESSES_S,
            cpu_ratio: reference::CPU_RATIO,
            io_threads_s: reference::IO_THREADS_S,
            io_processes_s: reference::IO_PROCESSES_S,
            io_ratio: reference::IO_RATIO,
        },
        code,
    })
}
