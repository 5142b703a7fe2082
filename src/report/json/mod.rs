//! `--format json`, version 2 of the output contract (`spec/cli.md`), written as verdicts are
//! made: the header with the date, the rules and the subjects once, the diagnostics, then one
//! compact verdict per line, then the summary (the counts are known once every verdict is made:
//! members of a JSON object have no order, and so the verdicts are judged once), so that no
//! report is held in memory and its size stays near that of its input. Written by hand
//! ([`emit`]): a report holds hundreds of thousands of verdicts.

mod emit;

use std::io::{self, Write};

use emit::Object;

use super::problems::Problem;
use super::{BlameView, LevelView, Location, RuleView, Subject, ToPassView, TraceView, View, status_word};
use crate::check::model::{Kind, RuleSeverity, Status};
use crate::diagnostics::Lang;
use crate::eval::Val;
use crate::eval::blame::Role;
use rust_decimal::Decimal;

/// What a report says before its verdicts.
pub struct Header<'a> {
    pub lang: Lang,
    /// The latest date a verdict is judged at (empty when none is judged).
    pub as_of: &'a str,
    pub rules: &'a [RuleView],
    pub problems: &'a [Problem],
    /// The parameters given for the run (`--param`), as given.
    pub params: &'a [(String, Decimal)],
}

/// Writes the opening of the report: format, tool, language, date, the rules, and opens the
/// list of the `subjects` the verdicts refer to ([`subject`] writes each, [`after_subjects`]
/// closes it).
pub fn begin(out: &mut (impl Write + ?Sized), h: &Header<'_>) -> io::Result<()> {
    let lang = match h.lang {
        Lang::Zh => "zh",
        Lang::En => "en",
    };
    writeln!(out, "{{")?;
    writeln!(out, "  \"format\": \"plancheck-report/2\",")?;
    writeln!(out, "  \"tool\": {{\"name\": \"plancheck\", \"version\": \"{}\"}},", env!("CARGO_PKG_VERSION"))?;
    writeln!(out, "  \"lang\": \"{lang}\",")?;
    // No date where nothing was judged (a run that could not be used).
    let mut as_of = Vec::new();
    match h.as_of {
        "" => as_of.extend_from_slice(b"null"),
        date => emit::string(&mut as_of, date),
    }
    out.write_all(b"  \"as_of\": ")?;
    out.write_all(&as_of)?;
    out.write_all(b",\n")?;
    if !h.params.is_empty() {
        list(out, "params", h.params.iter(), |buf, (name, value)| {
            let mut m = Object::new(buf);
            m.str("name", name);
            emit::number(m.key("value"), *value);
            m.end();
        })?;
    }
    list(out, "rules", h.rules.iter(), rule)?;
    out.write_all(b"  \"subjects\": [")
}

/// Writes a subject of the list on a line of its own; `first` for the first of the list.
pub fn subject(buf: &mut Vec<u8>, s: &Subject, first: bool) {
    buf.extend_from_slice(if first { b"\n    " } else { b",\n    " });
    described(buf, s);
}

/// Closes the list of subjects (`any`: it holds one), writes the diagnostics and opens the
/// list of verdicts.
pub fn after_subjects(out: &mut (impl Write + ?Sized), h: &Header<'_>, any: bool) -> io::Result<()> {
    out.write_all(if any { b"\n  ],\n" } else { b"],\n" })?;
    list(out, "diagnostics", h.problems.iter(), diagnosed)?;
    write!(out, "  \"verdicts\": [")
}

/// Writes `"name": [ … ],` with one element per line, a buffer at a time.
fn list<T>(
    out: &mut (impl Write + ?Sized),
    name: &str,
    items: impl Iterator<Item = T>,
    mut each: impl FnMut(&mut Vec<u8>, T),
) -> io::Result<()> {
    const FLUSH: usize = 1 << 16;
    let mut buf = Vec::with_capacity(FLUSH + 1024);
    write!(buf, "  \"{name}\": [")?;
    let mut any = false;
    for item in items {
        buf.extend_from_slice(if any { b",\n    " } else { b"\n    " });
        each(&mut buf, item);
        any = true;
        if buf.len() >= FLUSH {
            out.write_all(&buf)?;
            buf.clear();
        }
    }
    buf.extend_from_slice(if any { b"\n  ],\n" } else { b"],\n" });
    out.write_all(&buf)
}

