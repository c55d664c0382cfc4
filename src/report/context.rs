//! What the templates see: plain serializable structs built from loaded runs, with every
//! number and every comparison sentence computed from the data, and the charts as SVG.

use serde::Serialize;

use super::code::{self, REPORT_SNIPPETS, Snippet};
use super::data::RunData;
use crate::analysis::fidelity::{self, FidelityCheck};
use crate::analysis::findings::{self, LessonTable, ToolChoice};
use crate::analysis::sentences;
use crate::charts::ChartError;
use crate::charts::kinds::{self, RunCharts, Section};
use crate::lesson::reference;
use crate::machine::Machine;
use crate::overhead::Metric;
use crate::plan::{Plan, Scenario};
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
    /// The plan, as the user asked it.
    pub plan: Plan,
    /// The runtimes as they ran (set-up's labels, a runtime that could not run left out).
    pub runtimes: Vec<crate::runtime::Runtime>,
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
    /// What the plan holds that the run did not measure, one line each with its command.
    pub left_out: Vec<String>,
    /// The budget's sentence, where the run had one.
    pub budget: Option<String>,
    /// "On this machine": the answer first, each line with a link to its evidence.
    pub answer: Vec<crate::analysis::answer::AnswerLine>,
    /// Its choices as a table, with more than two runtimes (not for a function run).
    pub answer_table: Option<crate::analysis::answer::AnswerTable>,
    /// "Your function": a run of the user's own function (`--task`).
    pub function: Option<crate::analysis::function::FunctionView>,
    /// The worker count of the lesson's comparison.
    pub lesson_workers: u32,
    /// The lesson's table per runtime.
    pub lesson_tables: Vec<LessonTable>,
    /// True when a lesson table has an interpreter pool (its rows are shown then).
    pub lesson_interpreters: bool,
    /// Which tool for which workload.
    pub tools: Vec<ToolChoice>,
    /// rust-gil against CPython.
    pub fidelity: FidelityCheck,
    /// Who holds which lock: threads, processes and interpreters of each runtime.
    pub locks: crate::analysis::locks::Locks,
    /// The choice guide: which pool won each situation, per runtime.
    pub decisions: crate::analysis::decisions::Decisions,
    /// The payload scenario: pools by payload size, crossovers and copy rates.
    pub payload: crate::analysis::payload::PayloadView,
    /// Pools a runtime could not run here, with the reason ("cpython-3.11: ...").
    pub unsupported: Vec<String>,
    /// Each CPython of the run: label, path, version, build, interpreter pool.
    pub pythons: Vec<String>,
    /// Mixed-workload sentences per runtime.
    pub crossovers: Vec<String>,
    /// How the CPU tasks were sized (computed from the run).
    pub calibration_sentence: String,
    /// CPU speedups of threads and processes per runtime at the largest worker count.
    pub cpu_speedups: Vec<String>,
    /// What each pool costs to start and shut down (the startup scenario).
    pub startup: Option<crate::analysis::startup::CostTable>,
    /// asyncio beside threads and processes on waiting and mixed work.
    pub asyncio: Vec<crate::analysis::asyncio::AsyncioView>,
    /// The contention ladder: each rung's speedup, per runtime ("Sharing").
    pub sharing: Vec<crate::analysis::contention::Ladder>,
    /// What one worker costs (the cost scenario): start-up, memory, break-even.
    pub cost: Option<crate::analysis::cost::CostView>,
    /// Each free-threaded build's price beside its GIL build and its `PYTHON_GIL=1` arm.
    pub free_threading: Vec<crate::analysis::free_threading::BuildPrice>,
    /// The CPU topology in a sentence, where the run's machine.json has one.
    pub topology: Option<String>,
    /// Where `--pin` put the workers, in a sentence (None: not pinned).
    pub pinning: Option<String>,
    /// The scaling laws fitted to the lesson's sweeps.
    pub scaling: Option<crate::analysis::scaling::sentences::ScalingView>,
    /// Why each pool slower than serial was: its start-up beside its work.
    pub slower_than_serial: Vec<String>,
    /// What the intervals really cover.
    pub coverage_sentence: String,
    /// Stolen and other processes' CPU time, governor and turbo, and what they explain.
    pub noise_sentence: String,
    /// Sleeps of each convoy I/O task.
    pub convoy_chunks: u32,
    /// The convoy effect: I/O delays beside CPU-bound work.
    pub convoy: Vec<findings::ConvoyDelay>,
    /// What the convoy delays show, per runtime.
    pub convoy_sentences: Vec<String>,
    /// What the harness costs beside CPython (from `gilbench overhead`).
    pub overhead: Vec<crate::overhead::OverheadRow>,
    /// Its I/O floor row, which the report explains.
    pub overhead_floor: Option<crate::overhead::OverheadRow>,
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
    /// Every runtime the runs measured, each once, in display order.
    pub runtimes: Vec<crate::runtime::Runtime>,
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
    /// Its workers per pool.
    pub workers: usize,
    /// Its tasks per workload.
    pub tasks: usize,
    /// One of its CPU tasks in CPython, ms (from its threads' time).
    pub task_ms: f64,
    /// The effective parallelism its process pool reached.
    pub parallelism: f64,
}

