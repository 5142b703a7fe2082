//! `plancheck test`: runs the tests written next to the rules. Exit 0 when every expectation
//! holds, 1 when one does not, 2 when the rules cannot be used.

use std::path::Path;

use super::{FINDING, OK, open, report};
use crate::diagnostics::{Lang, catalog};
use crate::eval::cases;
use crate::report::status_word;

pub fn run(rules: &Path, lang: Lang) -> u8 {
    let set = match open(rules, lang).and_then(|set| report(&set, lang).map(|()| set)) {
        Ok(set) => set,
        Err(code) => return code,
    };
    let model = &set.checked.model;
    let results = cases::run(model);
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
        let found = r.verdict.as_ref().map_or("-".to_string(), |v| status_word(v.status).to_string());
        let args = [
            ("location", format!("{}:{line}:{column}", file.name)),
            ("test", test.name.clone()),
            ("rule", model.rules[x.rule].id.clone()),
            ("expected", status_word(x.status).to_string()),
            ("found", found),
        ];
        super::say(&catalog::text(lang, "test.failed", &args).unwrap_or_default());
    }
    let passed = results.len() - failed;
    super::say(
        &catalog::text(lang, "test.summary", &[("passed", passed.to_string()), ("failed", failed.to_string())])
            .unwrap_or_default(),
    );
    if failed > 0 { FINDING } else { OK }
}
