//! `--format sarif`: SARIF 2.1.0 for code-scanning dashboards. Each failure (and, with
//! `--strict`, each `behind`/`unknown`) is a result pointing at the submission value; each
//! rule is a reporting descriptor with its title, citation and departments.

use serde_json::{Value, json};

use super::{View, is_failure, status_word};
use crate::check::model::{RuleSeverity, Status};

pub fn write(views: &[View], strict: bool) -> String {
    let mut rule_ids: Vec<&str> = Vec::new();
    let mut rules = Vec::new();
    for v in views {
        if !rule_ids.contains(&v.rule.as_str()) {
            rule_ids.push(&v.rule);
            rules.push(json!({
                "id": v.rule,
                "name": v.rule.replace('.', "_"),
                "shortDescription": {"text": v.title},
                "fullDescription": {"text": format!("{} — {}", v.section, v.quote)},
                "help": {"text": format!("{}: {}", v.section, v.quote)},
                "properties": {"departments": v.departments, "tags": [v.section]},
            }));
        }
    }
    let results: Vec<Value> = views
        .iter()
        .filter(|v| is_failure(v.status, strict) || v.status == Status::Behind)
        .map(|v| {
            let level = match (v.status, v.severity) {
                (Status::Fail, RuleSeverity::Error) => "error",
                (Status::Fail, RuleSeverity::Warning) => "warning",
                _ => "note",
            };
            let mut result = json!({
                "ruleId": v.rule,
                "ruleIndex": rule_ids.iter().position(|r| *r == v.rule).unwrap_or(0),
                "level": level,
                "kind": if is_failure(v.status, strict) { "fail" } else { "review" },
                "message": {"text": v.explanation},
                "properties": {"status": status_word(v.status), "subject": v.subject.code},
            });
            if let Some(l) = &v.location {
                result["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": {"uri": l.file},
                        "region": {"startLine": l.line, "startColumn": l.column},
                    }
                }]);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "plancheck",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&log).unwrap_or_default() + "\n"
}
