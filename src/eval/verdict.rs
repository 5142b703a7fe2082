//! Verdicts: every rule judged on every subject it applies to, with the statuses of
//! `spec/cli.md` — pass, fail, on_track, behind, unknown, not_applicable — the compared value,
//! the threshold, the deadline and the derivation trace.

use std::collections::HashMap;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::blame::Explained;
use super::{Evaluator, Gap, Node, Origin, Param, Trace, Val, compare};
use crate::check::model::{EntityId, Expr, ExprKind, Judgement, Model, RuleId, Status, Timing};
use crate::data::instance::{Dataset, Date, InstanceId, Scalar, Slot};
use crate::syntax::ast::BinOp;

/// How to judge.
#[derive(Clone, Debug, Default)]
pub struct JudgeOptions {
    /// Overrides every submission's own date.
    pub as_of: Option<Date>,
    /// `NAME` or `RULE.NAME` → value, overriding parameter defaults.
    pub params: Vec<(String, Decimal)>,
    /// Rule id patterns (`*` wildcard); empty means every rule.
    pub only: Vec<String>,
    /// Codes or names of the districts whose subjects are judged (with the city's); empty
    /// means every district.
    pub districts: Vec<String>,
    /// Explain every verdict: its derivation trace, and for one that is not a pass, its blame
    /// and what would pass.
    pub trace: bool,
}

/// The judgement of one rule on one subject.
#[derive(Clone, Debug)]
pub struct Verdict {
    pub rule: RuleId,
    pub subject: InstanceId,
    pub status: Status,
    /// The value the requirement compares (or the requirement's own yes/no).
    pub actual: Option<Val>,
    pub op: Option<BinOp>,
    pub threshold: Option<Val>,
    /// The unit of the compared value (one per judgement of a rule, shared by its verdicts).
    pub unit: Option<Arc<crate::check::units::Unit>>,
    pub due: Option<Date>,
    pub as_of: Date,
    /// For a target not yet due: the value on the straight path from the baseline today.
    pub path: Option<Decimal>,
    /// For a target not yet due and not met: where its path starts.
    pub start: Option<Box<Start>>,
    /// Why the verdict is `unknown`.
    pub gaps: Vec<Gap>,
    pub trace: Option<Box<Trace>>,
    /// For a verdict that is not a pass, when explained: the values that decide it and what
    /// would pass.
    pub explained: Option<Box<Explained>>,
}

/// Where the path of a target not yet due starts: its baseline's value and date, and the
/// subject's earlier submission it is taken from (`None`: the baseline the rule declares).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Start {
    pub value: Decimal,
    pub date: Date,
    pub from: Option<InstanceId>,
}

/// Whether a rule id matches a pattern with `*` wildcards.
pub fn matches(pattern: &str, id: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == id;
    }
    let mut rest = id;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else { return false };
            rest = r;
        } else if i + 1 == parts.len() {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    true
}

/// Judges every selected rule on every subject in the dataset, in rule order, then subject
/// order.
pub fn judge(model: &Model, dataset: &Dataset, options: &JudgeOptions) -> Vec<Verdict> {
    let mut out = Vec::new();
    Judge::new(model, dataset, options).each(options.trace, |v| out.push(v));
    out
}

/// The instances of each subject (level and code), with their reporting years.
type BySubject = HashMap<(EntityId, String), Vec<(i64, InstanceId)>>;

