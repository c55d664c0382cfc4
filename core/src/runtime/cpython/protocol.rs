//! The driver's protocol, typed: every request gilbench sends the CPython driver ([`Request`],
//! tagged by its `op`), the reply each op answers with (deserialized with serde, never read by
//! index), and the out-of-band [`Event`]s a request may write before its reply, parsed as JSON
//! and told apart by their `event` tag, so the driver's spacing does not matter. One JSON
//! object per line each way; `gilbench_protocol.py` is the other end, and docs/internals.md
//! ("The driver protocol") lists every op with its fields.

use std::path::PathBuf;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::CpythonError;
use crate::bench::TaskSpan;
use crate::function::{Callable, Check, FunctionSpec};
use crate::workload::Task;

/// One request: its `op` and that op's fields. The variants' names, in snake case, are the
/// ops.
#[derive(Debug, Clone, PartialEq, Serialize, strum::VariantNames, strum::IntoStaticStr)]
#[serde(tag = "op", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub(super) enum Request<'a> {
    /// The interpreter's version and settings ([`super::PythonInfo`]).
    Hello {
        /// `sys.setswitchinterval`, set first.
        switch_interval_s: f64,
    },
    /// The lesson's tasks timed by the lesson's bench ([`MeasureReply`]).
    Measure {
        /// The executor's name (`threads`, `processes-spawn`, `asyncio`, ...).
        executor: &'a str,
        /// The pool's size.
        workers: usize,
        /// The tasks, as gilbench's own pools get them.
        tasks: &'a [Task],
        /// The cost scenario: the pool waits, with an [`Event::Hold`], before it shuts down.
        hold: bool,
        /// `--pin`: the CPUs the pool's workers are pinned to.
        pin: Option<&'a [usize]>,
    },
    /// The user's function's tasks ([`Task::Python`]), timed like `measure`.
    MeasureFunction {
        /// The executor's name.
        executor: &'a str,
        /// The pool's size.
        workers: usize,
        /// The tasks.
        tasks: &'a [Task],
        /// Keep these (serial) results for an `==` check.
        keep_reference: bool,
        /// `--pin`.
        pin: Option<&'a [usize]>,
    },
    /// `count` no-ops submitted and gathered ([`ElapsedReply`]).
    Dispatch {
        /// The executor's name.
        executor: &'a str,
        /// The pool's size.
        workers: usize,
        /// How many no-ops.
        count: usize,
    },
    /// A pool started, one no-op per worker, shut down ([`ElapsedReply`]).
    Lifecycle {
        /// The executor's name.
        executor: &'a str,
        /// The pool's size.
        workers: usize,
    },
    /// The iteration count that makes `burn_cpu` last `target_s` ([`CalibrateReply`]).
    Calibrate {
        /// The target, in seconds.
        target_s: f64,
    },
    /// `repr(burn_cpu(n))` for each count ([`BurnReply`]).
    Burn {
        /// The counts.
        iterations: &'a [u64],
    },
    /// Loads the user's function ([`crate::function::FunctionInfo`]).
    Load(&'a LoadRequest),
    /// The kept serial results, pickled ([`ReferenceReply`]).
    Reference,
}

impl Request<'_> {
    /// The op, as the wire names it.
    pub(super) fn op(&self) -> &'static str {
        self.into()
    }
}

/// The "load" request's fields: what a sibling driver replays to load the same function.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(super) struct LoadRequest {
    /// The function.
    spec: CallableSpec,
    /// `--task-args`: every task's arguments.
    args: Option<Vec<Value>>,
    /// `--task-setup`: a function that makes one argument tuple per task.
    setup: Option<CallableSpec>,
    /// `--task-check`.
    check: CheckSpec,
    /// How many tasks to make arguments for.
    tasks: usize,
    /// The serial run's results, pickled, for another driver's `==` check.
    reference: Option<String>,
}

impl LoadRequest {
    /// The request that loads `spec` for `tasks` tasks.
    pub(super) fn new(spec: &FunctionSpec, tasks: usize) -> Self {
        let callable = |c: &Callable| CallableSpec {
            file: c.file.clone(),
            module: c.module.clone(),
            function: c.function.clone(),
            path: spec.path.clone(),
        };
        let check = match &spec.check {
            Check::Pickle => CheckSpec::Pickle,
            Check::Eq => CheckSpec::Eq,
            Check::None => CheckSpec::None,
            Check::Key { function } => CheckSpec::Key { spec: callable(function) },
        };
        LoadRequest {
            spec: callable(&spec.callable),
            args: spec.args.clone(),
            setup: spec.setup.as_ref().map(callable),
            check,
            tasks,
            reference: None,
        }
    }

