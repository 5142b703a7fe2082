//! `plancheck check`: loads district submissions, validates them (data model and the
//! consistency checks of the rules), judges every rule on every subject and reports the
//! verdicts. Exit 0: no failure; 1: a failure (with `--strict` also behind/unknown);
//! 2: the rules or a submission cannot be used.

use std::path::PathBuf;

use super::{FINDING, OK, UNUSABLE, open, report, summary};
use crate::data::instance::{Dataset, Date};
use crate::data::{self, Options};
use crate::diagnostics::{Diagnostics, Lang, catalog, render};
use crate::eval::verdict::{JudgeOptions, Verdict, judge};
use crate::load::RuleSet;
use crate::report::{self, Viewer, is_failure};

/// The output formats of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    Human,
    Json,
    Sarif,
    Junit,
    Markdown,
}

/// What `check` was asked to do.
pub struct CheckArgs {
    pub rules: PathBuf,
    pub submissions: Vec<PathBuf>,
    pub options: Options,
    pub lang: Lang,
    pub format: CheckFormat,
    pub as_of: Option<Date>,
    pub params: Vec<(String, rust_decimal::Decimal)>,
    pub strict: bool,
    pub only: Vec<String>,
    pub output: Option<PathBuf>,
}

/// Submissions read, validated and judged.
pub struct Judged {
    pub set: RuleSet,
    pub dataset: Dataset,
    pub verdicts: Vec<Verdict>,
}

/// Loads the rules and submissions, reports every problem, and judges; `Err` holds the exit
/// code when the rules or a submission cannot be used.
pub fn judged(args: &CheckArgs) -> Result<Judged, u8> {
    let mut set = open(&args.rules, args.lang).and_then(|set| report(&set, args.lang).map(|()| set))?;
    let missing: Vec<&PathBuf> = args.submissions.iter().filter(|p| !p.exists()).collect();
    for path in &missing {
        let reason = catalog::text(args.lang, "io.not_found", &[]).unwrap_or_default();
        let params = [("path", path.display().to_string()), ("reason", reason)];
        eprintln!("{}", catalog::text(args.lang, "cli.unreadable", &params).unwrap_or_default());
    }
    if !missing.is_empty() {
        return Err(UNUSABLE);
    }
    let mut loaded = match data::load(&args.submissions, &set.checked, &args.options, &mut set.sources) {
        Ok(loaded) => loaded,
        Err(e) => {
            let shown = args.submissions.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" ");
            let params = [("path", shown), ("reason", crate::check::io_reason(&e))];
            eprintln!("{}", catalog::text(args.lang, "cli.unreadable", &params).unwrap_or_default());
            return Err(UNUSABLE);
        }
    };
    let mut diagnostics = Diagnostics(std::mem::take(&mut loaded.diagnostics));
    if !diagnostics.has_errors() {
        diagnostics.0.extend(crate::eval::consistency::check(&set.checked.model, &loaded.dataset));
    }
    diagnostics.sort();
    eprint!("{}", render::render_all(&diagnostics.0, &set.sources, args.lang));
    let (errors, warnings) = (diagnostics.error_count(), diagnostics.warning_count());
    if errors + warnings > 0 {
        eprintln!("{}", summary(args.lang, errors, warnings));
    }
    if errors > 0 || loaded.dataset.documents.is_empty() {
        return Err(UNUSABLE);
    }
    let model = &set.checked.model;
    crate::eval::whole::add_wholes(model, &mut loaded.dataset);
    let options = JudgeOptions { as_of: args.as_of, params: args.params.clone(), only: args.only.clone(), trace: true };
    let verdicts = judge(model, &loaded.dataset, &options);
    Ok(Judged { set, dataset: loaded.dataset, verdicts })
}

pub fn run(args: &CheckArgs) -> u8 {
    let judged = match judged(args) {
        Ok(j) => j,
        Err(code) => return code,
    };
    let viewer = Viewer {
        model: &judged.set.checked.model,
        dataset: &judged.dataset,
        sources: &judged.set.sources,
        lang: args.lang,
    };
    let views: Vec<_> = judged.verdicts.iter().map(|v| viewer.view(v)).collect();
    let as_of = judged.verdicts.iter().map(|v| v.as_of).max().map_or(String::new(), |d| d.to_string());
    let text = match args.format {
        CheckFormat::Human => report::human::write(&views, &as_of, args.strict, args.lang, &judged.set.sources),
        CheckFormat::Json => report::json::write(&views, &as_of),
        CheckFormat::Sarif => report::sarif::write(&views, args.strict),
        CheckFormat::Junit => report::junit::write(&views, args.strict),
        CheckFormat::Markdown => report::markdown::write(&views, &as_of, args.lang),
    };
    if let Err(code) = emit(&text, args.output.as_deref(), args.lang) {
        return code;
    }
    if views.iter().any(|v| is_failure(v.status, args.strict)) { FINDING } else { OK }
}

/// Writes a report to standard output or to a file.
pub fn emit(text: &str, output: Option<&std::path::Path>, lang: Lang) -> Result<(), u8> {
    match output {
        None => {
            print!("{text}");
            Ok(())
        }
        Some(path) => std::fs::write(path, text).map_err(|e| {
            let params = [("path", path.display().to_string()), ("reason", e.to_string())];
            eprintln!("{}", catalog::text(lang, "cli.unwritable", &params).unwrap_or_default());
            UNUSABLE
        }),
    }
}

/// Parses `NAME=VALUE` of `--param`.
pub fn parse_param(text: &str) -> Result<(String, rust_decimal::Decimal), String> {
    let (name, value) = text.split_once('=').ok_or_else(|| format!("`{text}`: expected NAME=VALUE"))?;
    let value = crate::data::bind::parse_decimal(value.trim()).ok_or_else(|| format!("`{value}` is not a number"))?;
    Ok((name.trim().to_string(), value))
}

/// Parses `YYYY-MM-DD` of `--as-of`.
pub fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text).ok_or_else(|| format!("`{text}` is not a date YYYY-MM-DD"))
}