/// Judges rules on subjects one verdict at a time, so that a report can be written while
/// verdicts are made and nothing but counts need be kept.
pub struct Judge<'a> {
    ev: Evaluator<'a>,
    options: &'a JudgeOptions,
    /// The parameter values of each rule (for a rule with a parameter taken `from` submitted
    /// data: those of subjects whose reporting year is unknown).
    params: Vec<Vec<Param>>,
    /// For rules with a parameter taken `from` submitted data: the values by reporting year.
    by_year: HashMap<(RuleId, i64), Vec<Param>>,
    /// The reporting year of each instance, once known.
    years: Vec<Option<Option<i64>>>,
    /// The instances of each entity, in document order.
    instances: Vec<Vec<InstanceId>>,
    /// The unit of the compared value of each judgement of each rule.
    units: Vec<Vec<Option<Arc<crate::check::units::Unit>>>>,
    /// With `--district`: the subjects of each entity judged, those of the districts asked for.
    chosen: Option<Vec<Vec<InstanceId>>>,
    /// The date each instance is judged at, once known.
    dates: Vec<Option<Date>>,
    /// The rule whose metric values the evaluator holds.
    rule: Option<RuleId>,
    /// Whether the submissions are of more than one reporting year: then a subject may have
    /// an earlier submission, its baseline.
    several_years: bool,
    /// The instances of each subject (level and code) by reporting year, made when first needed.
    by_subject: Option<BySubject>,
}

/// A run of verdicts: one judgement of a rule on a range of its subjects.
#[derive(Clone, Copy, Debug)]
pub struct Batch {
    rule: RuleId,
    judgement: usize,
    from: usize,
    to: usize,
}

impl Batch {
    /// The rule the batch judges.
    pub fn rule(&self) -> RuleId {
        self.rule
    }

    /// How many verdicts the batch makes.
    pub(crate) fn len(&self) -> usize {
        self.to - self.from
    }
}

