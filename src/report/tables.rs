//! The tables of the report's fixed chapters, built once in the one table model: the answer
//! block's picks, the lesson's headline and full tables (turned, one table per workload,
//! past 3 runtimes), the experiment's settings, the choice guide, the fastest tools and the
//! two tables on the user's function. The templates print them with `markdown_table` and
//! `html_table`; none is written out by hand.

use super::figures::Reference;
use crate::analysis::answer::AnswerTable;
use crate::analysis::decisions::Decisions;
use crate::analysis::findings::{LessonTable, ToolChoice};
use crate::analysis::function::FunctionView;
use crate::lesson::Comparison;
use crate::view::table::{Cell, Column, Table, Unit};
use crate::view::text::words_of;

/// More runtimes than this turn the lesson's table: one table per workload, a row per runtime.
pub const LESSON_COLUMNS: usize = 3;

/// The answer block's picks: a row per runtime, a column per situation.
pub fn answer(table: &AnswerTable) -> Table {
    let mut columns = vec![Column::text("runtime")];
    columns.extend(table.situations.iter().map(Column::text));
    let mut shown = Table::new(columns).with_row_headers().with_class("picks");
    for row in &table.rows {
        let mut cells = vec![Cell::text(row.runtime.clone())];
        cells.extend(row.cells.iter().cloned().map(Cell::Shown));
        shown.push(cells);
    }
    shown
}

/// The headline: threads over processes on both workloads, per runtime, and the lesson's.
pub fn headline(tables: &[LessonTable], workers: u32, reference: &Reference) -> Table {
    let mut shown = Table::new(vec![
        Column::text(format!("at {workers} workers")),
        Column::numbers("CPU: threads / processes"),
        Column::numbers("I/O: threads / processes"),
    ])
    .with_class("headline");
    for t in tables {
        shown.push(vec![
            Cell::text(t.report.settings.runtime.to_string()),
            Cell::estimate(Some(&t.report.cpu.ratio)),
            Cell::estimate(Some(&t.report.io.ratio)),
        ]);
    }
    shown.push(vec![
        Cell::text("reference lesson (CPython)"),
        ratio(reference.cpu_ratio),
        ratio(reference.io_ratio),
    ]);
    shown
}

fn ratio(value: f64) -> Cell {
    Cell::shown(Unit::Ratio.show(value, 2))
}

fn seconds(value: f64) -> Cell {
    Cell::shown(Unit::Seconds.show(value, 3))
}

/// The lesson's tables: one with a column per runtime, or past [`LESSON_COLUMNS`] runtimes
/// one per workload with a row per runtime.
pub fn lesson(tables: &[LessonTable], reference: &Reference) -> Vec<Table> {
    let interpreters = tables.iter().any(|t| t.report.cpu.interpreters.is_some());
    if tables.len() > LESSON_COLUMNS {
        return vec![
            turned(tables, reference, Workload::Cpu, interpreters),
            turned(tables, reference, Workload::Io, interpreters),
        ];
    }
    let mut columns = vec![Column::text("")];
    columns.extend(tables.iter().map(|t| Column::numbers(t.report.settings.runtime.to_string())));
    columns.push(Column::numbers("reference lesson"));
    let mut shown = Table::new(columns).with_row_headers().with_class("lesson");
    let row = |label: &str, cell: &dyn Fn(&LessonTable) -> Cell, last: Cell| {
        let mut cells = vec![Cell::text(label)];
        cells.extend(tables.iter().map(cell));
        cells.push(last);
        cells
    };
    shown.push(row("CPU sum", &|t| sum(&t.cpu_sum, t.cpu_sums_match), Cell::Empty));
    shown.push(row("I/O sum", &|t| sum(&t.io_sum, t.io_sums_match), Cell::Empty));
    for workload in [Workload::Cpu, Workload::Io] {
        let (threads, processes, ratio_of) = workload.reference(reference);
        let name = workload.name();
        let part = move |t: &LessonTable| *workload.part(t);
        shown.push(row(
            &format!("{name}, threads"),
            &|t| seconds(part(t).threads.seconds),
            threads,
        ));
        let processes_of = |t: &LessonTable| seconds(part(t).processes.seconds);
        shown.push(row(&format!("{name}, processes"), &processes_of, processes));
        let ratio_cell = |t: &LessonTable| Cell::estimate(Some(&part(t).ratio));
        shown.push(row(&format!("{name}, threads / processes"), &ratio_cell, ratio_of));
    }
    if interpreters {
        for workload in [Workload::Cpu, Workload::Io] {
            let name = workload.name();
            let part = move |t: &LessonTable| *workload.part(t);
            let time = |t: &LessonTable| {
                part(t).interpreters.map_or_else(|| Cell::shown("-"), |p| seconds(p.seconds))
            };
            shown.push(row(&format!("{name}, interpreters"), &time, Cell::shown("-")));
            let over = |t: &LessonTable| Cell::estimate(part(t).interpreters_ratio.as_ref());
            let label = format!("{name}, interpreters / processes");
            shown.push(row(&label, &over, Cell::shown("-")));
        }
    }
    vec![shown]
}

