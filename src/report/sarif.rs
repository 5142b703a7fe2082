//! `--format sarif`: SARIF 2.1.0 for code-scanning dashboards. Each failure (and, with
//! `--strict`, each `behind`/`unknown`; `behind` is always a note for review) is a result
//! pointing at the submission value; each rule judged is a reporting descriptor with its
//! title, citation and departments. Written as verdicts are made: the rules first, then one
//! result per line. Artifact URIs are percent-encoded and relative to `%SRCROOT%` (the working
//! directory). A run that cannot judge writes one result per problem instead.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::names::Names;
use super::problems::Problem;
use super::{View, is_failure, status_word};
use crate::check::model::{RuleId, RuleSeverity, Status};
use crate::diagnostics::catalog;

/// Whether a verdict of this status is a result: every verdict that is not a pass.
pub fn reported(status: Status) -> bool {
    status != Status::Pass
}

/// Writes the opening of the log: the tool and the descriptors of `rules`, in order (a
/// result's `ruleIndex` is its rule's place in that order), then of the codes of `problems`
/// (warnings of a run that judges), and a result for each problem; true when it wrote one.
pub fn begin(
    out: &mut (impl Write + ?Sized),
    names: Names<'_>,
    rules: &[RuleId],
    problems: &[Problem],
) -> io::Result<bool> {
    let mut descriptors: Vec<Value> = rules
        .iter()
        .map(|&r| {
            let rule = &names.model.rules[r];
            let citation = rule.citations.first();
            let (section, quote) =
                citation.map_or((String::new(), ""), |c| (names.section(&c.section), c.quote.as_str()));
            let departments: Vec<String> = rule.departments.iter().map(|&d| names.department(d)).collect();
            // The requirement as the rules write it — code, with the names the rules declare,
            // units included (`workers_per_10k_urban >= 18 人/万人`) — also where the threshold is
            // not a constant.
            let requirement = &rule.require_text;
            let args =
                [("requirement", requirement.clone()), ("section", section.clone()), ("quote", quote.to_string())];
            let description = catalog::text(names.lang, "sarif.description", &args).unwrap_or_default();
            json!({
                "id": rule.id,
                "name": rule.id.replace('.', "_"),
                "shortDescription": {"text": names.rule(r)},
                "fullDescription": {"text": description},
                "help": {"text": format!("{section}: {quote}")},
                "properties": {"requirement": requirement, "departments": departments, "tags": [section]},
            })
        })
        .collect();
    let codes = codes(problems);
    descriptors.extend(codes.iter().map(|c| json!({"id": c})));
    open(out, descriptors)?;
    results(out, problems, &codes, rules.len())?;
    Ok(!problems.is_empty())
}

/// The codes of problems, each once, in order: their descriptors follow the rules'.
fn codes(problems: &[Problem]) -> Vec<&'static str> {
    let mut codes: Vec<&str> = problems.iter().map(|p| p.code).collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}

/// One result per problem, at its place and the others it names; `offset`: the descriptors
/// before those of `codes`.
fn results(out: &mut (impl Write + ?Sized), problems: &[Problem], codes: &[&str], offset: usize) -> io::Result<()> {
    for (i, p) in problems.iter().enumerate() {
        let text = match &p.help {
            Some(help) => format!("{} ({help})", p.message),
            None => p.message.clone(),
        };
        let mut result = json!({
            "ruleId": p.code,
            "ruleIndex": offset + codes.iter().position(|c| *c == p.code).unwrap_or(0),
            "level": if p.error { "error" } else { "warning" },
            "message": {"text": text},
        });
        match &p.location {
            Some(l) if !p.label.is_empty() => {
                result["locations"] = json!([{ "physicalLocation": place(l), "message": {"text": p.label} }]);
            }
            Some(l) => result["locations"] = json!([{ "physicalLocation": place(l) }]),
            None => {}
        }
        let related: Vec<Value> = p
            .related
            .iter()
            .enumerate()
            .map(|(i, (l, label))| json!({"id": i + 1, "physicalLocation": place(l), "message": {"text": label}}))
            .collect();
        if !related.is_empty() {
            result["relatedLocations"] = Value::Array(related);
        }
        out.write_all(if i == 0 { b"\n      " } else { b",\n      " })?;
        serde_json::to_writer(&mut *out, &result)?;
    }
    Ok(())
}

