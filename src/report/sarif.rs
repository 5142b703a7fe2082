//! `--format sarif`: SARIF 2.1.0 for code-scanning dashboards. Each failure (and, with
//! `--strict`, each `behind`/`unknown`; `behind` is always a note for review) is a result
//! pointing at the submission value; each rule judged is a reporting descriptor with its
//! title, citation and departments. Written as verdicts are made: the rules first, then one
//! result per line.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::names::Names;
use super::{View, is_failure, status_word};
use crate::check::model::{RuleId, RuleSeverity, Status};

/// Whether a verdict of this status is a result.
pub fn reported(status: Status, strict: bool) -> bool {
    is_failure(status, strict) || status == Status::Behind
}

/// Writes the opening of the log: the tool and the descriptors of `rules`, in order (a
/// result's `ruleIndex` is its rule's place in that order).
pub fn begin(out: &mut (impl Write + ?Sized), names: Names<'_>, rules: &[RuleId]) -> io::Result<()> {
    let descriptors: Vec<Value> = rules
        .iter()
        .map(|&r| {
            let rule = &names.model.rules[r];
            let citation = rule.citations.first();
            let (section, quote) = citation.map_or(("", ""), |c| (c.section.as_str(), c.quote.as_str()));
            let departments: Vec<String> = rule.departments.iter().map(|&d| names.department(d)).collect();
            json!({
                "id": rule.id,
                "name": rule.id.replace('.', "_"),
                "shortDescription": {"text": names.rule(r)},
                "fullDescription": {"text": format!("{section} — {quote}")},
                "help": {"text": format!("{section}: {quote}")},
                "properties": {"departments": departments, "tags": [section]},
            })
        })
        .collect();
    let tool = json!({"driver": {"name": "plancheck", "version": env!("CARGO_PKG_VERSION"), "rules": descriptors}});
    writeln!(out, "{{")?;
    writeln!(out, "  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",")?;
    writeln!(out, "  \"version\": \"2.1.0\",")?;
    writeln!(out, "  \"runs\": [{{")?;
    writeln!(out, "    \"tool\": {},", serde_json::to_string(&tool)?)?;
    write!(out, "    \"results\": [")
}

/// Writes one result on a line of its own; `first` for the first of the log.
pub fn result(out: &mut (impl Write + ?Sized), v: &View, index: usize, strict: bool, first: bool) -> io::Result<()> {
    let level = match (v.status, v.severity) {
        (Status::Fail, RuleSeverity::Error) => "error",
        (Status::Fail, RuleSeverity::Warning) => "warning",
        _ => "note",
    };
    let mut result = json!({
        "ruleId": v.rule,
        "ruleIndex": index,
        "level": level,
        "kind": if is_failure(v.status, strict) { "fail" } else { "review" },
        "message": {"text": v.explanation},
        "properties": {"status": status_word(v.status), "subject": v.subject.code},
    });
    let place = |l: &super::Location| {
        json!({
            "artifactLocation": {"uri": l.file},
            "region": {"startLine": l.line, "startColumn": l.column},
        })
    };
    if let Some(l) = &v.location {
        result["locations"] = json!([{ "physicalLocation": place(l) }]);
    }
    // The rest of the blame: the other values that decide the verdict.
    let related: Vec<Value> = v
        .blame
        .iter()
        .filter_map(|b| b.location.as_ref().map(|l| (b, l)))
        .skip(1)
        .enumerate()
        .map(|(i, (b, l))| {
            let unit = b.unit.as_ref().map_or(String::new(), |(u, _)| format!("{u} "));
            json!({"id": i + 1, "physicalLocation": place(l), "message": {"text": format!("{unit}{} {}", b.title, b.shown)}})
        })
        .collect();
    if !related.is_empty() {
        result["relatedLocations"] = Value::Array(related);
    }
    out.write_all(if first { b"\n      " } else { b",\n      " })?;
    serde_json::to_writer(&mut *out, &result)?;
    Ok(())
}

/// Closes the log.
pub fn end(out: &mut (impl Write + ?Sized), any: bool) -> io::Result<()> {
    out.write_all(if any { b"\n    ]\n  }]\n}\n" } else { b"]\n  }]\n}\n" })
}
