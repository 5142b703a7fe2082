//! `plancheck gen`: writes seeded synthetic district submissions (see `crate::generate`).

use std::path::Path;

use super::{OK, UNUSABLE, open, report};
use crate::diagnostics::{Lang, catalog};
use crate::generate::{GenOptions, generate};

pub fn run(rules: &Path, options: &GenOptions, lang: Lang) -> u8 {
    let set = match open(rules, lang, crate::parallel::threads()).and_then(|set| report(&set, lang).map(|()| set)) {
        Ok(set) => set,
        Err(code) => return code,
    };
    match generate(&set.checked, options) {
        Ok(summary) => {
            let args = [
                ("files", summary.files.to_string()),
                ("units", summary.units.to_string()),
                ("path", options.out.display().to_string()),
            ];
            super::say(&catalog::text(lang, "gen.done", &args).unwrap_or_default());
            OK
        }
        Err(e) => {
            let args = [("path", options.out.display().to_string()), ("reason", e.to_string())];
            super::complain_line(&catalog::text(lang, "cli.unwritable", &args).unwrap_or_default());
            UNUSABLE
        }
    }
}
