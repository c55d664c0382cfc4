//! A driver's side of the user's own function: loading it (every sibling driver loads it
//! again, so each pool kind's process has it), the task timeout, and the serial results an
//! `==` check hands to the other drivers.

use std::time::Duration;

use serde_json::{Value, json};

use super::{CpythonDriver, CpythonError};
use crate::function::{FunctionInfo, FunctionSpec};

impl CpythonDriver {
    /// Loads `spec` for `tasks` tasks: imports it, checks it and builds each task's arguments.
    /// Drivers started from this one later ([`CpythonDriver::sibling`]) load it too.
    pub fn load_function(
        &mut self,
        spec: &FunctionSpec,
        tasks: usize,
    ) -> Result<FunctionInfo, CpythonError> {
        let request = spec.load_request(tasks, None);
        let info = self.load_request(request.clone())?;
        self.launch.function = Some(request);
        Ok(info)
    }

    /// Sends a "load" request and reads what the driver found.
    pub(super) fn load_request(&mut self, request: Value) -> Result<FunctionInfo, CpythonError> {
        let reply = self.call(&request)?;
        serde_json::from_value(reply)
            .map_err(|e| CpythonError::Protocol(format!("unreadable load reply: {e}")))
    }

    /// From now on, a measurement in which no task finishes for `timeout` kills this driver
    /// and its pool, and fails with [`CpythonError::TaskTimeout`].
    pub fn set_task_timeout(&mut self, timeout: Option<Duration>) {
        self.task_timeout = timeout;
    }

    /// The serial results this driver keeps for an `==` check, pickled, handed to the drivers
    /// started after it (`None`: they cannot be pickled, or there are none yet).
    pub fn share_reference(&mut self) -> Result<(), CpythonError> {
        let reply = self.call(&json!({"op": "reference"}))?;
        let Some(blob) = reply.get("reference").and_then(Value::as_str) else {
            return Ok(());
        };
        if let Some(request) = &mut self.launch.function {
            request["reference"] = Value::String(blob.to_string());
        }
        Ok(())
    }
}
