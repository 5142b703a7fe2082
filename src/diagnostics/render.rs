//! Rendering diagnostics as text with miette, without colour, in the chosen language. Paths
//! are shown as the source map names them (relative, as given on the command line).

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan,
    SpanContents,
};

use super::{Diagnostic, Lang, Severity, catalog};
use crate::source::{Shown, SourceMap, Span};

/// Lines shown above and below a place in a snippet; a text let go is read again with
/// [`crate::source::AROUND`] lines around a place, so never more.
const CONTEXT_LINES: usize = 1;
const _: () = assert!(CONTEXT_LINES <= crate::source::AROUND);

/// The message, label, help and secondary labels of a diagnostic in `lang`.
pub struct Texts {
    pub message: String,
    pub label: String,
    pub help: Option<String>,
    pub secondary: Vec<String>,
}

/// Looks the diagnostic's texts up in the catalog.
pub fn texts(d: &Diagnostic, lang: Lang) -> Texts {
    let code = d.code.code();
    // A `problem` argument names a variant of the message, itself in the catalog.
    let or = catalog::text(lang, "list.or", &[]).unwrap_or_default();
    let names = d.names.iter().map(|(k, forms)| {
        let shown: Vec<&str> = forms.iter().map(|(zh, en)| if lang == Lang::En { en } else { zh }.as_str()).collect();
        (*k, shortened(lang, &shown.join(&or), ARG_CHARS))
    });
    let plain: Vec<(&str, String)> = d.args.iter().cloned().chain(names.clone()).collect();
    let args: Vec<(&str, String)> = d
        .args
        .iter()
        .map(|(k, v)| match *k {
            "problem" if !v.starts_with('@') => {
                (*k, catalog::text(lang, &format!("{code}.{v}"), &plain).unwrap_or_else(|| v.clone()))
            }
            _ => (*k, shortened(lang, &localize(lang, v, &plain), ARG_CHARS)),
        })
        .chain(names)
        .collect();
    let get = |suffix: &str| catalog::text(lang, &format!("{code}.{suffix}"), &args);
    let help = match &d.suggestion {
        Some(s) => {
            let mut args = args.clone();
            args.push(("suggestion", s.clone()));
            catalog::text(lang, "suggest", &args)
        }
        None => get("help"),
    };
    Texts {
        message: get("message").unwrap_or_else(|| code.to_string()),
        label: get("label").unwrap_or_default(),
        help,
        secondary: d.secondary.iter().map(|(_, key)| get(key).unwrap_or_default()).collect(),
    }
}

/// An argument `@key1|key2|…` is a list of catalog keys (or `\`keywords\``, kept as written),
/// shown in the user's language and filled with the diagnostic's other arguments; any other
/// argument is shown as it is.
pub fn localize(lang: Lang, value: &str, args: &[(&str, String)]) -> String {
    let Some(keys) = value.strip_prefix('@') else { return value.to_string() };
    let items: Vec<String> = keys
        .split('|')
        .map(|k| {
            if k.starts_with('`') {
                k.to_string()
            } else if let Some((key, value)) = k.split_once(':') {
                // `key:value`: the catalog text of `key`, with `{value}` filled in.
                catalog::text(lang, key, &[("value", value.to_string())]).unwrap_or_else(|| k.to_string())
            } else {
                catalog::text(lang, k, args).unwrap_or_else(|| k.to_string())
            }
        })
        .collect();
    items.join(&catalog::text(lang, "list.separator", &[]).unwrap_or_else(|| ", ".to_string()))
}

/// The most characters of a submitted text a message shows (a value, a name, a list of
/// choices); the rest is counted, not printed.
pub const ARG_CHARS: usize = 1000;

/// `text` cut to its first `max` characters, followed by how long it is in all («…（共 N 字）»),
/// when it is longer: a name of a megabyte must not make a report of a gigabyte.
pub fn shortened(lang: Lang, text: &str, max: usize) -> String {
    // No more bytes than `max` is no more characters.
    if text.len() <= max {
        return text.to_string();
    }
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((cut, _)) => {
            let params = [("shown", text[..cut].to_string()), ("count", text.chars().count().to_string())];
            catalog::text(lang, "text.shortened", &params).unwrap_or_else(|| text[..cut].to_string())
        }
    }
}

