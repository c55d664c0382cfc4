//! The user's own function as a workload: what `--task`, `--task-path`, `--task-args`,
//! `--task-setup`, `--task-check` and `--task-timeout` name ([`FunctionSpec`]), checked as
//! they are parsed, and what a CPython driver answers when it loads one ([`FunctionInfo`]).
//!
//! Only CPython runs such a task: gilbench sends the driver [`crate::workload::Task::Python`]
//! with the task's index, and the driver calls the function with that task's arguments (see
//! `gilbench_function.py`).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::ConfigError;

/// A Python callable: a file and a name in it (`tasks.py:parse_json`) or a dotted module and a
/// name (`package.module:parse_json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Callable {
    /// The file, as an absolute path, when the callable was named by file.
    #[serde(default)]
    pub file: Option<PathBuf>,
    /// The dotted module name, when it was named by module.
    #[serde(default)]
    pub module: Option<String>,
    /// The function's name in it.
    pub function: String,
}

impl Callable {
    /// Parses `file.py:name` (the file must exist; made absolute from `cwd`) or
    /// `package.module:name`; `what` names the flag in messages.
    pub fn parse(text: &str, cwd: &Path, what: &str) -> Result<Self, ConfigError> {
        let bad = |why: &str| ConfigError::new(format!("{what} {text:?}: {why}"));
        let (target, function) = text
            .rsplit_once(':')
            .ok_or_else(|| bad("expected FILE.py:FUNCTION or MODULE:FUNCTION"))?;
        if !is_identifier(function) {
            return Err(bad("the part after ':' must be a Python name"));
        }
        let function = function.to_string();
        if target.ends_with(".py") {
            let path = cwd.join(target);
            if !path.is_file() {
                return Err(bad("no such file"));
            }
            let file = std::fs::canonicalize(&path).map_err(|e| bad(&e.to_string()))?;
            return Ok(Callable { file: Some(file), module: None, function });
        }
        if target.is_empty() || !target.split('.').all(is_identifier) {
            return Err(bad("expected FILE.py:FUNCTION or MODULE:FUNCTION"));
        }
        Ok(Callable { file: None, module: Some(target.to_string()), function })
    }

    /// The file or module, as the user reads it: `tasks.py`, `package.module`.
    pub fn source(&self) -> String {
        match (&self.file, &self.module) {
            (Some(file), _) => {
                file.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned())
            }
            (None, Some(module)) => module.clone(),
            (None, None) => String::new(),
        }
    }
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

/// How each task's result is compared across executors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Check {
    /// Equal pickles (the default).
    Pickle,
    /// `==` against the serial run's results.
    Eq,
    /// Equal pickles of a key function's value of each result.
    Key {
        /// The key function.
        function: Callable,
    },
    /// Not compared: the user declared the function non-deterministic.
    None,
}

impl Check {
    /// `pickle`, `eq`, `none` or a key function `file.py:fn`.
    pub fn parse(text: &str, cwd: &Path) -> Result<Self, ConfigError> {
        match text {
            "pickle" => Ok(Check::Pickle),
            "eq" | "==" => Ok(Check::Eq),
            "none" => Ok(Check::None),
            _ => Callable::parse(text, cwd, "--task-check").map(|function| Check::Key { function }),
        }
    }

    /// What the report says was compared.
    pub fn describe(&self) -> String {
        match self {
            Check::Pickle => "equal pickles".into(),
            Check::Eq => "== against the serial run's results".into(),
            Check::Key { function } => format!("equal pickles of {}(result)", function.function),
            Check::None => "nothing (--task-check none)".into(),
        }
    }
}

/// The user's function and how to call it: one per run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionSpec {
    /// `--task` as given: `tests/fixtures/tasks.py:parse_json`.
    pub target: String,
    /// The function.
    pub callable: Callable,
    /// `--task-path`: folders a module is looked for in (after the file's own folder).
    #[serde(default)]
    pub path: Vec<PathBuf>,
    /// `--task-args`: the arguments every task gets.
    #[serde(default)]
    pub args: Option<Vec<Value>>,
    /// `--task-setup`: a function that returns one argument tuple per task.
    #[serde(default)]
    pub setup: Option<Callable>,
    /// `--task-check`.
    pub check: Check,
    /// `--task-timeout` in seconds (default: 10 x the median task, at least 60 s).
    #[serde(default)]
    pub timeout_s: Option<f64>,
}

