//! `plancheck convert`: rewrites a submission in another format (JSON, YAML or a directory of
//! CSV tables), after reading and validating it like `check` does.

use std::path::Path;

use super::{OK, UNUSABLE, open, report};
use crate::data::{self, Options, export};
use crate::diagnostics::{Diagnostics, Lang, catalog, render};

/// The formats `convert` writes.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Target {
    Json,
    Yaml,
    Csv,
}

pub fn run(rules: &Path, input: &Path, to: Target, output: &Path, options: &Options, lang: Lang) -> u8 {
    let mut set = match open(rules, lang).and_then(|set| report(&set, lang).map(|()| set)) {
        Ok(set) => set,
        Err(code) => return code,
    };
    let loaded = match data::load(&[input.to_path_buf()], &set.checked, options, &mut set.sources) {
        Ok(loaded) => loaded,
        Err(e) => {
            let args = [("path", input.display().to_string()), ("reason", e.to_string())];
            eprintln!("{}", catalog::text(lang, "cli.unreadable", &args).unwrap_or_default());
            return UNUSABLE;
        }
    };
    let mut diagnostics = Diagnostics(loaded.diagnostics);
    if !diagnostics.has_errors() {
        diagnostics.0.extend(crate::eval::consistency::check(&set.checked.model, &loaded.dataset));
    }
    eprint!("{}", render::render_all(&diagnostics.0, &set.sources, lang));
    if diagnostics.has_errors() {
        return UNUSABLE;
    }
    let [document] = loaded.dataset.documents.as_slice() else {
        eprintln!("{}", catalog::text(lang, "convert.one_submission", &[]).unwrap_or_default());
        return UNUSABLE;
    };
    let (checked, dataset, root) = (&set.checked, &loaded.dataset, document.root);
    let written = match to {
        Target::Json => std::fs::write(output, export::to_json(checked, dataset, root)),
        Target::Yaml => std::fs::write(output, export::to_yaml(checked, dataset, root)),
        Target::Csv => export::to_csv_dir(checked, dataset, root, output),
    };
    match written {
        Ok(()) => OK,
        Err(e) => {
            let args = [("path", output.display().to_string()), ("reason", e.to_string())];
            eprintln!("{}", catalog::text(lang, "cli.unwritable", &args).unwrap_or_default());
            UNUSABLE
        }
    }
}
