//! What the templates see: plain serializable structs built from loaded runs, with every
//! number and every comparison sentence computed from the data, and the charts as SVG.

use serde::Serialize;

use super::code::{self, REPORT_SNIPPETS, Snippet};
use super::data::RunData;
use super::{sections, tables};
use crate::analysis::findings::{self, LessonTable};
use crate::analysis::sentences;
use crate::charts::ChartError;
use crate::charts::kinds::{self, RunCharts, Section};
use crate::lesson::reference;
use crate::machine::Machine;
use crate::plan::{Plan, Scenario};
use crate::runtime::Runtime;
use crate::view::section::{Chapter, SectionView, slug};
use crate::view::table::Table;
use crate::view::text::words_of;
use strum::IntoEnumIterator;

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

/// One run, as the report shows it: its settings and sentences for the fixed chapters, their
/// tables, and the registry's sections.
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
    /// Where the answer's table of picks (`tables.answer`) has its evidence.
    pub answer_evidence: Option<crate::analysis::answer::Evidence>,
    /// "Your function": a run of the user's own function (`--task`).
    pub function: Option<crate::analysis::function::FunctionView>,
    /// The worker count of the lesson's comparison.
    pub lesson_workers: u32,
    /// The lesson's table per runtime (its sentences interpret the results).
    pub lesson_tables: Vec<LessonTable>,
    /// The fixed chapters' tables.
    pub tables: RunTables,
    /// The registry's sections, in order.
    pub sections: Vec<SectionView>,
    /// What a worker costs, for the choice guide.
    pub cost_sentences: Vec<String>,
    /// How the CPU tasks were sized (computed from the run).
    pub calibration_sentence: String,
    /// The CPU topology in a sentence, where the run's machine.json has one.
    pub topology: Option<String>,
    /// Where `--pin` put the workers, in a sentence (None: not pinned).
    pub pinning: Option<String>,
    /// What the intervals really cover.
    pub coverage_sentence: String,
    /// Stolen and other processes' CPU time, governor and turbo, and what they explain.
    pub noise_sentence: String,
    /// Charts, by section.
    pub charts: Vec<Chart>,
    /// Per-task timelines.
    pub timelines: Vec<Chart>,
    /// The relative path from the report to the run folder's data files.
    pub data_prefix: String,
}

/// The tables of the fixed chapters, in the one table model.
#[derive(Debug, Clone, Serialize)]
pub struct RunTables {
    /// The answer block's picks, past two runtimes (not for a function run).
    pub answer: Option<Table>,
    /// The headline under the answer.
    pub headline: Option<Table>,
    /// The lesson's table, or one per workload.
    pub lesson: Vec<Table>,
    /// The experiment's settings.
    pub experiment: Table,
    /// The choice guide.
    pub decisions: Table,
    /// The fastest tools.
    pub tools: Table,
    /// The user's function, per CPython.
    pub function: Option<Table>,
    /// What each pool gained on it.
    pub function_gains: Option<Table>,
}

/// One entry of the Contents: a chapter or a section, with its id.
#[derive(Debug, Clone, Serialize)]
pub struct ContentsEntry {
    /// Its heading.
    pub title: String,
    /// Its id.
    pub id: String,
    /// The sections under a chapter.
    pub sections: Vec<ContentsEntry>,
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
    /// Numbers the prose quotes, from the constants that decide them.
    pub constants: Constants,
    /// The Contents: every chapter, and under each its sections (the first run's).
    pub contents: Vec<ContentsEntry>,
    /// Each chapter's heading and id, by its serde name (`chapters.measured.title`).
    pub chapters: std::collections::BTreeMap<String, ContentsEntry>,
}

/// Numbers the prose quotes, each from the constant in the code that decides it.
#[derive(Debug, Clone, Serialize)]
pub struct Constants {
    /// Probes of a runtime's loop speed (their median sizes its CPU tasks).
    pub probes: usize,
    /// Each probe's least length, in ms.
    pub probe_min_ms: u128,
    /// How far, in percent, a CPU task's realised length may miss its target unnamed.
    pub task_length_off_pct: u32,
    /// The coefficient of variation, in percent, above which a group is called noisy.
    pub noisy_cv_pct: u32,
    /// Bootstrap replicates of every scaling interval, grouped ("1,000").
    pub replicates: String,
    /// The intervals' confidence level, in percent.
    pub level_pct: u32,
    /// The I/O floor row's sleeps: "2 tasks of 10 sleeps of 30 ms".
    pub io_floor: String,
}

impl Constants {
    /// The constants as the code holds them.
    pub fn from_code() -> Self {
        use crate::analysis::findings::sum_shown;
        let io_floor = match crate::overhead::IO_TASK {
            crate::workload::Task::FakeIo { seconds, chunks } => format!(
                "{} tasks of {chunks} sleeps of {} ms",
                crate::overhead::IO_FLOOR_TASKS,
                seconds * 1000.0 / f64::from(chunks)
            ),
            _ => String::new(),
        };
        Self {
            probes: gilbench_core::workload::PROBES,
            probe_min_ms: gilbench_core::workload::PROBE_MIN.as_millis(),
            task_length_off_pct: percent(crate::results::task_length::TOLERANCE),
            noisy_cv_pct: percent(crate::analysis::summary::NOISY_CV),
            replicates: sum_shown(crate::analysis::scaling::REPLICATES as f64),
            level_pct: percent(crate::stats::LEVEL),
            io_floor,
        }
    }
}

