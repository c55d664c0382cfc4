//! The spread of repeats for one scenario: every measured repeat as a dot, grouped by runtime,
//! executor and worker count, with the median as a bar. Wide spreads mean noise.

use plotters::prelude::*;

use super::kinds::{ChartKind, Drawn, RunCharts};
use super::{ChartError, FONT, SERIAL, canvas, fail, style, y_range};
use crate::analysis::stats::median;
use crate::plan::Scenario;
use crate::results::RunRow;
use crate::runtime::Runtime;

/// The SVG of the strip plot of the repeats of `scenario` (warm-ups and failures left out).
pub fn render(runs: &[RunRow], scenario: Scenario) -> Result<String, ChartError> {
    let oops = fail("spread");
    let measured: Vec<&RunRow> = runs
        .iter()
        .filter(|r| {
            r.point.scenario == scenario && r.measured() && r.point.cpu_fraction().is_none()
        })
        // Its worker count is not its concurrency (see curves::pool_rows).
        .filter(|r| r.point.executor != crate::executor::ExecutorKind::AsyncioThreads)
        .collect();
    let mut groups: Vec<(Runtime, crate::executor::ExecutorKind, u32)> =
        measured.iter().map(|r| (r.point.runtime, r.point.executor, r.point.workers)).collect();
    groups.sort();
    groups.dedup();
    let width = (140 + 34 * groups.len() as u32).max(420);
    let mut svg = String::new();
    {
        let root = canvas(&mut svg, (width, 460))?;
        let mut chart = ChartBuilder::on(&root)
            .caption(format!("{} work: every repeat", scenario.title()), (FONT, 18))
            .margin(12)
            .x_label_area_size(70)
            .y_label_area_size(64)
            .build_cartesian_2d(
                -0.5..groups.len().max(1) as f64 - 0.5,
                y_range(measured.iter().map(|r| r.elapsed_s), true),
            )
            .map_err(&oops)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE.mix(0.0))
            .y_desc("wall time (s)")
            .x_labels(groups.len().max(1))
            .x_label_formatter(&|x| {
                let i = x.round();
                if (x - i).abs() > 0.01 || i < 0.0 {
                    return String::new();
                }
                groups.get(i as usize).map_or(String::new(), |(rt, ex, w)| {
                    format!("{} {}{w}", short(*rt), &ex.name()[..1])
                })
            })
            .label_style((FONT, 11))
            .draw()
            .map_err(&oops)?;
        for (i, (runtime, executor, workers)) in groups.iter().enumerate() {
            let color = style::color(*runtime, *executor);
            let times: Vec<f64> = measured
                .iter()
                .filter(|r| {
                    r.point.runtime == *runtime
                        && r.point.executor == *executor
                        && r.point.workers == *workers
                })
                .map(|r| r.elapsed_s)
                .collect();
            let count = times.len().max(1) as f64;
            let dots = times.iter().enumerate().map(|(k, t)| {
                let jitter = (k as f64 / count - 0.5) * 0.5;
                Circle::new((i as f64 + jitter, *t), 3, color.mix(0.8).filled())
            });
            chart.draw_series(dots).map_err(&oops)?;
            if let Some(median) = median(&mut times.clone()) {
                let bar = PathElement::new(
                    vec![(i as f64 - 0.3, median), (i as f64 + 0.3, median)],
                    SERIAL.stroke_width(2),
                );
                chart.draw_series(std::iter::once(bar)).map_err(&oops)?;
            }
        }
        root.present().map_err(&oops)?;
    }
    Ok(svg)
}

/// Short runtime names for crowded axes: rs, gil, py, py3.13.
pub fn short(runtime: Runtime) -> String {
    match runtime {
        Runtime::Rust => "rs".into(),
        Runtime::RustGil => "gil".into(),
        Runtime::Cpython => "py".into(),
        Runtime::CpythonAt(tag) => format!("py{tag}"),
    }
}

/// Every repeat as a dot, one chart per sweep scenario measured.
pub struct Spread;

impl ChartKind for Spread {
    fn draw(&self, run: &RunCharts<'_>) -> Result<Vec<Drawn>, ChartError> {
        [Scenario::Cpu, Scenario::Io]
            .into_iter()
            .filter(|scenario| run.runs.iter().any(|r| r.point.scenario == *scenario))
            .map(|scenario| {
                let name = scenario.name();
                Ok(Drawn {
                    name: format!("spread_{name}"),
                    caption: format!(
                        "Every repeat of the {name} scenario (dots) and their median (bar); \
                         labels: runtime (rs, gil, py), executor (s, t, p, i, a) and \
                         workers.{}",
                        super::curves::left_out_note(run.summary, scenario)
                    ),
                    svg: render(run.runs, scenario)?,
                })
            })
            .collect()
    }
}
