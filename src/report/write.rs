//! A whole report in the format asked for, written from the engine's verdicts: JSON, SARIF and
//! JUnit as verdicts are judged (on the engine's threads, in order), Markdown district by district as
//! each district is judged, the human report from counts and the worst failures of each
//! district, the HTML page from counts and the worst units.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use std::collections::HashMap;

use super::html;
use super::json;
use super::problems::{Problem, problems};
use super::{RuleView, Viewer, is_failure};
use crate::check::model::{RuleId, Status};
use crate::data::instance::InstanceId;
use crate::diagnostics::Lang;
use crate::engine::{Engine, Submissions};
use crate::eval::verdict::{Judge, JudgeOptions, Verdict};

/// The output formats of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Junit,
    Markdown,
    Html,
}

/// Which verdicts carry their derivation trace (`--trace`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TraceLevel {
    /// Verdicts that are not a pass.
    Failing,
    /// Every verdict.
    All,
    /// No verdict.
    None,
}

/// How to write a report.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    pub format: Format,
    pub lang: Lang,
    /// `behind` and `unknown` count as failures.
    pub strict: bool,
    pub trace: TraceLevel,
    /// The human report lists the warnings about the submissions before its verdicts: it is
    /// written to a file, read and forwarded without the standard error that showed them.
    pub warnings_listed: bool,
}

/// What writing a report came to.
pub struct Written {
    /// A verdict fails the run (exit 1): known even when writing stopped early.
    pub failed: bool,
    pub result: io::Result<()>,
}

/// Judges every selected rule on every subject and writes the report to `out`.
pub fn write(
    engine: &Engine,
    submissions: &Submissions,
    options: &JudgeOptions,
    settings: &Settings,
    out: &mut dyn Write,
) -> Written {
    let viewer = Viewer::new(engine.model(), &submissions.dataset, engine.sources(), settings.lang);
    let report = Report { engine, submissions, options, settings, viewer: &viewer };
    match settings.format {
        Format::Json => report.json(out),
        Format::Sarif => report.sarif(out),
        Format::Human => report.human(out),
        Format::Junit => report.junit(out),
        Format::Markdown => report.markdown(out),
        Format::Html => report.html(out),
    }
}

/// The report of a run that could not judge (exit 2), in the format asked for: the problems
/// and no verdicts, so that a dashboard shows what is broken. The human report lists them as
/// standard error shows them, in brief (for a file: the command line does not write it to a
/// terminal, where standard error has them already).
pub fn unusable(settings: &Settings, problems: &[Problem], out: &mut dyn Write) -> io::Result<()> {
    match settings.format {
        Format::Json => {
            let header = json::Header { lang: settings.lang, as_of: "", rules: &[], problems, params: &[] };
            json::begin(out, &header)
                .and_then(|()| json::after_subjects(out, &header, false))
                .and_then(|()| json::end(out, false, &[0; 6]))
        }
        Format::Sarif => super::sarif::problems(out, problems),
        Format::Junit => out.write_all(super::junit::problems(problems, settings.lang).as_bytes()),
        Format::Markdown => out.write_all(super::markdown::problems(problems, settings.lang).as_bytes()),
        Format::Html => out.write_all(super::html::problems(problems, settings.lang).as_bytes()),
        Format::Human => out.write_all(super::human::problems(problems, settings.lang).as_bytes()),
    }
}

/// One district (or the city) of the Markdown report: its counts and, per chapter of the plan,
/// the rows of its verdicts in order.
pub struct Grouped {
    pub name: String,
    pub counts: [usize; 6],
    pub chapters: std::collections::BTreeMap<super::markdown::ChapterKey, Chapter>,
}

/// The pieces of one chapter of a district, with the counts of its verdicts.
#[derive(Default)]
pub struct Chapter {
    pub counts: [usize; 6],
    pub pieces: Vec<String>,
}

/// Subjects of the JSON report described in one run of work on a thread.
const SUBJECTS_RUN: usize = 1024;

/// One report being written.
struct Report<'a> {
    engine: &'a Engine,
    submissions: &'a Submissions,
    options: &'a JudgeOptions,
    settings: &'a Settings,
    viewer: &'a Viewer<'a>,
}

