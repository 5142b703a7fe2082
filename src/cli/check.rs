//! `plancheck check`: loads district submissions, validates them (data model and the
//! consistency checks of the rules), judges every rule on every subject and reports the
//! verdicts. Exit 0: no failure; 1: a failure (with `--strict` also behind/unknown);
//! 2: the rules or a submission cannot be used.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{FINDING, OK, UNUSABLE, emit, open, report, summary};
use crate::check::model::RuleId;
use crate::check::model::Status;
use crate::data::instance::{Dataset, Date};
use crate::data::{self, Options};
use crate::diagnostics::{Diagnostics, Lang, catalog, render};
use crate::eval::verdict::{Batch, Judge, JudgeOptions, in_parallel};
use crate::load::RuleSet;
use crate::report::{self, View, Viewer, is_failure};

/// The output formats of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    Human,
    Json,
    Sarif,
    Junit,
    Markdown,
}

/// Which verdicts carry their derivation trace (`--trace`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TraceLevel {
    /// Verdicts that are not a pass.
    Failing,
    All,
    None,
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
    pub trace: TraceLevel,
    pub output: Option<PathBuf>,
}

/// Submissions read and validated, ready to be judged.
pub struct Prepared {
    pub set: RuleSet,
    pub dataset: Dataset,
    pub options: JudgeOptions,
}

/// Loads the rules and submissions and reports every problem; `Err` holds the exit code when
/// the rules or a submission cannot be used.
pub fn prepare(args: &CheckArgs) -> Result<Prepared, u8> {
    let mut set = open(&args.rules, args.lang).and_then(|set| report(&set, args.lang).map(|()| set))?;
    warn_unused(args, &set.checked.model);
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
    crate::eval::whole::add_wholes(&set.checked.model, &mut loaded.dataset);
    let options =
        JudgeOptions { as_of: args.as_of, params: args.params.clone(), only: args.only.clone(), trace: false };
    Ok(Prepared { set, dataset: loaded.dataset, options })
}

/// Warns of an `--only` pattern that selects no rule and a `--param` that names no parameter:
/// what the user asked for is never ignored silently.
fn warn_unused(args: &CheckArgs, model: &crate::check::model::Model) {
    let ids = || model.rules.iter().map(|r| r.id.as_str());
    for pattern in &args.only {
        if !ids().any(|id| crate::eval::verdict::matches(pattern, id)) {
            let suggestion = suggest(args.lang, crate::diagnostics::suggest::did_you_mean(pattern, ids()));
            let params = [("pattern", pattern.clone()), ("suggestion", suggestion)];
            eprintln!("{}", catalog::text(args.lang, "cli.only_matches_nothing", &params).unwrap_or_default());
        }
    }
    let names: Vec<String> = model
        .rules
        .iter()
        .flat_map(|r| r.params.iter().flat_map(move |p| [p.name.clone(), format!("{}.{}", r.id, p.name)]))
        .collect();
    for (name, _) in &args.params {
        if !names.contains(name) {
            let suggestion =
                suggest(args.lang, crate::diagnostics::suggest::did_you_mean(name, names.iter().map(String::as_str)));
            let params = [("name", name.clone()), ("suggestion", suggestion)];
            eprintln!("{}", catalog::text(args.lang, "cli.param_names_nothing", &params).unwrap_or_default());
        }
    }
}

/// ` (did you mean …?)` after a warning, or nothing.
fn suggest(lang: Lang, name: Option<String>) -> String {
    name.and_then(|n| catalog::text(lang, "cli.suggest", &[("suggestion", n)])).unwrap_or_default()
}

pub fn run(args: &CheckArgs) -> u8 {
    let prepared = match prepare(args) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let model = &prepared.set.checked.model;
    let viewer = Viewer { model, dataset: &prepared.dataset, sources: &prepared.set.sources, lang: args.lang };
    let judge = Judge::new(model, &prepared.dataset, &prepared.options);
    let strict = args.strict;
    match args.format {
        CheckFormat::Json => stream_json(args, &judge, &viewer),
        CheckFormat::Human => human(args, &judge, &viewer),
        CheckFormat::Sarif => stream_sarif(args, &judge, &viewer),
        CheckFormat::Junit => whole(args, judge, &viewer, |views, _| report::junit::write(views, strict)),
        CheckFormat::Markdown => {
            whole(args, judge, &viewer, |views, as_of| report::markdown::write(views, as_of, args.lang))
        }
    }
}

