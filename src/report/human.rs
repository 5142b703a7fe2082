//! `--format human`: for each district (and the city), a heading with how many obligations
//! fail there and how many verdicts, then its failing obligations, errors and
//! binding obligations first, then the most widespread — each shown once, as a diagnostic
//! pointing into the submission at its worst subject (furthest from passing), with how many
//! more subjects fail it and which — then the rest of
//! its failing obligations by count, and a table of the counts of every status.

use std::fmt::Write as _;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::{View, Viewer, is_failure, number, number_against, op_word, status_label};
use crate::check::model::{Kind, RuleId, RuleSeverity, Status};
use crate::check::units::Unit;
use crate::data::instance::{Date, InstanceId};
use crate::diagnostics::render::{Finding, render_finding};
use crate::diagnostics::{Lang, catalog};
use crate::eval::Val;
use crate::eval::verdict::Verdict;
use crate::source::SourceMap;
use crate::syntax::ast::BinOp;

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
/// finding), the number of subjects that fail it, and the names of a few others: the furthest
/// from passing first where that is their order and they differ (`by_distance`).
pub struct Failing {
    pub rule: String,
    pub finding: String,
    pub count: usize,
    pub named: Vec<String>,
    pub by_distance: bool,
    /// The code of the district it fails in, to select it (none for the city).
    pub district: Option<String>,
}

/// The human report's view of all verdicts, gathered as they are made: per district the
/// counts and, per failing rule, its count, worst failure and a few other subjects.
#[derive(Default)]
pub struct Digest {
    groups: foldhash::HashMap<InstanceId, Pending>,
    as_of: Option<Date>,
}

/// What a run of verdicts adds to a [`Digest`]: the counts of each group's subjects in the run
/// (a group's subjects come one after the other), the failures of each group gathered, the
/// latest date.
pub struct Part {
    counts: Vec<(InstanceId, [usize; 6])>,
    failing: Vec<(InstanceId, RuleId, Rule)>,
    as_of: Option<Date>,
}

/// A district while verdicts are counted.
struct Pending {
    order: (bool, String),
    name: String,
    /// The district's code, for `--district` (none for the city).
    code: Option<String>,
    counts: [usize; 6],
    rules: foldhash::HashMap<RuleId, Rule>,
}

/// A failing rule while verdicts are counted: the worst failure so far (without its
/// derivation yet) and its rank, the count, the next worst subjects (worst first).
struct Rule {
    first: Verdict,
    rank: Rank,
    count: usize,
    next: Vec<Next>,
}

/// One of the next worst failures of a rule in a district: its rank, and its compared value
/// where it is a number (to be named with it).
struct Next {
    rank: Rank,
    actual: Option<Decimal>,
    /// What the number is compared with, and how.
    requirement: Option<(BinOp, Decimal)>,
    unit: Option<Arc<Unit>>,
}

impl Rule {
    fn new(first: Verdict, rank: Rank) -> Rule {
        Rule { first, rank, count: 1, next: Vec::new() }
    }

    /// Takes in the failures of `other` (of the same rule and district): the worse of the two
    /// shown, the others named if they are among the worst.
    fn merge(&mut self, other: Rule) {
        self.count += other.count;
        let beaten = match other.rank.cmp(&self.rank).is_gt() {
            true => {
                let beaten = Next::of(&self.first, self.rank);
                (self.first, self.rank) = (other.first, other.rank);
                beaten
            }
            false => Next::of(&other.first, other.rank),
        };
        for next in std::iter::once(beaten).chain(other.next) {
            let at = self.next.partition_point(|n| n.rank.cmp(&next.rank).is_gt());
            if at < NAMED {
                self.next.insert(at, next);
                self.next.truncate(NAMED);
            }
        }
    }
}

impl Next {
    fn of(v: &Verdict, rank: Rank) -> Next {
        let number = |x: &Option<Val>| match x {
            Some(Val::Num(n)) => Some(*n),
            _ => None,
        };
        Next { rank, actual: number(&v.actual), requirement: v.op.zip(number(&v.threshold)), unit: v.unit.clone() }
    }
}