/// Renders every diagnostic, one after the other, as a user sees them.
pub fn render_all(diagnostics: &[Diagnostic], sources: &SourceMap, lang: Lang) -> String {
    terminal_safe(&diagnostics.iter().map(|d| render(d, sources, lang)).collect::<String>())
}

/// Text for a terminal: control characters from names and submissions (escape sequences that
/// clear the screen or set the window title, bells, carriage returns) are shown as `�`,
/// never obeyed.
pub fn terminal_safe(text: &str) -> String {
    text.chars().map(|c| if c.is_control() && c != '\n' && c != '\t' { '\u{FFFD}' } else { c }).collect()
}

/// Lines longer than this (minified JSON, one-line tables) are shown as a window around the
/// span, never whole: the graphical renderer prints every line it is given in full, and fails
/// past column 65,535.
const LONG_LINE: usize = 400;

/// Characters shown on each side of a span on a long line.
const WINDOW: usize = 40;

/// Whether the line holding `span` is too long to be shown whole.
fn on_long_line(sources: &SourceMap, span: Span) -> bool {
    let file = sources.get(span.file);
    let starts = file.line_starts();
    let at = (span.start as usize).min(file.len());
    let line = starts.partition_point(|&s| s as usize <= at).saturating_sub(1);
    let start = starts.get(line).map_or(0, |&s| s as usize);
    let end = starts.get(line + 1).map_or(file.len(), |&s| s as usize);
    end.saturating_sub(start) > LONG_LINE
}

/// A diagnostic on a long line: its places, each with a window of its line around the span
/// (the first is the primary place).
fn compact(
    code: &str,
    message: &str,
    error: bool,
    sources: &SourceMap,
    places: &[(Span, &str)],
    help: Option<&str>,
) -> String {
    let glyph = if error { "×" } else { "⚠" };
    let mut out = format!("  {glyph} {code}: {message}\n");
    for (i, (span, label)) in places.iter().enumerate() {
        out.push_str(&window(sources, *span, label, if i == 0 { "╭" } else { "├" }));
    }
    if let Some(help) = help {
        out.push_str(&format!("  help: {help}\n"));
    }
    out
}

/// One place of a [`compact`] diagnostic: the file, line and column after `corner`, the
/// characters around the span on its line, and the mark under it with its label.
fn window(sources: &SourceMap, span: Span, label: &str, corner: &str) -> String {
    let file = sources.get(span.file);
    let (line, column) = file.line_col(span.start as usize);
    let text = sources.shown(span.file, span.range());
    let mut at = (span.start as usize).saturating_sub(text.start).min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before: String = text[..at].chars().rev().take_while(|c| *c != '\n').take(WINDOW).collect();
    let before: String = before.chars().rev().collect();
    let after: String = text[at..].chars().take_while(|c| *c != '\n').take(WINDOW).collect();
    let clean = |s: &str| s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>();
    let mut out = format!("   {corner}─[{}:{line}:{column}]\n", file.name);
    let before = clean(&before);
    out.push_str(&format!("   │ …{before}{}…\n", clean(&after)));
    // The mark goes under the value by the columns a terminal gives what is before it: a
    // Chinese character takes two.
    let columns = unicode_width::UnicodeWidthStr::width(format!("…{before}").as_str());
    out.push_str(&format!("   · {}^ {label}\n", " ".repeat(columns)));
    out
}

