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
        super::complain_line(&catalog::text(args.lang, "explain.no_rule", &params).unwrap_or_default());
        return UNUSABLE;
    }
    prepared.options.only = vec![rule.to_string()];
    let viewer = Viewer::new(model, &submissions.dataset, engine.sources(), args.lang);
    // Every verdict of the rule is judged and explained on every core; with `--subject`, only
    // that subject's is explained (the others named for a suggestion).
    enum Made {
        /// The explanation of a verdict asked for.
        Tree(String),
        /// The code and name of a subject not asked for.
        Other([String; 2]),
    }
    let (mut trees, mut others) = (Vec::new(), Vec::new());
    let work = |judge: &mut crate::eval::verdict::Judge<'_>, verdicts: Vec<crate::eval::verdict::Verdict>| {
        let each = |v: crate::eval::verdict::Verdict| {
            let s = viewer.subject(v.subject);
            match subject.is_none_or(|wanted| s.code == wanted || s.name == wanted) {
                true => Made::Tree(tree::write(&viewer, &viewer.view(&judge.retrace(&v)))),
                false => Made::Other([s.code, s.name]),
            }
        };
        verdicts.into_iter().map(each).collect::<Vec<_>>()
    };
    engine.judge_in_parallel(submissions, &prepared.options, work, |made| {
        for m in made {
            match m {
                Made::Tree(tree) => trees.push(tree),
                Made::Other(names) => others.extend(names),
            }
        }
    });
    if trees.is_empty() {
        let wanted = subject.unwrap_or_default();
        let suggestion = crate::diagnostics::suggest::did_you_mean(wanted, others.iter().map(String::as_str));
        let suggestion =
            suggestion.and_then(|s| catalog::text(args.lang, "cli.suggest", &[("suggestion", s)])).unwrap_or_default();
        let params = [("rule", rule.to_string()), ("subject", wanted.to_string()), ("suggestion", suggestion)];
        super::complain_line(&catalog::text(args.lang, "explain.no_subject", &params).unwrap_or_default());
        return UNUSABLE;
    }
    match emit(&crate::diagnostics::render::terminal_safe(&trees.join("\n")), args.output.as_deref(), args.lang) {
        Ok(()) => OK,
        Err(code) => code,
    }
}