fn charts(run: &RunData, prefix: &str, section: Section) -> Result<Vec<Chart>, ChartError> {
    let input = RunCharts {
        summary: &run.summary,
        runs: &run.runs,
        tasks: &run.tasks,
        cores: u32::try_from(run.machine.logical_cores).unwrap_or(1),
        physical_cores: run.machine.physical_cores.and_then(|p| u32::try_from(p).ok()),
        lesson_workers: run.lesson_workers(),
        mixed_workers: u32::try_from(run.manifest.plan.mixed_workers).unwrap_or(2),
        reference: (reference::CPU_RATIO, reference::IO_RATIO),
        scaling: &run.scaling,
    };
    let drawn = kinds::draw_section(&input, section)?;
    Ok(drawn
        .into_iter()
        .map(|d| {
            let id = format!("{prefix}{}", d.name);
            Chart { file: format!("plots/{id}.svg"), id, caption: d.caption, svg: d.svg }
        })
        .collect())
}

/// "cpython-3.13: CPython 3.13.0 with a GIL, /usr/bin/python3.13, InterpreterPoolExecutor from
/// interpreters_backport".
fn python_line(runtime: Runtime, found: &crate::runtime::pythons::FoundPython) -> String {
    let info = &found.info;
    let build = match (info.free_threaded, runtime.has_gil()) {
        (false, _) => "with a GIL",
        (true, false) => "free-threaded",
        (true, true) => "free-threaded, run with PYTHON_GIL=1",
    };
    let pool = info.interpreters.as_ref().map_or_else(
        || "no InterpreterPoolExecutor".to_string(),
        |from| format!("InterpreterPoolExecutor from {from}"),
    );
    let start = info.start_method.as_ref().map_or_else(String::new, |method| {
        format!(", its processes pool starts workers by {method} (the default here)")
    });
    format!("{runtime}: CPython {} {build}, {}, {pool}{start}", info.version, found.path.display())
}

/// The answer block: a function run's lines about the function, else the lesson's.
fn answer(
    function: Option<&crate::analysis::function::FunctionView>,
    summary: &[crate::analysis::summary::SummaryRow],
    workers: u32,
    cores: usize,
    prices: &[crate::analysis::free_threading::BuildPrice],
) -> Vec<crate::analysis::answer::AnswerLine> {
    use crate::analysis::answer::{self, AnswerLine, Evidence};
    match function {
        Some(view) => view
            .answer
            .iter()
            .map(|text| AnswerLine::new(text.clone(), Evidence::Function))
            .collect(),
        None => {
            let mut lines = answer::answer(summary, workers, cores);
            lines.extend(answer::free_threading_line(prices));
            lines
        }
    }
}

/// The section on the user's function, for a run of one.
pub fn function_view(run: &RunData) -> Option<crate::analysis::function::FunctionView> {
    let spec = run.manifest.plan.function.as_ref()?;
    let inputs = crate::analysis::function::Inputs {
        spec,
        probe: run.manifest.setup.function.as_ref(),
        summary: &run.summary,
        runs: &run.runs,
        tasks: &run.tasks,
        cores: run.machine.logical_cores,
    };
    Some(crate::analysis::function::view(&inputs))
}