/// The lesson's two workloads.
#[derive(Debug, Clone, Copy)]
enum Workload {
    Cpu,
    Io,
}

impl Workload {
    fn name(self) -> &'static str {
        match self {
            Workload::Cpu => "CPU",
            Workload::Io => "I/O",
        }
    }

    fn part(self, table: &LessonTable) -> &Comparison {
        match self {
            Workload::Cpu => &table.report.cpu,
            Workload::Io => &table.report.io,
        }
    }

    fn sum(self, table: &LessonTable) -> Cell {
        match self {
            Workload::Cpu => sum(&table.cpu_sum, table.cpu_sums_match),
            Workload::Io => sum(&table.io_sum, table.io_sums_match),
        }
    }

    /// The reference lesson's threads, processes and ratio.
    fn reference(self, reference: &Reference) -> (Cell, Cell, Cell) {
        match self {
            Workload::Cpu => (
                seconds(reference.cpu_threads_s),
                seconds(reference.cpu_processes_s),
                ratio(reference.cpu_ratio),
            ),
            Workload::Io => (
                seconds(reference.io_threads_s),
                seconds(reference.io_processes_s),
                ratio(reference.io_ratio),
            ),
        }
    }
}

fn sum(value: &str, matched: bool) -> Cell {
    Cell::Sum { value: value.to_string(), matched }
}

/// One workload's lesson table, a row per runtime.
fn turned(
    tables: &[LessonTable],
    reference: &Reference,
    workload: Workload,
    interpreters: bool,
) -> Table {
    let mut columns = vec![
        Column::text(match workload {
            Workload::Cpu => "CPU-bound",
            Workload::Io => "I/O-bound",
        }),
        Column::numbers("sum"),
        Column::numbers("threads"),
        Column::numbers("processes"),
        Column::numbers("threads / processes"),
    ];
    if interpreters {
        columns.push(Column::numbers("interpreters"));
        columns.push(Column::numbers("interpreters / processes"));
    }
    let mut shown = Table::new(columns).with_row_headers().with_class("lesson turned");
    for t in tables {
        let part = workload.part(t);
        let mut cells = vec![
            Cell::text(t.report.settings.runtime.to_string()),
            workload.sum(t),
            seconds(part.threads.seconds),
            seconds(part.processes.seconds),
            Cell::estimate(Some(&part.ratio)),
        ];
        if interpreters {
            let time = part.interpreters.as_ref().map(|p| Unit::Seconds.show(p.seconds, 3));
            cells.push(Cell::or_dash(time));
            cells.push(Cell::estimate(part.interpreters_ratio.as_ref()));
        }
        shown.push(cells);
    }
    let (threads, processes, ratio_of) = workload.reference(reference);
    let mut last = vec![Cell::text("reference lesson"), Cell::Empty, threads, processes, ratio_of];
    if interpreters {
        last.extend([Cell::shown("-"), Cell::shown("-")]);
    }
    shown.push(last);
    shown
}

/// The choice guide: a row per situation, a column per runtime.
pub fn decisions(decisions: &Decisions) -> Table {
    let mut columns = vec![Column::text("situation")];
    columns.extend(decisions.runtimes.iter().map(|r| Column::text(r.to_string())));
    let mut shown = Table::new(columns);
    for row in &decisions.rows {
        let mut cells = vec![Cell::text(row.situation.clone())];
        cells.extend(row.cells.iter().cloned().map(Cell::Shown));
        shown.push(cells);
    }
    shown
}

/// The fastest executor of each workload, and the runner-up.
pub fn tools(choices: &[ToolChoice]) -> Table {
    let mut shown = Table::new(vec![
        Column::text("runtime"),
        Column::text("workload"),
        Column::text("fastest"),
        Column::unit("median", Unit::Seconds, 3),
        Column::unit("speedup", Unit::Ratio, 2),
        Column::text("runner-up: the fastest other executor"),
        Column::unit("median", Unit::Seconds, 3),
    ]);
    for t in choices {
        shown.push(vec![
            Cell::text(t.runtime.to_string()),
            Cell::text(t.workload.clone()),
            Cell::text(t.best.clone()),
            Cell::Number(Some(t.best_s)),
            Cell::Number(Some(t.speedup.unwrap_or(f64::NAN))),
            Cell::text(t.other.clone()),
            Cell::Number(Some(t.other_s.unwrap_or(f64::NAN))),
        ]);
    }
    shown
}

/// The user's function: what it is, per CPython, and the pick.
pub fn function(view: &FunctionView) -> Table {
    let mut shown = Table::new(vec![
        Column::text("CPython"),
        Column::numbers("computes"),
        Column::numbers("median task"),
        Column::text("bytes per task"),
        Column::text("GIL in its workers"),
        Column::text("pick"),
    ]);
    for row in &view.rows {
        shown.push(vec![
            Cell::text(row.runtime.to_string()),
            Cell::shown(row.compute.clone()),
            Cell::shown(row.task.clone()),
            Cell::shown(row.bytes.clone()),
            Cell::text(row.gil.clone()),
            Cell::shown(row.pick.clone()),
        ]);
    }
    shown
}

