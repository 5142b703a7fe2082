//! `--format human`: for each district (and the city), its failing obligations, errors and
//! binding obligations first, then the most widespread — each shown once, as a diagnostic
//! pointing into the submission at its worst subject (furthest from passing), with how many
//! more subjects fail it and which — then the rest of
//! its failing obligations by count, and a table of the counts of every status.

use std::fmt::Write as _;

use super::{View, Viewer, is_failure, status_word};
use crate::check::model::{Kind, RuleId, RuleSeverity, Status};
use crate::data::instance::{Date, InstanceId};
use crate::diagnostics::render::{Finding, render_finding};
use crate::diagnostics::{Lang, catalog};
use crate::eval::verdict::Verdict;
use crate::source::SourceMap;

/// Failing obligations shown in full per district; the next are listed with their counts.
pub const SHOWN_PER_GROUP: usize = 5;

/// Failing obligations listed by count after those shown in full; the rest are counted.
const LISTED_PER_GROUP: usize = 10;

/// Other failing subjects named under an obligation shown in full.
const NAMED: usize = 5;

/// One district (or the city) in the report.
pub struct Group {
    pub name: String,
    pub counts: [usize; 6],
    /// The obligations shown in full, most failing subjects first.
    pub shown: Vec<Failing>,
    /// The other failing obligations: id, title and count of failing subjects.
    pub others: Vec<(String, String, usize)>,
}

/// One obligation that fails in a district: its worst failure in full (written out as a
/// finding), the number of subjects that fail it, and the names of a few others.
pub struct Failing {
    pub rule: String,
    pub finding: String,
    pub count: usize,
    pub named: Vec<String>,
}

/// The human report's view of all verdicts, gathered as they are made: per district the
/// counts and, per failing rule, its count, worst failure and a few other subjects.
#[derive(Default)]
pub struct Digest {
    groups: foldhash::HashMap<InstanceId, Pending>,
    as_of: Option<Date>,
}

/// What a run of verdicts adds to a [`Digest`]: the counts of each group's subjects in the run
/// (a group's subjects come one after the other), the failures, the latest date.
pub struct Part {
    counts: Vec<(InstanceId, [usize; 6])>,
    failing: Vec<(InstanceId, Verdict)>,
    as_of: Option<Date>,
}

/// A district while verdicts are counted.
struct Pending {
    order: (bool, String),
    name: String,
    counts: [usize; 6],
    rules: foldhash::HashMap<RuleId, Rule>,
}

/// A failing rule while verdicts are counted: the worst failure so far (without its
/// derivation yet), the count, the next worst subjects (worst first).
struct Rule {
    first: Verdict,
    count: usize,
    next: Vec<(Rank, InstanceId)>,
}

/// How bad a failure is among those of a rule in a district: of the level met first (a
/// district's own verdict before its units'), a failure before what is only behind, then the
/// distance from passing.
#[derive(Clone, Copy)]
struct Rank {
    first_level: bool,
    fails: bool,
    distance: f64,
}

impl Rank {
    fn of(v: &Verdict, first_level: bool) -> Rank {
        Rank { first_level, fails: v.status == Status::Fail, distance: super::distance(v) }
    }

    fn cmp(&self, other: &Rank) -> std::cmp::Ordering {
        (self.first_level, self.fails)
            .cmp(&(other.first_level, other.fails))
            .then(self.distance.total_cmp(&other.distance))
    }
}

impl Digest {
    /// What a run of verdicts adds to the digest, made on the thread that judged them:
    /// `groups` is each instance's group ([`Viewer::groups`]).
    pub fn part(strict: bool, groups: &[InstanceId], verdicts: Vec<Verdict>) -> Part {
        let mut part = Part { counts: Vec::new(), failing: Vec::new(), as_of: None };
        for v in verdicts {
            part.as_of = part.as_of.max(Some(v.as_of));
            let group = groups[v.subject as usize];
            // A run's subjects come in document order: those of a group one after the other.
            let counts = match part.counts.last_mut() {
                Some((g, counts)) if *g == group => counts,
                _ => &mut part.counts.push_mut((group, [0; 6])).1,
            };
            if let Some(i) = Status::ALL.iter().position(|(_, s)| *s == v.status) {
                counts[i] += 1;
            }
            if is_failure(v.status, strict) {
                part.failing.push((group, v));
            }
        }
        part
    }

