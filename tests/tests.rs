//! gilbench's integration tests, compiled as one binary: the pools through the library, and
//! every command through the real `gilbench` binary.

mod bad_files;
mod budget;
mod charts;
mod common;
mod costs;
mod disk;
mod docs;
mod faults;
mod function_cli;
mod gil;
mod isolation;
mod kills;
mod layers;
mod lesson_cli;
mod pinning;
mod pools;
mod pythons;
pub mod report_cli;
mod run_cli;
mod scaling;
mod startup;
mod summary;
