//! The shared drawing of "a value against the worker count" charts (wall time, speedup,
//! efficiency): one line per runtime x executor in its colour, marker and line style, an
//! optional reference line (the ideal), an optional mark at the machine's core count, and
//! optional error bars.

use plotters::prelude::*;

use super::{
    ChartError, FONT, IDEAL, SERIAL, SIZE, canvas, draw_markers, executor_color, fail, legend_line,
    legend_sample, styled_line, worker_range, y_range,
};
use crate::analysis::summary::SummaryRow;
use crate::executor::ExecutorKind;
use crate::plan::Scenario;
use crate::runtime::Runtime;

/// Gives a point's error bar (low, high), if it has one.
pub(crate) type ErrorBar = fn(&SummaryRow) -> Option<(f64, f64)>;

/// What one curve chart shows.
pub(crate) struct CurveSpec<'a> {
    /// The chart's name in errors.
    pub chart: &'static str,
    /// The caption.
    pub title: String,
    /// The y axis description, with its unit.
    pub y_desc: &'a str,
    /// The summary rows to draw (one scenario).
    pub rows: Vec<&'a SummaryRow>,
    /// The value drawn.
    pub value: fn(&SummaryRow) -> Option<f64>,
    /// An error bar (low, high) per point, if any.
    pub error_bar: Option<ErrorBar>,
    /// The reference line's name and points.
    pub reference: Option<(String, Vec<(f64, f64)>)>,
    /// Mark this many cores on the x axis.
    pub cores: Option<u32>,
}

const EXECUTORS: [ExecutorKind; 3] =
    [ExecutorKind::Threads, ExecutorKind::Processes, ExecutorKind::Interpreters];

/// The pool rows (threads and processes, not the serial baseline) of one scenario.
pub(crate) fn pool_rows(rows: &[SummaryRow], scenario: Scenario) -> Vec<&SummaryRow> {
    rows.iter()
        .filter(|r| r.point.scenario == scenario && r.point.executor != ExecutorKind::Serial)
        .collect()
}

/// Raises the top of the y range so the legend (upper right) does not hide the data.
fn with_headroom(range: std::ops::Range<f64>) -> std::ops::Range<f64> {
    range.start..range.start + (range.end - range.start) * 1.45
}

/// Draws `spec` and returns the SVG.
pub(crate) fn draw(spec: &CurveSpec<'_>) -> Result<String, ChartError> {
    let oops = fail(spec.chart);
    let workers: Vec<u32> = spec.rows.iter().map(|r| r.point.workers).collect();
    let mut values: Vec<f64> = spec.rows.iter().filter_map(|r| (spec.value)(r)).collect();
    if let Some(bar) = spec.error_bar {
        values.extend(spec.rows.iter().filter_map(|r| bar(r)).map(|(_, high)| high));
    }
    if let Some((_, points)) = &spec.reference {
        values.extend(points.iter().map(|p| p.1));
    }
    let mut svg = String::new();
    {
        let root = canvas(&mut svg, SIZE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(&spec.title, (FONT, 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(64)
            .build_cartesian_2d(
                worker_range(&workers),
                with_headroom(y_range(values.into_iter(), true)),
            )
            .map_err(&oops)?;
        chart
            .configure_mesh()
            .x_desc("workers")
            .y_desc(spec.y_desc)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .light_line_style(WHITE.mix(0.0))
            .label_style((FONT, 13))
            .draw()
            .map_err(&oops)?;
        if let Some(cores) = spec.cores {
            let x = f64::from(cores);
            let (_, y_top) = (chart.y_range().start, chart.y_range().end);
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(x, 0.0), (x, y_top)],
                    3,
                    5,
                    SERIAL.stroke_width(1),
                ))
                .map_err(&oops)?
                .label(format!("{cores} cores"))
                .legend(legend_line(SERIAL));
        }
        if let Some((name, points)) = &spec.reference {
            chart
                .draw_series(DashedLineSeries::new(points.clone(), 6, 4, IDEAL.stroke_width(1)))
                .map_err(&oops)?
                .label(name.as_str())
                .legend(legend_line(IDEAL));
        }
        for runtime in Runtime::present(spec.rows.iter().map(|r| r.point.runtime)) {
            for executor in EXECUTORS {
                let mut points: Vec<(&SummaryRow, f64)> = spec
                    .rows
                    .iter()
                    .filter(|r| r.point.runtime == runtime && r.point.executor == executor)
                    .filter_map(|r| (spec.value)(r).map(|v| (*r, v)))
                    .collect();
                if points.is_empty() {
                    continue;
                }
                points.sort_by_key(|(r, _)| r.point.workers);
                let color = executor_color(executor);
                let line: Vec<(f64, f64)> =
                    points.iter().map(|(r, v)| (f64::from(r.point.workers), *v)).collect();
                styled_line(&mut chart, runtime, line.clone(), color)?;
                if let Some(bar) = spec.error_bar {
                    let bars = points.iter().filter_map(|(r, _)| {
                        bar(r).map(|(low, high)| {
                            let x = f64::from(r.point.workers);
                            PathElement::new(vec![(x, low), (x, high)], color.stroke_width(1))
                        })
                    });
                    chart.draw_series(bars).map_err(&oops)?;
                }
                let series = draw_markers(&mut chart, runtime, &line, color)?;
                series.label(format!("{runtime} {executor}"));
                legend_sample(series, runtime, color);
            }
        }
        super::draw_legend(&mut chart, SeriesLabelPosition::UpperRight).map_err(&oops)?;
        root.present().map_err(&oops)?;
    }
    Ok(svg)
}
