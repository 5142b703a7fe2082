//! `plancheck graph`: the rule graph as DOT, Mermaid or JSON — whole, or the part one rule
//! stands on (`--rule`).

use std::path::Path;

use super::{OK, UNUSABLE, emit, open, report};
use crate::diagnostics::{Lang, catalog};

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum GraphFormat {
    Dot,
    Mermaid,
    Json,
}

/// `rule`: only the part of the graph that rule stands on.
pub fn run(path: &Path, format: GraphFormat, rule: Option<&str>, output: Option<&Path>, lang: Lang) -> u8 {
    let set = match open(path, lang, crate::parallel::threads()).and_then(|set| report(&set, lang).map(|()| set)) {
        Ok(set) => set,
        Err(code) => return code,
    };
    let model = &set.checked.model;
    let part;
    let graph = match rule {
        None => &set.checked.graph,
        Some(id) => match model.rule(id) {
            Some(r) => {
                part = set.checked.graph.neighbourhood(r);
                &part
            }
            None => {
                let suggestion =
                    crate::diagnostics::suggest::did_you_mean(id, model.rules.iter().map(|r| r.id.as_str()))
                        .and_then(|s| catalog::text(lang, "cli.suggest", &[("suggestion", s)]))
                        .unwrap_or_default();
                let params = [("rule", id.to_string()), ("suggestion", suggestion)];
                super::complain_line(&catalog::text(lang, "explain.no_rule", &params).unwrap_or_default());
                return UNUSABLE;
            }
        },
    };
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