/// Judges `batches` on `threads` workers, each with a judge of its own; `work` turns a batch
/// into a result and `take` receives the results in the order of `batches`.
pub fn in_parallel<T: Send>(
    (model, dataset, options): (&Model, &Dataset, &JudgeOptions),
    threads: usize,
    batches: &[Batch],
    work: impl Fn(&mut Judge<'_>, Batch) -> T + Sync,
    take: impl FnMut(T),
) {
    let judge = || Judge::new(model, dataset, options);
    crate::parallel::ordered(batches, threads, 2, judge, |judge, b| work(judge, *b), take);
}

impl<'a> Judge<'a> {
    pub fn new(model: &'a Model, dataset: &'a Dataset, options: &'a JudgeOptions) -> Self {
        let instances = dataset.by_entity(model.entities.len());
        let params =
            model.rules.iter().map(|rule| rule_params(model, rule, options, dataset, &instances, None)).collect();
        let dates = vec![None; dataset.instances.len()];
        let years = vec![None; dataset.instances.len()];
        let by_year = HashMap::new();
        let chosen = super::districts::selection(model, dataset, &options.districts).map(|keep| {
            instances.iter().map(|of| of.iter().copied().filter(|&i| keep[i as usize]).collect()).collect()
        });
        let ev = Evaluator::new(model, dataset);
        let units = model
            .rules
            .iter()
            .map(|rule| rule.judgements.iter().map(|j| j.compared_unit(model).map(Arc::new)).collect())
            .collect();
        let several_years = dataset.years.len() > 1;
        Judge {
            ev,
            options,
            params,
            by_year,
            years,
            instances,
            units,
            chosen,
            dates,
            rule: None,
            several_years,
            by_subject: None,
        }
    }

    /// The rules judged.
    pub fn model(&self) -> &'a Model {
        self.ev.model
    }

    /// The data judged.
    pub fn dataset(&self) -> &'a Dataset {
        self.ev.dataset
    }

    /// How this judge judges.
    pub fn options(&self) -> &'a JudgeOptions {
        self.options
    }

    /// The subjects of an entity that are judged, in document order.
    fn subjects(&self, entity: EntityId) -> &[InstanceId] {
        match &self.chosen {
            Some(chosen) => &chosen[entity],
            None => &self.instances[entity],
        }
    }

    /// The date `at` is judged at (see [`as_of`]): an instance without a date of its own
    /// takes its parent's.
    fn date(&mut self, at: InstanceId) -> Date {
        if let Some(d) = self.dates[at as usize] {
            return d;
        }
        let (model, dataset) = (self.ev.model, self.ev.dataset);
        let inst = dataset.get(at);
        let def = &model.entities[inst.entity];
        let own = def.as_of.is_some() || def.reporting_year.is_some();
        let d = match inst.parent {
            Some(parent) if !own && self.options.as_of.is_none() => self.date(parent),
            _ => as_of(model, dataset, at, self.options),
        };
        self.dates[at as usize] = Some(d);
        d
    }

    /// The reporting year of the submission `at` belongs to (the whole: of its first part).
    fn year(&mut self, at: InstanceId) -> Option<i64> {
        if let Some(y) = self.years[at as usize] {
            return y;
        }
        let (model, dataset) = (self.ev.model, self.ev.dataset);
        let inst = dataset.get(at);
        let def = &model.entities[inst.entity];
        let y = match (def.reporting_year, inst.parent) {
            (Some(_), _) => super::whole::reporting_year(model, dataset, at),
            (None, Some(parent)) => self.year(parent),
            (None, None) => dataset.children(at).next().and_then(|first| self.year(first)),
        };
        self.years[at as usize] = Some(y);
        y
    }

    /// The parameter values of `rule` for `subject`: a value taken `from` submitted data is
    /// the one of the subject's reporting year.
    fn params_of(&mut self, rule: RuleId, subject: InstanceId) -> Vec<Param> {
        let def = &self.ev.model.rules[rule];
        let Some(year) = self.year(subject) else { return self.params[rule].clone() };
        let (model, dataset, options) = (self.ev.model, self.ev.dataset, self.options);
        let instances = &self.instances;
        self.by_year
            .entry((rule, year))
            .or_insert_with(|| rule_params(model, def, options, dataset, instances, Some(year)))
            .clone()
    }

    /// Every selected rule judged on every subject it applies to, in rule order, then subject
    /// order; with the derivation trace of each verdict when `trace`.
    pub fn each(&mut self, trace: bool, mut f: impl FnMut(Verdict)) {
        for b in self.batches(usize::MAX) {
            self.batch(b, trace, &mut f);
        }
    }

    /// The work of [`Judge::each`] in batches of at most `size` verdicts, in the same order.
    pub fn batches(&self, size: usize) -> Vec<Batch> {
        let mut out = Vec::new();
        for (r, rule) in self.ev.model.rules.iter().enumerate() {
            if !self.options.only.is_empty() && !self.options.only.iter().any(|p| matches(p, &rule.id)) {
                continue;
            }
            for (j, judgement) in rule.judgements.iter().enumerate() {
                let n = self.subjects(judgement.level).len();
                let mut from = 0;
                while from < n {
                    let to = from.saturating_add(size).min(n);
                    out.push(Batch { rule: r, judgement: j, from, to });
                    from = to;
                }
            }
        }
        out
    }

    /// The latest date a verdict is judged at, known before any is judged (a report's header).
    pub fn latest_date(&mut self) -> Option<Date> {
        let mut levels: Vec<EntityId> = Vec::new();
        for b in self.batches(usize::MAX) {
            let level = self.ev.model.rules[b.rule].judgements[b.judgement].level;
            if !levels.contains(&level) {
                levels.push(level);
            }
        }
        let mut latest = None;
        for level in levels {
            for i in 0..self.subjects(level).len() {
                let subject = self.subjects(level)[i];
                latest = latest.max(Some(self.date(subject)));
            }
        }
        latest
    }

    /// The work of [`Judge::each`] grouped by the subjects' groups (`group`: a district, say):
    /// for each group in the order first met, its batches of at most `size` verdicts, in rule
    /// order, then subject order. A report written group by group needs to hold one group only.
    pub fn batches_grouped(
        &self,
        size: usize,
        group: impl Fn(InstanceId) -> InstanceId,
    ) -> Vec<(InstanceId, Vec<Batch>)> {
        let mut order: Vec<InstanceId> = Vec::new();
        let mut of: HashMap<InstanceId, Vec<Batch>> = HashMap::new();
        // The group of each subject, once: a level's subjects are judged by several rules.
        let mut runs_of: HashMap<EntityId, Vec<(InstanceId, usize, usize)>> = HashMap::new();
        for b in self.batches(usize::MAX) {
            let level = self.ev.model.rules[b.rule].judgements[b.judgement].level;
            let runs = runs_of.entry(level).or_insert_with(|| {
                let mut runs: Vec<(InstanceId, usize, usize)> = Vec::new();
                for (i, &subject) in self.subjects(level).iter().enumerate() {
                    let g = group(subject);
                    match runs.last_mut() {
                        Some((last, _, to)) if *last == g => *to = i + 1,
                        _ => runs.push((g, i, i + 1)),
                    }
                }
                runs
            });
            for &(g, from, to) in runs.iter() {
                let batches = of.entry(g).or_insert_with(|| {
                    order.push(g);
                    Vec::new()
                });
                let mut at = from;
                while at < to {
                    let end = at.saturating_add(size).min(to);
                    batches.push(Batch { rule: b.rule, judgement: b.judgement, from: at, to: end });
                    at = end;
                }
            }
        }
        order.into_iter().map(|g| (g, of.remove(&g).unwrap_or_default())).collect()
    }

    /// Judges the verdicts of one batch, in order.
    pub fn batch(&mut self, b: Batch, trace: bool, f: &mut impl FnMut(Verdict)) {
        // Metrics are rarely shared between rules: their values need not outlive the rule.
        if self.rule != Some(b.rule) {
            self.ev.forget();
            self.rule = Some(b.rule);
        }
        let def = &self.ev.model.rules[b.rule];
        let j = &def.judgements[b.judgement];
        let by_year = def.params.iter().any(|p| p.source.is_some());
        for i in b.from..b.to {
            let subject = self.subjects(j.level)[i];
            let as_of = self.date(subject);
            let of_year;
            let params = match by_year {
                true => {
                    of_year = self.params_of(b.rule, subject);
                    &of_year
                }
                false => &self.params[b.rule],
            };
            let unit = self.units[b.rule][b.judgement].clone();
            let mut v = judge_one(&mut self.ev, (b.rule, j, unit), subject, params, as_of, trace);
            self.progress_since_earlier(&mut v, j);
            f(v);
        }
    }

    /// A target not yet due and not met goes from the subject's own value in its latest
    /// earlier submission in the run, where there is one (cli.md: a baseline is the same
    /// measure for the same subject, declared or taken from its earlier submission): a later
    /// figure than any the rules declare. Its date is that submission's own, whatever `--as-of`
    /// says.
    fn progress_since_earlier(&mut self, v: &mut Verdict, j: &Judgement) {
        if !matches!(v.status, Status::OnTrack | Status::Behind) {
            return;
        }
        let (Some(due), Some(earlier)) = (v.due, self.earlier(v.subject)) else { return };
        let ExprKind::Binary(op, compared, _) = &j.require.kind else { return };
        if !op.is_comparison() {
            return;
        }
        let params = self.params_of(v.rule, earlier);
        let Ok(Val::Num(value)) = self.ev.eval(compared, earlier, &params) else { return };
        let date = as_of(self.ev.model, self.ev.dataset, earlier, &JudgeOptions::default());
        if date < v.as_of {
            v.status = progress(v, Some(Start { value, date, from: Some(earlier) }), due);
        }
    }

    /// The subject's instance in the latest submission of an earlier reporting year: the same
    /// level and code.
    fn earlier(&mut self, subject: InstanceId) -> Option<InstanceId> {
        if !self.several_years {
            return None;
        }
        let (model, dataset) = (self.ev.model, self.ev.dataset);
        if self.by_subject.is_none() {
            let mut by_subject = BySubject::new();
            let keyed = (0..model.entities.len()).filter(|&e| model.entities[e].key.is_some());
            let keyed: Vec<InstanceId> = keyed.flat_map(|e| self.instances[e].iter().copied()).collect();
            for i in keyed {
                if let (Some(key), Some(year)) = (super::key_of(model, dataset, i), self.year(i)) {
                    by_subject.entry((dataset.get(i).entity, key)).or_default().push((year, i));
                }
            }
            self.by_subject = Some(by_subject);
        }
        let key = super::key_of(model, dataset, subject)?;
        let year = self.year(subject)?;
        let entity = dataset.get(subject).entity;
        let all = self.by_subject.as_ref()?.get(&(entity, key))?;
        all.iter().filter(|(y, _)| *y < year).max_by_key(|(y, _)| *y).map(|&(_, i)| i)
    }

    /// The verdict again, with its derivation trace.
    pub fn retrace(&mut self, v: &Verdict) -> Verdict {
        let model = self.ev.model;
        let level = self.ev.dataset.get(v.subject).entity;
        match model.rules[v.rule].judgement_of(level) {
            Some(i) => {
                let params = self.params_of(v.rule, v.subject);
                let j = &model.rules[v.rule].judgements[i];
                let mut again = judge_one(
                    &mut self.ev,
                    (v.rule, j, self.units[v.rule][i].clone()),
                    v.subject,
                    &params,
                    v.as_of,
                    true,
                );
                self.progress_since_earlier(&mut again, j);
                again
            }
            None => v.clone(),
        }
    }
}

