//! `plancheck doc [-o DIR]`: writes the rule catalog, the department responsibility matrix and
//! the plan coverage report (see `crate::report::plan_catalog`).

use std::path::Path;

use super::{OK, UNUSABLE, open, report};
use crate::diagnostics::{Lang, catalog};

pub fn run(rules: &Path, out: &Path, lang: Lang) -> u8 {
    let set = match open(rules, lang, crate::parallel::threads()).and_then(|set| report(&set, lang).map(|()| set)) {
        Ok(set) => set,
        Err(code) => return code,
    };
    let files = crate::report::plan_catalog::write(&set.checked.model, lang);
    let written = std::fs::create_dir_all(out).and_then(|()| {
        for (name, text) in &files {
            std::fs::write(out.join(name), text)?;
        }
        Ok(())
    });
    match written {
        Ok(()) => {
            let args = [("count", files.len().to_string()), ("path", out.display().to_string())];
            super::say(&catalog::text(lang, "doc.written", &args).unwrap_or_default());
            OK
        }
        Err(e) => {
            let args = [("path", out.display().to_string()), ("reason", e.to_string())];
            super::complain_line(&catalog::text(lang, "cli.unwritable", &args).unwrap_or_default());
            UNUSABLE
        }
    }
}