/// What each pool gained over serial on the user's function.
pub fn function_gains(view: &FunctionView) -> Table {
    let mut shown = Table::new(vec![
        Column::text("runtime"),
        Column::text("pool"),
        Column::numbers("workers"),
        Column::numbers("speedup over serial"),
    ]);
    for g in &view.gains {
        shown.push(vec![
            Cell::text(g.runtime.to_string()),
            Cell::text(g.executor.name()),
            Cell::shown(g.workers.to_string()),
            Cell::shown(g.speedup.clone()),
        ]);
    }
    shown
}

/// What the experiment's settings table shows of one run.
pub struct Settings<'a> {
    /// The plan.
    pub plan: &'a crate::plan::Plan,
    /// The machine.
    pub machine: &'a crate::machine::Machine,
    /// The runtimes as they ran.
    pub runtimes: &'a [crate::runtime::Runtime],
    /// Iterations per CPU task of each runtime.
    pub cpu_iterations: &'a [(String, u64)],
    /// Each CPython's line.
    pub pythons: &'a [String],
}

fn listed<T: serde::Serialize>(items: &[T]) -> String {
    items.iter().map(words_of).collect::<Vec<_>>().join(", ")
}

/// The experiment's settings: a row per setting, headed by its name.
pub fn experiment(s: &Settings) -> Table {
    let machine = s.machine;
    let mut shown = Table::new(vec![Column::text("setting"), Column::text("value")]);
    shown.row_headers = true;
    let physical = machine.physical_cores.map_or_else(|| "?".to_string(), |p| p.to_string());
    let memory = format!("{:.1} GiB", machine.memory_bytes as f64 / f64::from(1u32 << 30));
    let python =
        machine.python_version.as_ref().map_or_else(String::new, |v| format!(", Python {v}"));
    let mut rows = plan_rows(s.plan, s);
    rows.push((
        "machine",
        Cell::text(format!(
            "{}; {physical} physical / {} logical cores; {memory}; {}, kernel {}",
            machine.cpu_brand, machine.logical_cores, machine.os, machine.kernel
        )),
    ));
    rows.push((
        "load when it started",
        Cell::text(format!("{:.2} (1 min)", machine.load_average[0])),
    ));
    rows.extend(s.pythons.iter().map(|p| ("interpreter", Cell::text(p.clone()))));
    rows.push((
        "versions",
        Cell::text(format!(
            "gilbench {} (commit {}), {}{python}",
            machine.gilbench_version, machine.git_commit, machine.rustc_version
        )),
    ));
    for (name, value) in rows {
        shown.push(vec![Cell::text(name), value]);
    }
    shown
}

/// The plan's rows of the settings table: what ran, how often, and how long each task was.
fn plan_rows(plan: &crate::plan::Plan, s: &Settings) -> Vec<(&'static str, Cell)> {
    let repeats = {
        let more = plan.target_ci_pct.map_or_else(String::new, |target| {
            format!(", and up to {} where a median was not yet within {target}%", plan.max_repeats)
        });
        let passes = if plan.warmup == 1 { "pass" } else { "passes" };
        format!("{} measured{more}, after {} warm-up {passes}", plan.repeat, plan.warmup)
    };
    let burns: Vec<String> =
        s.cpu_iterations.iter().map(|(rt, n)| format!("{rt} `burn_cpu({n})`")).collect();
    let fractions: Vec<String> =
        plan.cpu_fractions.iter().map(|f| format!("{:.0}%", f * 100.0)).collect();
    let workers = format!("{} (mixed tasks: {})", listed(&plan.workers), plan.mixed_workers);
    let mixed = format!("{} ms, computing {} of it", plan.mixed_task_ms, fractions.join(", "));
    let switch =
        format!("{} ms (rust-gil, and CPython's `sys.setswitchinterval`)", plan.switch_interval_ms);
    vec![
        ("runtimes", Cell::text(listed(s.runtimes))),
        ("executors", Cell::text(format!("{}, and a serial baseline", listed(&plan.executors)))),
        ("scenarios", Cell::text(listed(&plan.scenarios))),
        ("worker counts", Cell::text(workers)),
        (
            "tasks per measurement",
            Cell::text(format!("{}, the same at every worker count", plan.tasks)),
        ),
        ("repeats", Cell::text(repeats)),
        (
            "CPU task",
            Cell::Markdown(format!("about {} ms: {}", plan.cpu_task_ms, burns.join(", "))),
        ),
        ("I/O task", Cell::Markdown(format!("`fake_io({}, {})`", plan.io_seconds, plan.io_chunks))),
        ("mixed task", Cell::text(mixed)),
        ("GIL switch interval", Cell::Markdown(switch)),
    ]
}