fn view(run: &RunData, prefix: &str, data_prefix: String) -> Result<RunView, ChartError> {
    let workers = run.lesson_workers();
    let cores = run.machine.logical_cores;
    let function = function_view(run);
    let prices = crate::analysis::free_threading::prices(&run.runs, &run.tasks);
    let (charts, timelines) =
        (charts(run, prefix, Section::Results)?, charts(run, prefix, Section::Timelines)?);
    let present = Runtime::present(run.summary.iter().map(|r| r.point.runtime));
    let mut cpu_iterations: Vec<(String, u64)> = Vec::new();
    for runtime in &present {
        if let Some(row) = run
            .runs
            .iter()
            .find(|r| r.point.runtime == *runtime && r.point.scenario == Scenario::Cpu)
        {
            cpu_iterations.push((runtime.name().to_string(), row.cpu_iterations));
        }
    }
    let manifest = &run.manifest;
    let convoy = findings::convoy_delays(&run.runs, &run.tasks);
    let lesson_tables: Vec<LessonTable> = present
        .iter()
        .filter_map(|rt| {
            let chunks = manifest.plan.io_chunks;
            findings::lesson_table(&run.summary, &run.runs, *rt, workers, cores, chunks)
        })
        .collect();
    Ok(RunView {
        id: manifest.run_id.clone(),
        status: format!("{:?}", manifest.status).to_lowercase(),
        machine: run.machine.clone(),
        plan: manifest.plan.plan().clone(),
        runtimes: manifest.setup.runtimes.clone(),
        cpu_iterations,
        command: manifest.command.clone(),
        started_at: manifest.started_at.clone(),
        steps_done: manifest.steps_done.max(run.runs.iter().filter(|r| r.ok).count()),
        steps_total: manifest.steps_planned,
        skipped: manifest
            .skipped
            .iter()
            .map(|(r, why)| (r.name().to_string(), why.clone()))
            .collect(),
        warnings: manifest.all_warnings(),
        left_out: run.left_out(),
        budget: run.budget_sentence(),
        answer: answer(function.as_ref(), &run.summary, workers, cores, &prices),
        answer_table: function
            .is_none()
            .then(|| crate::analysis::answer::answer_table(&run.summary, workers))
            .flatten(),
        function,
        lesson_workers: workers,
        lesson_interpreters: lesson_tables.iter().any(|t| t.report.cpu.interpreters.is_some()),
        lesson_tables,
        tools: findings::tool_choices(&run.summary),
        fidelity: fidelity::check(&run.runs, &run.tasks),
        locks: crate::analysis::locks::locks(
            &run.summary,
            u32::try_from(cores).unwrap_or(u32::MAX),
        ),
        unsupported: manifest
            .setup
            .unsupported
            .iter()
            .map(|u| format!("{}, {}: {}", u.runtime, u.executor, u.reason))
            .collect(),
        payload: crate::analysis::payload::payload(&run.summary),
        decisions: crate::analysis::decisions::decisions(&run.summary, workers),
        pythons: manifest
            .pythons
            .iter()
            .map(|(runtime, found)| python_line(*runtime, found))
            .collect(),
        crossovers: present
            .iter()
            .filter_map(|rt| findings::crossover_sentence(&run.summary, *rt))
            .collect(),
        convoy_sentences: findings::convoy_sentences(&convoy),
        calibration_sentence: sentences::calibration(
            manifest.plan.plan(),
            &crate::results::task_length::realised(&run.runs),
        ),
        cpu_speedups: sentences::cpu_speedups(&run.summary),
        startup: crate::analysis::startup::table(&run.summary),
        sharing: crate::analysis::contention::ladders(&run.summary, &run.runs),
        asyncio: crate::analysis::asyncio::views(&run.summary, &run.runs),
        cost: crate::analysis::cost::view(
            &crate::analysis::cost::costs(&run.runs, &run.tasks),
            u32::try_from(manifest.plan.plan().tasks).unwrap_or(u32::MAX),
            run.machine.logical_cores,
            &manifest
                .pythons
                .iter()
                .filter_map(|(r, found)| Some((*r, found.info.start_method.clone()?)))
                .collect(),
        ),
        free_threading: prices,
        topology: run.machine.topology.as_ref().map(|t| t.describe()),
        pinning: pinning(run),
        scaling: crate::analysis::scaling::sentences::view(
            &run.scaling,
            &manifest.task_lengths_off(),
        ),
        slower_than_serial: crate::analysis::startup::slower_than_serial(
            &run.summary,
            run.machine.logical_cores,
        ),
        coverage_sentence: sentences::coverage(&run.summary),
        noise_sentence: sentences::noise(
            &run.machine,
            manifest.noise_probe.as_ref(),
            !manifest.noise.is_empty(),
        ),
        convoy_chunks: crate::plan::CONVOY_CHUNKS,
        convoy,
        overhead_floor: run.overhead.iter().find(|o| o.metric == Metric::IoFloor).cloned(),
        overhead: run.overhead.clone(),
        charts,
        timelines,
        data_prefix,
    })
}

/// Where `--pin` put the run's workers, in a sentence (None: not pinned).
pub fn pinning(run: &RunData) -> Option<String> {
    let pin = run.manifest.plan.plan().pin;
    if pin == crate::model::Pin::None {
        return None;
    }
    let order = run.machine.topology.as_ref().map(|t| t.cpu_order(pin)).unwrap_or_default();
    let cpus = if order.is_empty() {
        String::new()
    } else {
        let shown: Vec<String> = order.iter().map(ToString::to_string).collect();
        format!(" (CPUs in the order {})", shown.join(", "))
    };
    Some(format!(
        "Workers were pinned (`--pin {pin}`): worker i of every pool ran on the i-th CPU of \
         the order{cpus}; the serial runs were left where the scheduler put them."
    ))
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
        runtimes: crate::runtime::Runtime::present(
            runs.iter().flat_map(|run| run.manifest.setup.runtimes.iter().copied()),
        ),
        runs: views,
        comparison,
        reference: Reference {
            cpu_threads_s: reference::CPU_THREADS_S,
            cpu_processes_s: reference::CPU_PROCESSES_S,
            cpu_ratio: reference::CPU_RATIO,
            io_threads_s: reference::IO_THREADS_S,
            io_processes_s: reference::IO_PROCESSES_S,
            io_ratio: reference::IO_RATIO,
            workers: reference::WORKERS,
            tasks: reference::TASKS,
            task_ms: reference::task_ms(),
            parallelism: reference::parallelism(),
        },
        code,
    })
}