/// A rule's parameter values: `--param RULE.NAME` or `--param NAME`, else the value
/// submitted in the field the parameter is taken `from` — in the record of reporting year
/// `year`, or, for a subject of no known year, in the first record that gives it — else the
/// default.
fn rule_params(
    model: &Model,
    rule: &crate::check::model::RuleDef,
    options: &JudgeOptions,
    dataset: &Dataset,
    instances: &[Vec<InstanceId>],
    year: Option<i64>,
) -> Vec<Param> {
    rule.params
        .iter()
        .map(|p| {
            let specific = format!("{}.{}", rule.id, p.name);
            let submitted = || {
                let (entity, field) = p.source?;
                let of_year =
                    |i: InstanceId| year.is_none_or(|y| super::whole::reporting_year(model, dataset, i) == Some(y));
                instances[entity].iter().filter(|&&i| of_year(i)).find_map(|&i| match &dataset.get(i).slots[field] {
                    Slot::Scalar(Scalar::Number(n), _) => {
                        Some(Param { value: Some(*n), origin: Origin::Submitted(i, field) })
                    }
                    _ => None,
                })
            };
            options
                .params
                .iter()
                .rev()
                .find(|(n, _)| *n == specific || *n == p.name)
                .map(|(_, v)| Param { value: Some(*v), origin: Origin::Given })
                .or_else(submitted)
                .unwrap_or(Param { value: p.default, origin: Origin::Default })
        })
        .collect()
}

