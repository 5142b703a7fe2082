//! Blame and what would pass. For a verdict that is not a pass: the submitted values that
//! decide it, most decisive first, and for each deciding number the smallest change that
//! passes. Everything here is found by evaluating the requirement again — each side of a
//! conjunction, each unit of an aggregate on its own, a submitted value or a total changed —
//! so what it says is what the evaluator does, whatever the rule's formula.

use rust_decimal::Decimal;

use super::{Element, Evaluator, Gap, Input, Item, Override, Param, PartRef, Val, compare, part_ref};
use crate::check::model::{AggPart, Expr, ExprKind, FieldId, Function, Step, Ty};
use crate::data::instance::{InstanceId, Scalar, Slot};
use crate::source::Span;
use crate::syntax::ast::{AggFn, BinOp};

/// The most decimal places a search for what would pass steps in (searches go at most 2⁶²
/// steps: a step of 10⁻⁶ still reaches 4.6 × 10¹²).
const FINEST_STEP_DIGITS: u32 = 6;

/// Most blamed values kept for a verdict; the rest are counted.
pub const BLAME: usize = 20;

/// A submitted value that decides a verdict.
#[derive(Clone, Debug, PartialEq)]
pub struct Blame {
    /// The record that holds the value, or lacks it.
    pub instance: InstanceId,
    pub field: FieldId,
    /// The value; `None` when it is missing or null.
    pub value: Option<Val>,
    /// Where the value is written; for a missing field, where its record is.
    pub span: Option<Span>,
    pub role: Role,
    /// For a unit of an aggregate that falls short: the unit and its own numbers.
    pub unit: Option<UnitShare>,
}

/// Why a value is blamed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A value of the compared side, or a condition that does not hold (for a verdict that is
    /// `not_applicable`: a value that rules the subject out).
    Decides,
    /// A value the threshold is computed from.
    Threshold,
    /// A field the requirement needs that was not given.
    Missing,
    /// A field given as null where a value is needed.
    Null,
}

/// A unit's own numbers: a ratio's numerator and denominator, or its value alone.
pub type Own = (Decimal, Option<Decimal>);

/// One unit of an aggregate that falls short, with its own numbers where it has them.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitShare {
    pub unit: InstanceId,
    pub own: Option<Own>,
}

/// The smallest change of one input that would pass.
#[derive(Clone, Debug, PartialEq)]
pub struct ToPass {
    /// The instance the quantity belongs to (the subject, for totals and unit counts).
    pub instance: InstanceId,
    pub quantity: Quantity,
    pub from: Val,
    pub to: Val,
}

/// What a [`ToPass`] changes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Quantity {
    /// A submitted field of the instance.
    Field(FieldId),
    /// An item of a list field of the instance, at its place.
    Item(FieldId, Span),
    /// The total of a field or metric over the units of an aggregate (a ratio's numerator,
    /// with its denominator as submitted).
    Total(Input),
    /// How many units of the aggregate's parts comply (or, where fewer must, count).
    Units(Vec<PartRef>),
    /// A word of a field of the instance (an `enum`'s): any of these passes (`to` is the first).
    Choice(FieldId, Vec<std::sync::Arc<str>>),
}

/// Why a verdict is what it is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Explained {
    pub blame: Vec<Blame>,
    /// Blamed values left out (at most [`BLAME`] are kept).
    pub more: usize,
    pub to_pass: Vec<ToPass>,
    /// The units blamed are the contributions to a total with no quota of their own: none of
    /// them falls short by itself.
    pub contributions: bool,
    /// How many units fall short, each blamed by its own values (kept or not).
    pub units: usize,
    /// The parameters the requirement uses at their default (a reading of a vague word, not a
    /// figure of the plan), by index in the rule's parameters, with their values.
    pub defaults: Vec<(usize, Decimal)>,
    /// The parameters the requirement uses as given for the run (`--param`), with their values.
    pub given: Vec<(usize, Decimal)>,
}

/// One element of an aggregate part.
struct Member {
    part: usize,
    instance: InstanceId,
    /// The value of a list of plain values, with the list field and the item's place.
    each: Option<(Scalar, FieldId, Span)>,
    /// Whether the part's filter takes it (`None`: the filter could not be evaluated).
    taken: Option<bool>,
}

impl<'a> Evaluator<'a> {
    /// Why `expr` is not `want` for the subject `at`: the values that decide it, most
    /// decisive first, and what would change it.
    pub fn why(&mut self, expr: &'a Expr, at: InstanceId, params: &[Param], want: bool) -> Explained {
        let mut out = Explained::default();
        let outer = self.subject.replace(at);
        self.why_in(expr, at, None, params, want, &mut out);
        self.subject = outer;
        finish(&mut out);
        out
    }