/// Writes one verdict on a line of its own; `first` for the first of the report. A verdict
/// that is not a pass carries its explanation, blame and what would pass; a pass its
/// explanation only when `explained`; the trace is written where the view has one.
pub fn verdict(out: &mut Vec<u8>, v: &View, explained: bool, first: bool) {
    out.extend_from_slice(if first { b"\n    " } else { b",\n    " });
    let mut m = Object::new(out);
    m.str("rule", &v.rule);
    reference(m.key("subject"), &v.subject);
    m.str("status", status_word(v.status));
    let threshold = v.threshold_number();
    compared(m.key("actual"), v.actual.as_ref(), threshold);
    // A requirement computed from the data (the 4+N's households) is the verdict's own; one
    // the rules write is in `rules` (at each level, where there are several).
    if let Some(requirement) = &v.own_requirement {
        m.str("requirement", requirement);
    }
    if v.status != Status::Pass || explained {
        m.str("explanation", &v.explanation);
    }
    if v.status != Status::Pass {
        m.array("blame", &v.blame, blamed);
        if v.blame_more > 0 {
            m.count("blame_more", v.blame_more);
        }
        m.array("to_pass", &v.to_pass, change);
    }
    if let Some(p) = &v.progress {
        progress(m.key("progress"), p, v.actual.as_ref());
    }
    if let Some(trace) = &v.trace {
        node_against(m.key("trace"), trace, threshold);
    }
    m.end();
}

/// A compared value: a number never rounded onto or across its threshold.
fn compared(out: &mut Vec<u8>, v: Option<&Val>, threshold: Option<Decimal>) {
    match v {
        Some(Val::Num(n)) => emit::number_against(out, *n, threshold),
        other => emit::value(out, other),
    }
}

/// Writes a pass that is not explained: rule, subject, status and value. The rule's id and the
/// subject's level and code come as JSON ([`quoted`], [`code_of`]): they repeat from verdict
/// to verdict and are escaped once.
pub fn brief(
    out: &mut Vec<u8>,
    rule: &[u8],
    (level, code): (&[u8], &[u8]),
    actual: Option<&Val>,
    requirement: Option<&str>,
    first: bool,
) {
    out.extend_from_slice(if first { b"\n    " } else { b",\n    " });
    let mut m = Object::new(out);
    m.raw("rule", rule);
    let mut s = Object::new(m.key("subject"));
    s.raw("level", level);
    s.raw("code", code);
    s.end();
    m.raw("status", b"\"pass\"");
    m.value("actual", actual);
    if let Some(requirement) = requirement {
        m.str("requirement", requirement);
    }
    m.end();
}

/// A subject's code as a JSON string, for [`brief`], then its year (`"120112","year":2024`)
/// where the run holds several: what follows `"code":` in a reference to it.
pub fn code_of(s: &Subject) -> Box<[u8]> {
    let mut out = quoted(&s.code).into_vec();
    if let Some(year) = s.year {
        out.extend_from_slice(b",\"year\":");
        emit::number(&mut out, Decimal::from(year));
    }
    out.into_boxed_slice()
}

/// A text as a JSON string, for [`brief`].
pub fn quoted(text: &str) -> Box<[u8]> {
    let mut out = Vec::with_capacity(text.len() + 2);
    emit::string(&mut out, text);
    out.into_boxed_slice()
}

/// Closes the list of verdicts (`any`: it holds one) and the report, with their count by
/// status.
pub fn end(out: &mut (impl Write + ?Sized), any: bool, counts: &[usize; 6]) -> io::Result<()> {
    let mut summary = serde_json::Map::new();
    for (i, (word, _)) in Status::ALL.iter().enumerate() {
        summary.insert((*word).to_string(), counts[i].into());
    }
    out.write_all(if any { b"\n  ],\n" } else { b"],\n" })?;
    writeln!(out, "  \"summary\": {}", serde_json::to_string(&summary)?)?;
    writeln!(out, "}}")
}

/// A rule, once: `{"id", "title", "kind", "severity", "requirement", "unit", "levels", "due",
/// "departments", "sources"}`.
fn rule(out: &mut Vec<u8>, r: &RuleView) {
    let mut m = Object::new(out);
    m.str("id", &r.id);
    m.str("title", &r.title);
    m.str("kind", kind_word(r.kind));
    m.str("severity", severity_word(r.severity));
    m.opt_str("requirement", r.requirement.as_deref());
    m.opt_str("unit", r.unit.as_deref());
    if !r.levels.is_empty() {
        m.array("levels", &r.levels, |out, l: &LevelView| {
            let mut level = Object::new(out);
            level.str("level", &l.level);
            level.opt_str("requirement", l.requirement.as_deref());
            level.opt_str("unit", l.unit.as_deref());
            level.end();
        });
    }
    m.opt_str("due", r.due.as_deref());
    m.array("departments", &r.departments, |out, d| emit::string(out, d));
    m.array("sources", &r.sources, |out, (section, quote)| {
        let mut s = Object::new(out);
        s.str("section", section);
        s.str("quote", quote);
        s.end();
    });
    m.end();
}

fn kind_word(kind: Kind) -> &'static str {
    match kind {
        Kind::Binding => "binding",
        Kind::Expected => "expected",
    }
}

fn severity_word(severity: RuleSeverity) -> &'static str {
    match severity {
        RuleSeverity::Error => "error",
        RuleSeverity::Warning => "warning",
        RuleSeverity::Info => "info",
    }
}

/// A subject, once: `{"code", "level", "name", "path"}`.
fn described(out: &mut Vec<u8>, s: &Subject) {
    let mut m = Object::new(out);
    m.str("code", &s.code);
    m.str("level", &s.level);
    m.str("name", &s.name);
    m.array("path", &s.path, |out, step| emit::string(out, step));
    if let Some(year) = s.year {
        emit::number(m.key("year"), Decimal::from(year));
    }
    m.end();
}