/// The date a subject is judged at: `--as-of`, else its submission's `as_of`, else the end
/// of its reporting year, else the end of the plan period.
pub fn as_of(model: &Model, dataset: &Dataset, subject: InstanceId, options: &JudgeOptions) -> Date {
    if let Some(d) = options.as_of {
        return d;
    }
    let mut at = subject;
    loop {
        let inst = dataset.get(at);
        let def = &model.entities[inst.entity];
        if let Some(f) = def.as_of
            && let Slot::Scalar(Scalar::Date(d), _) = &inst.slots[f]
        {
            return *d;
        }
        if let Some(year) = super::whole::reporting_year(model, dataset, at) {
            return Date::end_of_year(year as i32);
        }
        // The whole takes the date of its first part.
        if let Some(first) = dataset.children(at).next().filter(|_| super::whole::is_whole(model, dataset, at)) {
            at = first;
            continue;
        }
        match inst.parent {
            Some(p) => at = p,
            None => break,
        }
    }
    let end = model.plan.as_ref().and_then(|p| p.period).map_or(2025, |(_, to)| to as i32);
    Date::end_of_year(end)
}

fn judge_one<'a>(
    ev: &mut Evaluator<'a>,
    (rule, j, unit): (RuleId, &'a Judgement, Option<Arc<crate::check::units::Unit>>),
    subject: InstanceId,
    params: &[Param],
    as_of: Date,
    trace: bool,
) -> Verdict {
    let model = ev.model;
    let def = &model.rules[rule];
    let due = match &def.timing {
        Timing::Target { due, .. } => Some(*due),
        Timing::Standing => None,
    };
    let mut v = Verdict {
        rule,
        subject,
        status: Status::Unknown,
        actual: None,
        op: None,
        threshold: None,
        unit,
        due,
        as_of,
        path: None,
        start: None,
        gaps: Vec::new(),
        trace: None,
        explained: None,
    };
    match ev.dataset.incomplete.iter().any(|(whole, _)| *whole == subject) {
        true => v.gaps = vec![Gap::PartsMissing(subject)],
        false => decide(ev, def, j, params, trace, &mut v),
    }
    if trace && v.status != Status::Pass {
        let explained = match v.status {
            Status::Unknown => ev.blame_gaps(&v.gaps),
            Status::NotApplicable if !v.gaps.is_empty() => {
                let written: Vec<&Expr> = j.condition.iter().chain([&j.require]).collect();
                ev.blame_divisors(&v.gaps, &written, params)
            }
            // What rules a subject out is not a remedy: no `to_pass`.
            Status::NotApplicable => match &j.condition {
                Some(condition) => Explained { to_pass: Vec::new(), ..ev.why(condition, subject, params, true) },
                None => Explained::default(),
            },
            _ => ev.why(&j.require, subject, params, true),
        };
        let mut explained = explained;
        if v.status != Status::NotApplicable {
            explained.defaults = params_read(j, params, Origin::Default);
            explained.given = params_read(j, params, Origin::Given);
        }
        v.explained = Some(Box::new(explained));
    }
    v
}

