//! Progress of a run on stderr: an indicatif bar on a terminal (against the budget where the
//! run has one: the time spent of the time allowed; else against the estimate, with an ETA),
//! one plain line per measurement otherwise, nothing when quiet.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressMode {
    /// A bar when stderr is a terminal, plain lines otherwise.
    Auto,
    /// Plain lines.
    Lines,
    /// Nothing.
    Quiet,
}

/// Reports a run's progress.
pub struct Progress {
    mode: ProgressMode,
    bar: Option<ProgressBar>,
    total_steps: usize,
    done_steps: usize,
    /// The bar counts the budget's milliseconds, not the estimates'.
    against_budget: bool,
}

impl Progress {
    /// Starts reporting a run of `steps` measurements estimated at `estimate_s` seconds,
    /// within `budget_s` seconds where it has a budget.
    pub fn start(mode: ProgressMode, steps: usize, estimate_s: f64, budget_s: Option<f64>) -> Self {
        let mode = match mode {
            ProgressMode::Auto if !std::io::stderr().is_terminal() => ProgressMode::Lines,
            other => other,
        };
        let against_budget = budget_s.is_some_and(|budget| budget < estimate_s * 1.5);
        let length = if against_budget { budget_s.unwrap_or(estimate_s) } else { estimate_s };
        let template = if against_budget {
            let budget = length.round() as u64;
            format!(
                "{{bar:30.cyan/blue}} {{elapsed_precise}} of {:02}:{:02}:{:02} {{wide_msg}}",
                budget / 3600,
                budget / 60 % 60,
                budget % 60
            )
        } else {
            "{bar:30.cyan/blue} {percent:>3}% {elapsed_precise} eta {eta} {prefix} {wide_msg}"
                .into()
        };
        let bar = (mode == ProgressMode::Auto).then(|| {
            let bar = ProgressBar::with_draw_target(
                Some((length * 1000.0).max(1.0) as u64),
                ProgressDrawTarget::stderr(),
            );
            let style = ProgressStyle::with_template(&template)
                .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Self { mode, bar, total_steps: steps, done_steps: 0, against_budget }
    }

    /// Prints a line in plain-line mode only (logs keep it; a terminal's bar does not).
    pub fn log(&self, message: &str) {
        if self.mode == ProgressMode::Lines {
            eprintln!("{message}");
        }
    }

    /// Measuring has taken `elapsed_s` seconds (the bar against a budget shows it).
    pub fn spent(&self, elapsed_s: f64) {
        if let (Some(bar), true) = (&self.bar, self.against_budget) {
            bar.set_position((elapsed_s * 1000.0) as u64);
        }
    }

    /// Prints a message above the bar (or as a line), unless quiet.
    pub fn note(&self, message: &str) {
        match (&self.bar, self.mode) {
            (_, ProgressMode::Quiet) => {}
            (Some(bar), _) => bar.println(message),
            (None, _) => eprintln!("{message}"),
        }
    }

    /// `steps` more measurements, estimated at `estimate_s` seconds, joined the run.
    pub fn extend(&mut self, steps: usize, estimate_s: f64) {
        self.total_steps += steps;
        if let (Some(bar), false) = (&self.bar, self.against_budget) {
            bar.inc_length((estimate_s * 1000.0) as u64);
        }
    }

    /// A measurement is starting.
    pub fn begin(&mut self, label: &str) {
        if let Some(bar) = &self.bar {
            bar.set_prefix(format!("[{}/{}]", self.done_steps + 1, self.total_steps));
            bar.set_message(label.to_string());
        }
    }

    /// A measurement ended; `estimate_s` is what it was expected to take.
    pub fn end(&mut self, label: &str, outcome: Result<f64, &str>, estimate_s: f64) {
        self.done_steps += 1;
        match (&self.bar, self.mode) {
            (Some(bar), _) if !self.against_budget => bar.inc((estimate_s * 1000.0) as u64),
            (Some(_), _) => {}
            (None, ProgressMode::Lines) => match outcome {
                Ok(seconds) => {
                    eprintln!("[{}/{}] {label}: {seconds:.3} s", self.done_steps, self.total_steps)
                }
                Err(error) => {
                    eprintln!("[{}/{}] {label}: failed: {error}", self.done_steps, self.total_steps)
                }
            },
            _ => {}
        }
    }

    /// The run is over.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