/// Renders one diagnostic.
pub fn render(d: &Diagnostic, sources: &SourceMap, lang: Lang) -> String {
    let texts = texts(d, lang);
    if on_long_line(sources, d.primary) {
        let error = d.code.severity() == Severity::Error;
        // Each further place in a window of its own: a row of a table, too, is a long line.
        let further = d.secondary.iter().zip(&texts.secondary).map(|((span, _), text)| (*span, text.as_str()));
        let places: Vec<(Span, &str)> = std::iter::once((d.primary, texts.label.as_str())).chain(further).collect();
        let out = compact(d.code.code(), &texts.message, error, sources, &places, texts.help.as_deref());
        return in_language(&out, lang);
    }
    let mut labels = vec![LabeledSpan::new_primary_with_span(Some(texts.label.clone()), source_span(d.primary))];
    let mut related = Vec::new();
    let primary_file = sources.get(d.primary.file);
    let primary_line = primary_file.line_col(d.primary.start as usize).0;
    // A second place on a long line is left out rather than printed whole.
    let shown = d.secondary.iter().zip(&texts.secondary).filter(|((span, _), _)| !on_long_line(sources, *span));
    let mut around = d.primary.range();
    for ((span, _), text) in shown {
        // Places near the primary one share its snippet; far ones get a snippet of their own.
        let near =
            span.file == d.primary.file && primary_file.line_col(span.start as usize).0.abs_diff(primary_line) <= 6;
        if near {
            labels.push(LabeledSpan::new_with_span(Some(text.clone()), source_span(*span)));
            around = around.start.min(span.start as usize)..around.end.max(span.end as usize);
        } else {
            related.push(Report {
                code: None,
                message: text.clone(),
                severity: miette::Severity::Advice,
                help: None,
                source: Source::of(sources, span.file, span.range()),
                labels: vec![LabeledSpan::new_primary_with_span(None, source_span(*span))],
                related: Vec::new(),
            });
        }
    }
    let report = Report {
        code: Some(d.code.code().to_string()),
        message: texts.message,
        severity: match d.code.severity() {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        },
        help: texts.help,
        source: Source::of(sources, d.primary.file, around),
        labels,
        related,
    };
    let mut out = String::new();
    // Rows of a CSV table are long: show the row itself without its neighbours.
    let context = if primary_file.name.to_ascii_lowercase().ends_with(".csv") { 0 } else { CONTEXT_LINES };
    let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(100)
        .with_context_lines(context);
    if handler.render_report(&mut out, &report).is_err() {
        out = format!("{}: {}\n", d.code.code(), report.message);
    }
    in_language(&out, lang)
}

/// miette heads the help line "help:" and each further place "Advice:", in English: both are
/// said in the user's language. The help's label keeps its width (`  提示：` is as wide as
/// `  help: `), so that the help's wrapped lines stay under its first.
fn in_language(out: &str, lang: Lang) -> String {
    let see_also = catalog::text(lang, "render.see_also", &[]).unwrap_or_default();
    let help = catalog::text(lang, "render.help", &[]).unwrap_or_default();
    out.replace("\nAdvice: \n", &format!("\n{see_also}\n")).replace("\n  help: ", &format!("\n  {help}"))
}

/// A finding that is not a diagnostic of the registry (a failed obligation): a headline,
/// the place it points at with its label, further places, and a help line.
pub struct Finding<'a> {
    pub code: String,
    pub error: bool,
    pub message: String,
    pub primary: Option<(Span, String)>,
    pub related: Vec<(Span, String)>,
    pub help: Option<String>,
    pub sources: &'a SourceMap,
    pub lang: Lang,
}