/// The status of a verdict, with the values it compares.
fn decide(
    ev: &mut Evaluator<'_>,
    def: &crate::check::model::RuleDef,
    j: &Judgement,
    params: &[Param],
    trace: bool,
    v: &mut Verdict,
) {
    let subject = v.subject;
    if let Some(condition) = &j.condition {
        match ev.eval(condition, subject, params) {
            Ok(Val::Bool(true)) => {}
            Ok(_) => {
                v.status = Status::NotApplicable;
                // What rules the subject out is its derivation (a count of villages of 0 has no
                // submitted value to blame).
                if trace {
                    v.trace = Some(Box::new(ev.traced(condition, subject, params, Node::Condition).1));
                }
                return;
            }
            Err(gaps) => return unjudged(v, gaps),
        }
    }
    let (compared, threshold) = match &j.require.kind {
        ExprKind::Binary(op, a, b) if op.is_comparison() => {
            v.op = Some(*op);
            (Some(a.as_ref()), Some(b.as_ref()))
        }
        _ => (None, None),
    };
    let result = if trace {
        let (out, trace) = ev.traced(compared.unwrap_or(&j.require), subject, params, Node::Formula);
        v.trace = Some(Box::new(trace));
        out
    } else {
        ev.eval(compared.unwrap_or(&j.require), subject, params)
    };
    match result {
        Ok(value) => v.actual = Some(value),
        Err(gaps) => return unjudged(v, gaps),
    }
    if let Some(t) = threshold {
        match ev.eval(t, subject, params) {
            Ok(value) => v.threshold = Some(value),
            Err(gaps) => return unjudged(v, gaps),
        }
    }
    let holds = match (&v.op, &v.actual, &v.threshold) {
        (Some(op), Some(a), Some(t)) => compare(*op, a, t),
        (None, Some(Val::Bool(b)), _) => Some(*b),
        _ => None,
    };
    v.status = match holds {
        None => Status::Unknown,
        Some(true) => Status::Pass,
        Some(false) => match (&def.timing, v.due) {
            (Timing::Target { baseline, .. }, Some(due)) if v.as_of < due => {
                // A baseline is the figure of its own level: a city-wide figure is no district's.
                let level = ev.dataset.get(v.subject).entity;
                let own = baseline.as_ref().filter(|b| b.level.is_none_or(|l| l == level));
                let start = own.map(|b| Start { value: b.value, date: Date::end_of_year(b.year.into()), from: None });
                progress(v, start, due)
            }
            _ => Status::Fail,
        },
    };
}

