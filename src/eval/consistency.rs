//! Consistency checks of submitted data (`consistency` items in the rules), run after binding
//! and before any rule: a part larger than its whole, grids that do not add up to the
//! households, codes that do not nest. Each failure points at the values it read.

use super::{Evaluator, Read, Val};
use crate::check::model::{ConsistencyDef, ExprKind, Judgement, Model, RuleSeverity};
use crate::data::instance::{Dataset, InstanceId};
use crate::diagnostics::{Code, Diagnostic};

/// Subjects checked in one run of work on a thread.
const RUN: usize = 1024;

/// Runs every consistency check over the dataset on `threads` threads: the findings in the
/// order of the checks, then of their subjects.
pub fn check(model: &Model, dataset: &Dataset, threads: usize) -> Vec<Diagnostic> {
    let of = dataset.by_entity(model.entities.len());
    // Runs of subjects: a check, one of its judgements, a range of the subjects of its level.
    let mut runs = Vec::new();
    for (d, def) in model.consistency.iter().enumerate() {
        for (j, judgement) in def.judgements.iter().enumerate() {
            let n = of[judgement.level].len();
            runs.extend((0..n).step_by(RUN).map(|from| (d, j, from..(from + RUN).min(n))));
        }
    }
    let state = || (Evaluator::new(model, dataset), None);
    let work = |(ev, last): &mut (Evaluator<'_>, Option<usize>),
                (d, j, range): &(usize, usize, std::ops::Range<usize>)| {
        // Metric values need not outlive the check that computed them.
        if *last != Some(*d) {
            ev.forget();
            *last = Some(*d);
        }
        let def = &model.consistency[*d];
        let j = &def.judgements[*j];
        of[j.level][range.clone()].iter().filter_map(|&at| finding(ev, def, j, at)).collect::<Vec<_>>()
    };
    let mut out = Vec::new();
    crate::parallel::ordered(&runs, threads, 2, state, work, |found| out.extend(found));
    out
}

/// The finding of one check on one subject, if the check fails there.
fn finding(ev: &mut Evaluator<'_>, def: &ConsistencyDef, j: &Judgement, at: InstanceId) -> Option<Diagnostic> {
    if let Some(condition) = &j.condition
        && ev.eval(condition, at, &[]) != Ok(Val::Bool(true))
    {
        return None;
    }
    if ev.eval(&j.require, at, &[]) != Ok(Val::Bool(false)) {
        return None;
    }
    // A check that fails is evaluated again, noting the values it reads to show them
    // (noting them costs their text: most checks hold).
    ev.reads = Some(Vec::new());
    let _ = ev.eval(&j.require, at, &[]);
    let reads = ev.reads.take().unwrap_or_default();
    let code = if def.severity == RuleSeverity::Error { Code::Inconsistent } else { Code::Implausible };
    // Point at the subject's own value where it read one, else at the first value read.
    let own = reads.iter().filter(|r| r.instance == at).find_map(|r| r.span);
    let first = own.or_else(|| reads.iter().find_map(|r| r.span))?;
    let mut d = Diagnostic::new(code, first)
        .arg("title", &def.title)
        .arg("title_en", def.english.as_deref().unwrap_or(&def.title))
        .arg("check", &def.id)
        .arg("detail", compared(ev, def, j, at, &reads));
    let mut marked = vec![first.start];
    for r in reads.iter().filter_map(|r| r.span).filter(|s| s.file == first.file) {
        if !marked.contains(&r.start) && marked.len() <= SHOWN {
            marked.push(r.start);
            d = d.with(r, "related");
        }
    }
    Some(d)
}

/// The values a check read (`read`), after each side of the comparison it makes that they do
/// not show already: `sum(grid_households: each) = 3157, grid_households = [327, …], households
/// = 3150` — the total that differs, not only what it adds up.
fn compared(ev: &mut Evaluator<'_>, def: &ConsistencyDef, j: &Judgement, at: InstanceId, reads: &[Read]) -> String {
    let (model, dataset) = (ev.model, ev.dataset);
    let read = describe(model, dataset, at, reads);
    let (Some(sides), ExprKind::Binary(_, a, b)) = (&def.sides, &j.require.kind) else { return read };
    let named: Vec<String> = reads.iter().map(|r| read_name(model, dataset, at, r)).collect();
    let mut parts: Vec<String> = [(&sides[0], a), (&sides[1], b)]
        .into_iter()
        .filter(|(text, _)| !named.contains(text))
        .filter_map(|(text, e)| ev.eval(e, at, &[]).ok().map(|v| format!("{text} = {v}")))
        .collect();
    parts.push(read);
    parts.join(", ")
}

/// A value read, as a finding names it: the field, or with its entity where it is of another
/// record than `subject` (`street.code`).
fn read_name(model: &Model, dataset: &Dataset, subject: InstanceId, r: &Read) -> String {
    let entity = &model.entities[dataset.get(r.instance).entity];
    let field = &entity.fields[r.field].name;
    if r.instance == subject { field.clone() } else { format!("{}.{field}", entity.name) }
}

/// `field = value, …` for the values a check read; fields of other records than the first
/// are named with their entity (`street.code = …`). The subject's own values come first; of
/// many, the first few are named and the rest counted.
pub fn describe(model: &Model, dataset: &Dataset, subject: InstanceId, reads: &[Read]) -> String {
    let mut parts: Vec<(bool, String)> = Vec::new();
    for r in reads {
        let own = r.instance == subject;
        let part = (!own, format!("{} = {}", read_name(model, dataset, subject, r), r.shown(dataset)));
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
