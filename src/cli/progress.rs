//! A progress line on standard error while verdicts are judged, for a person at a terminal:
//! shown only when standard error is one and the judging has lasted a second, redrawn at most
//! ten times a second, and cleared when the judging ends. Pipes and CI logs never see it.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::diagnostics::{Lang, catalog};
use crate::engine::Progress;

/// After how long a judging shows its progress.
const AFTER: Duration = Duration::from_secs(1);

/// How often the line is redrawn at most.
const EVERY: Duration = Duration::from_millis(100);

/// The watcher to give the engine, when standard error is a terminal.
pub fn on_terminal(lang: Lang) -> Option<Box<Progress>> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    // (when this judging started, when the line was last drawn)
    let state: Mutex<(Option<Instant>, Option<Instant>)> = Mutex::new((None, None));
    Some(Box::new(move |done: usize, total: usize| {
        let Ok(mut state) = state.lock() else { return };
        let now = Instant::now();
        let started = *state.0.get_or_insert(now);
        let mut err = std::io::stderr().lock();
        if done >= total {
            if state.1.is_some() {
                let _ = write!(err, "\r\x1b[2K");
            }
            *state = (None, None);
            return;
        }
        let due = state.1.is_none_or(|last| now - last >= EVERY);
        if now - started >= AFTER && due {
            let args = [
                ("done", done.to_string()),
                ("total", total.to_string()),
                ("percent", (done * 100 / total.max(1)).to_string()),
            ];
            let _ = write!(err, "\r{}", catalog::text(lang, "cli.progress", &args).unwrap_or_default());
            state.1 = Some(now);
        }
    }))
}
