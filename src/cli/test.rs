//! `plancheck test`: runs the tests written next to the rules. Exit 0 when every expectation
//! holds, 1 when one does not, 2 when the rules cannot be used.

use std::path::Path;

use super::{FINDING, OK, open, report};
use crate::diagnostics::{Lang, catalog};
use crate::eval::cases;
use crate::report::status_word;

pub fn run(rules: &Path, only: &[String], list: bool, lang: Lang) -> u8 {
    let set = match open(rules, lang, crate::parallel::threads()).and_then(|set| report(&set, lang).map(|()| set)) {
        Ok(set) => set,
        Err(code) => return code,
    };
    let model = &set.checked.model;
    let selected = |rule: &str| only.is_empty() || only.iter().any(|p| crate::eval::verdict::matches(p, rule));
    for pattern in only {
        if !model.rules.iter().any(|r| crate::eval::verdict::matches(pattern, &r.id)) {
            let ids = model.rules.iter().map(|r| r.id.as_str());
            let suggestion = crate::diagnostics::suggest::did_you_mean(pattern, ids)
                .and_then(|s| catalog::text(lang, "cli.suggest", &[("suggestion", s)]))
                .unwrap_or_default();
            let message = catalog::text(
                lang,
                "cli.only_matches_nothing",
                &[("pattern", pattern.clone()), ("suggestion", suggestion)],
            )
            .unwrap_or_default();
            super::complain_line(&catalog::text(lang, "cli.usage_error", &[("message", message)]).unwrap_or_default());
            return super::UNUSABLE;
        }
    }
    // A draft read with its directory as context runs its own tests only.
    let in_focus = |r: &cases::CaseResult| {
        set.focus.is_none_or(|f| model.tests[r.test].expectations[r.expectation].span.file == f)
    };
    if list {
        for test in &model.tests {
            let Some(first) = test.expectations.first() else { continue };
            let rule_ids = test.expectations.iter().map(|x| model.rules[x.rule].id.as_str());
            if set.focus.is_some_and(|f| first.span.file != f) || !rule_ids.clone().any(selected) {
                continue;
            }
            let file = set.sources.get(first.span.file);
            let (line, _) = file.line_col(first.span.start as usize);
            super::say(&format!("{}:{line}  {}", file.name, test.name));
        }
        return OK;
    }
    let results: Vec<_> = cases::run(model)
        .into_iter()
        .filter(|r| in_focus(r) && selected(&model.rules[model.tests[r.test].expectations[r.expectation].rule].id))
        .collect();
    let mut failed = 0;
    for r in &results {
        if r.passed() {
            continue;
        }
        failed += 1;
        let test = &model.tests[r.test];
        let x = &test.expectations[r.expectation];
        let file = set.sources.get(x.span.file);
        let (line, column) = file.line_col(x.span.start as usize);
        let found = r.verdict.as_ref().map_or("-".to_string(), |v| {
            // What was computed, so that the author sees why: `fail (computed 7, required >= 8)`.
            let computed = match (&v.actual, v.op, &v.threshold) {
                (Some(a), Some(op), Some(t)) => catalog::text(
                    lang,
                    "test.computed",
                    &[("actual", shown(a)), ("requirement", format!("{} {}", op.symbol(), shown(t)))],
                ),
                (Some(a), _, _) => catalog::text(lang, "test.computed_value", &[("actual", shown(a))]),
                _ => None,
            };
            format!("{}{}", status_word(v.status), computed.unwrap_or_default())
        });
        let args = [
            ("location", format!("{}:{line}:{column}", file.name)),
            ("test", test.name.clone()),
            ("rule", model.rules[x.rule].id.clone()),
            ("expected", status_word(x.status).to_string()),
            ("found", found),
        ];
        super::say(&catalog::text(lang, "test.failed", &args).unwrap_or_default());
        // And how it was computed, from the test's own record.
        if let Some(v) = &r.verdict {
            let viewer = crate::report::Viewer::new(model, &r.dataset, &set.sources, lang);
            let derivation = crate::report::tree::derivation(&viewer, &viewer.view(v), "    ");
            super::say(crate::diagnostics::render::terminal_safe(&derivation).trim_end());
        }
    }
    let passed = results.len() - failed;
    super::say(
        &catalog::text(lang, "test.summary", &[("passed", passed.to_string()), ("failed", failed.to_string())])
            .unwrap_or_default(),
    );
    if failed > 0 { FINDING } else { OK }
}

/// A computed value as a test failure shows it: numbers with every digit they have.
fn shown(v: &crate::eval::Val) -> String {
    match v {
        crate::eval::Val::Num(n) => crate::report::precise(*n),
        other => other.to_string(),
    }
}
