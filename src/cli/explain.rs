//! `plancheck explain RULE [--subject CODE] SUBMISSION...`: the whole derivation of a rule's
//! verdicts, as trees a person can read.

use super::check::{CheckArgs, prepare};
use super::{OK, UNUSABLE, emit};
use crate::diagnostics::catalog;
use crate::eval::verdict::Judge;
use crate::report::{Viewer, tree};

pub fn run(args: &CheckArgs, rule: &str, subject: Option<&str>) -> u8 {
    let mut prepared = match prepare(args) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let model = &prepared.set.checked.model;
    if model.rule(rule).is_none() {
        let suggestion = crate::diagnostics::suggest::did_you_mean(rule, model.rules.iter().map(|r| r.id.as_str()));
        let params = [("rule", rule.to_string()), ("suggestion", suggestion.unwrap_or_default())];
        eprintln!("{}", catalog::text(args.lang, "explain.no_rule", &params).unwrap_or_default());
        return UNUSABLE;
    }
    prepared.options.only = vec![rule.to_string()];
    let viewer = Viewer { model, dataset: &prepared.dataset, sources: &prepared.set.sources, lang: args.lang };
    let mut trees: Vec<String> = Vec::new();
    Judge::new(model, &prepared.dataset, &prepared.options).each(true, |v| {
        let view = viewer.view(&v);
        if subject.is_none_or(|s| view.subject.code == s || view.subject.name == s) {
            trees.push(tree::write(&view, args.lang));
        }
    });
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
