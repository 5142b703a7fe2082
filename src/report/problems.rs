//! Diagnostics as reports show them: code, severity, message and help in the report's
//! language, and the place (file, line, column). Every format lists them, and on exit 2 a
//! report is nothing but this list, so that a CI dashboard shows what is broken.

use super::{Location, locate};
use crate::diagnostics::codes::Severity;
use crate::diagnostics::{Diagnostic, Lang, render};
use crate::source::SourceMap;

/// One problem, ready to be written in any format.
#[derive(Clone, Debug)]
pub struct Problem {
    pub code: &'static str,
    pub error: bool,
    pub message: String,
    pub help: Option<String>,
    /// Where in a file; `None` for a problem with the options.
    pub location: Option<Location>,
}

/// The code of a problem with the command-line options (a usage error).
pub const USAGE: &str = "usage";

/// The problems of a run, in the order given.
pub fn problems(diagnostics: &[Diagnostic], sources: &SourceMap, lang: Lang) -> Vec<Problem> {
    diagnostics
        .iter()
        .map(|d| {
            let texts = render::texts(d, lang);
            Problem {
                code: d.code.code(),
                error: d.code.severity() == Severity::Error,
                message: texts.message,
                help: texts.help,
                location: Some(locate(sources, d.primary)),
            }
        })
        .collect()
}