    /// Counts the verdicts of a part, made of the verdicts that come after those counted.
    pub fn add(&mut self, viewer: &Viewer<'_>, part: Part) {
        self.as_of = self.as_of.max(part.as_of);
        for (group, counts) in part.counts {
            let pending = self.pending(viewer, group);
            for (total, n) in pending.counts.iter_mut().zip(counts) {
                *total += n;
            }
        }
        for (group, v) in part.failing {
            self.fail(viewer, group, v);
        }
    }

    /// The district `group` while verdicts are counted.
    fn pending(&mut self, viewer: &Viewer<'_>, group: InstanceId) -> &mut Pending {
        self.groups.entry(group).or_insert_with(|| {
            let subject = viewer.subject(group);
            Pending { order: subject.group_order, name: subject.group, counts: [0; 6], rules: Default::default() }
        })
    }

    /// Notes a failure (counted already) of a subject grouped under `group`.
    fn fail(&mut self, viewer: &Viewer<'_>, group: InstanceId, v: Verdict) {
        match self.pending(viewer, group).rules.get_mut(&v.rule) {
            Some(rule) => {
                rule.count += 1;
                // The worst is shown, the next worst named; of equals, the one met first.
                let level = |v: &Verdict| viewer.dataset.get(v.subject).entity;
                let rank = Rank::of(&v, level(&v) == level(&rule.first));
                let (rank, other) = match rank.cmp(&Rank::of(&rule.first, true)).is_gt() {
                    true => {
                        let shown = Rank::of(&rule.first, true);
                        (shown, std::mem::replace(&mut rule.first, v).subject)
                    }
                    false => (rank, v.subject),
                };
                let at = rule.next.partition_point(|(r, _)| !r.cmp(&rank).is_lt());
                if at < NAMED {
                    rule.next.insert(at, (rank, other));
                    rule.next.truncate(NAMED);
                }
            }
            None => {
                self.pending(viewer, group).rules.insert(v.rule, Rule { first: v, count: 1, next: Vec::new() });
            }
        }
    }

    /// Whether a verdict counted fails the run.
    pub fn failed(&self) -> bool {
        self.groups.values().any(|p| !p.rules.is_empty())
    }

    /// The districts in order, their failing obligations with derivations, and the date.
    /// `explain` turns the failures shown into their findings ([`finding`]), in order (on
    /// every thread).
    pub fn finish(
        self,
        viewer: &Viewer<'_>,
        explain: impl FnOnce(Vec<Verdict>) -> Vec<String>,
    ) -> (Vec<Group>, String) {
        let mut pending: Vec<Pending> = self.groups.into_values().collect();
        pending.sort_by(|a, b| a.order.cmp(&b.order));
        // Errors before warnings, failures before what is behind, binding obligations (约束性)
        // before expected ones, then the most widespread first.
        let rank = |r: RuleId, rule: &Rule| {
            let def = &viewer.model.rules[r];
            let error = def.severity == RuleSeverity::Error;
            let binding = def.kind == Kind::Binding;
            (!error, rule.first.status != Status::Fail, !binding, std::cmp::Reverse(rule.count), r)
        };
        let ranked: Vec<(Pending, Vec<(RuleId, Rule)>)> = pending
            .into_iter()
            .map(|mut p| {
                let mut rules: Vec<(RuleId, Rule)> = std::mem::take(&mut p.rules).into_iter().collect();
                rules.sort_by_key(|(r, rule)| rank(*r, rule));
                (p, rules)
            })
            .collect();
        let shown: Vec<Verdict> = ranked
            .iter()
            .flat_map(|(_, rules)| rules.iter().take(SHOWN_PER_GROUP).map(|(_, rule)| rule.first.clone()))
            .collect();
        let mut findings = explain(shown).into_iter();
        let groups = ranked
            .into_iter()
            .map(|(p, rules)| {
                let mut shown = Vec::new();
                let mut others = Vec::new();
                for (r, rule) in rules {
                    match (shown.len() < SHOWN_PER_GROUP).then(|| findings.next()).flatten() {
                        Some(finding) => {
                            let named = rule.next.iter().map(|&(_, s)| viewer.subject(s).path.join(" › ")).collect();
                            let rule_id = viewer.model.rules[r].id.clone();
                            shown.push(Failing { rule: rule_id, finding, count: rule.count, named });
                        }
                        None => others.push((viewer.model.rules[r].id.clone(), viewer.names().rule(r), rule.count)),
                    }
                }
                Group { name: p.name, counts: p.counts, shown, others }
            })
            .collect();
        (groups, self.as_of.map_or(String::new(), |d| d.to_string()))
    }
}