    /// Hands the serial results (pickled, base64) to the drivers that load this later.
    pub(super) fn set_reference(&mut self, blob: String) {
        self.reference = Some(blob);
    }
}

/// A callable as the driver imports it, with the folders modules are looked for in.
#[derive(Debug, Clone, PartialEq, Serialize)]
struct CallableSpec {
    file: Option<PathBuf>,
    module: Option<String>,
    function: String,
    path: Vec<PathBuf>,
}

/// `--task-check` as the driver reads it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum CheckSpec {
    Pickle,
    Eq,
    None,
    Key { spec: CallableSpec },
}

/// "measure" and "measure_function": the bench call's wall time and one span per task.
#[derive(Debug, Deserialize)]
pub(super) struct MeasureReply {
    /// Seconds, from before the pool was built until it shut down.
    pub elapsed_s: f64,
    /// Per task, in the order given.
    pub spans: Vec<TaskSpan>,
}

/// "dispatch" and "lifecycle": how long the operation took.
#[derive(Debug, Deserialize)]
pub(super) struct ElapsedReply {
    /// Seconds.
    pub elapsed_s: f64,
}

/// "calibrate" (the driver also sends its probes' count and rates, which gilbench ignores).
#[derive(Debug, Deserialize)]
pub(super) struct CalibrateReply {
    /// The iteration count for the target time.
    pub iterations: u64,
}

/// "burn": CPython's `repr` of each `burn_cpu(n)`.
#[derive(Debug, Deserialize)]
pub(super) struct BurnReply {
    /// In the order asked.
    pub values: Vec<String>,
}

/// "reference": the kept serial results, pickled and base64-encoded.
#[derive(Debug, Deserialize)]
pub(super) struct ReferenceReply {
    /// `None`: none kept, or they cannot be pickled.
    pub reference: Option<String>,
}

/// A line the driver writes while a request runs, before its reply.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub(super) enum Event {
    /// The cost scenario's pool is up and waits for [`HOLD_ANSWER`].
    Hold,
    /// One more task of the user's function finished: `done` so far.
    Progress {
        /// Tasks finished.
        done: u64,
    },
}

/// What gilbench answers an [`Event::Hold`] with, once it has read the pool's memory.
pub(super) const HOLD_ANSWER: &[u8] = b"{}\n";

/// One line from the driver.
#[derive(Debug)]
pub(super) enum Line {
    /// An out-of-band event.
    Event(Event),
    /// The reply the request waits for (an error reply included).
    Reply(Value),
}

/// Parses one line: an object with an `event` key is an [`Event`], any other object a reply.
pub(super) fn parse_line(line: &str) -> Result<Line, CpythonError> {
    let shown = || line.trim_end().chars().take(60).collect::<String>();
    let value: Value = serde_json::from_str(line)
        .map_err(|e| CpythonError::Protocol(format!("unreadable reply {:?}: {e}", shown())))?;
    if value.get("event").is_none() {
        return Ok(Line::Reply(value));
    }
    Event::deserialize(value)
        .map(Line::Event)
        .map_err(|e| CpythonError::Protocol(format!("unreadable event {:?}: {e}", shown())))
}

