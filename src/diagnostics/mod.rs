//! Structured diagnostics: a [`Code`], arguments, spans and an optional suggestion. The
//! library only builds them; [`render`] turns them into text in the user's language.

pub mod catalog;
pub mod codes;
pub mod render;
pub mod suggest;

pub use codes::{Code, Severity};

use crate::source::Span;

/// The language of user-facing text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

/// One problem found in a rules file (or, later, a submission).
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub code: Code,
    /// Named values substituted into the message, label and help templates.
    pub args: Vec<(&'static str, String)>,
    /// Named values with a Chinese and an English form (an entity's name), one or several:
    /// the message takes the forms of its language, several joined by "or" (`list.or`).
    pub names: Vec<(&'static str, Vec<(String, String)>)>,
    pub primary: Span,
    /// Further places, each with the catalog key suffix of its label (`related`, `cycle` …).
    pub secondary: Vec<(Span, &'static str)>,
    /// "did you mean" candidate, already chosen.
    pub suggestion: Option<String>,
}

impl Diagnostic {
    pub fn new(code: Code, primary: Span) -> Self {
        Diagnostic { code, args: Vec::new(), names: Vec::new(), primary, secondary: Vec::new(), suggestion: None }
    }

    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, value.to_string()));
        self
    }

    /// An argument with a Chinese and an English form (an entity's name): the message shows
    /// the one of its language.
    pub fn arg_in(self, name: &'static str, named: (impl ToString, impl ToString)) -> Self {
        self.arg_any_of(name, [named])
    }

    /// An argument that is one of several names, each with a Chinese and an English form: the
    /// message shows those of its language, joined by "or" in that language.
    pub fn arg_any_of(
        mut self,
        name: &'static str,
        named: impl IntoIterator<Item = (impl ToString, impl ToString)>,
    ) -> Self {
        self.names.push((name, named.into_iter().map(|(zh, en)| (zh.to_string(), en.to_string())).collect()));
        self
    }

    pub fn with(mut self, span: Span, label: &'static str) -> Self {
        self.secondary.push((span, label));
        self
    }

    pub fn suggest(mut self, candidate: Option<String>) -> Self {
        self.suggestion = candidate;
        self
    }

    pub fn is_error(&self) -> bool {
        self.code.severity() == Severity::Error
    }
}

/// What makes two diagnostics the same problem: code, place and arguments.
type Identity = (&'static str, Span, Vec<(&'static str, String)>);

/// A collection of diagnostics, in the order they were found.
#[derive(Debug, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }

    /// Orders by place (keeping the order of equal places), and keeps one of identical
    /// problems: a rule judged at two levels (`applies to district, city`) would otherwise
    /// report its one mistake once per level. A warning at the very place of an error is
    /// dropped: it follows from what the error says (a reporting year of 0 is not a year, so
    /// it is not in the plan period either).
    pub fn sort(&mut self) {
        self.0.sort_by_key(|d| (d.primary.file, d.primary.start));
        let mut seen: std::collections::HashSet<Identity> = std::collections::HashSet::new();
        self.0.retain(|d| seen.insert((d.code.code(), d.primary, d.args.clone())));
        let errors: std::collections::HashSet<Span> =
            self.0.iter().filter(|d| d.is_error()).map(|d| d.primary).collect();
        self.0.retain(|d| d.is_error() || !errors.contains(&d.primary));
    }
}
