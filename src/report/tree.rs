//! The derivation of one verdict as a tree a person can read (`plancheck explain`).

use std::fmt::Write as _;

use super::{TraceView, View, Viewer, status_label};
use crate::data::instance::InstanceId;
use crate::diagnostics::catalog;
use rust_decimal::Decimal;

/// The verdict `v` explained in full for `plancheck explain`: its facts one a line, the
/// explanation, the deciding values, what would pass and the derivation.
pub fn write(viewer: &Viewer<'_>, v: &View) -> String {
    let lang = viewer.lang;
    let t = |key: &str| catalog::text(lang, key, &[]).unwrap_or_default();
    let line = |label: &str, value: String| {
        catalog::text(lang, "tree.line", &[("label", t(label)), ("value", value)]).unwrap_or_default()
    };
    let heading = |label: &str| catalog::text(lang, "tree.heading", &[("label", t(label))]).unwrap_or_default();
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", v.rule, v.title);
    let level = viewer.model.entity(&v.subject.level).map_or(v.subject.level.clone(), |e| viewer.names().entity(e));
    let args = [("path", v.subject.path.join(" › ")), ("level", level), ("code", v.subject.code.clone())];
    let _ =
        writeln!(out, "{}", line("tree.subject", catalog::text(lang, "tree.subject_is", &args).unwrap_or_default()));
    let _ = writeln!(out, "{}", line("tree.status", status_label(v.status, lang)));
    if let Some(req) = &v.requirement {
        let _ = writeln!(out, "{}", line("tree.requirement", viewer.names().quantity(req, v.unit.as_ref())));
    }
    let _ = writeln!(out, "{}", line("tree.due", v.due.clone().unwrap_or_else(|| t("report.standing"))));
    let _ = writeln!(out, "{}", line("tree.departments", v.departments.join(&t("list.separator"))));
    let _ = writeln!(out, "{}", line("tree.source", format!("{} «{}»", v.section, v.quote)));
    let at = v.rule_location.clone();
    let _ = writeln!(out, "{}", line("tree.rule_at", format!("{}:{}:{}", at.file, at.line, at.column)));
    let _ = writeln!(out, "\n{}", v.explanation);
    if !v.blame.is_empty() {
        let _ = writeln!(out, "\n{}", heading("tree.blame"));
        for b in &v.blame {
            let place =
                b.location.as_ref().map_or(String::new(), |l| format!("  [{}:{}:{}]", l.file, l.line, l.column));
            let unit = b.unit.as_ref().map_or(String::new(), |u| format!("{} ", u.name));
            let record = b.record.as_ref().map_or(String::new(), |r| format!("{r} "));
            let _ = writeln!(out, "  - {unit}{record}{} ({}) = {}{place}", b.title, b.input, b.shown);
        }
        if v.blame_more > 0 {
            let more = catalog::text(lang, "explain.more", &[("count", v.blame_more.to_string())]).unwrap_or_default();
            let _ = writeln!(out, "  - … {more}");
        }
    }
    if !v.to_pass.is_empty() {
        let _ = writeln!(out, "\n{}", heading("tree.to_pass"));
        for c in &v.to_pass {
            let _ = writeln!(out, "  - {}", c.sentence);
        }
    }
    if v.trace.is_some() {
        let _ = writeln!(out, "\n{}", heading("tree.derivation"));
        out.push_str(&derivation(viewer, v, ""));
    }
    out
}

/// The derivation alone, each line indented by `indent` (also under a failing test).
pub fn derivation(viewer: &Viewer<'_>, v: &View, indent: &str) -> String {
    let mut out = String::new();
    if let Some(trace) = &v.trace {
        let root = Node { viewer, above: trace.instance, threshold: v.threshold_number() };
        root.write(trace, "", true, &mut out);
    }
    out.lines().map(|l| format!("{indent}{l}\n")).collect()
}

/// How derivation nodes are written: in the viewer's words, each under the record of the node
/// above it, the root against its threshold.
struct Node<'v> {
    viewer: &'v Viewer<'v>,
    /// The record of the node above.
    above: InstanceId,
    /// What the node's value is compared with (the root's).
    threshold: Option<Decimal>,
}

impl Node<'_> {
    /// Node `t` and those below it.
    fn write(&self, t: &TraceView, prefix: &str, last: bool, out: &mut String) {
        let (viewer, lang) = (self.viewer, self.viewer.lang);
        let branch = if prefix.is_empty() && last {
            ""
        } else if last {
            "└─ "
        } else {
            "├─ "
        };
        let title = match viewer.node_owner(t, self.above) {
            Some(owner) => catalog::text(lang, "tree.owned", &[("title", t.title.to_string()), ("owner", owner)])
                .unwrap_or_default(),
            None => t.title.to_string(),
        };
        let place = t.location.as_ref().map_or(String::new(), |l| format!("  [{}:{}:{}]", l.file, l.line, l.column));
        let value = viewer.node_value(t, self.threshold);
        let _ = writeln!(out, "{prefix}{branch}{} {title} = {value}{place}", t.label);
        let child_prefix = format!(
            "{prefix}{}",
            if prefix.is_empty() && last {
                ""
            } else if last {
                "   "
            } else {
                "│  "
            }
        );
        let below = Node { viewer, above: t.instance, threshold: None };
        for (i, input) in t.inputs.iter().enumerate() {
            let is_last = i + 1 == t.inputs.len() && t.omitted == 0;
            below.write(input, if child_prefix.is_empty() { "  " } else { &child_prefix }, is_last, out);
        }
        if t.omitted > 0 {
            let more = catalog::text(lang, "explain.more", &[("count", t.omitted.to_string())]).unwrap_or_default();
            let p = if child_prefix.is_empty() { "  " } else { &child_prefix };
            let _ = writeln!(out, "{p}└─ … {more}");
        }
    }
}