/// The least time a task is given before it counts as never returning, when not told.
pub const MIN_TIMEOUT_S: f64 = 60.0;

/// The default timeout is this many median tasks.
pub const TIMEOUT_TASKS: f64 = 10.0;

/// A JSON list of arguments (`--task-args '[7, "text"]'`), or why it is not one.
pub fn json_list(text: &str) -> Result<Vec<Value>, String> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(items)) => Ok(items),
        Ok(_) => Err(format!("{text:?} is not a JSON list (write '[1, \"a\"]')")),
        Err(error) => Err(format!("{text:?} is not JSON: {error}")),
    }
}

impl FunctionSpec {
    /// `target` (`FILE.py:FUNCTION` from `cwd`, or `MODULE:FUNCTION`) with no arguments, its
    /// results compared by pickle, and the default timeout.
    pub fn named(target: &str, cwd: &Path) -> Result<Self, ConfigError> {
        Ok(FunctionSpec {
            target: target.to_string(),
            callable: Callable::parse(target, cwd, "--task")?,
            path: Vec::new(),
            args: None,
            setup: None,
            check: Check::Pickle,
            timeout_s: None,
        })
    }

    /// The same function with `json` (a JSON list) as every task's arguments.
    pub fn with_args_json(self, json: &str) -> Result<Self, ConfigError> {
        let args = json_list(json).map_err(|e| ConfigError::new(format!("--task-args {e}")))?;
        Ok(FunctionSpec { args: Some(args), ..self })
    }

    /// The function's name: `parse_json`.
    pub fn name(&self) -> &str {
        &self.callable.function
    }

    /// The timeout for tasks whose median lasts `median_task_s` (`None`: not known yet).
    pub fn timeout_for(&self, median_task_s: Option<f64>) -> f64 {
        self.timeout_s.unwrap_or_else(|| {
            median_task_s.map_or(MIN_TIMEOUT_S, |t| (TIMEOUT_TASKS * t).max(MIN_TIMEOUT_S))
        })
    }
}

/// What a driver found when it loaded the function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionInfo {
    /// The function's qualified name.
    pub name: String,
    /// Its file, as the user reads it.
    #[serde(default)]
    pub file: Option<String>,
    /// The line it is defined on.
    #[serde(default)]
    pub line: Option<u32>,
    /// Each task's arguments, pickled, in bytes (`None`: they cannot be pickled).
    #[serde(default)]
    pub bytes_in: Vec<Option<u64>>,
    /// `sys._is_gil_enabled()` after the user's imports, in the driver.
    #[serde(default = "yes")]
    pub gil_enabled: bool,
}

fn yes() -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callables_are_a_file_or_a_module_and_a_name() {
        let here = Path::new(env!("CARGO_MANIFEST_DIR"));
        let file = Callable::parse("src/lib.rs.py:x", here, "--task");
        assert!(file.is_err(), "a missing file is refused");
        let module = Callable::parse("package.module:parse", here, "--task").expect("module");
        assert_eq!(module.module.as_deref(), Some("package.module"));
        assert_eq!(module.function, "parse");
        for bad in ["parse", "package.module:", "package..module:f", ":f", "m:1f", "m:f-g"] {
            let error = Callable::parse(bad, here, "--task").expect_err(bad).to_string();
            assert!(error.starts_with("--task "), "{error}");
            assert!(!error.contains('\n'), "{error}");
        }
        assert_eq!(Check::parse("none", here).ok(), Some(Check::None));
        assert_eq!(Check::parse("==", here).ok(), Some(Check::Eq));
    }

    #[test]
    fn the_default_timeout_is_ten_median_tasks_and_at_least_a_minute() {
        let spec = FunctionSpec {
            target: "m:f".into(),
            callable: Callable { file: None, module: Some("m".into()), function: "f".into() },
            path: Vec::new(),
            args: None,
            setup: None,
            check: Check::Pickle,
            timeout_s: None,
        };
        assert_eq!(spec.timeout_for(None), 60.0);
        assert_eq!(spec.timeout_for(Some(0.5)), 60.0);
        assert_eq!(spec.timeout_for(Some(9.0)), 90.0);
        assert_eq!(FunctionSpec { timeout_s: Some(2.0), ..spec }.timeout_for(Some(9.0)), 2.0);
    }
}