/// A fraction as whole percent (0.15 is 15).
pub fn percent(fraction: f64) -> u32 {
    (fraction * 100.0).round() as u32
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
    /// Its iterations per CPU task, grouped ("1,000,000").
    pub iterations: String,
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

/// Iterations per CPU task of each runtime of the run, in display order.
fn cpu_iterations(run: &RunData) -> Vec<(String, u64)> {
    let present = Runtime::present(run.summary.iter().map(|r| r.point.runtime));
    present
        .iter()
        .filter_map(|runtime| {
            let row = run
                .runs
                .iter()
                .find(|r| r.point.runtime == *runtime && r.point.scenario == Scenario::Cpu)?;
            Some((runtime.name().to_string(), row.cpu_iterations))
        })
        .collect()
}

/// The fixed chapters' tables of one run.
fn run_tables(
    run: &RunData,
    lesson_tables: &[LessonTable],
    answer_table: Option<&crate::analysis::answer::AnswerTable>,
    function: Option<&crate::analysis::function::FunctionView>,
) -> RunTables {
    let manifest = &run.manifest;
    let reference = reference();
    let pythons: Vec<String> =
        manifest.pythons.iter().map(|(runtime, found)| python_line(*runtime, found)).collect();
    let settings = tables::Settings {
        plan: manifest.plan.plan(),
        machine: &run.machine,
        runtimes: &manifest.setup.runtimes,
        cpu_iterations: &cpu_iterations(run),
        pythons: &pythons,
    };
    let workers = run.lesson_workers();
    RunTables {
        answer: answer_table.map(tables::answer),
        headline: (!lesson_tables.is_empty())
            .then(|| tables::headline(lesson_tables, workers, &reference)),
        lesson: if lesson_tables.is_empty() {
            Vec::new()
        } else {
            tables::lesson(lesson_tables, &reference)
        },
        experiment: tables::experiment(&settings),
        decisions: tables::decisions(&crate::analysis::decisions::decisions(&run.summary, workers)),
        tools: tables::tools(&findings::tool_choices(&run.summary)),
        function: function.map(tables::function),
        function_gains: function.map(tables::function_gains),
    }
}

fn view(
    run: &RunData,
    prefix: &str,
    data_prefix: String,
    anchored: bool,
) -> Result<RunView, ChartError> {
    let workers = run.lesson_workers();
    let cores = run.machine.logical_cores;
    let function = function_view(run);
    let prices = crate::analysis::free_threading::prices(&run.runs, &run.tasks);
    let (charts, timelines) =
        (charts(run, prefix, Section::Results)?, charts(run, prefix, Section::Timelines)?);
    let present = Runtime::present(run.summary.iter().map(|r| r.point.runtime));
    let manifest = &run.manifest;
    let lesson_tables: Vec<LessonTable> = present
        .iter()
        .filter_map(|rt| {
            let chunks = manifest.plan.io_chunks;
            findings::lesson_table(&run.summary, &run.runs, *rt, workers, cores, chunks)
        })
        .collect();
    let answer_table = function
        .is_none()
        .then(|| crate::analysis::answer::answer_table(&run.summary, workers))
        .flatten();
    let input = sections::input(run);
    let cost_sentences = crate::analysis::cost::view(
        &crate::analysis::cost::costs(&run.runs, &run.tasks),
        u32::try_from(input.plan.tasks).unwrap_or(u32::MAX),
        cores,
        &input.start_methods,
    )
    .map(|c| c.sentences)
    .unwrap_or_default();
    Ok(RunView {
        id: manifest.run_id.clone(),
        status: format!("{:?}", manifest.status).to_lowercase(),
        machine: run.machine.clone(),
        plan: manifest.plan.plan().clone(),
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
        answer_evidence: answer_table.as_ref().map(|t| t.evidence),
        tables: run_tables(run, &lesson_tables, answer_table.as_ref(), function.as_ref()),
        function,
        lesson_workers: workers,
        lesson_tables,
        sections: sections::sections(run, anchored),
        cost_sentences,
        calibration_sentence: sentences::calibration(
            manifest.plan.plan(),
            &crate::results::task_length::realised(&run.runs),
        ),
        topology: run.machine.topology.as_ref().map(|t| t.describe()),
        pinning: pinning(run),
        coverage_sentence: sentences::coverage(&run.summary),
        noise_sentence: sentences::noise(
            &run.machine,
            manifest.noise_probe.as_ref(),
            !manifest.noise.is_empty(),
        ),
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
            view(run, &prefix, data_prefixes.get(i).cloned().unwrap_or_default(), i == 0)
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
        comparison,
        constants: Constants::from_code(),
        contents: contents(&views),
        chapters: Chapter::iter()
            .map(|c| {
                let heading =
                    ContentsEntry { title: c.title().into(), id: c.id(), sections: vec![] };
                (words_of(&c), heading)
            })
            .collect(),
        runs: views,
        reference: reference(),
        code,
    })
}

/// The reference lesson's figures.
fn reference() -> Reference {
    Reference {
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
        iterations: crate::analysis::findings::sum_shown(reference::CPU_ITERATIONS as f64),
    }
}

/// The Contents: "Your function" where the first run has one, then every chapter with the
/// first run's sections that have a heading under it.
fn contents(views: &[RunView]) -> Vec<ContentsEntry> {
    let first = views.first();
    let mut entries = Vec::new();
    if first.is_some_and(|v| v.function.is_some()) {
        let title = crate::analysis::answer::FUNCTION_TITLE;
        entries.push(ContentsEntry { title: title.into(), id: slug(title), sections: vec![] });
    }
    for chapter in Chapter::iter() {
        let sections = first
            .map(|v| v.sections.as_slice())
            .unwrap_or_default()
            .iter()
            .filter(|s| s.chapter == chapter)
            .filter_map(|s| {
                Some(ContentsEntry { title: s.title.clone()?, id: s.id.clone()?, sections: vec![] })
            })
            .collect();
        entries.push(ContentsEntry { title: chapter.title().into(), id: chapter.id(), sections });
    }
    entries
}
