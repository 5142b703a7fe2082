//! `plancheck check`: loads district submissions, validates them against the data model and
//! the consistency checks of the rules; exit 2 when a submission cannot be used.

use std::path::PathBuf;

use super::{OK, UNUSABLE, open, report, summary};
use crate::data::{self, Options};
use crate::diagnostics::{Diagnostics, Lang, catalog, render};

/// What `check` was asked to do.
pub struct CheckArgs {
    pub rules: PathBuf,
    pub submissions: Vec<PathBuf>,
    pub options: Options,
    pub lang: Lang,
}

pub fn run(args: &CheckArgs) -> u8 {
    let mut set = match open(&args.rules, args.lang).and_then(|set| report(&set, args.lang).map(|()| set)) {
        Ok(set) => set,
        Err(code) => return code,
    };
    let loaded = match data::load(&args.submissions, &set.checked, &args.options, &mut set.sources) {
        Ok(loaded) => loaded,
        Err(e) => {
            let shown = args.submissions.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" ");
            let reason = crate::check::io_reason(&e);
            let reason = if reason.starts_with('@') { shown.clone() } else { reason };
            let params = [("path", shown), ("reason", reason)];
            eprintln!("{}", catalog::text(args.lang, "cli.unreadable", &params).unwrap_or_default());
            return UNUSABLE;
        }
    };
    let mut diagnostics = Diagnostics(loaded.diagnostics);
    if !diagnostics.has_errors() {
        diagnostics.0.extend(crate::eval::consistency::check(&set.checked.model, &loaded.dataset));
    }
    diagnostics.sort();
    eprint!("{}", render::render_all(&diagnostics.0, &set.sources, args.lang));
    let (errors, warnings) = (diagnostics.error_count(), diagnostics.warning_count());
    if errors + warnings > 0 || loaded.dataset.documents.is_empty() {
        eprintln!("{}", summary(args.lang, errors, warnings));
    }
    if errors > 0 || loaded.dataset.documents.is_empty() {
        return UNUSABLE;
    }
    let documents = loaded.dataset.documents.len().to_string();
    let records = loaded.dataset.instances.len().to_string();
    let loaded_text = catalog::text(args.lang, "check.loaded", &[("documents", documents), ("records", records)]);
    println!("{}", loaded_text.unwrap_or_default());
    OK
}
