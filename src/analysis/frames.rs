//! The summary at the frame boundary: a `runs` frame in, a summary frame out (and the noise
//! warnings of one), for summary.csv and for notebooks. The statistics themselves are computed
//! on typed rows by [`crate::analysis`]; this module only converts.

use polars::prelude::*;

use crate::analysis;
use crate::results::frames;
use crate::results::rows::{self, SummaryRow};

/// Summarises the `runs` frame of a run measured on a machine with `cores` logical cores
/// (see [`analysis::summary::summarize`]).
pub fn summarize(runs: &DataFrame, cores: u32) -> PolarsResult<DataFrame> {
    let rows = rows::run_rows(runs)?;
    frames::summary_frame(&analysis::summary::summarize(&rows, cores))
}

/// The noise warnings of a summary frame (see [`analysis::noise`]).
pub fn noise_warnings(summary: &DataFrame) -> PolarsResult<Vec<String>> {
    let rows: Vec<SummaryRow> = rows::summary_rows(summary)?;
    Ok(analysis::noise::warnings(&rows).iter().map(ToString::to_string).collect())
}