/// The formats written from all views at once (SARIF, JUnit, Markdown); only what a report
/// explains needs its derivation: every verdict that is not a pass.
fn whole(args: &CheckArgs, mut judge: Judge<'_>, viewer: &Viewer<'_>, write: impl Fn(&[View], &str) -> String) -> u8 {
    let mut verdicts = Vec::new();
    judge.each(false, |v| verdicts.push(v));
    let views: Vec<View> = verdicts
        .iter()
        .map(|v| match v.status {
            Status::Pass | Status::NotApplicable => viewer.view(v),
            _ => viewer.view(&judge.retrace(v)),
        })
        .collect();
    let as_of = verdicts.iter().map(|v| v.as_of).max().map_or(String::new(), |d| d.to_string());
    if let Err(code) = emit(&write(&views, &as_of), args.output.as_deref(), args.lang) {
        return code;
    }
    if views.iter().any(|v| is_failure(v.status, args.strict)) { FINDING } else { OK }
}

/// `--format json`: a first pass counts the verdicts for the summary, a second writes each
/// verdict with its derivation as it is made, so that memory does not grow with the report.
/// Both passes use every core.
fn stream_json(args: &CheckArgs, judge: &Judge<'_>, viewer: &Viewer<'_>) -> u8 {
    let (model, dataset, options) = (viewer.model, viewer.dataset, judge.options());
    let batches = judge.batches(BATCH);
    let mut counts = [0; 6];
    let mut as_of = None;
    let count = |judge: &mut Judge<'_>, b| {
        let mut counts = [0; 6];
        let mut as_of = None;
        judge.batch(b, false, &mut |v| {
            if let Some(i) = Status::ALL.iter().position(|(_, s)| *s == v.status) {
                counts[i] += 1;
            }
            as_of = as_of.max(Some(v.as_of));
        });
        (counts, as_of)
    };
    in_parallel(model, dataset, options, &batches, count, |(c, d)| {
        counts.iter_mut().zip(c).for_each(|(total, n)| *total += n);
        as_of = as_of.max(d);
    });
    let failed = Status::ALL.iter().zip(counts).any(|((_, s), n)| n > 0 && is_failure(*s, args.strict));
    let as_of = as_of.map_or(String::new(), |d| d.to_string());
    let lines = |judge: &mut Judge<'_>, b| {
        let mut verdicts = Vec::new();
        judge.batch(b, args.trace == TraceLevel::All, &mut |v| verdicts.push(v));
        let mut out = Vec::new();
        for v in verdicts {
            // Every verdict that is not a pass is explained (blame, what would pass);
            // `--trace` says which keep their derivation.
            let mut v = if v.status == Status::Pass || v.explained.is_some() { v } else { judge.retrace(&v) };
            if args.trace == TraceLevel::None {
                v.trace = None;
            }
            let first = out.is_empty();
            report::json::verdict(&mut out, &viewer.view(&v), first)?;
        }
        Ok(out)
    };
    let written = stream(
        args,
        judge,
        &batches,
        |out| report::json::begin(out, &counts, &as_of),
        lines,
        |out, any| report::json::end(out, any),
    );
    finish(args, written, failed)
}

