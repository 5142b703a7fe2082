//! `plancheck explain RULE [--subject CODE] SUBMISSION...`: the whole derivation of a rule's
//! verdicts, as trees a person can read.

use super::check::{CheckArgs, prepare};
use super::{OK, UNUSABLE, emit};
use crate::diagnostics::catalog;
use crate::report::{Viewer, tree};

pub fn run(args: &CheckArgs, rule: &str, subject: Option<&str>) -> u8 {
    let mut prepared = match prepare(args) {
        Ok(p) => p,
        Err(unusable) => return unusable.code,
    };
    let (engine, submissions) = (&prepared.engine, &prepared.submissions);
    let model = engine.model();
    if model.rule(rule).is_none() {
        let suggestion = crate::diagnostics::suggest::did_you_mean(rule, model.rules.iter().map(|r| r.id.as_str()));
        let suggestion =
            suggestion.and_then(|s| catalog::text(args.lang, "cli.suggest", &[("suggestion", s)])).unwrap_or_default();
        let params = [("rule", rule.to_string()), ("suggestion", suggestion)];
        eprintln!("{}", catalog::text(args.lang, "explain.no_rule", &params).unwrap_or_default());
        return UNUSABLE;
    }
    prepared.options.only = vec![rule.to_string()];
    prepared.options.trace = true;
    let viewer = Viewer { model, dataset: &submissions.dataset, sources: engine.sources(), lang: args.lang };
    let mut trees: Vec<String> = Vec::new();
    engine.verdicts(submissions, &prepared.options, |v| {
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
    match emit(&crate::diagnostics::render::terminal_safe(&trees.join("\n")), args.output.as_deref(), args.lang) {
        Ok(()) => OK,
        Err(code) => code,
    }
}
