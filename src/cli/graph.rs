//! `plancheck graph`: the rule graph as DOT, Mermaid or JSON.

use std::path::Path;

use super::{OK, emit, open, report};
use crate::diagnostics::Lang;

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum GraphFormat {
    Dot,
    Mermaid,
    Json,
}

pub fn run(path: &Path, format: GraphFormat, output: Option<&Path>, lang: Lang) -> u8 {
    let set = match open(path, lang).and_then(|set| report(&set, lang).map(|()| set)) {
        Ok(set) => set,
        Err(code) => return code,
    };
    let (graph, model) = (&set.checked.graph, &set.checked.model);
    let text = match format {
        GraphFormat::Dot => graph.to_dot(model),
        GraphFormat::Mermaid => graph.to_mermaid(model),
        GraphFormat::Json => graph.to_json(model),
    };
    match emit(&text, output, lang) {
        Ok(()) => OK,
        Err(code) => code,
    }
}
