//! Consistency checks of submitted data (`consistency` items in the rules), run after binding
//! and before any rule: a part larger than its whole, grids that do not add up to the
//! households, codes that do not nest. Each failure points at the values it read.

use super::{Evaluator, Read, Val};
use crate::check::model::{Model, RuleSeverity};
use crate::data::instance::{Dataset, InstanceId};
use crate::diagnostics::{Code, Diagnostic};

/// Runs every consistency check over the dataset.
pub fn check(model: &Model, dataset: &Dataset) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut ev = Evaluator::new(model, dataset);
    for def in &model.consistency {
        // Metric values need not outlive the check that computed them.
        ev.forget();
        for j in &def.judgements {
            let subjects: Vec<_> = ev.instances_of(j.level).collect();
            for at in subjects {
                if let Some(condition) = &j.condition
                    && ev.eval(condition, at, &[]) != Ok(Val::Bool(true))
                {
                    continue;
                }
                if ev.eval(&j.require, at, &[]) != Ok(Val::Bool(false)) {
                    continue;
                }
                // A check that fails is evaluated again, noting the values it reads to show them
                // (noting them costs their text: most checks hold).
                ev.reads = Some(Vec::new());
                let _ = ev.eval(&j.require, at, &[]);
                let reads = ev.reads.take().unwrap_or_default();
                let code = if def.severity == RuleSeverity::Error { Code::Inconsistent } else { Code::Implausible };
                // Point at the subject's own value where it read one, else at the first value read.
                let own = reads.iter().filter(|r| r.instance == at).find_map(|r| r.span);
                let Some(first) = own.or_else(|| reads.iter().find_map(|r| r.span)) else { continue };
                let mut d = Diagnostic::new(code, first)
                    .arg("title", &def.title)
                    .arg("title_en", def.english.as_deref().unwrap_or(&def.title))
                    .arg("check", &def.id)
                    .arg("detail", describe(model, dataset, at, &reads));
                let mut marked = vec![first.start];
                for r in reads.iter().filter_map(|r| r.span).filter(|s| s.file == first.file) {
                    if !marked.contains(&r.start) && marked.len() <= SHOWN {
                        marked.push(r.start);
                        d = d.with(r, "related");
                    }
                }
                out.push(d);
            }
        }
    }
    out
}

/// `field = value, …` for the values a check read; fields of other records than the first
/// are named with their entity (`street.code = …`). The subject's own values come first; of
/// many, the first few are named and the rest counted.
pub fn describe(model: &Model, dataset: &Dataset, subject: InstanceId, reads: &[Read]) -> String {
    let mut parts: Vec<(bool, String)> = Vec::new();
    for r in reads {
        let entity = &model.entities[dataset.get(r.instance).entity];
        let field = &entity.fields[r.field].name;
        let own = r.instance == subject;
        let name = if own { field.clone() } else { format!("{}.{field}", entity.name) };
        let part = (!own, format!("{name} = {}", r.shown));
        if !parts.contains(&part) {
            parts.push(part);
        }
    }
    parts.sort_by_key(|(other, _)| *other);
    let more = parts.len().saturating_sub(SHOWN);
    let mut shown: Vec<String> = parts.into_iter().take(SHOWN).map(|(_, p)| p).collect();
    if more > 0 {
        shown.push(format!("…(+{more})"));
    }
    shown.join(", ")
}

/// Values named, and places marked, in one finding of a check.
const SHOWN: usize = 6;