impl Report<'_> {
    /// Judging options with or without derivation traces.
    fn traced(&self, trace: bool) -> JudgeOptions {
        JudgeOptions { trace, ..self.options.clone() }
    }

    /// A verdict as reports explain it: one that is not a pass with its derivation, blame and
    /// what would pass.
    fn explained(&self, judge: &mut Judge<'_>, v: Verdict) -> Verdict {
        if v.status == Status::Pass || v.explained.is_some() { v } else { judge.retrace(&v) }
    }

    /// `--format junit`: a test case per verdict, a suite per rule, written as the verdicts
    /// are judged (they come in rule order): only the cases of one rule are held at a time.
    fn junit(&self, out: &mut dyn Write) -> Written {
        let strict = self.settings.strict;
        let model = self.engine.model();
        let cases = |judge: &mut Judge<'_>, verdicts: Vec<Verdict>| {
            verdicts
                .into_iter()
                .map(|v| {
                    let case = match v.status {
                        Status::Pass => super::junit::passed(&model.rules[v.rule].id, &self.viewer.subject(v.subject)),
                        _ => {
                            let view = self.viewer.view(&self.explained(judge, v.clone()));
                            super::junit::case(&view, strict, self.viewer.lang)
                        }
                    };
                    (v.rule, v.status, case)
                })
                .collect::<Vec<_>>()
        };
        let mut suite = super::junit::Suite::default();
        let mut failed = false;
        let warnings = super::junit::warnings(&self.problems(), self.settings.lang);
        let mut result =
            out.write_all(super::junit::BEGIN.as_bytes()).and_then(|()| out.write_all(warnings.as_bytes()));
        self.engine.judge_in_parallel(self.submissions, &self.traced(false), cases, |cases| {
            for (rule, status, case) in cases {
                let failing = is_failure(status, strict);
                failed |= failing;
                if suite.rule != Some(rule) {
                    let written = suite.finish(model);
                    if result.is_ok() {
                        result = out.write_all(written.as_bytes());
                    }
                    suite.rule = Some(rule);
                }
                suite.add(status, failing, case);
            }
        });
        let result = result
            .and_then(|()| out.write_all(suite.finish(model).as_bytes()))
            .and_then(|()| out.write_all(super::junit::END.as_bytes()));
        Written { failed, result }
    }

    /// `--format markdown`: per district and chapter of the plan, the obligations not met.
    /// Verdicts are judged district by district, each written once its last verdict is made:
    /// only the rows of one district are held.
    fn markdown(&self, out: &mut dyn Write) -> Written {
        let (lang, strict) = (self.settings.lang, self.settings.strict);
        let (model, names) = (self.engine.model(), self.viewer.names());
        // Where the plan has each rule's chapter, found once (it is a search of the plan's text).
        let chapters: Vec<_> = (0..model.rules.len()).map(|r| super::markdown::chapter(names, r)).collect();
        let options = self.traced(false);
        let as_of = self.engine.judge(self.submissions, &options).latest_date();
        let mut begin = super::markdown::begin(&as_of.map_or(String::new(), |d| d.to_string()), lang);
        begin.push_str(&super::markdown::warnings(&self.problems(), lang));
        let mut result = out.write_all(begin.as_bytes());
        let rows = |judge: &mut Judge<'_>, verdicts: Vec<Verdict>| {
            let row = |v: Verdict| {
                let (status, rule) = (v.status, v.rule);
                // A pass or a rule that does not apply is counted, not shown.
                let text = match status {
                    Status::Pass | Status::NotApplicable => None,
                    _ => Some(super::markdown::row(&self.viewer.view(&self.explained(judge, v)), lang)),
                };
                (status, rule, text)
            };
            verdicts.into_iter().map(row).collect::<Vec<_>>()
        };
        let mut failed = false;
        let mut district: Option<(InstanceId, Grouped)> = None;
        let mut finish = |district: Option<(InstanceId, Grouped)>, result: &mut io::Result<()>| {
            if let (Some((_, done)), Ok(())) = (district, &result) {
                *result = out.write_all(super::markdown::district(&done, lang).as_bytes());
            }
        };
        let grouping = (|id| self.viewer.group_of(id), |g| self.viewer.subject(g).group_order);
        self.engine.judge_grouped(self.submissions, &options, grouping, rows, |group, made| {
            if district.as_ref().is_none_or(|(g, _)| *g != group) {
                finish(district.take(), &mut result);
                let name = self.viewer.subject(group).group;
                district = Some((group, Grouped { name, counts: [0; 6], chapters: Default::default() }));
            }
            let Some((_, g)) = district.as_mut() else { return };
            for (status, rule, text) in made {
                failed |= is_failure(status, strict);
                let i = Status::ALL.iter().position(|(_, s)| *s == status).unwrap_or(0);
                g.counts[i] += 1;
                let c = g.chapters.entry(chapters[rule].clone()).or_default();
                c.counts[i] += 1;
                c.pieces.extend(text);
            }
        });
        finish(district, &mut result);
        Written { failed, result }
    }

    /// `--format json`: each verdict written as it is made, so that memory does not grow with
    /// the report; they are counted on the way for the summary, written after them. The date,
    /// rules and subjects are written once, before the verdicts that name them.
    fn json(&self, out: &mut dyn Write) -> Written {
        let rules: Vec<RuleView> =
            self.engine.rules_judged(self.submissions, self.options).into_iter().map(|r| self.viewer.rule(r)).collect();
        let problems = self.problems();
        let as_of = self.engine.judge(self.submissions, self.options).latest_date();
        let as_of = as_of.map_or(String::new(), |d| d.to_string());
        let params = &self.options.params;
        let header =
            json::Header { lang: self.settings.lang, as_of: &as_of, rules: &rules, problems: &problems, params };
        // Subjects are described on every thread, in runs, and written in order; of each, only
        // its code is kept, for the passes (`index`: per instance, where its code is, or
        // `u32::MAX` for no subject). The codes, rule ids and levels of passes are kept as JSON,
        // escaped once.
        let (model, dataset) = (self.engine.model(), &self.submissions.dataset);
        let ids = self.subject_ids();
        let mut index = vec![u32::MAX; dataset.instances.len()];
        for (n, &id) in ids.iter().enumerate() {
            index[id as usize] = n as u32;
        }
        let mut begun = json::begin(out, &header);
        let mut codes: Vec<Box<[u8]>> = Vec::with_capacity(ids.len());
        let runs: Vec<(usize, &[InstanceId])> = ids.chunks(SUBJECTS_RUN).enumerate().collect();
        let describe = |(): &mut (), &(k, run): &(usize, &[InstanceId])| {
            let mut buf = Vec::with_capacity(run.len() * 160);
            let mut codes = Vec::with_capacity(run.len());
            for (i, &id) in run.iter().enumerate() {
                let subject = self.viewer.subject(id);
                json::subject(&mut buf, &subject, k == 0 && i == 0);
                codes.push(json::code_of(&subject));
            }
            (buf, codes)
        };
        let threads = self.engine.threads();
        crate::parallel::ordered(
            &runs,
            threads,
            2,
            || (),
            describe,
            |(buf, run_codes)| {
                if begun.is_ok() {
                    begun = out.write_all(&buf);
                }
                codes.extend(run_codes);
            },
        );
        let begun = begun.and_then(|()| json::after_subjects(out, &header, !ids.is_empty()));
        let rule_ids: Vec<Box<[u8]>> = model.rules.iter().map(|r| json::quoted(&r.id)).collect();
        let levels: Vec<Box<[u8]>> = model.entities.iter().map(|e| json::quoted(&e.name)).collect();
        let listed: Vec<bool> = (0..model.rules.len()).map(|r| self.viewer.listed_for_all(r)).collect();
        let trace = self.settings.trace;
        // Counted as the verdicts are written, for the summary at the end.
        let counts: [AtomicUsize; 6] = Default::default();
        let lines = |judge: &mut Judge<'_>, verdicts: Vec<Verdict>| {
            // Room for a pass in brief and an explained verdict at their usual sizes (126 bytes
            // and 1.5 KB at 10× Tianjin), so that a run's buffer is seldom grown and copied.
            let explained = verdicts.iter().filter(|v| v.status != Status::Pass || trace == TraceLevel::All).count();
            let mut out = Vec::with_capacity(verdicts.len() * 160 + explained * 2048);
            for v in verdicts {
                if let Some(i) = Status::ALL.iter().position(|(_, s)| *s == v.status) {
                    counts[i].fetch_add(1, Ordering::Relaxed);
                }
                let first = out.is_empty();
                let code = index.get(v.subject as usize).and_then(|&i| codes.get(i as usize));
                if let (Status::Pass, false, Some(code)) = (v.status, trace == TraceLevel::All, code) {
                    let level = &levels[dataset.get(v.subject).entity];
                    let own = if listed[v.rule] { None } else { self.viewer.own_requirement(&v) };
                    json::brief(&mut out, &rule_ids[v.rule], (level, code), v.actual.as_ref(), own.as_deref(), first);
                    continue;
                }
                // The explanation is made from the derivation whether or not the report shows it.
                let mut view = self.viewer.view(&self.explained(judge, v));
                if trace == TraceLevel::None {
                    view.trace = None;
                }
                json::verdict(&mut out, &view, trace == TraceLevel::All, first);
            }
            Ok(out)
        };
        let end = |out: &mut dyn Write, any| json::end(out, any, &counts.each_ref().map(|n| n.load(Ordering::Relaxed)));
        // Judged even when the opening could not be written: the exit code still says whether a
        // rule failed.
        let result = self.stream(out, trace == TraceLevel::All, |_| begun.map(|()| false), lines, end);
        let counts = counts.map(AtomicUsize::into_inner);
        let failed = Status::ALL.iter().zip(counts).any(|((_, s), n)| n > 0 && is_failure(*s, self.settings.strict));
        Written { failed, result }
    }

    /// `--format html`: one page from every verdict — counts for passes, details for the
    /// worst units of each obligation not met in each district.
    fn html(&self, out: &mut dyn Write) -> Written {
        let (model, lang) = (self.engine.model(), self.settings.lang);
        let names = self.viewer.names();
        let judged = self.engine.rules_judged(self.submissions, self.options);
        let index: HashMap<RuleId, usize> = judged.iter().enumerate().map(|(i, r)| (*r, i)).collect();
        let area = |r: RuleId| {
            model.rules[r].area.map_or(String::new(), |a| {
                let info = &model.areas[a];
                match lang {
                    crate::diagnostics::Lang::Zh => info.title.clone(),
                    crate::diagnostics::Lang::En => info.english.clone().unwrap_or_else(|| info.title.clone()),
                }
            })
        };
        let rules: Vec<(RuleView, String)> = judged.iter().map(|&r| (self.viewer.rule(r), area(r))).collect();
        let departments: Vec<String> = (0..model.departments.len()).map(|d| names.department(d)).collect();
        let mut responsible = vec![Vec::new(); departments.len()];
        for (i, &r) in judged.iter().enumerate() {
            for (k, &d) in model.rules[r].departments.iter().enumerate() {
                responsible[d].push((i, k == 0));
            }
        }
        for list in &mut responsible {
            list.sort_by_key(|(i, lead)| (!*lead, *i));
        }
        let group_of = self.viewer.groups();
        let mut groups: HashMap<InstanceId, ((bool, String), html::District)> = HashMap::new();
        let (mut counts, mut as_of, mut failed) = ([0; 6], None, false);
        self.engine.judge_in_parallel(
            self.submissions,
            &self.traced(false),
            |judge, verdicts| {
                let made: Vec<_> = verdicts
                    .into_iter()
                    .map(|v| {
                        let group = group_of[v.subject as usize];
                        let (rule, status, date) = (v.rule, v.status, v.as_of);
                        // The page shows no derivation: it is dropped once the explanation is made.
                        let view = (status != Status::Pass && status != Status::NotApplicable).then(|| {
                            let v = self.explained(judge, v);
                            let mut view = self.viewer.view(&v);
                            view.trace = None;
                            (super::distance(&v), view)
                        });
                        (group, rule, status, date, view)
                    })
                    .collect();
                made
            },
            |made| {
                for (group, rule, status, date, view) in made {
                    as_of = as_of.max(Some(date));
                    failed |= is_failure(status, self.settings.strict);
                    if let Some(i) = Status::ALL.iter().position(|(_, s)| *s == status) {
                        counts[i] += 1;
                    }
                    let (_, district) = groups.entry(group).or_insert_with(|| {
                        let subject = self.viewer.subject(group);
                        let district = html::District {
                            name: subject.group.clone(),
                            code: subject.code.clone(),
                            counts: [0; 6],
                            areas: Default::default(),
                            failing: Default::default(),
                        };
                        (subject.group_order, district)
                    });
                    district.add(index.get(&rule).copied().unwrap_or(0), &area(rule), status, view);
                }
            },
        );
        let mut districts: Vec<_> = groups.into_values().collect();
        districts.sort_by(|a, b| a.0.cmp(&b.0));
        let page = html::Page {
            lang,
            as_of: as_of.map_or(String::new(), |d| d.to_string()),
            counts,
            rules,
            departments,
            responsible,
            districts: districts.into_iter().map(|(_, d)| d).collect(),
            problems: self.problems(),
        };
        Written { failed, result: out.write_all(html::write(&page).as_bytes()) }
    }

    /// Every subject of the rules judged (of the districts asked for), in dataset order.
    fn subject_ids(&self) -> Vec<InstanceId> {
        let model = self.engine.model();
        let rules = self.engine.rules_judged(self.submissions, self.options);
        let levels: Vec<usize> =
            rules.iter().flat_map(|&r| model.rules[r].judgements.iter().map(|j| j.level)).collect();
        let dataset = &self.submissions.dataset;
        let kept = crate::eval::districts::selection(model, dataset, &self.options.districts);
        let judged = |(id, inst): &(usize, &crate::data::instance::Instance)| {
            levels.contains(&inst.entity) && kept.as_ref().is_none_or(|k| k[*id])
        };
        dataset.instances.iter().enumerate().filter(judged).map(|(id, _)| id as InstanceId).collect()
    }

    /// The problems of the rules and of the submissions, as reports list them.
    fn problems(&self) -> Vec<Problem> {
        let all: Vec<_> =
            self.engine.rules().diagnostics.0.iter().chain(&self.submissions.diagnostics.0).cloned().collect();
        problems(&all, self.engine.sources(), self.settings.lang)
    }

    /// `--format sarif`: one pass; the results of each run of verdicts are explained and
    /// written as it is judged.
    fn sarif(&self, out: &mut dyn Write) -> Written {
        let rules = self.engine.rules_judged(self.submissions, self.options);
        let (strict, failed) = (self.settings.strict, AtomicBool::new(false));
        let lines = |judge: &mut Judge<'_>, verdicts: Vec<Verdict>| {
            let mut out = Vec::new();
            for v in verdicts {
                if is_failure(v.status, strict) {
                    failed.store(true, Ordering::Relaxed);
                }
                if super::sarif::reported(v.status) {
                    let index = rules.iter().position(|r| *r == v.rule).unwrap_or(0);
                    let first = out.is_empty();
                    let v = self.explained(judge, v);
                    super::sarif::result(&mut out, &self.viewer.view(&v), index, strict, first)?;
                }
            }
            Ok(out)
        };
        let result = self.stream(
            out,
            false,
            |out| super::sarif::begin(out, self.viewer.names(), &rules, &self.problems()),
            lines,
            |out, any| super::sarif::end(out, any),
        );
        Written { failed: failed.load(Ordering::Relaxed), result }
    }

    /// Writes a streamed report: `begin` (true when it wrote a line of its own), then the lines
    /// of every run of verdicts, made on the engine's threads and written in order (runs
    /// separated by commas), then `end`, told whether any line was written. Every verdict is judged even when writing fails (a reader that
    /// stopped early): the exit code still says whether a rule failed.
    fn stream(
        &self,
        out: &mut dyn Write,
        trace: bool,
        begin: impl FnOnce(&mut dyn Write) -> io::Result<bool>,
        lines: impl Fn(&mut Judge<'_>, Vec<Verdict>) -> io::Result<Vec<u8>> + Sync,
        end: impl FnOnce(&mut dyn Write, bool) -> io::Result<()>,
    ) -> io::Result<()> {
        let (mut result, mut any) = match begin(out) {
            Ok(any) => (Ok(()), any),
            Err(e) => (Err(e), false),
        };
        self.engine.judge_in_parallel(self.submissions, &self.traced(trace), lines, |bytes| {
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
    }

    /// `--format human`: the counts of every district and its worst failures with their
    /// explanations; verdicts are counted on the threads that judge them, not kept.
    fn human(&self, out: &mut dyn Write) -> Written {
        let strict = self.settings.strict;
        let mut digest = super::human::Digest::default();
        let groups = self.viewer.groups();
        let part = |_: &mut Judge<'_>, verdicts| super::human::Digest::part(self.viewer, strict, &groups, verdicts);
        self.engine.judge_in_parallel(self.submissions, &self.traced(false), part, |p| digest.add(self.viewer, p));
        let failed = digest.failed();
        let explain = |shown: Vec<Verdict>| {
            let mut findings = Vec::with_capacity(shown.len());
            let (lang, sources) = (self.settings.lang, self.viewer.sources);
            let finding = |judge: &mut Judge<'_>, v: &Verdict| {
                super::human::finding(&self.viewer.view(&judge.retrace(v)), lang, sources)
            };
            self.engine.each_judged(self.submissions, self.options, &shown, finding, |f| findings.push(f));
            findings
        };
        let (groups, as_of) = digest.finish(self.viewer, explain);
        let lang = self.settings.lang;
        let mut text = match self.settings.warnings_listed {
            true => super::human::warnings(&self.problems(), lang),
            false => String::new(),
        };
        text.push_str(&super::human::write(&groups, &as_of, &self.options.params, strict, lang));
        Written { failed, result: out.write_all(text.as_bytes()) }
    }
}
