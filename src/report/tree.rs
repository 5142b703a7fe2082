//! The derivation of one verdict as a tree a person can read (`plancheck explain`).

use std::fmt::Write as _;

use super::{TraceView, View, derived, status_label};
use crate::diagnostics::{Lang, catalog};
use crate::eval::Val;
use rust_decimal::Decimal;

pub fn write(v: &View, lang: Lang) -> String {
    let t = |key: &str| catalog::text(lang, key, &[]).unwrap_or_default();
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", v.rule, v.title);
    let _ =
        writeln!(out, "{}: {} ({} {})", t("tree.subject"), v.subject.path.join(" › "), v.subject.level, v.subject.code);
    let _ = writeln!(out, "{}: {}", t("tree.status"), status_label(v.status, lang));
    if let Some(req) = &v.requirement {
        let _ = writeln!(out, "{}: {req}{}", t("tree.requirement"), v.unit.clone().unwrap_or_default());
    }
    let _ = writeln!(out, "{}: {}", t("tree.due"), v.due.clone().unwrap_or_else(|| t("report.standing")));
    let _ = writeln!(out, "{}: {}", t("tree.departments"), v.departments.join(&t("list.separator")));
    let _ = writeln!(out, "{}: {} «{}»", t("tree.source"), v.section, v.quote);
    let _ = writeln!(
        out,
        "{}: {}",
        t("tree.rule_at"),
        format_args!("{}:{}:{}", v.rule_location.file, v.rule_location.line, v.rule_location.column)
    );
    let _ = writeln!(out, "\n{}", v.explanation);
    if !v.blame.is_empty() {
        let _ = writeln!(out, "\n{}:", t("tree.blame"));
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
        let _ = writeln!(out, "\n{}:", t("tree.to_pass"));
        for c in &v.to_pass {
            let _ = writeln!(out, "  - {}", c.sentence);
        }
    }
    if let Some(trace) = &v.trace {
        let _ = writeln!(out, "\n{}:", t("tree.derivation"));
        node(trace, v.threshold_number(), "", true, &mut out, lang);
    }
    out
}

/// The derivation alone, each line indented by `indent` (under a failing test).
pub fn derivation(v: &View, indent: &str, lang: Lang) -> String {
    let mut out = String::new();
    if let Some(trace) = &v.trace {
        node(trace, v.threshold_number(), "", true, &mut out, lang);
    }
    out.lines().map(|l| format!("{indent}{l}\n")).collect()
}

fn value(v: &Option<Val>, threshold: Option<Decimal>) -> String {
    match v {
        // Derived values keep four decimals here, more where four would not tell: a ratio of
        // 0.9992 is not 1, nor is 0.9999997.
        Some(Val::Num(n)) => derived(*n, threshold).to_string(),
        Some(other) => other.to_string(),
        None => "?".to_string(),
    }
}

/// A derivation node and those below it; `threshold`: what the node's value is compared with.
fn node(t: &TraceView, threshold: Option<Decimal>, prefix: &str, last: bool, out: &mut String, lang: Lang) {
    let branch = if prefix.is_empty() && last {
        ""
    } else if last {
        "└─ "
    } else {
        "├─ "
    };
    let title = format!(" {}", t.title);
    let place = t.location.as_ref().map_or(String::new(), |l| format!("  [{}:{}:{}]", l.file, l.line, l.column));
    let _ = writeln!(out, "{prefix}{branch}{}{title} = {}{place}", t.label, value(&t.value, threshold));
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
    for (i, input) in t.inputs.iter().enumerate() {
        let is_last = i + 1 == t.inputs.len() && t.omitted == 0;
        node(input, None, if child_prefix.is_empty() { "  " } else { &child_prefix }, is_last, out, lang);
    }
    if t.omitted > 0 {
        let more = catalog::text(lang, "explain.more", &[("count", t.omitted.to_string())]).unwrap_or_default();
        let p = if child_prefix.is_empty() { "  " } else { &child_prefix };
        let _ = writeln!(out, "{p}└─ … {more}");
    }
}
