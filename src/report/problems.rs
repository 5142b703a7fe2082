//! Diagnostics as reports show them: code, severity, message and help in the report's
//! language, and the place (file, line, column). Every format lists them, and on exit 2 a
//! report is nothing but this list, so that a CI dashboard shows what is broken.

use super::{Location, locate};
use crate::diagnostics::codes::Severity;
use crate::diagnostics::{Diagnostic, Lang, catalog, render};
use crate::source::SourceMap;

/// One problem, ready to be written in any format.
#[derive(Clone, Debug)]
pub struct Problem {
    pub code: &'static str,
    pub error: bool,
    pub message: String,
    pub help: Option<String>,
    /// What the mark at `location` says (`sum(grid_households: each) = 3157, households = 3150`,
    /// `wrong type`); empty where there is none.
    pub label: String,
    /// Where in a file; `None` for a problem with the options.
    pub location: Option<Location>,
    /// The other places it names (the first of two duplicates), each with its label.
    pub related: Vec<(Location, String)>,
}

impl Problem {
    /// A problem with the command-line options: an error at no place.
    pub fn usage(message: String) -> Problem {
        let label = String::new();
        Problem { code: USAGE, error: true, message, help: None, label, location: None, related: Vec::new() }
    }

    /// The other places written after the problem, `(the first: file:1:2)`, or nothing; `quote`
    /// writes a place for the medium (a code span in Markdown).
    pub fn also(&self, lang: Lang, quote: impl Fn(String) -> String) -> String {
        let places: Vec<String> = self
            .related
            .iter()
            .map(|(l, label)| {
                let place = quote(format!("{}:{}:{}", l.file, l.line, l.column));
                catalog::text(lang, "report.related", &[("label", label.clone()), ("place", place)]).unwrap_or_default()
            })
            .collect();
        match places.is_empty() {
            true => String::new(),
            false => catalog::text(lang, "report.also", &[("places", places.join("; "))]).unwrap_or_default(),
        }
    }
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
                label: texts.label,
                location: Some(locate(sources, d.primary)),
                related: d
                    .secondary
                    .iter()
                    .zip(texts.secondary)
                    .map(|((span, _), l)| (locate(sources, *span), l))
                    .collect(),
            }
        })
        .collect()
}