/// The reply to `op` as `R`; a reply with an `error` is [`CpythonError::Reported`].
pub(super) fn reply<R: DeserializeOwned>(op: &str, value: Value) -> Result<R, CpythonError> {
    if let Some(error) = value.get("error") {
        let text = error.as_str().map_or_else(|| error.to_string(), str::to_string);
        return Err(CpythonError::Reported(text));
    }
    R::deserialize(value).map_err(|e| CpythonError::Protocol(format!("unreadable {op} reply: {e}")))
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use strum::VariantNames as _;

    use super::*;

    fn wire(request: &Request<'_>) -> Value {
        serde_json::to_value(request).expect("a request serializes")
    }

    #[test]
    fn requests_are_tagged_by_their_op() {
        let hello = wire(&Request::Hello { switch_interval_s: 0.005 });
        assert_eq!(hello, json!({"op": "hello", "switch_interval_s": 0.005}));
        assert_eq!(wire(&Request::Reference), json!({"op": "reference"}));
        let tasks = [Task::BurnCpu { iterations: 7 }];
        let measure = Request::MeasureFunction {
            executor: "threads",
            workers: 2,
            tasks: &tasks,
            keep_reference: true,
            pin: Some(&[0, 1]),
        };
        assert_eq!(measure.op(), "measure_function");
        assert_eq!(
            wire(&measure),
            json!({"op": "measure_function", "executor": "threads", "workers": 2,
                   "tasks": [{"kind": "burn_cpu", "iterations": 7}], "keep_reference": true,
                   "pin": [0, 1]})
        );
    }

    #[test]
    fn a_load_request_carries_the_function_and_its_check() {
        let cwd = std::env::temp_dir();
        let mut spec = FunctionSpec::named("package.tasks:run", &cwd).expect("a module's function");
        spec.check = Check::Key {
            function: Callable { file: None, module: Some("keys".into()), function: "k".into() },
        };
        let mut load = LoadRequest::new(&spec, 3);
        load.set_reference("blob".into());
        let value = wire(&Request::Load(&load));
        let spec_of = |module: &str, function: &str| json!({"file": null, "module": module, "function": function, "path": []});
        assert_eq!(
            value,
            json!({"op": "load", "spec": spec_of("package.tasks", "run"), "args": null,
                   "setup": null, "check": {"kind": "key", "spec": spec_of("keys", "k")},
                   "tasks": 3, "reference": "blob"})
        );
    }

    #[test]
    fn events_are_read_by_their_tag_whatever_the_spacing() {
        for line in
            ["{\"event\": \"progress\", \"done\": 3}\n", "{ \"done\":3,\"event\":\"progress\"}"]
        {
            assert!(matches!(parse_line(line), Ok(Line::Event(Event::Progress { done: 3 }))));
        }
        assert!(matches!(parse_line("{\"event\":\"hold\"}"), Ok(Line::Event(Event::Hold))));
        let unknown = parse_line("{\"event\": \"party\"}").expect_err("no such event").to_string();
        assert!(unknown.contains("unreadable event"), "{unknown}");
        assert!(parse_line("{\"progress\": 3").is_err(), "not JSON");
        assert!(matches!(parse_line("{\"elapsed_s\": 1.5}"), Ok(Line::Reply(_))));
    }

    #[test]
    fn replies_are_typed_and_an_error_is_reported() {
        let value = json!({"elapsed_s": 0.5, "spans": [
            {"task": 0, "worker": 1, "start_s": 0.0, "end_s": 0.25, "value": 2.0, "gil": null}]});
        let measure: MeasureReply = reply("measure", value).expect("a measurement");
        assert_eq!((measure.elapsed_s, measure.spans.len(), measure.spans[0].worker), (0.5, 1, 1));
        assert_eq!(measure.spans[0].gil, None);
        let error = reply::<ElapsedReply>("dispatch", json!({"error": "KeyError: 'x'"}));
        assert!(matches!(error, Err(CpythonError::Reported(text)) if text == "KeyError: 'x'"));
        let wrong =
            reply::<BurnReply>("burn", json!({"values": 3})).expect_err("no list").to_string();
        assert!(wrong.contains("unreadable burn reply"), "{wrong}");
    }

    /// The ops of docs/internals.md's table of the driver protocol, in its order.
    fn documented_ops() -> Vec<String> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/internals.md");
        let text = std::fs::read_to_string(path).expect("docs/internals.md");
        let section = text.split("### The driver protocol").nth(1).expect("the section");
        section
            .lines()
            .skip_while(|line| !line.starts_with("| op "))
            .skip(2)
            .take_while(|line| line.starts_with("| `"))
            .filter_map(|line| line.split('`').nth(1).map(str::to_string))
            .collect()
    }

    #[test]
    fn the_docs_table_lists_every_op_of_the_request_enum() {
        let mut documented = documented_ops();
        documented.sort();
        let mut ops: Vec<String> = Request::VARIANTS.iter().map(|op| op.to_string()).collect();
        ops.sort();
        assert_eq!(documented, ops);
    }
}
