//! `plancheck explain RULE [--subject CODE] SUBMISSION...`: the whole derivation of a rule's
//! verdicts, as trees a person can read.

use super::check::{CheckArgs, emit, judged};
use super::{OK, UNUSABLE};
use crate::diagnostics::catalog;
use crate::report::{Viewer, tree};

pub fn run(args: &CheckArgs, rule: &str, subject: Option<&str>) -> u8 {
    let judged = match judged(args) {
        Ok(j) => j,
        Err(code) => return code,
    };
    let model = &judged.set.checked.model;
    if model.rule(rule).is_none() {
        let suggestion = crate::diagnostics::suggest::did_you_mean(rule, model.rules.iter().map(|r| r.id.as_str()));
        let params = [("rule", rule.to_string()), ("suggestion", suggestion.unwrap_or_default())];
        eprintln!("{}", catalog::text(args.lang, "explain.no_rule", &params).unwrap_or_default());
        return UNUSABLE;
    }
    let viewer = Viewer { model, dataset: &judged.dataset, sources: &judged.set.sources, lang: args.lang };
    let trees: Vec<String> = judged
        .verdicts
        .iter()
        .filter(|v| model.rules[v.rule].id == rule)
        .map(|v| viewer.view(v))
        .filter(|v| subject.is_none_or(|s| v.subject.code == s || v.subject.name == s))
        .map(|v| tree::write(&v, args.lang))
        .collect();
    if trees.is_empty() {
        let params = [("rule", rule.to_string()), ("subject", subject.unwrap_or_default().to_string())];
        eprintln!("{}", catalog::text(args.lang, "explain.no_subject", &params).unwrap_or_default());
        return UNUSABLE;
    }
    match emit(&trees.join("\n"), args.output.as_deref(), args.lang) {
        Ok(()) => OK,
        Err(code) => code,
    }
}
