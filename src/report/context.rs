//! What the templates see: plain serializable structs built from loaded runs, with every
//! number and every comparison sentence computed from the data, and the charts as SVG.

use serde::Serialize;

use super::code::{self, REPORT_SNIPPETS, Snippet};
use super::contents::{ContentsEntry, contents};
use super::data::RunData;
use super::figures::{self, Constants, Reference};
use super::{sections, tables};
use crate::analysis::findings::{self, LessonTable};
use crate::analysis::sentences;
use crate::charts::ChartError;
use crate::charts::kinds::{self, RunCharts, Section};
use crate::lesson::reference;
use crate::machine::Machine;
use crate::plan::{Plan, Scenario};
use crate::runtime::Runtime;
use crate::view::section::{Chapter, SectionView};
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

/// The lesson's table of each runtime of the run that measured both workloads.
fn lesson_tables(run: &RunData) -> Vec<LessonTable> {
    let (workers, cores) = (run.lesson_workers(), run.machine.logical_cores);
    let chunks = run.manifest.plan.io_chunks;
    Runtime::present(run.summary.iter().map(|r| r.point.runtime))
        .iter()
        .filter_map(|rt| {
            findings::lesson_table(&run.summary, &run.runs, *rt, workers, cores, chunks)
        })
        .collect()
}

/// What a worker costs, in sentences, for the choice guide (none without the cost scenario).
fn cost_sentences(run: &RunData, input: &crate::analysis::input::Input) -> Vec<String> {
    let tasks = u32::try_from(input.plan.tasks).unwrap_or(u32::MAX);
    let costs = crate::analysis::cost::costs(&run.runs, &run.tasks);
    crate::analysis::cost::view(&costs, tasks, input.cores, &input.start_methods)
        .map(|c| c.sentences)
        .unwrap_or_default()
}

/// The fixed chapters' tables of one run.
fn run_tables(
    run: &RunData,
    lesson_tables: &[LessonTable],
    answer_table: Option<&crate::analysis::answer::AnswerTable>,
    function: Option<&crate::analysis::function::FunctionView>,
) -> RunTables {
    let manifest = &run.manifest;
    let reference = figures::reference();
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
    let manifest = &run.manifest;
    let input = sections::input(run);
    let lesson_tables = lesson_tables(run);
    let answer_table = function
        .is_none()
        .then(|| crate::analysis::answer::answer_table(&run.summary, workers))
        .flatten();
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
        sections: sections::sections(run, &input, anchored),
        cost_sentences: cost_sentences(run, &input),
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
        reference: figures::reference(),
        code,
    })
}