pub fn write(groups: &[Group], as_of: &str, lang: Lang) -> String {
    let t = |key: &str, args: &[(&str, String)]| catalog::text(lang, key, args).unwrap_or_default();
    let sep = t("list.separator", &[]);
    let mut out = String::new();
    for group in groups {
        for f in &group.shown {
            out.push_str(&f.finding);
            if f.count > 1 {
                let mut names = f.named.join(&sep);
                if f.count - 1 > f.named.len() {
                    names.push_str(&t("explain.units_more", &[]));
                }
                let args = [("count", (f.count - 1).to_string()), ("names", names), ("rule", f.rule.clone())];
                let _ = writeln!(out, "{}\n", t("report.same_rule", &args));
            }
        }
        if !group.others.is_empty() {
            let args = [("group", group.name.clone()), ("count", group.others.len().to_string())];
            let _ = writeln!(out, "{}", t("report.more_rules", &args));
            for (id, title, n) in group.others.iter().take(LISTED_PER_GROUP) {
                let args = [("rule", id.clone()), ("title", title.clone()), ("count", n.to_string())];
                let _ = writeln!(out, "  {}", t("report.other_rule", &args));
            }
            let rest = group.others.len().saturating_sub(LISTED_PER_GROUP);
            if rest > 0 {
                let _ = writeln!(out, "  {}", t("report.rules_not_listed", &[("count", rest.to_string())]));
            }
            let _ = writeln!(out);
        }
    }
    if groups.iter().any(|g| !g.shown.is_empty()) {
        let _ = writeln!(out, "{}\n", t("report.next_step", &[]));
    }
    if !as_of.is_empty() {
        let _ = writeln!(out, "{} {as_of}", t("report.as_of", &[]));
    }
    let name_width =
        groups.iter().map(|g| columns(&g.name)).chain([columns(&t("report.group", &[])), 8]).max().unwrap_or(8);
    let header: Vec<String> = Status::ALL.iter().map(|(w, _)| format!("{w:>15}")).collect();
    let _ = writeln!(out, "{}{}", pad(&t("report.group", &[]), name_width), header.join(""));
    let mut total = [0usize; 6];
    for group in groups {
        for (i, c) in group.counts.iter().enumerate() {
            total[i] += c;
        }
        let cells: Vec<String> = group.counts.iter().map(|c| format!("{c:>15}")).collect();
        let _ = writeln!(out, "{}{}", pad(&group.name, name_width), cells.join(""));
    }
    let cells: Vec<String> = total.iter().map(|c| format!("{c:>15}")).collect();
    let _ = writeln!(out, "{}{}", pad(&t("report.total", &[]), name_width), cells.join(""));
    crate::diagnostics::render::terminal_safe(&out)
}

/// The columns a text takes in a terminal, a Chinese character taking two.
fn columns(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// Pads to a width in columns.
fn pad(text: &str, width: usize) -> String {
    format!("{text}{}", " ".repeat(width.saturating_sub(columns(text)) + 2))
}

/// A failure as a diagnostic: the rule's title and the explanation, at the deciding value,
/// with the plan's sentence and the departments as help.
/// A failure shown in full: the rule, the explanation, the place in the submission, the
/// plan's words and the departments.
pub fn finding(v: &View, lang: Lang, sources: &SourceMap) -> String {
    let label =
        catalog::text(lang, "report.value_here", &[("status", status_word(v.status).to_string())]).unwrap_or_default();
    let sep = catalog::text(lang, "list.separator", &[]).unwrap_or_default();
    let help = format!("{} — «{}» ({})", v.section, v.quote, v.departments.join(&sep));
    render_finding(&Finding {
        code: v.rule.clone(),
        error: v.status == Status::Fail,
        message: format!("{}: {}", v.title, v.explanation),
        primary: v.location.as_ref().map(|l| (l.span, label)),
        related: Vec::new(),
        help: Some(help),
        sources,
    })
}
