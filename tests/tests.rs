//! gilbench's integration tests, compiled as one binary: the pools through the library, and
//! every command through the real `gilbench` binary.

mod charts;
mod common;
mod faults;
mod gil;
mod kills;
mod lesson_cli;
mod pools;
mod report_cli;
mod run_cli;
mod startup;
mod summary;
