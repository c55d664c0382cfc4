//! A driver's side of the user's own function: loading it (every sibling driver loads it
//! again, so each pool kind's process has it), the task timeout, and the serial results an
//! `==` check hands to the other drivers.

use std::time::Duration;

use super::protocol::{LoadRequest, ReferenceReply, Request};
use super::{CpythonDriver, CpythonError};
use crate::function::{FunctionInfo, FunctionSpec, MIN_TIMEOUT_S};

impl CpythonDriver {
    /// Loads `spec` for `tasks` tasks: imports it, checks it and builds each task's arguments.
    /// Drivers started from this one later ([`CpythonDriver::sibling`]) load it too.
    pub fn load_function(
        &mut self,
        spec: &FunctionSpec,
        tasks: usize,
    ) -> Result<FunctionInfo, CpythonError> {
        let request = LoadRequest::new(spec, tasks);
        // Imports and a setup function may be slow, but not endless.
        let limit = Duration::from_secs_f64(spec.timeout_s.unwrap_or(0.0).max(MIN_TIMEOUT_S));
        let info = self.load_request(&request, limit)?;
        self.launch.function = Some((request, limit));
        Ok(info)
    }

    /// Sends a "load" request and reads what the driver found; a load that takes longer than
    /// `limit` kills the driver.
    pub(super) fn load_request(
        &mut self,
        request: &LoadRequest,
        limit: Duration,
    ) -> Result<FunctionInfo, CpythonError> {
        self.call_within(&Request::Load(request), Some(limit))
    }

    /// From now on, a measurement of the user's function in which no task finishes for
    /// `timeout` times the pool's workers kills this driver and its pool, and fails with
    /// [`CpythonError::TaskTimeout`].
    pub fn set_task_timeout(&mut self, timeout: Option<Duration>) {
        self.task_timeout = timeout;
    }

    /// Hands the serial results this driver keeps for an `==` check, pickled, to the drivers
    /// started after it; false when there are none to hand (none measured yet, or results
    /// that cannot be pickled).
    pub fn share_reference(&mut self) -> Result<bool, CpythonError> {
        let reply: ReferenceReply = self.call(&Request::Reference)?;
        let Some(blob) = reply.reference else {
            return Ok(false);
        };
        if let Some((request, _)) = &mut self.launch.function {
            request.set_reference(blob);
        }
        Ok(true)
    }
}