    /// The fields an `unknown` verdict lacks, each at the record that lacks it.
    pub fn blame_gaps(&self, gaps: &[Gap]) -> Explained {
        let mut out = Explained::default();
        for g in gaps {
            let (instance, field, role) = match g {
                Gap::Missing(i, f) => (*i, *f, Role::Missing),
                Gap::Null(i, f) => (*i, *f, Role::Null),
                Gap::Undefined(_)
                | Gap::Overflow(_)
                | Gap::ZeroDivisor(..)
                | Gap::Unsupplied(_)
                | Gap::PartsMissing(_) => continue,
            };
            let inst = self.dataset.get(instance);
            let span = inst.slots[field].span().or(Some(inst.span).filter(|s| s.end > 0));
            out.blame.push(Blame { instance, field, value: None, span, role, unit: None });
        }
        finish(&mut out);
        out
    }

    /// The divisors that are zero, by the submitted values they are computed from; `written`
    /// holds the expressions the divisors were written in.
    pub fn blame_divisors(&mut self, gaps: &[Gap], written: &[&'a Expr], params: &[Param]) -> Explained {
        let mut out = Explained::default();
        for g in gaps {
            let Gap::ZeroDivisor(span, at) = g else { continue };
            if let Some(divisor) = written.iter().find_map(|e| e.find(self.model, *span)) {
                self.leaves(divisor, *at, None, params, Role::Decides, &mut out);
            }
        }
        finish(&mut out);
        out
    }

    fn why_in(
        &mut self,
        e: &'a Expr,
        at: InstanceId,
        each: Option<&Scalar>,
        params: &[Param],
        want: bool,
        out: &mut Explained,
    ) {
        match &e.kind {
            ExprKind::Binary(op @ (BinOp::And | BinOp::Or), a, b) => {
                // `and` fails by the sides that fail (and `or` holds by those that hold); otherwise
                // every side decides.
                let by_some = (*op == BinOp::And) == want;
                for side in [a, b] {
                    if !by_some || self.eval_in(side, at, each, params) == Ok(Val::Bool(!want)) {
                        self.why_in(side, at, each, params, want, out);
                    }
                }
            }
            ExprKind::Not(x) => self.why_in(x, at, each, params, !want, out),
            ExprKind::Binary(op, a, b) if op.is_comparison() => {
                let op = if want { *op } else { negate(*op) };
                self.why_compare(op, a, b, at, each, params, out);
            }
            ExprKind::Metric(steps, m) => match self.walk(steps, at) {
                Ok(target) => self.why_in(&self.model.metrics[*m].expr, target, None, &[], want, out),
                Err(_) => self.leaves(e, at, each, params, Role::Decides, out),
            },
            ExprKind::If(c, a, b) => match self.eval_in(c, at, each, params) {
                Ok(Val::Bool(true)) => self.why_in(a, at, each, params, want, out),
                Ok(Val::Bool(false)) => self.why_in(b, at, each, params, want, out),
                _ => self.leaves(e, at, each, params, Role::Decides, out),
            },
            ExprKind::Aggregate(AggFn::All | AggFn::Any, parts) => {
                // `all` fails by its elements that fail, `any` by every element.
                for m in self.members(parts, at, params) {
                    let Some(value) = &parts[m.part].value else { continue };
                    if m.taken != Some(true) {
                        continue;
                    }
                    let scalar = m.each.as_ref().map(|(s, _, _)| s);
                    if self.eval_in(value, m.instance, scalar, params) == Ok(Val::Bool(!want)) {
                        self.why_member(value, &m, params, want, out);
                        self.item_to_pass(value, &m, params, want, out);
                    }
                }
            }
            ExprKind::Value(_) => {
                let before = out.blame.len();
                self.leaves(e, at, each, params, Role::Decides, out);
                // A yes/no that does not hold passes when it does.
                if let [b] = &out.blame[before..]
                    && b.value == Some(Val::Bool(!want))
                {
                    let to = ToPass {
                        instance: b.instance,
                        quantity: Quantity::Field(b.field),
                        from: Val::Bool(!want),
                        to: Val::Bool(want),
                    };
                    out.to_pass.push(to);
                }
            }
            _ => self.leaves(e, at, each, params, Role::Decides, out),
        }
    }

    /// For a number of a list that fails the test `e` of `all` (or `any`): the nearest number
    /// that passes it, the other values as they are. With `all`, every item that fails needs
    /// its own change, as every side that fails of a conjunction does.
    fn item_to_pass(&mut self, e: &'a Expr, m: &Member, params: &[Param], want: bool, out: &mut Explained) {
        let Some((Scalar::Number(from), field, span)) = &m.each else { return };
        let step = step_of(self.model.entities[self.dataset.get(m.instance).entity].fields[*field].ty.item());
        let holds = |ev: &mut Self, x: Decimal| {
            ev.eval_in(e, m.instance, Some(&Scalar::Number(x)), params) == Ok(Val::Bool(want))
        };
        if let Some(to) = self.nearest_to(*from, step, None, Test::Range, holds) {
            let quantity = Quantity::Item(*field, *span);
            out.to_pass.push(ToPass { instance: m.instance, quantity, from: Val::Num(*from), to });
        }
    }

    /// Why an element of an aggregate is not `want`, its blamed values tagged with the unit
    /// (unless the element belongs to the subject itself: an item of its own list).
    fn why_member(&mut self, e: &'a Expr, m: &Member, params: &[Param], want: bool, out: &mut Explained) {
        let before = out.blame.len();
        let scalar = m.each.as_ref().map(|(s, _, _)| s);
        self.why_in(e, m.instance, scalar, params, want, out);
        // An element of a list of plain values is itself the value that decides (a month's
        // visits), before what it is compared with.
        let decided = out.blame[before..].iter().any(|b| b.role == Role::Decides);
        if let (false, Some((s, field, span))) = (decided, &m.each) {
            let value = Some(Val::from(s));
            let blame = Blame {
                instance: m.instance,
                field: *field,
                value,
                span: Some(*span),
                role: Role::Decides,
                unit: None,
            };
            out.blame.insert(before, blame);
        }
        if Some(m.instance) != self.subject {
            tag(&mut out.blame[before..], m.instance, None);
        }
    }

    /// Why `a op b` does not hold: the units that fall short where `a` is an aggregate over
    /// units, else the values `a` is computed from; then the values of the threshold.
    #[expect(clippy::too_many_arguments, reason = "the evaluation context is passed explicitly")]
    fn why_compare(
        &mut self,
        op: BinOp,
        a: &'a Expr,
        b: &'a Expr,
        at: InstanceId,
        each: Option<&Scalar>,
        params: &[Param],
        out: &mut Explained,
    ) {
        let threshold = self.eval_in(b, at, each, params);
        let by_units = match &threshold {
            Ok(t) => {
                let cmp = Compared { op, a, threshold: t.clone(), at, each: each.cloned(), params: params.to_vec() };
                match (self.find_aggregate(a, at), self.find_quotient(a, at)) {
                    (Some((agg, holder)), _) => self.why_units(&cmp, agg, holder, out),
                    (None, Some((num, den, holder))) => self.why_quotient(&cmp, (num, den), holder, out),
                    (None, None) => false,
                }
            }
            Err(_) => false,
        };
        if !by_units {
            let before = out.blame.len();
            self.leaves(a, at, each, params, Role::Decides, out);
            // An equality is a case the rule names (`owner_representatives == 0`), not a target.
            let mut fields = Vec::new();
            if !matches!(op, BinOp::Eq | BinOp::Ne) {
                self.numerators(a, at, &mut fields);
            }
            // What may be changed to pass decides most: it comes first.
            out.blame[before..].sort_by_key(|b| !fields.contains(&(b.instance, b.field)));
            self.word_to_pass(op, (a, b), at, params, out);
            for (instance, field) in fields {
                let key = Override::Field(instance, field);
                let Slot::Scalar(Scalar::Number(from), _) = &self.dataset.get(instance).slots[field] else { continue };
                let entity = self.dataset.get(instance).entity;
                let step = step_of(&self.model.entities[entity].fields[field].ty);
                let holds = |ev: &mut Self, x: Decimal| {
                    let (l, r) = ev.with_override(key, Val::Num(x), |ev| {
                        (ev.eval_in(a, at, each, params), ev.eval_in(b, at, each, params))
                    });
                    matches!((l, r), (Ok(l), Ok(r)) if compare(op, &l, &r) == Some(true))
                };
                if let Some(to) = self.nearest(*from, step, None, holds) {
                    out.to_pass.push(ToPass { instance, quantity: Quantity::Field(field), from: Val::Num(*from), to });
                }
            }
        }
        self.leaves(b, at, each, params, Role::Threshold, out);
    }

    /// Where `a` is a word of a field (an `enum`'s) and `a op b` does not hold: the words that
    /// would make it hold, the field's others as they are declared.
    fn word_to_pass(
        &mut self,
        op: BinOp,
        (a, b): (&'a Expr, &'a Expr),
        at: InstanceId,
        params: &[Param],
        out: &mut Explained,
    ) {
        let ExprKind::Value(steps) = &a.kind else { return };
        let Some((Step::Field(_, field), init)) = steps.split_last() else { return };
        let Ok(holder) = self.walk(init, at) else { return };
        let inst = self.dataset.get(holder);
        let (Ty::Enum(words), Slot::Scalar(Scalar::Text(now), _)) =
            (&self.model.entities[inst.entity].fields[*field].ty, &inst.slots[*field])
        else {
            return;
        };
        let key = Override::Field(holder, *field);
        let mut passing = Vec::new();
        for word in words.iter().filter(|w| w.as_str() != now.as_ref()) {
            let word: std::sync::Arc<str> = word.as_str().into();
            let (l, r) = self.with_override(key, Val::Text(word.clone()), |ev| {
                (ev.eval_in(a, at, None, params), ev.eval_in(b, at, None, params))
            });
            if matches!((l, r), (Ok(l), Ok(r)) if compare(op, &l, &r) == Some(true)) {
                passing.push(word);
            }
        }
        if let Some(first) = passing.first().cloned() {
            let (from, to) = (Val::Text(now.clone()), Val::Text(first));
            out.to_pass.push(ToPass { instance: holder, quantity: Quantity::Choice(*field, passing), from, to });
        }
    }

    /// The units of an aggregate that fall short on their own, largest shortfall first, and
    /// what would pass for the aggregate as a whole; false where the aggregate is not one
    /// that units make up.
    fn why_units(&mut self, cmp: &Compared<'a>, agg: &'a Expr, holder: InstanceId, out: &mut Explained) -> bool {
        let ExprKind::Aggregate(f, parts) = &agg.kind else { return false };
        let key = Override::Aggregate(std::ptr::from_ref(agg) as usize, holder);
        let members = self.members(parts, holder, &cmp.params);
        let Some((up, level)) = self.direction(cmp, key) else { return false };
        let params = cmp.params.clone();
        // Each unit that falls short, with how far it is from passing on its own (for the order).
        let mut units: Vec<(Option<Decimal>, Explained)> = Vec::new();
        match f {
            AggFn::Ratio => {
                let (mut num, mut den) = (Decimal::ZERO, Decimal::ZERO);
                for m in members.iter().filter(|m| m.taken == Some(true)) {
                    let Some(Expr { kind: ExprKind::Binary(BinOp::Div, x, y), .. }) = &parts[m.part].value else {
                        return false;
                    };
                    let scalar = m.each.as_ref().map(|(s, _, _)| s);
                    let (Ok(Val::Num(n)), Ok(Val::Num(d))) =
                        (self.eval_in(x, m.instance, scalar, &params), self.eval_in(y, m.instance, scalar, &params))
                    else {
                        continue;
                    };
                    num = num.checked_add(n).unwrap_or(num);
                    den = den.checked_add(d).unwrap_or(den);
                    let Some(own) = n.checked_div(d) else { continue };
                    if self.holds_with(cmp, key, Val::Num(own)) {
                        continue;
                    }
                    units.push(self.short_unit(x, m, &params, (n, d), (level, up)));
                }
                if let Some(total) = total_of(parts) {
                    let step = self.step_of_total(total, num);
                    let holds = |ev: &mut Self, n: Decimal| {
                        n.checked_div(den).is_some_and(|r| ev.holds_with(cmp, key, Val::Num(r)))
                    };
                    if let Some(to) = self.nearest(num, step, None, holds) {
                        let quantity = Quantity::Total(total);
                        out.to_pass.push(ToPass { instance: cmp.at, quantity, from: Val::Num(num), to });
                    }
                }
            }
            AggFn::Share | AggFn::Count => {
                // The units that do not count (or, where fewer must, those that do).
                let mut n = 0usize;
                let mut yes = 0usize;
                for m in members.iter().filter(|m| *f == AggFn::Count || m.taken == Some(true)) {
                    let test =
                        if *f == AggFn::Share { parts[m.part].value.as_ref() } else { parts[m.part].filter.as_ref() };
                    let scalar = m.each.as_ref().map(|(s, _, _)| s);
                    let counts = match (f, test) {
                        (AggFn::Count, _) => m.taken == Some(true),
                        (_, Some(t)) => self.eval_in(t, m.instance, scalar, &params) == Ok(Val::Bool(true)),
                        (_, None) => true,
                    };
                    n += 1;
                    yes += usize::from(counts);
                    if counts == up {
                        continue;
                    }
                    let mut e = Explained::default();
                    match test {
                        Some(t) => self.why_member(t, m, &params, up, &mut e),
                        None => continue,
                    }
                    units.push((None, e));
                }
                let scopes: Vec<PartRef> = parts.iter().filter_map(part_ref).collect();
                let ceiling = if *f == AggFn::Share { Some(Decimal::from(n)) } else { None };
                let holds = |ev: &mut Self, k: Decimal| {
                    let value = match f {
                        AggFn::Share if n > 0 => k * Decimal::ONE_HUNDRED / Decimal::from(n),
                        _ => k,
                    };
                    ev.holds_with(cmp, key, Val::Num(value))
                };
                if let Some(to) = self.nearest(Decimal::from(yes), Decimal::ONE, ceiling, holds) {
                    let quantity = Quantity::Units(scopes);
                    out.to_pass.push(ToPass { instance: cmp.at, quantity, from: Val::Num(Decimal::from(yes)), to });
                }
            }
            AggFn::Min | AggFn::Max | AggFn::Sum => {
                out.contributions = *f == AggFn::Sum;
                let mut total = Decimal::ZERO;
                for m in members.iter().filter(|m| m.taken == Some(true)) {
                    let Some(value) = &parts[m.part].value else { continue };
                    let scalar = m.each.as_ref().map(|(s, _, _)| s);
                    let Ok(Val::Num(v)) = self.eval_in(value, m.instance, scalar, &params) else { continue };
                    total = total.checked_add(v).unwrap_or(total);
                    // A sum is made by every unit: each is shown with its contribution, the
                    // smallest first where more is needed. A minimum or maximum by the units
                    // that fall short on their own, the farthest first.
                    let order = match f {
                        AggFn::Sum => Some(if up { -v } else { v }),
                        _ if self.holds_with(cmp, key, Val::Num(v)) => continue,
                        _ => level.and_then(|l| if up { l.checked_sub(v) } else { v.checked_sub(l) }),
                    };
                    let mut e = Explained::default();
                    match &m.each {
                        Some(_) => self.why_member(value, m, &params, true, &mut e),
                        None => self.leaves(value, m.instance, scalar, &params, Role::Decides, &mut e),
                    }
                    tag(&mut e.blame, m.instance, Some((v, None)));
                    if *f != AggFn::Sum
                        && let [b] = e.blame.as_slice()
                        && b.value == Some(Val::Num(v))
                    {
                        let step =
                            step_of(&self.model.entities[self.dataset.get(b.instance).entity].fields[b.field].ty);
                        let holds = |ev: &mut Self, x: Decimal| ev.holds_with(cmp, key, Val::Num(x));
                        if let Some(to) = self.nearest(v, step, None, holds) {
                            let quantity = Quantity::Field(b.field);
                            e.to_pass.push(ToPass { instance: b.instance, quantity, from: Val::Num(v), to });
                        }
                    }
                    units.push((order, e));
                }
                if *f == AggFn::Sum
                    && let Some(field) = total_of(parts)
                {
                    let step = self.step_of_total(field, total);
                    let holds = |ev: &mut Self, x: Decimal| ev.holds_with(cmp, key, Val::Num(x));
                    if let Some(to) = self.nearest(total, step, None, holds) {
                        let quantity = Quantity::Total(field);
                        out.to_pass.push(ToPass { instance: cmp.at, quantity, from: Val::Num(total), to });
                    }
                }
            }
            AggFn::Any | AggFn::All => return false,
        }
        ranked(units, out);
        true
    }

    /// A unit whose own ratio `n / d` falls short of the ratio `level` that passes (from below
    /// where `up`): how far, in the numerator's terms, and the values `numerator` reads for it,
    /// tagged with its numbers.
    fn short_unit(
        &mut self,
        numerator: &'a Expr,
        m: &Member,
        params: &[Param],
        (n, d): (Decimal, Decimal),
        (level, up): (Option<Decimal>, bool),
    ) -> (Option<Decimal>, Explained) {
        let shortfall =
            level.and_then(|l| l.checked_mul(d)).and_then(|l| if up { l.checked_sub(n) } else { n.checked_sub(l) });
        let mut e = Explained::default();
        let scalar = m.each.as_ref().map(|(s, _, _)| s);
        self.leaves(numerator, m.instance, scalar, params, Role::Decides, &mut e);
        tag(&mut e.blame, m.instance, Some((n, Some(d))));
        (shortfall, e)
    }

    /// Whether raising the aggregate `key` stands for helps the comparison, and the
    /// aggregate's value at the threshold, from the compared value at 0 and 1 (the formulas
    /// around an aggregate are linear); `None` where it does not change the compared value.
    fn direction(&mut self, cmp: &Compared<'a>, key: Override) -> Option<(bool, Option<Decimal>)> {
        let at_zero = self.compared_with(cmp, key, Val::Num(Decimal::ZERO));
        let at_one = self.compared_with(cmp, key, Val::Num(Decimal::ONE));
        match (at_zero, at_one, &cmp.threshold) {
            (Some(z), Some(o), Val::Num(t)) if o != z => {
                let slope = o.checked_sub(z)?;
                let up = matches!(cmp.op, BinOp::Ge | BinOp::Gt) == (slope > Decimal::ZERO);
                Some((up, t.checked_sub(z).and_then(|d| d.checked_div(slope))))
            }
            _ => None,
        }
    }

    /// Why a quotient of two sums falls short (`sum(district: instructors) / sum(district:
    /// residents) * 1000`, or workers summed over communities by residents summed over their
    /// districts): as for `ratio`, the units of the divisor whose own quotient falls short,
    /// farthest first, and the dividend's total that would pass. A unit's own dividend is the
    /// dividend's value for it (the same scope), else the dividend's sum within it. False where
    /// the sums do not split by those units (their parts do not add up to the whole).
    fn why_quotient(
        &mut self,
        cmp: &Compared<'a>,
        (num, den): (&'a Expr, &'a Expr),
        holder: InstanceId,
        out: &mut Explained,
    ) -> bool {
        let (ExprKind::Aggregate(_, nparts), ExprKind::Aggregate(_, dparts)) = (&num.kind, &den.kind) else {
            return false;
        };
        let ([npart], [dpart]) = (nparts.as_slice(), dparts.as_slice()) else { return false };
        let (Some(nvalue), Some(dvalue)) = (&npart.value, &dpart.value) else { return false };
        let key = Override::Aggregate(std::ptr::from_ref(num) as usize, holder);
        let Some((up, level)) = self.direction(cmp, key) else { return false };
        let params = cmp.params.clone();
        let (Ok(Val::Num(num_total)), Ok(Val::Num(den_total))) =
            (self.eval_in(num, holder, None, &params), self.eval_in(den, holder, None, &params))
        else {
            return false;
        };
        let same = npart.scope == dpart.scope;
        let (mut n_sum, mut d_sum) = (Decimal::ZERO, Decimal::ZERO);
        let mut units: Vec<(Option<Decimal>, Explained)> = Vec::new();
        for m in self.members(dparts, holder, &params) {
            if m.taken != Some(true) || m.each.is_some() {
                continue;
            }
            let dividend = if same { nvalue } else { num };
            let taken = !same
                || npart
                    .filter
                    .as_ref()
                    .is_none_or(|f| self.eval_in(f, m.instance, None, &params) == Ok(Val::Bool(true)));
            let n = match taken {
                true => self.eval_in(dividend, m.instance, None, &params),
                false => Ok(Val::Num(Decimal::ZERO)),
            };
            let (Ok(Val::Num(n)), Ok(Val::Num(d))) = (n, self.eval_in(dvalue, m.instance, None, &params)) else {
                return false;
            };
            let (Some(ns), Some(ds)) = (n_sum.checked_add(n), d_sum.checked_add(d)) else { return false };
            (n_sum, d_sum) = (ns, ds);
            // The whole as it would be if every unit were like this one.
            let like = n.checked_div(d).and_then(|own| own.checked_mul(den_total));
            if like.is_none_or(|x| self.holds_with(cmp, key, Val::Num(x))) {
                continue;
            }
            let level = level.and_then(|l| l.checked_div(den_total));
            units.push(self.short_unit(dividend, &m, &params, (n, d), (level, up)));
        }
        if n_sum != num_total || d_sum != den_total {
            return false;
        }
        if let Some(total) = total_of(nparts) {
            let step = self.step_of_total(total, num_total);
            let holds = |ev: &mut Self, x: Decimal| ev.holds_with(cmp, key, Val::Num(x));
            if let Some(to) = self.nearest(num_total, step, None, holds) {
                let quantity = Quantity::Total(total);
                out.to_pass.push(ToPass { instance: cmp.at, quantity, from: Val::Num(num_total), to });
            }
        }
        ranked(units, out);
        true
    }

    /// The smallest change of a total: that of its field's values; for a metric, one where the
    /// total is a whole number, else a hundredth.
    fn step_of_total(&self, total: Input, now: Decimal) -> Decimal {
        match total {
            Input::Field(e, f) => step_of(&self.model.entities[e].fields[f].ty),
            Input::Metric(_) if now.fract().is_zero() => Decimal::ONE,
            Input::Metric(_) => Decimal::new(1, 2),
        }
    }

    /// `work` done with the value `key` stands for replaced by `x`.
    fn with_override<T>(&mut self, key: Override, x: Val, work: impl FnOnce(&mut Self) -> T) -> T {
        self.overrides.insert(key, x);
        let out = work(self);
        self.overrides.remove(&key);
        out
    }

    /// The compared value with an aggregate replaced by `x`.
    fn compared_with(&mut self, cmp: &Compared<'a>, key: Override, x: Val) -> Option<Decimal> {
        match self.with_override(key, x, |ev| ev.eval_in(cmp.a, cmp.at, cmp.each.as_ref(), &cmp.params)) {
            Ok(Val::Num(n)) => Some(n),
            _ => None,
        }
    }

    /// Whether the comparison holds with an aggregate replaced by `x`.
    fn holds_with(&mut self, cmp: &Compared<'a>, key: Override, x: Val) -> bool {
        let v = self.with_override(key, x, |ev| ev.eval_in(cmp.a, cmp.at, cmp.each.as_ref(), &cmp.params));
        v.is_ok_and(|v| compare(cmp.op, &v, &cmp.threshold) == Some(true))
    }

    /// The value nearest to `from`, in steps of `step` (or of the last digit of `from`, where it
    /// is written finer: 713.999 is short of 714 by one step of 0.001, where a step of 0.01
    /// would overshoot to 714.009), at which `holds` (a monotone test)
    /// is true: searched upwards and downwards (never below zero, nor above `ceiling`),
    /// doubling the distance, then halving it; not searched towards zero or the ceiling where
    /// it fails there (most of the probes of a search were those that could not pass).
    fn nearest(
        &mut self,
        from: Decimal,
        step: Decimal,
        ceiling: Option<Decimal>,
        holds: impl FnMut(&mut Self, Decimal) -> bool,
    ) -> Option<Val> {
        self.nearest_to(from, step, ceiling, Test::Monotone, holds)
    }

    /// [`Evaluator::nearest`] for a test of the shape `test`.
    fn nearest_to(
        &mut self,
        from: Decimal,
        step: Decimal,
        ceiling: Option<Decimal>,
        test: Test,
        mut holds: impl FnMut(&mut Self, Decimal) -> bool,
    ) -> Option<Val> {
        let step = step.min(Decimal::new(1, from.normalize().scale().min(FINEST_STEP_DIGITS)));
        let mut best: Option<(u64, Decimal)> = None;
        for up in [true, false] {
            let at = |k: u64| -> Option<Decimal> {
                let d = Decimal::from(k).checked_mul(step)?;
                if up { from.checked_add(d) } else { from.checked_sub(d) }
            };
            // The most steps that stay at or above zero and at or below the ceiling.
            let room = match (up, ceiling) {
                (true, Some(c)) => c.checked_sub(from),
                (true, None) => None,
                (false, _) => Some(from),
            };
            let limit = match room.and_then(|r| r.checked_div(step)) {
                Some(r) if r < Decimal::ONE => continue,
                Some(r) => u64::try_from(r.floor()).unwrap_or(1 << 62).min(1 << 62),
                None => 1 << 62,
            };
            // A monotone test that fails as far as it may go fails on the way.
            if test == Test::Monotone && limit < 1 << 62 && at(limit).is_none_or(|x| !holds(self, x)) {
                continue;
            }
            let (mut fails, mut k) = (0u64, 1u64);
            let found = loop {
                k = k.min(limit);
                match at(k) {
                    Some(x) if holds(self, x) => break Some(k),
                    Some(_) if k < limit => (fails, k) = (k, k * 2),
                    _ => break None,
                }
            };
            let Some(mut passes) = found else { continue };
            while passes - fails > 1 {
                let mid = fails + (passes - fails) / 2;
                match at(mid) {
                    Some(x) if holds(self, x) => passes = mid,
                    _ => fails = mid,
                }
            }
            if best.is_none_or(|(k, _)| passes < k)
                && let Some(x) = at(passes)
            {
                best = Some((passes, x));
            }
        }
        best.map(|(_, x)| Val::Num(x.normalize()))
    }

    /// The submitted values `e` reads, blamed with `role`.
    fn leaves(
        &mut self,
        e: &'a Expr,
        at: InstanceId,
        each: Option<&Scalar>,
        params: &[Param],
        role: Role,
        out: &mut Explained,
    ) {
        let outer = self.reads.replace(Vec::new());
        let _ = self.eval_in(e, at, each, params);
        let reads = std::mem::replace(&mut self.reads, outer).unwrap_or_default();
        for r in reads {
            let inst = self.dataset.get(r.instance);
            let (role, span) = match &inst.slots[r.field] {
                // A list of plain values (monthly figures) is blamed as a whole, at its place.
                Slot::Scalar(..) | Slot::Scalars(..) => (role, r.span),
                Slot::Null(span) => (Role::Null, Some(*span)),
                Slot::Missing => (Role::Missing, Some(inst.span).filter(|s| s.end > 0)),
                // A record is blamed by its fields.
                _ => continue,
            };
            out.blame.push(Blame { instance: r.instance, field: r.field, value: r.value, span, role, unit: None });
        }
    }

    /// The submitted numbers `e` grows with or shrinks with, not counting divisors: what
    /// may be changed to pass (a share's denominator is how things are, not a remedy).
    fn numerators(&self, e: &'a Expr, at: InstanceId, out: &mut Vec<(InstanceId, FieldId)>) {
        match &e.kind {
            ExprKind::Value(steps) => {
                if let Some((Step::Field(_, f), init)) = steps.split_last()
                    && let Ok(holder) = self.walk(init, at)
                    && matches!(self.dataset.get(holder).slots[*f], Slot::Scalar(Scalar::Number(_), _))
                    && !out.contains(&(holder, *f))
                {
                    out.push((holder, *f));
                }
            }
            ExprKind::Metric(steps, m) => {
                if let Ok(target) = self.walk(steps, at) {
                    self.numerators(&self.model.metrics[*m].expr, target, out);
                }
            }
            ExprKind::Binary(BinOp::Div, x, _) | ExprKind::Neg(x) => self.numerators(x, at, out),
            ExprKind::Binary(BinOp::Add | BinOp::Sub | BinOp::Mul, x, y) | ExprKind::If(_, x, y) => {
                self.numerators(x, at, out);
                self.numerators(y, at, out);
            }
            ExprKind::Call(Function::RoundHalfUp | Function::Abs, args) => {
                if let Some(x) = args.first() {
                    self.numerators(x, at, out);
                }
            }
            _ => {}
        }
    }

    /// The one aggregate a compared value is computed from (through metrics and arithmetic),
    /// with the instance it is computed for.
    fn find_aggregate(&self, e: &'a Expr, at: InstanceId) -> Option<(&'a Expr, InstanceId)> {
        self.find_one(e, at, &|e, at| matches!(e.kind, ExprKind::Aggregate(..)).then_some((e, at)))
    }

    /// The one quotient of two sums a compared value is computed from (through metrics and
    /// arithmetic), with the instance it is computed for.
    fn find_quotient(&self, e: &'a Expr, at: InstanceId) -> Option<(&'a Expr, &'a Expr, InstanceId)> {
        let sum = |x: &Expr| matches!(x.kind, ExprKind::Aggregate(AggFn::Sum, _));
        self.find_one(e, at, &|e, at| match &e.kind {
            ExprKind::Binary(BinOp::Div, x, y) if sum(x) && sum(y) => Some((&**x, &**y, at)),
            _ => None,
        })
    }

    /// The one part of a compared value that `found` takes, looked for through metrics and
    /// arithmetic (none where two sides hold one).
    fn find_one<T>(
        &self,
        e: &'a Expr,
        at: InstanceId,
        found: &impl Fn(&'a Expr, InstanceId) -> Option<T>,
    ) -> Option<T> {
        if let Some(t) = found(e, at) {
            return Some(t);
        }
        match &e.kind {
            ExprKind::Metric(steps, m) => {
                let target = self.walk(steps, at).ok()?;
                self.find_one(&self.model.metrics[*m].expr, target, found)
            }
            ExprKind::Binary(BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div, x, y) => {
                match (self.find_one(x, at, found), self.find_one(y, at, found)) {
                    (Some(t), None) | (None, Some(t)) => Some(t),
                    _ => None,
                }
            }
            ExprKind::Neg(x) => self.find_one(x, at, found),
            ExprKind::Call(Function::RoundHalfUp | Function::Abs, args) => self.find_one(args.first()?, at, found),
            _ => None,
        }
    }

    /// Every element of an aggregate's parts, and whether its filter takes it.
    fn members(&mut self, parts: &'a [AggPart], at: InstanceId, params: &[Param]) -> Vec<Member> {
        let mut out = Vec::new();
        for (part, p) in parts.iter().enumerate() {
            // A null item is an undefined value, which evaluation has already reported.
            let found = self.elements(&p.scope, at).unwrap_or_default().into_iter().filter_map(|e| match e {
                Element { instance, item: None } => Some((instance, None)),
                Element { instance, item: Some(Item { value, field, span }) } => {
                    Some((instance, Some((value?, field, span))))
                }
            });
            for (instance, each) in found.collect::<Vec<_>>() {
                let taken = match &p.filter {
                    None => Some(true),
                    Some(filter) => match self.eval_in(filter, instance, each.as_ref().map(|(s, _, _)| s), params) {
                        Ok(Val::Bool(b)) => Some(b),
                        _ => None,
                    },
                };
                out.push(Member { part, instance, each, taken });
            }
        }
        out
    }
}

/// A comparison being explained: `a op threshold` for the subject `at`.
struct Compared<'a> {
    op: BinOp,
    a: &'a Expr,
    threshold: Val,
    at: InstanceId,
    each: Option<Scalar>,
    params: Vec<Param>,
}

/// The comparison that holds exactly when `op` does not.
fn negate(op: BinOp) -> BinOp {
    match op {
        BinOp::Ge => BinOp::Lt,
        BinOp::Gt => BinOp::Le,
        BinOp::Le => BinOp::Gt,
        BinOp::Lt => BinOp::Ge,
        BinOp::Eq => BinOp::Ne,
        BinOp::Ne => BinOp::Eq,
        other => other,
    }
}

/// The smallest change of a value of this type: one for counts, a hundredth otherwise.
fn step_of(ty: &Ty) -> Decimal {
    match ty {
        Ty::Count(_) => Decimal::ONE,
        _ => Decimal::new(1, 2),
    }
}

/// The field or metric an aggregate totals (a ratio's numerator, a sum's value), named by its
/// first part, where every part totals one.
fn total_of(parts: &[AggPart]) -> Option<Input> {
    let totals: Option<Vec<Input>> = parts.iter().map(|p| part_ref(p)?.inputs.first().copied()).collect();
    totals?.first().copied()
}

/// What a search for the nearest passing value knows of its test.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Test {
    /// Passes from some value on, in one direction.
    Monotone,
    /// Passes on a range of values (between a lower and an upper bound, say), which the
    /// search may not skip over: a range narrower than the doubling steps may not be found.
    Range,
}

