//! `plancheck convert`: rewrites a submission in another format (JSON, YAML or a directory of
//! CSV tables), after reading and validating it like `check` does.

use std::path::Path;

use super::{OK, UNUSABLE, open, output as output_file, report, written as written_code};
use crate::data::{Options, export};
use crate::diagnostics::{Lang, catalog, render};
use crate::engine::Engine;

/// The formats `convert` writes.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Target {
    Json,
    Yaml,
    Csv,
}

pub fn run(rules: &Path, input: &Path, to: Target, output: &Path, options: &Options, lang: Lang) -> u8 {
    let mut engine = match open(rules, lang, crate::parallel::threads())
        .and_then(|set| report(&set, lang).map(|()| Engine::new(set)))
    {
        Ok(engine) => engine,
        Err(code) => return code,
    };
    let loaded = engine.load(&[input.to_path_buf()], options);
    super::complain(&render::render_all(&loaded.diagnostics.0, engine.sources(), lang));
    if loaded.diagnostics.has_errors() {
        return UNUSABLE;
    }
    let [document] = loaded.dataset.documents.as_slice() else {
        super::complain_line(&catalog::text(lang, "convert.one_submission", &[]).unwrap_or_default());
        return UNUSABLE;
    };
    let (checked, dataset, root) = (&engine.rules().checked, &loaded.dataset, document.root);
    let inputs = [input.to_path_buf()];
    let written = match to {
        Target::Json => {
            output_file(Some(output), &inputs, |out| out.write_all(export::to_json(checked, dataset, root).as_bytes()))
        }
        Target::Yaml => {
            output_file(Some(output), &inputs, |out| out.write_all(export::to_yaml(checked, dataset, root).as_bytes()))
        }
        Target::Csv => {
            super::refuse_input(output, &inputs).and_then(|()| export::to_csv_dir(checked, dataset, root, output))
        }
    };
    match written_code(written, Some(output), lang) {
        Ok(()) => OK,
        Err(code) => code,
    }
}