/// How bad a failure is among those of a rule in a district, worst greatest: of the level the
/// rule judges first (a district's own verdict before its units'), a failure before what is
/// only behind, the distance from passing, then the subject met first. No two are equal: the
/// worst are the same whatever order the verdicts are gathered in.
#[derive(Clone, Copy)]
struct Rank {
    judgement: usize,
    fails: bool,
    distance: f64,
    subject: InstanceId,
}

impl Rank {
    fn of(v: &Verdict, judgement: usize) -> Rank {
        Rank { judgement, fails: v.status == Status::Fail, distance: super::distance(v), subject: v.subject }
    }

    fn cmp(&self, other: &Rank) -> std::cmp::Ordering {
        other
            .judgement
            .cmp(&self.judgement)
            .then(self.fails.cmp(&other.fails))
            .then(self.distance.total_cmp(&other.distance))
            .then(other.subject.cmp(&self.subject))
    }
}

impl Digest {
    /// What a run of verdicts adds to the digest, made on the thread that judged them:
    /// `groups` is each instance's group ([`Viewer::groups`]).
    pub fn part(viewer: &Viewer<'_>, strict: bool, groups: &[InstanceId], verdicts: Vec<Verdict>) -> Part {
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
            if !is_failure(v.status, strict) {
                continue;
            }
            let level = viewer.dataset.get(v.subject).entity;
            let judgement = viewer.model.rules[v.rule].judgement_of(level).unwrap_or(0);
            let rank = Rank::of(&v, judgement);
            match part.failing.last_mut() {
                Some((g, r, rule)) if *g == group && *r == v.rule => rule.merge(Rule::new(v, rank)),
                _ => part.failing.push((group, v.rule, Rule::new(v, rank))),
            }
        }
        part
    }

    /// Counts the verdicts of a part.
    pub fn add(&mut self, viewer: &Viewer<'_>, part: Part) {
        self.as_of = self.as_of.max(part.as_of);
        for (group, counts) in part.counts {
            let pending = self.pending(viewer, group);
            for (total, n) in pending.counts.iter_mut().zip(counts) {
                *total += n;
            }
        }
        for (group, r, rule) in part.failing {
            match self.pending(viewer, group).rules.entry(r) {
                std::collections::hash_map::Entry::Occupied(mut gathered) => gathered.get_mut().merge(rule),
                std::collections::hash_map::Entry::Vacant(none) => {
                    none.insert(rule);
                }
            }
        }
    }

    /// The district `group` while verdicts are counted.
    fn pending(&mut self, viewer: &Viewer<'_>, group: InstanceId) -> &mut Pending {
        self.groups.entry(group).or_insert_with(|| {
            let subject = viewer.subject(group);
            let code = (!viewer.is_whole(group)).then_some(subject.code);
            Pending { order: subject.group_order, name: subject.group, code, counts: [0; 6], rules: Default::default() }
        })
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
                            // Named from below the district, whose section this is, each with
                            // its number where it has one.
                            let named = rule
                                .next
                                .iter()
                                .map(|n| {
                                    let path = viewer.subject(n.rank.subject).path;
                                    let below =
                                        path.split_first().filter(|(top, rest)| **top == p.name && !rest.is_empty());
                                    let name = below.map_or(&path[..], |(_, rest)| rest).join(" › ");
                                    match (n.actual, n.requirement) {
                                        (Some(a), Some((op, t))) => {
                                            let quantity = |x: &str| viewer.names().quantity(x, n.unit.as_deref());
                                            let args = [
                                                ("name", name),
                                                ("actual", quantity(&number_against(a, Some(t)))),
                                                ("op", op_word(op, viewer.lang)),
                                                ("threshold", quantity(&number(t))),
                                            ];
                                            catalog::text(viewer.lang, "report.named_value", &args).unwrap_or_default()
                                        }
                                        _ => name,
                                    }
                                })
                                .collect();
                            let by_distance = furthest_first(&rule.next);
                            let rule_id = viewer.model.rules[r].id.clone();
                            let district = p.code.clone();
                            shown.push(Failing {
                                rule: rule_id,
                                finding,
                                count: rule.count,
                                named,
                                by_distance,
                                district,
                            });
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

/// Whether subjects named are in order of their distance from passing, and not all as far (as
/// every failure of a yes/no obligation is): only then does the report say they are ordered so.
fn furthest_first(named: &[Next]) -> bool {
    named.is_sorted_by(|a, b| a.rank.distance >= b.rank.distance)
        && named.first().zip(named.last()).is_some_and(|(first, last)| first.rank.distance > last.rank.distance)
}

pub fn write(
    groups: &[Group],
    as_of: &str,
    params: &[(String, rust_decimal::Decimal)],
    strict: bool,
    lang: Lang,
) -> String {
    let t = |key: &str, args: &[(&str, String)]| catalog::text(lang, key, args).unwrap_or_default();
    let sep = t("list.separator", &[]);
    let mut out = String::new();
    for group in groups {
        if !group.shown.is_empty() {
            let failing = group.shown.iter().map(|f| f.count).chain(group.others.iter().map(|o| o.2)).sum::<usize>();
            let args = [
                ("group", group.name.clone()),
                ("rules", (group.shown.len() + group.others.len()).to_string()),
                ("count", failing.to_string()),
            ];
            // With `--strict`, what is behind or unknown fails too: the heading's count is not the
            // table's column of failures, and says so.
            let heading = if strict { "report.group_heading_strict" } else { "report.group_heading" };
            let _ = writeln!(out, "{}\n", t(heading, &args));
        }
        for f in &group.shown {
            out.push_str(&f.finding);
            if f.count > 1 {
                let mut names = f.named.join(&sep);
                if f.count - 1 > f.named.len() {
                    names.push_str(&t("explain.units_more", &[]));
                }
                let args = [("count", (f.count - 1).to_string()), ("names", names), ("rule", f.rule.clone())];
                let key = if f.by_distance { "report.same_rule" } else { "report.same_rule_unordered" };
                let _ = writeln!(out, "{}", t(key, &args));
                // The options that list them all.
                let mut options = format!("--only {}", f.rule);
                if let Some(code) = &f.district {
                    let _ = write!(options, " --district {code}");
                }
                let _ = writeln!(out, "{}\n", t("report.see_all", &[("options", options)]));
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
    // Figures given for this run instead of the rules' own.
    if !params.is_empty() {
        let given: Vec<String> = params.iter().map(|(name, value)| format!("{name}={}", value.normalize())).collect();
        let _ = writeln!(out, "{}", t("report.params", &[("params", given.join(" "))]));
    }
    let name_width =
        groups.iter().map(|g| columns(&g.name)).chain([columns(&t("report.group", &[])), 8]).max().unwrap_or(8);
    let header: Vec<String> = Status::ALL
        .iter()
        .map(|(_, s)| {
            let label = status_label(*s, lang);
            format!("{}{label}", " ".repeat(15usize.saturating_sub(columns(&label))))
        })
        .collect();
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

/// A failure shown in full, as a diagnostic: the rule's title and the explanation, at the
/// deciding value, with the plan's sentence and the departments as help.
pub fn finding(v: &View, lang: Lang, sources: &SourceMap) -> String {
    let label =
        catalog::text(lang, "report.value_here", &[("status", status_label(v.status, lang))]).unwrap_or_default();
    let t = |key: &str, args: &[(&str, String)]| catalog::text(lang, key, args).unwrap_or_default();
    let departments = v.departments.join(&t("list.separator", &[]));
    let help = t(
        "report.finding_help",
        &[("section", v.section.clone()), ("quote", v.quote.clone()), ("departments", departments)],
    );
    render_finding(&Finding {
        code: v.rule.clone(),
        error: v.status == Status::Fail,
        message: t("report.finding", &[("title", v.title.clone()), ("explanation", v.explanation.clone())]),
        primary: v.location.as_ref().map(|l| (l.span, label)),
        related: Vec::new(),
        help: Some(help),
        sources,
        lang,
    })
}

/// The problems of a run that could not judge (exit 2), one a line with its place and help,
/// safe for a terminal.
pub fn problems(problems: &[super::problems::Problem], lang: Lang) -> String {
    listed("report.unusable", problems, lang)
}

/// The warnings of a run that judged, listed as [`problems`] lists what stopped one, under their
/// heading and before the verdicts; nothing where there are none.
pub fn warnings(problems: &[super::problems::Problem], lang: Lang) -> String {
    match problems.is_empty() {
        true => String::new(),
        false => listed("report.warnings", problems, lang) + "\n",
    }
}

/// Problems one to a line, under the heading `key`: the code, the place and the message.
fn listed(key: &str, problems: &[super::problems::Problem], lang: Lang) -> String {
    let mut out = catalog::text(lang, key, &[]).unwrap_or_default();
    out.push('\n');
    for p in problems {
        let place = p.location.as_ref().map_or(String::new(), |l| format!(" {}:{}:{}", l.file, l.line, l.column));
        let help = p.help.as_ref().map_or(String::new(), |h| format!(" — {h}"));
        let _ = writeln!(out, "{}{place}: {}{}{help}", p.code, p.message, p.also(lang, |place| place));
    }
    crate::diagnostics::render::terminal_safe(&out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::Val;
    use rust_decimal::Decimal;

    fn failing(subject: InstanceId, actual: i64) -> (Verdict, Rank) {
        let v = Verdict {
            rule: 0,
            subject,
            status: Status::Fail,
            actual: Some(Val::Num(Decimal::from(actual))),
            op: Some(crate::syntax::ast::BinOp::Ge),
            threshold: Some(Val::Num(Decimal::from(40))),
            unit: None,
            due: None,
            as_of: Date { year: 2025, month: 12, day: 31 },
            path: None,
            start: None,
            gaps: Vec::new(),
            trace: None,
            explained: None,
        };
        let rank = Rank::of(&v, 0);
        (v, rank)
    }

    /// The worst failure and the next worst are the same whatever runs the failures come in
    /// and in whatever order the runs are gathered; of equals, the subject met first.
    #[test]
    fn the_worst_do_not_depend_on_the_order_failures_are_gathered_in() {
        let values = [(1, 38), (2, 36), (3, 35), (4, 36), (5, 39), (6, 35), (7, 36), (8, 37), (9, 36), (10, 30)];
        let gathered = |runs: &[&[(InstanceId, i64)]]| {
            let mut all: Option<Rule> = None;
            for run in runs {
                let mut part: Option<Rule> = None;
                for &(s, a) in *run {
                    let (v, rank) = failing(s, a);
                    match &mut part {
                        Some(p) => p.merge(Rule::new(v, rank)),
                        None => part = Some(Rule::new(v, rank)),
                    }
                }
                match (&mut all, part) {
                    (Some(a), Some(p)) => a.merge(p),
                    (None, p) => all = p,
                    (_, None) => {}
                }
            }
            all.map(|r| (r.first.subject, r.count, r.next.iter().map(|n| n.rank.subject).collect::<Vec<_>>()))
        };
        let expected = Some((10, 10, vec![3, 6, 2, 4, 7]));
        assert_eq!(gathered(&[&values]), expected);
        let (a, b) = values.split_at(4);
        assert_eq!(gathered(&[b, a]), expected);
        let reversed: Vec<_> = values.iter().rev().copied().collect();
        assert_eq!(gathered(&[&reversed[..3], &reversed[3..]]), expected);
    }
}
