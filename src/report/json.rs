//! `--format json`: the output contract of `spec/cli.md`.

use serde_json::{Map, Value, json};

use super::{Location, TraceView, View, json_value, status_word, tally};
use crate::check::model::{Kind, RuleSeverity};

/// The whole report as one JSON object.
pub fn write(views: &[View], as_of: &str) -> String {
    let counts = tally(views.iter());
    let mut summary = Map::new();
    for (i, (word, _)) in crate::check::model::Status::ALL.iter().enumerate() {
        summary.insert((*word).to_string(), json!(counts[i]));
    }
    let report = json!({
        "tool": {"name": "plancheck", "version": env!("CARGO_PKG_VERSION")},
        "as_of": as_of,
        "summary": summary,
        "verdicts": views.iter().map(verdict).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&report).unwrap_or_default() + "\n"
}

fn verdict(v: &View) -> Value {
    json!({
        "rule": v.rule,
        "title": v.title,
        "subject": {"level": v.subject.level, "code": v.subject.code, "name": v.subject.name, "path": v.subject.path},
        "status": status_word(v.status),
        "kind": match v.kind { Kind::Binding => "binding", Kind::Expected => "expected" },
        "severity": match v.severity { RuleSeverity::Error => "error", RuleSeverity::Warning => "warning", RuleSeverity::Info => "info" },
        "actual": v.actual.as_ref().map_or(Value::Null, json_value),
        "requirement": v.requirement,
        "unit": v.unit,
        "due": v.due,
        "departments": v.departments,
        "source": {"section": v.section, "quote": v.quote},
        "explanation": v.explanation,
        "trace": v.trace.as_ref().map_or(Value::Null, trace),
    })
}

fn trace(t: &TraceView) -> Value {
    let mut node = Map::new();
    node.insert("label".into(), json!(t.label));
    if let Some(title) = &t.title {
        node.insert("title".into(), json!(title));
    }
    node.insert("value".into(), t.value.as_ref().map_or(Value::Null, json_value));
    if let Some(l) = &t.location {
        node.insert("location".into(), location(l));
    }
    if !t.inputs.is_empty() {
        node.insert("inputs".into(), Value::Array(t.inputs.iter().map(trace).collect()));
    }
    if t.omitted > 0 {
        node.insert("omitted_inputs".into(), json!(t.omitted));
    }
    Value::Object(node)
}

pub fn location(l: &Location) -> Value {
    json!({"file": l.file, "line": l.line, "column": l.column})
}
