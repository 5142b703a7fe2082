//! `--format json`, version 2 of the output contract (`spec/cli.md`), written as verdicts are
//! made: the header with the date, the rules and the subjects once, the diagnostics, then one
//! compact verdict per line, then the summary (the counts are known once every verdict is made:
//! members of a JSON object have no order, and so the verdicts are judged once), so that no
//! report is held in memory and its size stays near that of its input.

use std::io::{self, Write};

use rust_decimal::RoundingStrategy;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::problems::Problem;
use super::{BlameView, Location, RuleView, Subject, ToPassView, TraceView, View, status_word};
use crate::check::model::{Kind, RuleSeverity, Status};
use crate::diagnostics::Lang;
use crate::eval::Val;
use crate::eval::blame::Role;

/// What a report says before its verdicts.
pub struct Header<'a> {
    pub lang: Lang,
    /// The latest date a verdict is judged at (empty when none is judged).
    pub as_of: &'a str,
    pub rules: &'a [RuleView],
    pub problems: &'a [Problem],
}

/// Writes the opening of the report: format, tool, language, date, the rules and `subjects`
/// the verdicts refer to (written as they come, not held), and the diagnostics.
pub fn begin(
    out: &mut (impl Write + ?Sized),
    h: &Header<'_>,
    subjects: impl Iterator<Item = Subject>,
) -> io::Result<()> {
    let lang = match h.lang {
        Lang::Zh => "zh",
        Lang::En => "en",
    };
    writeln!(out, "{{")?;
    writeln!(out, "  \"format\": \"plancheck-report/2\",")?;
    writeln!(out, "  \"tool\": {{\"name\": \"plancheck\", \"version\": \"{}\"}},", env!("CARGO_PKG_VERSION"))?;
    writeln!(out, "  \"lang\": \"{lang}\",")?;
    writeln!(out, "  \"as_of\": {},", serde_json::to_string(h.as_of)?)?;
    list(out, "rules", h.rules.iter().map(Rule))?;
    list(out, "subjects", subjects.map(Described))?;
    list(out, "diagnostics", h.problems.iter().map(Diagnosed))?;
    write!(out, "  \"verdicts\": [")
}

/// Writes `"name": [ … ],` with one element per line.
fn list<T: Serialize>(out: &mut (impl Write + ?Sized), name: &str, items: impl Iterator<Item = T>) -> io::Result<()> {
    write!(out, "  \"{name}\": [")?;
    let mut any = false;
    for item in items {
        out.write_all(if any { b",\n    " } else { b"\n    " })?;
        serde_json::to_writer(&mut *out, &item)?;
        any = true;
    }
    out.write_all(if any { b"\n  ],\n" } else { b"],\n" })
}

/// Writes one verdict on a line of its own; `first` for the first of the report. A verdict
/// that is not a pass carries its explanation, blame and what would pass; a pass its
/// explanation only when `explained`; the trace is written where the view has one.
pub fn verdict(out: &mut (impl Write + ?Sized), v: &View, explained: bool, first: bool) -> io::Result<()> {
    out.write_all(if first { b"\n    " } else { b",\n    " })?;
    serde_json::to_writer(&mut *out, &Verdict(v, explained))?;
    Ok(())
}

/// Writes a pass that is not explained: rule, subject, status and value.
pub fn brief(
    out: &mut (impl Write + ?Sized),
    rule: &str,
    (level, code): (&str, &str),
    actual: Option<&Val>,
    first: bool,
) -> io::Result<()> {
    out.write_all(if first { b"\n    " } else { b",\n    " })?;
    let mut m = serde_json::Serializer::new(&mut *out);
    let mut map = m.serialize_map(Some(4)).map_err(io::Error::from)?;
    map.serialize_entry("rule", rule)?;
    map.serialize_entry("subject", &Ref { level, code })?;
    map.serialize_entry("status", status_word(Status::Pass))?;
    map.serialize_entry("actual", &actual.map(Plain))?;
    SerializeMap::end(map)?;
    Ok(())
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

/// A rule, once: `{"id", "title", "kind", "severity", "requirement", "unit", "due",
/// "departments", "sources"}`.
struct Rule<'v>(&'v RuleView);

impl Serialize for Rule<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut m = s.serialize_map(Some(9))?;
        m.serialize_entry("id", &r.id)?;
        m.serialize_entry("title", &r.title)?;
        m.serialize_entry("kind", kind_word(r.kind))?;
        m.serialize_entry("severity", severity_word(r.severity))?;
        m.serialize_entry("requirement", &r.requirement)?;
        m.serialize_entry("unit", &r.unit)?;
        m.serialize_entry("due", &r.due)?;
        m.serialize_entry("departments", &r.departments)?;
        let sources: Vec<Source<'_>> = r.sources.iter().map(|(section, quote)| Source { section, quote }).collect();
        m.serialize_entry("sources", &sources)?;
        m.end()
    }
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
struct Described(Subject);

impl Serialize for Described {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("code", &self.0.code)?;
        m.serialize_entry("level", &self.0.level)?;
        m.serialize_entry("name", &self.0.name)?;
        m.serialize_entry("path", &self.0.path)?;
        m.end()
    }
}

