//! `--format json`: the output contract of `spec/cli.md`, written as verdicts are made: the
//! header and summary first, then one verdict per line, so that no report is held in memory.

use std::io::{self, Write};

use rust_decimal::RoundingStrategy;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::{BlameView, Location, ToPassView, TraceView, View, status_word};
use crate::check::model::{Kind, RuleSeverity, Status};
use crate::eval::Val;
use crate::eval::blame::Role;

/// Writes the opening of the report: tool, date and the summary of all verdicts.
pub fn begin(out: &mut (impl Write + ?Sized), counts: &[usize; 6], as_of: &str) -> io::Result<()> {
    let mut summary = serde_json::Map::new();
    for (i, (word, _)) in Status::ALL.iter().enumerate() {
        summary.insert((*word).to_string(), counts[i].into());
    }
    writeln!(out, "{{")?;
    writeln!(out, "  \"tool\": {{\"name\": \"plancheck\", \"version\": \"{}\"}},", env!("CARGO_PKG_VERSION"))?;
    writeln!(out, "  \"as_of\": {},", serde_json::to_string(as_of)?)?;
    writeln!(out, "  \"summary\": {},", serde_json::to_string(&summary)?)?;
    write!(out, "  \"verdicts\": [")
}

/// Writes one verdict on a line of its own; `first` for the first of the report.
pub fn verdict(out: &mut (impl Write + ?Sized), v: &View, first: bool) -> io::Result<()> {
    out.write_all(if first { b"\n    " } else { b",\n    " })?;
    serde_json::to_writer(&mut *out, &Verdict(v))?;
    Ok(())
}

/// Closes the report.
pub fn end(out: &mut (impl Write + ?Sized), any: bool) -> io::Result<()> {
    out.write_all(if any { b"\n  ]\n}\n" } else { b"]\n}\n" })
}

/// The whole report as one string (for tests and small outputs).
pub fn write(views: &[View], as_of: &str) -> String {
    let mut out = Vec::new();
    let counts = super::tally(views.iter());
    let written = begin(&mut out, &counts, as_of)
        .and_then(|()| views.iter().enumerate().try_for_each(|(i, v)| verdict(&mut out, v, i == 0)))
        .and_then(|()| end(&mut out, !views.is_empty()));
    match written {
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        Err(_) => String::new(),
    }
}

struct Verdict<'v>(&'v View);

impl Serialize for Verdict<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let v = self.0;
        let mut m = s.serialize_map(Some(15))?;
        m.serialize_entry("rule", &v.rule)?;
        m.serialize_entry("title", &v.title)?;
        let subject = &v.subject;
        m.serialize_entry(
            "subject",
            &Subject { level: &subject.level, code: &subject.code, name: &subject.name, path: &subject.path },
        )?;
        m.serialize_entry("status", status_word(v.status))?;
        m.serialize_entry(
            "kind",
            match v.kind {
                Kind::Binding => "binding",
                Kind::Expected => "expected",
            },
        )?;
        m.serialize_entry(
            "severity",
            match v.severity {
                RuleSeverity::Error => "error",
                RuleSeverity::Warning => "warning",
                RuleSeverity::Info => "info",
            },
        )?;
        m.serialize_entry("actual", &v.actual.as_ref().map(Plain))?;
        m.serialize_entry("requirement", &v.requirement)?;
        m.serialize_entry("unit", &v.unit)?;
        m.serialize_entry("due", &v.due)?;
        m.serialize_entry("departments", &v.departments)?;
        m.serialize_entry("source", &Source { section: &v.section, quote: &v.quote })?;
        m.serialize_entry("explanation", &v.explanation)?;
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

#[derive(Serialize)]
struct Subject<'v> {
    level: &'v str,
    code: &'v str,
    name: &'v str,
    path: &'v [String],
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
