//! `plancheck fmt`: rewrites rule files in canonical form, keeping each file's keywords (or in
//! the form `--keywords zh|en` asks for); with `--check`, only lists the files that are not
//! formatted (exit 1).

use std::path::{Path, PathBuf};

use super::{FINDING, OK, UNUSABLE};
use crate::diagnostics::{Lang, catalog, render};
use crate::fmt::{FmtError, format_in};
use crate::load::{display_name, rule_files};
use crate::source::SourceMap;
use crate::syntax::keywords::Keywords;

/// `keywords`: the form to write the keywords in; `None` keeps each file's own.
pub fn run(paths: &[PathBuf], check: bool, keywords: Option<Keywords>, lang: Lang) -> u8 {
    let paths = if paths.is_empty() { vec![super::rules_path(None)] } else { paths.to_vec() };
    let mut code = OK;
    for path in &paths {
        let files = match rule_files(path) {
            Ok(files) => files,
            Err(e) => {
                let args = [("path", path.display().to_string()), ("reason", e.to_string())];
                super::complain_line(&catalog::text(lang, "cli.unreadable", &args).unwrap_or_default());
                code = UNUSABLE;
                continue;
            }
        };
        for file in files {
            code = code.max(one(&file, check, keywords, lang));
        }
    }
    code
}

fn one(file: &Path, check: bool, keywords: Option<Keywords>, lang: Lang) -> u8 {
    let name = display_name(file);
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) => {
            let args = [("path", name), ("reason", super::io_reason(lang, &e))];
            super::complain_line(&catalog::text(lang, "cli.unreadable", &args).unwrap_or_default());
            return UNUSABLE;
        }
    };
    let mut sources = SourceMap::new();
    let id = sources.add(name.clone(), file, text.clone());
    match format_in(id, &text, keywords.unwrap_or_else(|| Keywords::of(&text))) {
        Ok(formatted) if formatted == text => OK,
        Ok(_) if check => {
            super::say(&catalog::text(lang, "fmt.would_change", &[("path", name)]).unwrap_or_default());
            FINDING
        }
        Ok(formatted) => match std::fs::write(file, formatted) {
            Ok(()) => OK,
            Err(e) => {
                let args = [("path", name), ("reason", super::io_reason(lang, &e))];
                super::complain_line(&catalog::text(lang, "cli.unwritable", &args).unwrap_or_default());
                UNUSABLE
            }
        },
        Err(FmtError::Syntax(diagnostics)) => {
            super::complain(&render::render_all(&diagnostics, &sources, lang));
            UNUSABLE
        }
        Err(FmtError::CommentLost(comment)) => {
            let args = [("path", name), ("comment", comment)];
            super::complain_line(&catalog::text(lang, "fmt.comment_lost", &args).unwrap_or_default());
            UNUSABLE
        }
    }
}