/// A diagnostic: `{"code", "severity", "message", "help", "location"}`.
struct Diagnosed<'v>(&'v Problem);

impl Serialize for Diagnosed<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.0;
        let mut m = s.serialize_map(Some(5))?;
        m.serialize_entry("code", p.code)?;
        m.serialize_entry("severity", if p.error { "error" } else { "warning" })?;
        m.serialize_entry("message", &p.message)?;
        if let Some(help) = &p.help {
            m.serialize_entry("help", help)?;
        }
        m.serialize_entry("location", &p.location.as_ref().map(Place))?;
        m.end()
    }
}

/// A verdict, and whether a pass is explained.
struct Verdict<'v>(&'v View, bool);

impl Serialize for Verdict<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Verdict(v, explained) = *self;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("rule", &v.rule)?;
        m.serialize_entry("subject", &Ref { level: &v.subject.level, code: &v.subject.code })?;
        m.serialize_entry("status", status_word(v.status))?;
        m.serialize_entry("actual", &v.actual.as_ref().map(Plain))?;
        // A requirement computed from the data (the 4+N's households) is the verdict's own.
        if v.requirement.is_some() && v.requirement != v.rule_requirement {
            m.serialize_entry("requirement", &v.requirement)?;
        }
        if v.status != Status::Pass || explained {
            m.serialize_entry("explanation", &v.explanation)?;
        }
        if v.status != Status::Pass {
            m.serialize_entry("blame", &v.blame.iter().map(Blamed).collect::<Vec<_>>())?;
            if v.blame_more > 0 {
                m.serialize_entry("blame_more", &v.blame_more)?;
            }
            m.serialize_entry("to_pass", &v.to_pass.iter().map(Change).collect::<Vec<_>>())?;
        }
        if let Some(trace) = &v.trace {
            m.serialize_entry("trace", &Node(trace))?;
        }
        m.end()
    }
}

/// A subject by level and code, as verdicts name it.
#[derive(Serialize)]
struct Ref<'v> {
    level: &'v str,
    code: &'v str,
}

#[derive(Serialize)]
struct Source<'v> {
    section: &'v str,
    quote: &'v str,
}

/// A value as plain JSON: numbers rounded to four decimals.
struct Plain<'v>(&'v Val);

impl Serialize for Plain<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Val::Num(n) => {
                let r = n.round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero).normalize();
                match (r.scale(), r.to_i64(), r.to_f64()) {
                    (0, Some(i), _) => s.serialize_i64(i),
                    (_, _, Some(f)) => s.serialize_f64(f),
                    _ => s.serialize_none(),
                }
            }
            Val::Bool(b) => s.serialize_bool(*b),
            Val::Text(t) => s.serialize_str(t),
            Val::Date(d) => s.collect_str(d),
        }
    }
}

struct Node<'v>(&'v TraceView);

impl Serialize for Node<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let t = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("label", &t.label)?;
        m.serialize_entry("title", &t.title)?;
        m.serialize_entry("value", &t.value.as_ref().map(Plain))?;
        if let Some(l) = &t.location {
            m.serialize_entry("location", &Place(l))?;
        }
        if !t.inputs.is_empty() {
            m.serialize_entry("inputs", &t.inputs.iter().map(Node).collect::<Vec<_>>())?;
        }
        if t.omitted > 0 {
            m.serialize_entry("omitted_inputs", &t.omitted)?;
        }
        m.end()
    }
}

/// A blamed value: `{"input", "title", "value", "location", …}`.
struct Blamed<'v>(&'v BlameView);

impl Serialize for Blamed<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let b = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("input", &b.input)?;
        m.serialize_entry("title", &b.title)?;
        m.serialize_entry("value", &b.value.as_ref().map(Plain))?;
        let role = match b.role {
            Role::Decides => "decides",
            Role::Threshold => "threshold",
            Role::Missing => "missing",
            Role::Null => "null",
        };
        m.serialize_entry("role", role)?;
        if let Some(record) = &b.record {
            m.serialize_entry("record", record)?;
        }
        if let Some((unit, own)) = &b.unit {
            m.serialize_entry("unit", unit)?;
            if let Some((n, d)) = own {
                m.serialize_entry("own", &Plain(&Val::Num(*n)))?;
                if let Some(d) = d {
                    m.serialize_entry("of", &Plain(&Val::Num(*d)))?;
                }
            }
        }
        if let Some(l) = &b.location {
            m.serialize_entry("location", &Place(l))?;
        }
        m.end()
    }
}

/// What would pass: `{"input", "title", "from", "to", "unit"}`.
struct Change<'v>(&'v ToPassView);

impl Serialize for Change<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let t = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("input", &t.input)?;
        m.serialize_entry("title", &t.title)?;
        m.serialize_entry("from", &Plain(&t.from))?;
        m.serialize_entry("to", &Plain(&t.to))?;
        if let Some(unit) = &t.unit {
            m.serialize_entry("unit", unit)?;
        }
        m.end()
    }
}

/// A file location as `{"file", "line", "column"}`.
pub struct Place<'l>(pub &'l Location);

impl Serialize for Place<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("file", &self.0.file)?;
        m.serialize_entry("line", &self.0.line)?;
        m.serialize_entry("column", &self.0.column)?;
        m.end()
    }
}
