//! `--format human`: a summary table per district (and the city), then each failure as a
//! diagnostic pointing into the submission, with the rule it breaks as a second place.

use std::fmt::Write as _;

use std::collections::HashMap;

use super::{View, Viewer, is_failure, status_word};
use crate::check::model::Status;
use crate::data::instance::{Date, InstanceId};
use crate::diagnostics::render::{Finding, render_finding};
use crate::diagnostics::{Lang, catalog};
use crate::eval::verdict::{Judge, Verdict};
use crate::source::SourceMap;

/// Failures shown in full per district; the rest are counted (all are in the other formats).
pub const SHOWN_PER_GROUP: usize = 10;

/// One district (or the city) in the report: its counts and its first failures.
pub struct Group {
    pub name: String,
    pub counts: [usize; 6],
    /// The first [`SHOWN_PER_GROUP`] failures, in verdict order.
    pub failures: Vec<View>,
    /// Failures not shown.
    pub more: usize,
}

/// The human report's view of all verdicts, gathered as they are made: per district the
/// counts and the first failures; nothing else is kept.
pub struct Digest {
    strict: bool,
    groups: HashMap<InstanceId, Pending>,
    as_of: Option<Date>,
}

/// A district while verdicts are counted: its place in the order, its counts, and its first
/// failures (without their derivations yet).
struct Pending {
    order: (bool, String),
    group: Group,
    failures: Vec<Verdict>,
}

impl Digest {
    pub fn new(strict: bool) -> Self {
        Digest { strict, groups: HashMap::new(), as_of: None }
    }

    /// Counts a verdict of a subject grouped under `group` ([`Viewer::group_of`]).
    pub fn add(&mut self, viewer: &Viewer<'_>, group: InstanceId, v: Verdict) {
        self.as_of = self.as_of.max(Some(v.as_of));
        let Pending { group, failures, .. } = self.groups.entry(group).or_insert_with(|| {
            let subject = viewer.subject(group);
            let group = Group { name: subject.group, counts: [0; 6], failures: Vec::new(), more: 0 };
            Pending { order: subject.group_order, group, failures: Vec::new() }
        });
        if let Some(i) = Status::ALL.iter().position(|(_, s)| *s == v.status) {
            group.counts[i] += 1;
        }
        if is_failure(v.status, self.strict) {
            match failures.len() < SHOWN_PER_GROUP {
                true => failures.push(v),
                false => group.more += 1,
            }
        }
    }

    /// Whether a verdict counted fails the run.
    pub fn failed(&self) -> bool {
        self.groups.values().any(|p| !p.failures.is_empty())
    }

    /// The districts in order, their failures with derivations, and the as-of date.
    pub fn finish(self, viewer: &Viewer<'_>, judge: &mut Judge<'_>) -> (Vec<Group>, String) {
        let mut pending: Vec<Pending> = self.groups.into_values().collect();
        pending.sort_by(|a, b| a.order.cmp(&b.order));
        let groups = pending
            .into_iter()
            .map(|mut p| {
                p.group.failures = p.failures.iter().map(|v| viewer.view(&judge.retrace(v))).collect();
                p.group
            })
            .collect();
        (groups, self.as_of.map_or(String::new(), |d| d.to_string()))
    }
}

pub fn write(groups: &[Group], as_of: &str, lang: Lang, sources: &SourceMap) -> String {
    let t = |key: &str| catalog::text(lang, key, &[]).unwrap_or_default();
    let mut out = String::new();
    for group in groups {
        for v in &group.failures {
            out.push_str(&finding(v, lang, sources));
        }
        if group.more > 0 {
            let args = [("count", group.more.to_string()), ("group", group.name.clone())];
            let _ = writeln!(out, "{}\n", catalog::text(lang, "report.more_failures", &args).unwrap_or_default());
        }
    }
    if !as_of.is_empty() {
        let _ = writeln!(out, "{} {as_of}", t("report.as_of"));
    }
    let name_width = groups.iter().map(|g| g.name.chars().count()).max().unwrap_or(4).max(4);
    let header: Vec<String> = Status::ALL.iter().map(|(w, _)| format!("{w:>15}")).collect();
    let _ = writeln!(out, "{}{}", pad(&t("report.group"), name_width), header.join(""));
    let mut total = [0usize; 6];
    for group in groups {
        for (i, c) in group.counts.iter().enumerate() {
            total[i] += c;
        }
        let cells: Vec<String> = group.counts.iter().map(|c| format!("{c:>15}")).collect();
        let _ = writeln!(out, "{}{}", pad(&group.name, name_width), cells.join(""));
    }
    let cells: Vec<String> = total.iter().map(|c| format!("{c:>15}")).collect();
    let _ = writeln!(out, "{}{}", pad(&t("report.total"), name_width), cells.join(""));
    out
}

/// Pads to a width in characters, counting a Chinese character as two columns.
fn pad(text: &str, width: usize) -> String {
    let cols: usize = text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    let target = width * 2;
    format!("{text}{}", " ".repeat(target.saturating_sub(cols) + 2))
}

fn finding(v: &View, lang: Lang, sources: &SourceMap) -> String {
    let label =
        catalog::text(lang, "report.value_here", &[("status", status_word(v.status).to_string())]).unwrap_or_default();
    let rule_label = catalog::text(lang, "report.rule_here", &[("rule", v.rule.clone())]).unwrap_or_default();
    let sep = catalog::text(lang, "list.separator", &[]).unwrap_or_default();
    let help = format!("{} — «{}» ({})", v.section, v.quote, v.departments.join(&sep));
    render_finding(&Finding {
        code: v.rule.clone(),
        error: v.status == Status::Fail,
        message: format!("{}: {}", v.title, v.explanation),
        primary: v.location.as_ref().map(|l| (l.span, label)),
        related: vec![(v.rule_location.span, rule_label)],
        help: Some(help),
        sources,
    })
}