/// A diagnostic: `{"code", "severity", "message", "help", "label", "location", "related"}`.
fn diagnosed(out: &mut Vec<u8>, p: &Problem) {
    let mut m = Object::new(out);
    m.str("code", p.code);
    m.str("severity", if p.error { "error" } else { "warning" });
    m.str("message", &p.message);
    if let Some(help) = &p.help {
        m.str("help", help);
    }
    if !p.label.is_empty() {
        m.str("label", &p.label);
    }
    match &p.location {
        Some(l) => place(m.key("location"), l),
        None => m.raw("location", b"null"),
    }
    if !p.related.is_empty() {
        m.array("related", &p.related, |out, (l, label)| {
            let mut r = Object::new(out);
            r.str("message", label);
            place(r.key("location"), l);
            r.end();
        });
    }
    m.end();
}

/// A subject by level and code, as verdicts name it.
fn reference(out: &mut Vec<u8>, s: &Subject) {
    let mut m = Object::new(out);
    m.str("level", &s.level);
    m.str("code", &s.code);
    if let Some(year) = s.year {
        emit::number(m.key("year"), Decimal::from(year));
    }
    m.end();
}

/// Where a target not yet due stands: `{"expected", "baseline": {"value", "date", "subject"}}`,
/// `null` for each where there is no baseline.
fn progress(out: &mut Vec<u8>, p: &super::ProgressView, actual: Option<&Val>) {
    let mut m = Object::new(out);
    // The path's value with the digits it takes not to meet the actual value it is not.
    let actual = match actual {
        Some(Val::Num(n)) => Some(*n),
        _ => None,
    };
    match p.expected {
        Some(e) => emit::number_against(m.key("expected"), e, actual),
        None => m.value("expected", None),
    }
    match &p.baseline {
        Some(b) => {
            let mut o = Object::new(m.key("baseline"));
            emit::number(o.key("value"), b.value);
            o.str("date", &b.date);
            if let Some(s) = &b.subject {
                reference(o.key("subject"), s);
            }
            o.end();
        }
        None => m.value("baseline", None),
    }
    m.end();
}

/// A derivation node: `{"label", "title", "value", "location", "inputs", "omitted_inputs"}`.
fn node(out: &mut Vec<u8>, t: &TraceView) {
    node_against(out, t, None);
}

/// A derivation whose value is compared with `threshold` (the root of a verdict's).
fn node_against(out: &mut Vec<u8>, t: &TraceView, threshold: Option<Decimal>) {
    let mut m = Object::new(out);
    m.str("label", &t.label);
    m.str("title", &t.title);
    compared(m.key("value"), t.value.as_ref(), threshold);
    if let Some(l) = &t.location {
        place(m.key("location"), l);
    }
    if !t.inputs.is_empty() {
        m.array("inputs", &t.inputs, node);
    }
    if t.omitted > 0 {
        m.count("omitted_inputs", t.omitted);
    }
    m.end();
}

/// A blamed value: `{"input", "title", "value", "role", "record", "unit", "own", "of",
/// "location"}`.
fn blamed(out: &mut Vec<u8>, b: &BlameView) {
    let mut m = Object::new(out);
    m.str("input", &b.input);
    m.str("title", &b.title);
    m.value("value", b.value.as_ref());
    let role = match b.role {
        Role::Decides => "decides",
        Role::Threshold => "threshold",
        Role::Missing => "missing",
        Role::Null => "null",
    };
    m.str("role", role);
    if let Some(record) = &b.record {
        m.str("record", record);
    }
    if let Some(unit) = &b.unit {
        m.str("unit", &unit.name);
        if let Some((n, d)) = unit.own {
            emit::number(m.key("own"), n);
            if let Some(d) = d {
                emit::number(m.key("of"), d);
            }
        }
    }
    if let Some(l) = &b.location {
        place(m.key("location"), l);
    }
    m.end();
}

/// What would pass: `{"input", "title", "from", "to", "unit", "record", "location"}`: the record
/// where it is not the subject, with the value's place, as for an item of a list.
fn change(out: &mut Vec<u8>, t: &ToPassView) {
    let mut m = Object::new(out);
    m.str("input", &t.input);
    m.str("title", &t.title);
    m.value("from", Some(&t.from));
    m.value("to", Some(&t.to));
    if !t.one_of.is_empty() {
        m.array("one_of", &t.one_of, |out, v| emit::value(out, Some(v)));
    }
    if let Some(unit) = &t.unit {
        m.str("unit", unit);
    }
    if let Some(record) = &t.record {
        m.str("record", record);
    }
    if let Some(location) = &t.location {
        place(m.key("location"), location);
    }
    m.end();
}

/// A file location: `{"file", "line", "column"}`.
fn place(out: &mut Vec<u8>, l: &Location) {
    let mut m = Object::new(out);
    m.str("file", &l.file);
    m.count("line", l.line);
    m.count("column", l.column);
    m.end();
}
