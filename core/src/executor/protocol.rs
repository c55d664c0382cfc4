//! The messages between a `ProcessPool` and its worker processes: one JSON object per line,
//! requests on the worker's stdin, responses on its stdout.
//!
//! A worker's first line is its hello, `{"worker":0,"pid":4242}`, sent as soon as it is up
//! (the pool learns the pids of the workers the first one copied from it). A request is `{"id":7,"task":{"kind":"burn_cpu","iterations":1000}}`; a response is
//! `{"id":7,"outcome":{"Ok":{"value":..,"worker":0,"start_s":..,"end_s":..}}}` or
//! `{"id":7,"outcome":{"Err":{"Panicked":"..."}}}`. Lines keep framing trivial and the
//! stream readable when debugging (`echo '{"id":0,"task":{"kind":"noop"}}' | gilbench-worker`).
//!
//! A payload task's bytes travel as a binary frame: the request line says how many
//! (`{"kind":"payload","iterations":..,"bytes":N}`) and exactly N raw bytes follow its
//! newline; the worker gives them back the same way (`"bytes":N` in the response, then N raw
//! bytes). Every other message is a line alone.

use serde::{Deserialize, Serialize};

use super::future::TaskOutcome;
use crate::error::TaskError;
use crate::workload::Task;

/// Worker to parent, once, first: which worker this is, and its process id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hello {
    /// The worker's index in its pool.
    pub worker: usize,
    /// Its process id.
    pub pid: u32,
}

/// Parent to worker: run this task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The pool's id for the task, echoed in the response.
    pub id: u64,
    /// What to run.
    pub task: Task,
}

/// Worker to parent: how the task with this id ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The request's id.
    pub id: u64,
    /// The value and timing, or the task's error.
    pub outcome: Result<TaskOutcome, TaskError>,
    /// Raw bytes that follow the line (a payload given back).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub bytes: u64,
}

fn is_zero(bytes: &u64) -> bool {
    *bytes == 0
}

/// Appends one request (its JSON line, then a payload's raw bytes) to `buffer`.
pub fn encode_request(request: &Request, buffer: &mut Vec<u8>) -> Result<(), serde_json::Error> {
    serde_json::to_writer(&mut *buffer, request)?;
    buffer.push(b'\n');
    if let Task::Payload { data, .. } = &request.task {
        buffer.extend_from_slice(data.bytes());
    }
    Ok(())
}

/// Reads the raw bytes a payload request announced from `reader` into the task.
pub fn read_payload(task: &mut Task, reader: &mut impl std::io::Read) -> std::io::Result<()> {
    if let Task::Payload { bytes, data, .. } = task {
        *data = crate::workload::Payload(std::sync::Arc::new(read_bytes(*bytes, reader)?));
    }
    Ok(())
}

/// Reads exactly `bytes` raw bytes (at most [`crate::limits::PAYLOAD_BYTES`]).
pub fn read_bytes(bytes: u64, reader: &mut impl std::io::Read) -> std::io::Result<Vec<u8>> {
    crate::limits::PAYLOAD_BYTES.check(bytes).map_err(std::io::Error::other)?;
    let mut buffer = vec![0_u8; usize::try_from(bytes).map_err(std::io::Error::other)?];
    reader.read_exact(&mut buffer)?;
    Ok(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_and_responses_are_single_lines_that_round_trip() {
        let mut line = Vec::new();
        let request = Request { id: 3, task: Task::Fail { message: "a\nb".into() } };
        encode_request(&request, &mut line).expect("encode");
        assert_eq!(line.iter().filter(|&&b| b == b'\n').count(), 1);
        let back: Request = serde_json::from_slice(&line).expect("decode");
        assert_eq!(back, request);
        let response = Response { id: 3, outcome: Err(TaskError::Panicked("p".into())), bytes: 0 };
        let text = serde_json::to_string(&response).expect("encode");
        assert_eq!(serde_json::from_str::<Response>(&text).expect("decode"), response);
    }
}
