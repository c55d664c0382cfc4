//! Analysis: typed rows in, typed findings out, and the report's sections ([`SECTIONS`], the
//! registry, each built from one [`input::Input`]). The summary statistics ([`summary`], with
//! [`stats`] for medians and their intervals), the noise warnings ([`noise`]), what a run
//! found for the report ([`findings`]: the lesson's table, tool choices, crossovers, the
//! convoy), who holds which lock ([`locks`]: interpreter pools, free-threaded builds) and the
//! rust-gil fidelity check ([`fidelity`]), and what a run of the user's own function found
//! ([`function`]). Runtimes, executors and scenarios
//! are enums throughout: no string is compared. DataFrames stay at the disk and notebook
//! boundary: [`frames`] converts for summary.csv and notebooks.

pub mod answer;
pub mod asyncio;
pub mod contention;
pub mod cost;
pub mod decisions;
pub mod fidelity;
pub mod findings;
#[cfg(test)]
mod fixtures;
pub mod frames;
pub mod free_threading;
pub mod function;
pub mod input;
pub mod locks;
pub mod noise;
pub mod open;
#[cfg(test)]
mod oracle;
pub mod payload;
pub mod scaling;
pub mod sentences;
pub mod startup;
pub use gilbench_core::stats;
pub mod summary;

/// Builds one section of the report from a run (none, or several where the run has that
/// many: a free-threaded build each).
pub type BuildSection = fn(&input::Input) -> Vec<crate::view::section::SectionView>;

/// The section registry: every section the analysis gives the report, in the order it
/// prints them. A new section is a `section` function in its module, its prose in
/// prose.tera, and one line here.
pub const SECTIONS: &[BuildSection] = &[
    sentences::cpu_speedups_section,
    startup::section,
    cost::section,
    asyncio::section,
    contention::section,
    free_threading::section,
    scaling::section::section,
    startup::slower_than_serial_section,
    fidelity::section::section,
    locks::section,
    payload::section,
    findings::convoy_section,
    findings::mixed_section,
];
