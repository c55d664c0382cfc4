//! Every chart of a report behind one interface. A [`ChartKind`] looks at a run's typed rows
//! ([`RunCharts`]) and draws the charts of its kind that the run has data for, each with its
//! name (the SVG file's stem) and caption; [`KINDS`] lists them in the order the report shows
//! them. Adding a chart is one file with one `impl ChartKind` and one line in [`KINDS`].

use super::{
    ChartError, crossover, efficiency, ratio, scaling, speedup, spread, timeline, wall_time,
};
use crate::analysis::scaling::Scaling as Fits;
use crate::analysis::summary::SummaryRow;
use crate::plan::Scenario;
use crate::results::{RunRow, TaskRow};

/// What every chart draws from: one run's rows and where it ran.
#[derive(Debug, Clone, Copy)]
pub struct RunCharts<'a> {
    /// The summary rows.
    pub summary: &'a [SummaryRow],
    /// The measurements.
    pub runs: &'a [RunRow],
    /// Their tasks.
    pub tasks: &'a [TaskRow],
    /// Logical cores of the machine.
    pub cores: u32,
    /// Its physical cores, where known.
    pub physical_cores: Option<u32>,
    /// The worker count of the lesson's comparison.
    pub lesson_workers: u32,
    /// Workers of the mixed scenario.
    pub mixed_workers: u32,
    /// The reference lesson's (CPU, I/O) threads/processes ratios.
    pub reference: (f64, f64),
    /// The scaling laws fitted to the sweeps.
    pub scaling: &'a Fits,
}

impl RunCharts<'_> {
    /// The sweep scenarios (CPU, I/O) the summary has rows for.
    pub fn sweep_scenarios(&self) -> Vec<Scenario> {
        [Scenario::Cpu, Scenario::Io]
            .into_iter()
            .filter(|s| self.summary.iter().any(|r| r.point.scenario == *s))
            .collect()
    }

    /// One chart per sweep scenario, named `<stem>_<scenario>`: `draw` gives its caption
    /// (from the scenario's name) and its SVG.
    pub fn per_sweep_scenario(
        &self,
        stem: &str,
        draw: impl Fn(Scenario, &str) -> Result<(String, String), ChartError>,
    ) -> Result<Vec<Drawn>, ChartError> {
        self.sweep_scenarios()
            .into_iter()
            .map(|scenario| {
                let (caption, svg) = draw(scenario, scenario.name())?;
                Ok(Drawn { name: format!("{stem}_{}", scenario.name()), caption, svg })
            })
            .collect()
    }
}

/// One drawn chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawn {
    /// Its name, also the SVG file's stem (`wall_time_cpu`).
    pub name: String,
    /// A caption for people.
    pub caption: String,
    /// The SVG.
    pub svg: String,
}

/// Where in the report a kind's charts go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// Among the results.
    Results,
    /// Among the per-task timelines.
    Timelines,
}

/// One kind of chart.
pub trait ChartKind: Sync {
    /// Where its charts go.
    fn section(&self) -> Section {
        Section::Results
    }

    /// The charts of this kind that `run` has data for (none, one, or one per scenario...).
    fn draw(&self, run: &RunCharts<'_>) -> Result<Vec<Drawn>, ChartError>;
}

/// Every chart kind, in the report's order.
pub static KINDS: &[&dyn ChartKind] = &[
    &wall_time::WallTime,
    &speedup::Speedup,
    &scaling::Scaling,
    &efficiency::Efficiency,
    &ratio::Ratio,
    &crossover::Crossover,
    &spread::Spread,
    &timeline::Timelines,
];

/// Every chart of `run` in `section`, in [`KINDS`] order.
pub fn draw_section(run: &RunCharts<'_>, section: Section) -> Result<Vec<Drawn>, ChartError> {
    let mut drawn = Vec::new();
    for kind in KINDS.iter().filter(|kind| kind.section() == section) {
        drawn.extend(kind.draw(run)?);
    }
    Ok(drawn)
}