/// The units that fall short into `out`, farthest from passing first; units with no number
/// keep their order.
fn ranked(mut units: Vec<(Option<Decimal>, Explained)>, out: &mut Explained) {
    units.sort_by(|x, y| y.0.unwrap_or(Decimal::MIN).cmp(&x.0.unwrap_or(Decimal::MIN)));
    out.units += units.len();
    for (_, e) in units {
        out.blame.extend(e.blame);
        out.to_pass.extend(e.to_pass);
    }
}

/// Marks blamed values as those of one unit, with its own numbers where it has them.
fn tag(blame: &mut [Blame], unit: InstanceId, own: Option<Own>) {
    for b in blame {
        b.unit = Some(UnitShare { unit, own });
    }
}

/// Puts the values that would pass when changed first, keeps each blamed value once and at
/// most [`BLAME`] of them.
fn finish(out: &mut Explained) {
    // A value that can be changed to pass decides more than one that only takes part.
    let remedies: foldhash::HashSet<(InstanceId, FieldId)> = out
        .to_pass
        .iter()
        .filter_map(|t| match t.quantity {
            Quantity::Field(f) | Quantity::Item(f, _) | Quantity::Choice(f, _) => Some((t.instance, f)),
            _ => None,
        })
        .collect();
    out.blame.sort_by_key(|b| !remedies.contains(&(b.instance, b.field)));
    let mut seen = foldhash::HashSet::with_capacity_and_hasher(out.blame.len(), Default::default());
    out.blame.retain(|b| seen.insert((b.instance, b.field, b.span.map(|s| (s.file, s.start)))));
    let mut seen = foldhash::HashSet::with_capacity_and_hasher(out.to_pass.len(), Default::default());
    out.to_pass.retain(|t| seen.insert((t.instance, t.quantity.clone())));
    out.more = out.blame.len().saturating_sub(BLAME);
    out.blame.truncate(BLAME);
    out.to_pass.truncate(BLAME);
}
