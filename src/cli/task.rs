//! The flags that name the user's own function (`--task` and its companions), shared by
//! `gilbench run` and `gilbench lesson`, turned into one checked [`FunctionSpec`].

use std::path::PathBuf;

use clap::Args;
use serde_json::Value;

use gilbench::error::ConfigError;
use gilbench::function::{Callable, Check, FunctionSpec};

/// Your own Python function as the workload.
#[derive(Debug, Clone, Args)]
pub struct TaskArgs {
    /// Measure your own Python function: FILE.py:FUNCTION, or MODULE:FUNCTION found on
    /// --task-path.
    #[arg(long, value_name = "FILE.py:FUNCTION")]
    pub task: Option<String>,
    /// Folders the modules of --task, --task-setup and --task-check are looked for in,
    /// comma-separated.
    #[arg(long, value_delimiter = ',', requires = "task", value_name = "DIR")]
    pub task_path: Vec<PathBuf>,
    /// The arguments every task gets, as a JSON list: '[20000]', '["text", 3]'.
    #[arg(long, requires = "task", conflicts_with = "task_setup", value_parser = json_list, value_name = "JSON")]
    pub task_args: Option<JsonList>,
    /// A function called with the task count that returns one argument tuple per task.
    #[arg(long, requires = "task", value_name = "FILE.py:FUNCTION")]
    pub task_setup: Option<String>,
    /// How results are compared across executors: pickle (equal pickles, the default), eq
    /// (==), none (not compared), or a key function FILE.py:FUNCTION.
    #[arg(long, requires = "task", value_name = "CHECK")]
    pub task_check: Option<String>,
    /// Stop a measurement in which no task finished for this long times the pool's workers,
    /// and kill its pool (30s, 5m) [default: 10 x the median task, at least 60 s].
    #[arg(long, requires = "task", value_parser = super::args::task_timeout_s, value_name = "DURATION")]
    pub task_timeout: Option<f64>,
}

/// `--task-args`: one JSON list (a newtype, so clap takes it as one value).
#[derive(Debug, Clone)]
pub struct JsonList(Vec<Value>);

fn json_list(text: &str) -> Result<JsonList, String> {
    gilbench::function::json_list(text).map(JsonList)
}

impl TaskArgs {
    /// The function the flags name, checked (its files exist), or `None` without `--task`.
    pub fn spec(&self) -> Result<Option<FunctionSpec>, ConfigError> {
        let Some(target) = &self.task else {
            return Ok(None);
        };
        let cwd = std::env::current_dir()
            .map_err(|e| ConfigError::new(format!("cannot read the working folder: {e}")))?;
        let setup = self
            .task_setup
            .as_deref()
            .map(|text| Callable::parse(text, &cwd, "--task-setup"))
            .transpose()?;
        let check = match self.task_check.as_deref() {
            Some(text) => Check::parse(text, &cwd)?,
            None => Check::Pickle,
        };
        for folder in &self.task_path {
            if !folder.is_dir() {
                return Err(ConfigError::new(format!(
                    "--task-path {}: no such folder",
                    folder.display()
                )));
            }
        }
        let path = self.task_path.iter().map(|p| std::fs::canonicalize(p).unwrap_or(p.clone()));
        Ok(Some(FunctionSpec {
            path: path.collect(),
            args: self.task_args.clone().map(|JsonList(items)| items),
            setup,
            check,
            timeout_s: self.task_timeout,
            ..FunctionSpec::named(target, &cwd)?
        }))
    }
}