/// `--format sarif`: one pass; each batch's results are traced and written as it is judged.
fn stream_sarif(args: &CheckArgs, judge: &Judge<'_>, viewer: &Viewer<'_>) -> u8 {
    let batches = judge.batches(BATCH);
    let mut rules: Vec<RuleId> = batches.iter().map(|b| b.rule()).collect();
    rules.dedup();
    let failed = AtomicBool::new(false);
    let lines = |judge: &mut Judge<'_>, b| {
        let mut reported = Vec::new();
        judge.batch(b, false, &mut |v| {
            if is_failure(v.status, args.strict) {
                failed.store(true, Ordering::Relaxed);
            }
            if report::sarif::reported(v.status, args.strict) {
                reported.push(v);
            }
        });
        let mut out = Vec::new();
        for v in &reported {
            let index = rules.iter().position(|r| *r == v.rule).unwrap_or(0);
            let first = out.is_empty();
            report::sarif::result(&mut out, &viewer.view(&judge.retrace(v)), index, args.strict, first)?;
        }
        Ok(out)
    };
    let written = stream(
        args,
        judge,
        &batches,
        |out| report::sarif::begin(out, viewer.names(), &rules),
        lines,
        |out, any| report::sarif::end(out, any),
    );
    finish(args, written, failed.load(Ordering::Relaxed))
}

/// Writes a streamed report: `begin`, then the lines of every batch, made on every core and
/// written in order (the batches' runs of lines separated by commas), then `end`, told whether
/// any line was written.
fn stream(
    args: &CheckArgs,
    judge: &Judge<'_>,
    batches: &[Batch],
    begin: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    lines: impl Fn(&mut Judge<'_>, Batch) -> std::io::Result<Vec<u8>> + Sync,
    end: impl FnOnce(&mut dyn Write, bool) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let (model, dataset, options) = (judge.model(), judge.dataset(), judge.options());
    with_output(args.output.as_deref(), |out| {
        // Every batch is judged even when writing fails (a reader that stopped early): the
        // exit code still says whether a rule failed.
        let mut result = begin(out);
        let mut any = false;
        in_parallel(model, dataset, options, batches, lines, |bytes| {
            if result.is_ok() {
                result = bytes.and_then(|bytes| {
                    if !bytes.is_empty() {
                        if any {
                            out.write_all(b",")?;
                        }
                        out.write_all(&bytes)?;
                        any = true;
                    }
                    Ok(())
                });
            }
        });
        result?;
        end(out, any)
    })
}

/// The exit code of a streamed report.
fn finish(args: &CheckArgs, written: std::io::Result<()>, failed: bool) -> u8 {
    match written {
        // A reader that stops early (`| head`) has what it wanted.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            let path = args.output.as_ref().map_or("-".to_string(), |p| p.display().to_string());
            let params = [("path", path), ("reason", e.to_string())];
            eprintln!("{}", catalog::text(args.lang, "cli.unwritable", &params).unwrap_or_default());
            UNUSABLE
        }
        _ if failed => FINDING,
        _ => OK,
    }
}

/// `--format human`: the counts of every district and its first failures with their
/// derivations; verdicts are counted as they are made, not kept.
fn human(args: &CheckArgs, judge: &Judge<'_>, viewer: &Viewer<'_>) -> u8 {
    let (model, dataset, options) = (viewer.model, viewer.dataset, judge.options());
    let batches = judge.batches(BATCH);
    let sort = |judge: &mut Judge<'_>, b| {
        let mut out = Vec::new();
        judge.batch(b, false, &mut |v| out.push((viewer.group_of(v.subject), v)));
        out
    };
    let mut digest = report::human::Digest::new(args.strict);
    in_parallel(model, dataset, options, &batches, sort, |verdicts| {
        for (group, v) in verdicts {
            digest.add(viewer, group, v);
        }
    });
    let failed = digest.failed();
    let (groups, as_of) = digest.finish(viewer, &mut Judge::new(model, dataset, options));
    let text = report::human::write(&groups, &as_of, args.lang, viewer.sources);
    if let Err(code) = emit(&text, args.output.as_deref(), args.lang) {
        return code;
    }
    if failed { FINDING } else { OK }
}

/// Verdicts judged together on one thread.
const BATCH: usize = 1024;

/// Runs `write` on a buffered standard output or file.
fn with_output(
    output: Option<&std::path::Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    match output {
        None => {
            let mut out = BufWriter::new(std::io::stdout().lock());
            write(&mut out)?;
            out.flush()
        }
        Some(path) => {
            let mut out = BufWriter::new(std::fs::File::create(path)?);
            write(&mut out)?;
            out.flush()
        }
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
