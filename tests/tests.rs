//! gilbench's integration tests, compiled as one binary: the pools through the library, and
//! every command through the real `gilbench` binary.

mod common;
mod faults;
mod lesson_cli;
mod pools;
mod run_cli;
mod summary;