/// Writes the log's opening with the given rule descriptors, up to its results.
fn open(out: &mut (impl Write + ?Sized), descriptors: Vec<Value>) -> io::Result<()> {
    let tool = json!({"driver": {"name": "plancheck", "version": env!("CARGO_PKG_VERSION"), "rules": descriptors}});
    writeln!(out, "{{")?;
    writeln!(out, "  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",")?;
    writeln!(out, "  \"version\": \"2.1.0\",")?;
    writeln!(out, "  \"runs\": [{{")?;
    writeln!(out, "    \"tool\": {},", serde_json::to_string(&tool)?)?;
    writeln!(out, "    \"originalUriBaseIds\": {},", serde_json::to_string(&base_ids())?)?;
    write!(out, "    \"results\": [")
}

/// `%SRCROOT%`: the working directory, against which relative artifact URIs resolve.
fn base_ids() -> Value {
    let cwd = std::env::current_dir().map(|d| d.to_string_lossy().into_owned()).unwrap_or_default();
    let mut uri = format!("file://{}", encode(&cwd.replace('\\', "/")));
    if !uri.ends_with('/') {
        uri.push('/');
    }
    json!({ "%SRCROOT%": { "uri": uri } })
}

/// A file as a SARIF artifact location: relative to `%SRCROOT%`, or an absolute `file://`
/// URI; percent-encoded either way (non-ASCII names included).
fn artifact(file: &str) -> Value {
    let file = file.replace('\\', "/");
    match file.starts_with('/') {
        true => json!({ "uri": format!("file://{}", encode(&file)) }),
        false => json!({ "uri": encode(&file), "uriBaseId": "%SRCROOT%" }),
    }
}

/// Percent-encodes a path for a URI (RFC 3986): unreserved characters and `/` stay.
fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The whole log of a run that could not judge: one result per problem, at its place.
pub fn problems(out: &mut (impl Write + ?Sized), problems: &[Problem]) -> io::Result<()> {
    let codes = codes(problems);
    open(out, codes.iter().map(|c| json!({"id": c})).collect())?;
    results(out, problems, &codes, 0)?;
    end(out, !problems.is_empty())
}

/// A place in a file, as SARIF writes it.
fn place(l: &super::Location) -> Value {
    json!({
        "artifactLocation": artifact(&l.file),
        "region": {"startLine": l.line, "startColumn": l.column},
    })
}

/// Writes one result on a line of its own; `first` for the first of the log.
pub fn result(out: &mut (impl Write + ?Sized), v: &View, index: usize, strict: bool, first: bool) -> io::Result<()> {
    // Levels as for exit codes: what fails the run (with `--strict`, what is behind or
    // unknown too) at its rule's severity; what is only to be looked at, a note; a rule that
    // does not apply, none.
    let (level, kind) = match v.status {
        Status::NotApplicable => ("none", "notApplicable"),
        status if is_failure(status, strict) => match v.severity {
            RuleSeverity::Error => ("error", "fail"),
            RuleSeverity::Warning => ("warning", "fail"),
            RuleSeverity::Info => ("note", "fail"),
        },
        _ => ("note", "review"),
    };
    let mut result = json!({
        "ruleId": v.rule,
        "ruleIndex": index,
        "level": level,
        "kind": kind,
        "message": {"text": v.explanation},
        "properties": {"status": status_word(v.status), "subject": v.subject.code},
    });
    if let Some(year) = v.subject.year {
        result["properties"]["year"] = year.into();
    }
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
            let unit = b.unit.as_ref().map_or(String::new(), |u| format!("{} ", u.name));
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