/// The parameters a judgement reads whose value comes from `origin` (their default, or the
/// run's `--param`), with their values.
fn params_read(j: &Judgement, params: &[Param], origin: Origin) -> Vec<(usize, Decimal)> {
    fn reads(e: &Expr, i: usize) -> bool {
        matches!(e.kind, ExprKind::Param(p) if p == i) || e.children().into_iter().any(|c| reads(c, i))
    }
    params
        .iter()
        .enumerate()
        .filter(|(i, p)| {
            p.origin == origin && (reads(&j.require, *i) || j.condition.as_ref().is_some_and(|c| reads(c, *i)))
        })
        .filter_map(|(i, p)| Some((i, p.value?)))
        .collect()
}

/// A verdict whose value or threshold could not be computed: `not_applicable` when all that stands in the
/// way is a divisor of zero (nothing to judge: no residents, no cases), else `unknown`.
fn unjudged(v: &mut Verdict, gaps: Vec<Gap>) {
    let nothing = !gaps.is_empty() && gaps.iter().all(|g| matches!(g, Gap::ZeroDivisor(..)));
    v.status = if nothing { Status::NotApplicable } else { Status::Unknown };
    // A verdict that compares nothing has no compared value (cli.md: `actual` is null).
    v.actual = None;
    v.gaps = gaps;
}

/// Whether a target not yet due and not met is on track or behind: against the straight path
/// from `start` to its threshold at `due`, at the verdict's date; behind with no start.
fn progress(v: &mut Verdict, start: Option<Start>, due: Date) -> Status {
    v.path = start.and_then(|s| path(s, v, due));
    v.start = start.map(Box::new);
    match (v.path, &v.actual, v.op) {
        (Some(p), Some(Val::Num(a)), Some(BinOp::Ge | BinOp::Gt)) if *a >= p => Status::OnTrack,
        (Some(p), Some(Val::Num(a)), Some(BinOp::Le | BinOp::Lt)) if *a <= p => Status::OnTrack,
        _ => Status::Behind,
    }
}

/// The value on the straight line from the start to the threshold (at the due date), at the
/// verdict's as-of date.
fn path(start: Start, v: &Verdict, due: Date) -> Option<Decimal> {
    let Some(Val::Num(target)) = &v.threshold else { return None };
    let (from, end, now) = (start.date.day_number(), due.day_number(), v.as_of.day_number());
    if end <= from || now <= from {
        return Some(start.value);
    }
    let done = Decimal::from(now - from).checked_div(Decimal::from(end - from))?;
    target.checked_sub(start.value)?.checked_mul(done)?.checked_add(start.value)
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn wildcards_match_rule_ids() {
        assert!(matches("police.*", "police.community_officer_share"));
        assert!(matches("*share", "police.community_officer_share"));
        assert!(matches("*.community_*", "police.community_officer_share"));
        assert!(!matches("staffing.*", "police.community_officer_share"));
        assert!(matches("police.officer_per_area", "police.officer_per_area"));
    }
}