/// Renders a finding like a diagnostic.
pub fn render_finding(f: &Finding<'_>) -> String {
    if let Some((span, label)) = &f.primary
        && on_long_line(f.sources, *span)
    {
        let places = [(*span, label.as_str())];
        return in_language(&compact(&f.code, &f.message, f.error, f.sources, &places, f.help.as_deref()), f.lang);
    }
    let snippet = |span: Span, label: String, primary: bool| Report {
        code: None,
        message: if primary { String::new() } else { label.clone() },
        severity: miette::Severity::Advice,
        help: None,
        source: Source::of(f.sources, span.file, span.range()),
        labels: vec![if primary {
            LabeledSpan::new_primary_with_span(Some(label), source_span(span))
        } else {
            LabeledSpan::new_primary_with_span(None, source_span(span))
        }],
        related: Vec::new(),
    };
    let (source, labels) = match &f.primary {
        Some((span, label)) => (
            Some(Source::of(f.sources, span.file, span.range())),
            vec![LabeledSpan::new_primary_with_span(Some(label.clone()), source_span(*span))],
        ),
        None => (None, Vec::new()),
    };
    let report = Report {
        code: Some(f.code.clone()),
        message: f.message.clone(),
        severity: if f.error { miette::Severity::Error } else { miette::Severity::Warning },
        help: f.help.clone(),
        source: source.unwrap_or(Source { name: "", text: Shown::none(), lines: &[] }),
        labels,
        related: f.related.iter().map(|(span, label)| snippet(*span, label.clone(), false)).collect(),
    };
    let mut out = String::new();
    let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor()).with_width(100);
    if handler.render_report(&mut out, &report).is_err() {
        out = format!("{}: {}\n", f.code, f.message);
    }
    in_language(&out, f.lang)
}

fn source_span(span: Span) -> SourceSpan {
    SourceSpan::new((span.start as usize).into(), (span.end - span.start) as usize)
}

/// A file's text for miette, reporting columns in characters (miette counts bytes, which
/// puts a Chinese character at three columns).
#[derive(Debug)]
struct Source<'s> {
    name: &'s str,
    text: Shown<'s>,
    /// Where each line of `text` starts, so that only the lines around a span are read.
    lines: &'s [u32],
}

impl<'s> Source<'s> {
    /// The source of the places in `range` of `file` (the lines that hold them, and a few
    /// around).
    fn of(sources: &'s SourceMap, file: crate::source::FileId, range: std::ops::Range<usize>) -> Self {
        let f = sources.get(file);
        Source { name: &f.name, text: sources.shown(file, range), lines: f.line_starts() }
    }
}

impl Source<'_> {
    /// The 0-based line and byte offset where reading for `span` may start: `before` lines
    /// above the span's line.
    fn window(&self, span: &SourceSpan, before: usize) -> (usize, usize) {
        let offset = span.offset().min(self.text.start + self.text.len());
        let line = self.lines.partition_point(|&s| s as usize <= offset).saturating_sub(1);
        let first = line.saturating_sub(before);
        let start = self.lines.get(first).map_or(0, |&s| s as usize);
        (first, start.min(offset))
    }
}

impl SourceCode for Source<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        // Only the lines around the span are handed to miette, which reads from the start of
        // what it is given: a long file would be read once per label.
        // `window` is where in the file, `within` where in the text shown, which starts at
        // `self.text.start`.
        let (first, window) = self.window(span, context_lines_before);
        let Some(within) = window.checked_sub(self.text.start).filter(|&w| self.text.is_char_boundary(w)) else {
            return Err(MietteError::OutOfBounds);
        };
        let local = SourceSpan::new((span.offset() - window).into(), span.len());
        // What is handed over starts at a line (`window`): miette, asked for no line before,
        // would show the line from the span on (a CSV row from its marked cell), so it is
        // asked for one, which the text does not have.
        let inner = self.text[within..].read_span(&local, context_lines_before.max(1), context_lines_after)?;
        let shown = SourceSpan::new((inner.span().offset() + window).into(), inner.span().len());
        let mut offset = span.offset().saturating_sub(self.text.start).min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line_start = self.text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let column = self.text.get(line_start..offset).map_or(0, |s| s.chars().count());
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            inner.data(),
            shown,
            inner.line() + first,
            column,
            inner.line_count(),
        )))
    }
}

#[derive(Debug)]
struct Report<'s> {
    code: Option<String>,
    message: String,
    severity: miette::Severity,
    help: Option<String>,
    source: Source<'s>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report<'s>>,
}

impl std::fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.code.as_ref().map(|c| Box::new(c) as Box<dyn std::fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(self.related.iter().map(|r| r as &dyn miette::Diagnostic)))
        }
    }
}
