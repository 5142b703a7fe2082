//! Expressions: resolves every name in a formula against the subject it is evaluated on,
//! infers types and units, and compiles to the IR of [`super::model`].

use super::Checker;
use super::model::{
    AggPart, EntityId, Expr, ExprKind, Function, MetricId, Model, ParamDef, Scope, Step, Ty, ValueType,
};
use super::units::{PERCENT, Unit};
use crate::diagnostics::suggest::did_you_mean;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{self, AggFn, BinOp, UnaryOp};

/// Names of the functions an expression may call.
pub const FUNCTIONS: &[&str] = &["round_half_up", "abs", "starts_with", "present", "months", "year"];

/// Where an expression is evaluated.
#[derive(Clone)]
pub(super) struct Ctx<'p> {
    /// The entity of the current subject.
    pub entity: EntityId,
    /// The element type inside an aggregate over a list of plain values.
    pub each: Option<ValueType>,
    /// The parameters of the rule being checked.
    pub params: &'p [ParamDef],
    /// The metric being compiled, for cycle bookkeeping.
    pub metric: Option<MetricId>,
}

type Typed = (Expr, ValueType);

/// A resolved aggregate scope: where to gather, the element entity (none for plain values),
/// and the rest of a dotted shorthand such as `sum(community.households)`.
type ResolvedScope<'n> = (Scope, Option<EntityId>, Option<&'n [ast::Name]>);

fn num(unit: Unit) -> ValueType {
    ValueType::Number { unit, literal: false }
}

/// The value type of a field's declared type.
pub fn field_value_type(ty: &Ty) -> ValueType {
    match ty {
        Ty::Count(u) | Ty::Decimal(u) => num(u.clone()),
        Ty::Percent => num(Unit::named(PERCENT)),
        Ty::Bool => ValueType::Bool,
        Ty::Date => ValueType::Date,
        Ty::Text | Ty::Code(_) => ValueType::Text,
        Ty::Enum(v) => ValueType::Enum(v.clone()),
        Ty::Record(e) => ValueType::Record(*e),
        Ty::List(inner) => ValueType::List(Box::new(field_value_type(inner))),
    }
}

impl<'a> Checker<'a> {
    /// Compiles `e` evaluated on a subject of `ctx.entity`.
    pub(super) fn expr(&mut self, e: &ast::Expr, ctx: &Ctx<'_>) -> Typed {
        let span = e.span;
        let mk = |kind| Expr { kind, span };
        match &e.kind {
            ast::ExprKind::Quantity(q) => {
                let (unit, literal) = match &q.unit {
                    Some(u) => (self.unit_of(u).unwrap_or_default(), false),
                    None => (Unit::one(), true),
                };
                let ty = if q.unit.is_some() && unit.is_one() {
                    ValueType::Error
                } else {
                    ValueType::Number { unit, literal }
                };
                (mk(ExprKind::Number(self.number(&q.number, span))), ty)
            }
            ast::ExprKind::Bool(b) => (mk(ExprKind::Bool(*b)), ValueType::Bool),
            ast::ExprKind::Str(s) => (mk(ExprKind::Text(s.clone())), ValueType::Text),
            ast::ExprKind::Date(d) => {
                let date = self.check_date(d, span);
                (mk(ExprKind::Date(date)), ValueType::Date)
            }
            ast::ExprKind::Paren(inner) => self.expr(inner, ctx),
            ast::ExprKind::Each => match &ctx.each {
                Some(t) => (mk(ExprKind::Each), t.clone()),
                None => {
                    self.error(
                        Diagnostic::new(Code::UnknownName, span)
                            .arg("name", "each")
                            .arg("entity", self.entity_name(ctx.entity)),
                    );
                    (mk(ExprKind::Each), ValueType::Error)
                }
            },
            ast::ExprKind::Path(names) => self.path(names, span, ctx),
            ast::ExprKind::Unary(op, inner) => {
                let (x, t) = self.expr(inner, ctx);
                match op {
                    UnaryOp::Not => {
                        self.expect_bool(&t, inner.span);
                        (mk(ExprKind::Not(Box::new(x))), ValueType::Bool)
                    }
                    UnaryOp::Neg => {
                        self.expect_number(&t, inner.span);
                        (mk(ExprKind::Neg(Box::new(x))), t)
                    }
                }
            }
            ast::ExprKind::Binary(op, l, r) => self.binary(*op, l, r, span, ctx),
            ast::ExprKind::If(c, t, f) => {
                let (c_ir, c_ty) = self.expr(c, ctx);
                self.expect_bool(&c_ty, c.span);
                let (t_ir, t_ty) = self.expr(t, ctx);
                let (f_ir, f_ty) = self.expr(f, ctx);
                let ty = self.unify(&t_ty, &f_ty, (t.span, f.span), &[]);
                (mk(ExprKind::If(Box::new(c_ir), Box::new(t_ir), Box::new(f_ir))), ty)
            }
            ast::ExprKind::Call(name, args) => self.call(name, args, span, ctx),
            ast::ExprKind::Aggregate(agg) => self.aggregate(agg, span, ctx),
        }
    }

    pub(super) fn entity_name(&self, e: EntityId) -> String {
        self.model.entities[e].name.clone()
    }

    /// A plain ratio compared with a percentage must have been multiplied by 100 (or be a
    /// metric declared in `%`): `a / b >= 50%` compares 0.5 with 50 and always fails, and a
    /// parameter `= 0.1926` against a percentage means 0.19%. Warned, not refused: a ratio
    /// may legitimately be scaled elsewhere.
    fn percent_scale(&mut self, plain: &ValueType, ir: &Expr, other: &ValueType, other_span: Span) {
        let (ValueType::Number { unit: a, literal: false }, ValueType::Number { unit: b, .. }) = (plain, other) else {
            return;
        };
        if a.is_one() && *b == Unit::named(PERCENT) && !scaled_to_percent(&self.model, ir) {
            self.error(Diagnostic::new(Code::PercentScale, ir.span).with(other_span, "related"));
        }
    }

    pub(super) fn expect_bool(&mut self, t: &ValueType, span: Span) {
        if !matches!(t, ValueType::Bool | ValueType::Error) {
            self.error(
                Diagnostic::new(Code::TypeMismatch, span).arg("expected", "@vtype.bool").arg("found", describe(t)),
            );
        }
    }

    fn expect_number(&mut self, t: &ValueType, span: Span) {
        if !matches!(t, ValueType::Number { .. } | ValueType::Error) {
            self.error(
                Diagnostic::new(Code::TypeMismatch, span).arg("expected", "@vtype.number").arg("found", describe(t)),
            );
        }
    }

    /// Where the units of the sides that are parameters are written (their defaults or the
    /// unit after `:`): a unit mismatch with a parameter shows that place too, where the unit
    /// is most likely wrong.
    fn param_units(sides: [&Expr; 2], ctx: &Ctx<'_>) -> Vec<Span> {
        let unit_span = |side: &Expr| match side.kind {
            ExprKind::Param(p) => ctx.params.get(p).map(|param| param.unit_span),
            _ => None,
        };
        sides.into_iter().filter_map(unit_span).collect()
    }

    /// The common type of two values that meet (`if` branches, `+`, comparisons); `units_at`:
    /// further places a unit mismatch shows (see [`Checker::param_units`]).
    fn unify(&mut self, a: &ValueType, b: &ValueType, (a_span, b_span): (Span, Span), units_at: &[Span]) -> ValueType {
        use ValueType::*;
        match (a, b) {
            (Error, _) | (_, Error) => Error,
            (Number { unit: ua, literal: la }, Number { unit: ub, literal: lb }) => {
                if *la {
                    b.clone()
                } else if *lb || self.model.units.compatible(ua, ub) {
                    if ua.is_one() { b.clone() } else { a.clone() }
                } else {
                    let mut d = Diagnostic::new(Code::UnitMismatch, b_span)
                        .arg("left", ua.to_string())
                        .arg("right", ub.to_string())
                        .with(a_span, "related");
                    for &at in units_at {
                        d = d.with(at, "param");
                    }
                    self.error(d);
                    Error
                }
            }
            (Enum(v), Text) | (Text, Enum(v)) => Enum(v.clone()),
            _ if a == b => a.clone(),
            _ => {
                self.error(
                    Diagnostic::new(Code::TypeMismatch, b_span)
                        .arg("expected", describe(a))
                        .arg("found", describe(b))
                        .with(a_span, "related"),
                );
                Error
            }
        }
    }

    /// Where `field` reads an `enum` field and `literal` is the name the rules give one of its
    /// words (`"镇"` for `town`), the literal becomes the word, as submissions write it.
    fn word_for_name(&self, field: &Expr, literal: &mut Expr) {
        let (ExprKind::Value(steps), ExprKind::Text(text)) = (&field.kind, &literal.kind) else { return };
        let Some(Step::Field(entity, f)) = steps.last() else { return };
        let words = &self.model.entities[*entity].fields[*f].words;
        if words.iter().any(|(word, _)| word == text) {
            return;
        }
        if let Some((word, _)) = words.iter().find(|(_, name)| name == text) {
            literal.kind = ExprKind::Text(word.clone());
        }
    }

    fn binary(&mut self, op: BinOp, l: &ast::Expr, r: &ast::Expr, span: Span, ctx: &Ctx<'_>) -> Typed {
        let (mut l_ir, lt) = self.expr(l, ctx);
        let (mut r_ir, rt) = self.expr(r, ctx);
        let ty = match op {
            BinOp::And | BinOp::Or => {
                self.expect_bool(&lt, l.span);
                self.expect_bool(&rt, r.span);
                ValueType::Bool
            }
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let common = self.unify(&lt, &rt, (l.span, r.span), &Self::param_units([&l_ir, &r_ir], ctx));
                self.percent_scale(&lt, &l_ir, &rt, r.span);
                self.percent_scale(&rt, &r_ir, &lt, l.span);
                if let ValueType::Enum(variants) = &common {
                    // An enum word may be written by the name the rules give it (`type == "镇"`).
                    self.word_for_name(&l_ir, &mut r_ir);
                    self.word_for_name(&r_ir, &mut l_ir);
                    for (e, ir, t) in [(r, &r_ir, &rt), (l, &l_ir, &lt)] {
                        if let (ExprKind::Text(s), ValueType::Text) = (&ir.kind, t)
                            && !variants.contains(s)
                        {
                            self.error(
                                Diagnostic::new(Code::UnknownWord, e.span)
                                    .arg("word", s)
                                    .arg("what", "enum")
                                    .arg("choices", variants.join(", "))
                                    .suggest(did_you_mean(s, variants.iter().map(String::as_str))),
                            );
                        }
                    }
                }
                let ordered = matches!(op, BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge);
                if ordered && !matches!(common, ValueType::Number { .. } | ValueType::Date | ValueType::Error) {
                    self.error(
                        Diagnostic::new(Code::TypeMismatch, span)
                            .arg("expected", "@vtype.number")
                            .arg("found", describe(&common)),
                    );
                }
                ValueType::Bool
            }
            BinOp::Add | BinOp::Sub => {
                self.expect_number(&lt, l.span);
                self.expect_number(&rt, r.span);
                match (&lt, &rt) {
                    (ValueType::Number { .. }, ValueType::Number { .. }) => {
                        self.unify(&lt, &rt, (l.span, r.span), &Self::param_units([&l_ir, &r_ir], ctx))
                    }
                    _ => ValueType::Error,
                }
            }
            BinOp::Mul | BinOp::Div => {
                self.expect_number(&lt, l.span);
                self.expect_number(&rt, r.span);
                match (&lt, &rt) {
                    (ValueType::Number { unit: a, literal: la }, ValueType::Number { unit: b, literal: lb }) => {
                        let unit = if op == BinOp::Mul { a.mul(b) } else { a.div(b) };
                        ValueType::Number { unit, literal: *la && *lb }
                    }
                    _ => ValueType::Error,
                }
            }
        };
        (Expr { kind: ExprKind::Binary(op, Box::new(l_ir), Box::new(r_ir)), span }, ty)
    }

    fn call(&mut self, name: &ast::Name, args: &[ast::Expr], span: Span, ctx: &Ctx<'_>) -> Typed {
        let typed: Vec<Typed> = args.iter().map(|a| self.expr(a, ctx)).collect();
        let (func, arity) = match name.text.as_str() {
            "round_half_up" => (Function::RoundHalfUp, 1..=2),
            "abs" => (Function::Abs, 1..=1),
            "starts_with" => (Function::StartsWith, 2..=2),
            "present" => (Function::Present, 1..=1),
            "months" => (Function::Months, 2..=2),
            "year" => (Function::Year, 1..=1),
            other => {
                let suggestion = did_you_mean(other, FUNCTIONS.iter().copied().chain(AGGREGATES.iter().copied()));
                self.error(Diagnostic::new(Code::UnknownFunction, name.span).arg("name", other).suggest(suggestion));
                return (Expr { kind: ExprKind::Bool(false), span }, ValueType::Error);
            }
        };
        if !arity.contains(&typed.len()) {
            let expected = if arity.start() == arity.end() {
                arity.start().to_string()
            } else {
                format!("{}–{}", arity.start(), arity.end())
            };
            self.error(
                Diagnostic::new(Code::WrongArity, span)
                    .arg("name", &name.text)
                    .arg("expected", expected)
                    .arg("found", typed.len()),
            );
        }
        let ty = match func {
            Function::RoundHalfUp | Function::Abs => {
                for ((_, t), a) in typed.iter().zip(args).take(1) {
                    self.expect_number(t, a.span);
                }
                if let (Some((_, t)), Some(a)) = (typed.get(1), args.get(1))
                    && !matches!(t, ValueType::Number { literal: true, .. } | ValueType::Error)
                {
                    self.error(
                        Diagnostic::new(Code::TypeMismatch, a.span)
                            .arg("expected", "@vtype.digits")
                            .arg("found", describe(t)),
                    );
                }
                typed.first().map_or(ValueType::Error, |(_, t)| t.clone())
            }
            Function::StartsWith => {
                for ((_, t), a) in typed.iter().zip(args) {
                    self.expect_type(t, &ValueType::Text, a.span);
                }
                ValueType::Bool
            }
            Function::Present => {
                if let Some(a) = args.first()
                    && !matches!(a.kind, ast::ExprKind::Path(_))
                {
                    self.error(
                        Diagnostic::new(Code::TypeMismatch, a.span)
                            .arg("expected", "@vtype.field")
                            .arg("found", "@vtype.formula"),
                    );
                }
                ValueType::Bool
            }
            Function::Months | Function::Year => {
                for ((_, t), a) in typed.iter().zip(args) {
                    self.expect_type(t, &ValueType::Date, a.span);
                }
                ValueType::Number { unit: Unit::one(), literal: false }
            }
        };
        (Expr { kind: ExprKind::Call(func, typed.into_iter().map(|(e, _)| e).collect()), span }, ty)
    }

    fn expect_type(&mut self, t: &ValueType, expected: &ValueType, span: Span) {
        if t != expected && *t != ValueType::Error && !matches!((t, expected), (ValueType::Enum(_), ValueType::Text)) {
            self.error(
                Diagnostic::new(Code::TypeMismatch, span).arg("expected", describe(expected)).arg("found", describe(t)),
            );
        }
    }
}

/// Names of the aggregate functions.
pub const AGGREGATES: &[&str] = &["sum", "count", "share", "min", "max", "any", "all", "ratio"];

/// A type as users read it in messages: a catalog reference, with the unit or the values after `:`.
pub fn describe(t: &ValueType) -> String {
    match t {
        ValueType::Number { unit, .. } if unit.is_one() => "@vtype.number".to_string(),
        ValueType::Number { unit, .. } => format!("@vtype.number_in:{unit}"),
        ValueType::Bool => "@vtype.bool".to_string(),
        ValueType::Date => "@vtype.date".to_string(),
        ValueType::Text => "@vtype.text".to_string(),
        ValueType::Enum(v) => format!("@vtype.one_of:{}", v.join("/")),
        ValueType::List(_) => "@vtype.list".to_string(),
        ValueType::Record(_) => "@vtype.record".to_string(),
        ValueType::Error => "?".to_string(),
    }
}

impl<'a> Checker<'a> {
    /// Resolves `a.b.c` on the current subject.
    fn path(&mut self, names: &[ast::Name], span: Span, ctx: &Ctx<'_>) -> Typed {
        let error = (Expr { kind: ExprKind::Bool(false), span }, ValueType::Error);
        let first = &names[0];
        let entity = ctx.entity;
        let mut steps = Vec::new();
        let mut at = entity;
        let mut rest = names;
        if names.len() == 1
            && let Some(p) = ctx.params.iter().position(|p| p.name == first.text)
        {
            let unit = ctx.params[p].unit.clone();
            return (Expr { kind: ExprKind::Param(p), span }, num(unit));
        }
        let first_name = self.model.identifier(entity, &first.text);
        if self.model.entities[entity].field(&first_name).is_none()
            && self.model.metric(entity, &first_name).is_none()
            && let Some(target) = self.model.entity(&first.text)
        {
            if target == entity {
                rest = &names[1..];
            } else if self.schema.is_ancestor(target, entity) {
                steps.push(Step::Up(target));
                at = target;
                rest = &names[1..];
            } else if self.schema.is_descendant(target, entity) {
                self.error(
                    Diagnostic::new(Code::NeedsAggregate, first.span)
                        .arg("entity", self.entity_name(entity))
                        .arg("child", &first.text),
                );
                return error;
            } else {
                self.error(
                    Diagnostic::new(Code::NotReachable, first.span)
                        .arg("entity", self.entity_name(entity))
                        .arg("other", &first.text),
                );
                return error;
            }
            if rest.is_empty() {
                self.error(
                    Diagnostic::new(Code::TypeMismatch, span)
                        .arg("expected", "@vtype.value")
                        .arg("found", "@vtype.record"),
                );
                return error;
            }
        }
        for (i, name) in rest.iter().enumerate() {
            let last = i + 1 == rest.len();
            let identifier = self.model.identifier(at, &name.text);
            if let Some(f) = self.model.entities[at].field(&identifier) {
                steps.push(Step::Field(at, f));
                let ty = field_value_type(&self.model.entities[at].fields[f].ty);
                match ty {
                    ValueType::Record(child) if !last => at = child,
                    ValueType::List(_) if !last => {
                        self.error(
                            Diagnostic::new(Code::NeedsAggregate, name.span)
                                .arg("entity", self.entity_name(at))
                                .arg("child", &name.text),
                        );
                        return error;
                    }
                    _ if !last => {
                        self.error(
                            Diagnostic::new(Code::TypeMismatch, rest[i + 1].span)
                                .arg("expected", "@vtype.a_record")
                                .arg("found", describe(&ty)),
                        );
                        return error;
                    }
                    _ => return (Expr { kind: ExprKind::Value(steps), span }, ty),
                }
            } else if let Some(m) = self.model.metric(at, &identifier).filter(|_| last) {
                let ty = self.metric_type(m, name.span, ctx);
                return (Expr { kind: ExprKind::Metric(steps, m), span }, ty);
            } else {
                if self.broken("metric", &name.text) {
                    return error;
                }
                if i == 0 && at == entity && steps.is_empty() && self.model.entity(&name.text).is_none() {
                    let e = &self.model.entities[at];
                    let candidates: Vec<&str> = e
                        .fields
                        .iter()
                        .map(|f| f.name.as_str())
                        .chain(self.model.metrics.iter().filter(|m| m.entity == at).map(|m| m.name.as_str()))
                        .chain(ctx.params.iter().map(|p| p.name.as_str()))
                        .chain(self.model.entities.iter().map(|e| e.name.as_str()))
                        .collect();
                    let suggestion = did_you_mean(&name.text, candidates);
                    self.error(
                        Diagnostic::new(Code::UnknownName, name.span)
                            .arg("name", &name.text)
                            .arg("entity", &e.name)
                            .suggest(suggestion),
                    );
                } else {
                    self.unknown_field(at, name);
                }
                return error;
            }
        }
        error
    }

    /// The type of a metric, compiling it first if needed.
    fn metric_type(&mut self, m: MetricId, span: Span, ctx: &Ctx<'_>) -> ValueType {
        if let Some(from) = ctx.metric {
            self.metric_refs.push((from, m, span));
        }
        match self.metric_state[m] {
            2 => self.model.metrics[m].value_type.clone(),
            1 => match &self.model.metrics[m].value_type {
                // A cycle (reported from the graph); a declared type still lets checking go on.
                ValueType::Error => ValueType::Error,
                declared => declared.clone(),
            },
            _ => {
                self.compile_metric(m);
                self.model.metrics[m].value_type.clone()
            }
        }
    }

    /// Compiles one metric's formula and settles its type.
    pub(super) fn compile_metric(&mut self, m: MetricId) {
        if self.metric_state[m] != 0 {
            return;
        }
        self.metric_state[m] = 1;
        let ast = self.metric_ast[m];
        let ctx = Ctx { entity: self.model.metrics[m].entity, each: None, params: &[], metric: Some(m) };
        let (ir, computed) = self.expr(&ast.expr, &ctx);
        let declared = self.model.metrics[m].unit.clone();
        let is_bool = ast.unit.as_ref().is_some_and(|u| u.text() == "bool");
        let ty = match (&computed, declared) {
            (ValueType::Error, _) => self.model.metrics[m].value_type.clone(),
            (_, _) if is_bool => {
                self.expect_bool(&computed, ast.expr.span);
                ValueType::Bool
            }
            (ValueType::Number { unit, literal }, Some(declared)) => {
                if !*literal && *unit != declared && !self.model.units.same_dimension(&declared, unit) {
                    let span = ast.unit.as_ref().map_or(ast.name.span, |u| u.span);
                    self.error(
                        Diagnostic::new(Code::MetricUnitMismatch, ast.expr.span)
                            .arg("declared", declared.to_string())
                            .arg("computed", unit.to_string())
                            .with(span, "related"),
                    );
                }
                num(declared)
            }
            (ValueType::Number { unit, .. }, None) => num(unit.clone()),
            (other, Some(declared)) => {
                self.error(
                    Diagnostic::new(Code::TypeMismatch, ast.expr.span)
                        .arg("expected", format!("number in {declared}"))
                        .arg("found", describe(other)),
                );
                num(declared)
            }
            (other, None) => other.clone(),
        };
        let metric = &mut self.model.metrics[m];
        metric.expr = ir;
        metric.value_type = ty;
        self.metric_state[m] = 2;
    }

    fn aggregate(&mut self, agg: &ast::Aggregate, span: Span, ctx: &Ctx<'_>) -> Typed {
        let mut parts = Vec::new();
        let mut value_type: Option<(ValueType, Span)> = None;
        let func = agg.func;
        for scope_path in &agg.scope {
            let Some((scope, element, shorthand)) = self.scope(scope_path, ctx) else { continue };
            let inner = Ctx {
                entity: element.unwrap_or(ctx.entity),
                each: if element.is_none() { self.each_type(&scope) } else { None },
                params: ctx.params,
                metric: ctx.metric,
            };
            if shorthand.is_some() && agg.value.is_some() {
                let at = agg.value.as_ref().map_or(span, |v| v.span);
                self.error(
                    Diagnostic::new(Code::InvalidAggregate, at).arg("func", func.name()).arg("problem", "two-values"),
                );
            }
            let value = match (&agg.value, shorthand) {
                (Some(v), _) => Some(self.expr(v, &inner)),
                (None, Some(names)) => {
                    let s = names[0].span.to(names[names.len() - 1].span);
                    Some(self.path(names, s, &inner))
                }
                (None, None) if inner.each.is_some() && func != AggFn::Count => {
                    Some((Expr { kind: ExprKind::Each, span }, inner.each.clone().unwrap_or(ValueType::Error)))
                }
                (None, None) => None,
            };
            let filter = agg.filter.as_ref().map(|f| {
                let (ir, t) = self.expr(f, &inner);
                self.expect_bool(&t, f.span);
                ir
            });
            if let Some((ir, t)) = &value {
                let s = ir.span;
                value_type = Some(match value_type.take() {
                    None => (t.clone(), s),
                    Some((prev, ps)) => (self.unify(&prev, t, (ps, s), &[]), ps),
                });
            }
            parts.push(AggPart { scope, value: value.map(|(e, _)| e), filter });
        }
        let value_span = agg.value.as_ref().map_or(span, |v| v.span);
        let ty = match func {
            AggFn::Count => {
                if agg.value.is_some()
                    || agg.scope.iter().any(|p| p.len() > 1 && self.model.entity(&p[0].text).is_some())
                {
                    self.error(
                        Diagnostic::new(Code::InvalidAggregate, value_span)
                            .arg("func", "count")
                            .arg("problem", "no-value"),
                    );
                }
                // A count of things takes the unit of what it is compared with (`>= 3 个`).
                ValueType::Number { unit: Unit::one(), literal: true }
            }
            AggFn::Sum | AggFn::Min | AggFn::Max => match value_type {
                Some((t @ ValueType::Number { .. }, _)) => ValueType::Number {
                    unit: match &t {
                        ValueType::Number { unit, .. } => unit.clone(),
                        _ => Unit::one(),
                    },
                    literal: false,
                },
                Some((ValueType::Error, _)) => ValueType::Error,
                Some((t, s)) => {
                    self.error(
                        Diagnostic::new(Code::TypeMismatch, s)
                            .arg("expected", "@vtype.number")
                            .arg("found", describe(&t)),
                    );
                    ValueType::Error
                }
                None => {
                    self.error(
                        Diagnostic::new(Code::InvalidAggregate, span)
                            .arg("func", func.name())
                            .arg("problem", "needs-number"),
                    );
                    ValueType::Error
                }
            },
            AggFn::Share | AggFn::Any | AggFn::All => {
                match value_type {
                    Some((t, s)) => self.expect_bool(&t, s),
                    None => self.error(
                        Diagnostic::new(Code::InvalidAggregate, span)
                            .arg("func", func.name())
                            .arg("problem", "needs-condition"),
                    ),
                }
                if func == AggFn::Share { num(Unit::named(PERCENT)) } else { ValueType::Bool }
            }
            AggFn::Ratio => {
                let division =
                    agg.value.as_ref().is_some_and(|v| matches!(v.kind, ast::ExprKind::Binary(BinOp::Div, ..)));
                if !division {
                    self.error(
                        Diagnostic::new(Code::InvalidAggregate, value_span)
                            .arg("func", "ratio")
                            .arg("problem", "needs-division"),
                    );
                }
                match value_type {
                    Some((ValueType::Number { unit, .. }, _)) if division => num(unit),
                    _ => ValueType::Error,
                }
            }
        };
        (Expr { kind: ExprKind::Aggregate(func, parts), span }, ty)
    }

    fn each_type(&self, scope: &Scope) -> Option<ValueType> {
        match scope {
            Scope::List(steps, None) => {
                let Some(Step::Field(e, f)) = steps.last() else { return None };
                match field_value_type(&self.model.entities[*e].fields[*f].ty) {
                    ValueType::List(inner) => Some(*inner),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// Resolves what an aggregate runs over: the scope, the element entity (none for a list
    /// of plain values) and the rest of a dotted shorthand (`sum(community.households)`).
    fn scope<'n>(&mut self, names: &'n [ast::Name], ctx: &Ctx<'_>) -> Option<ResolvedScope<'n>> {
        let first = &names[0];
        let here = ctx.entity;
        // A list field of the subject (possibly through nested records).
        if self.model.entities[here].field(&first.text).is_some() {
            let mut steps = Vec::new();
            let mut at = here;
            for (i, name) in names.iter().enumerate() {
                let Some(f) = self.model.entities[at].field(&name.text) else {
                    self.unknown_field(at, name);
                    return None;
                };
                steps.push(Step::Field(at, f));
                match &self.model.entities[at].fields[f].ty {
                    Ty::Record(child) => at = *child,
                    Ty::List(inner) => {
                        let element = match **inner {
                            Ty::Record(e) => Some(e),
                            _ => None,
                        };
                        let rest = &names[i + 1..];
                        return Some((Scope::List(steps, element), element, (!rest.is_empty()).then_some(rest)));
                    }
                    other => {
                        let found = describe(&field_value_type(other));
                        self.error(
                            Diagnostic::new(Code::InvalidAggregate, name.span)
                                .arg("func", found)
                                .arg("problem", "not-a-list"),
                        );
                        return None;
                    }
                }
            }
            self.error(
                Diagnostic::new(Code::InvalidAggregate, first.span).arg("func", "record").arg("problem", "not-a-list"),
            );
            return None;
        }
        match self.model.entity(&first.text) {
            Some(target) if self.schema.is_descendant(target, here) => {
                let rest = &names[1..];
                Some((Scope::Descendants(target), Some(target), (!rest.is_empty()).then_some(rest)))
            }
            Some(_) => {
                self.error(
                    Diagnostic::new(Code::NotReachable, first.span)
                        .arg("entity", self.entity_name(here))
                        .arg("other", &first.text),
                );
                None
            }
            None => {
                let mut candidates: Vec<String> =
                    self.schema.descendants[here].iter().map(|&e| self.entity_name(e)).collect();
                candidates.extend(
                    self.model.entities[here]
                        .fields
                        .iter()
                        .filter(|f| matches!(f.ty, Ty::List(_)))
                        .map(|f| f.name.clone()),
                );
                let suggestion = did_you_mean(&first.text, candidates.iter().map(String::as_str));
                self.error(
                    Diagnostic::new(Code::UnknownEntity, first.span).arg("name", &first.text).suggest(suggestion),
                );
                None
            }
        }
    }
}

/// Whether a plain number was brought to the scale of a percentage: multiplied by 100, or a
/// metric declared in `%`.
fn scaled_to_percent(model: &Model, e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Binary(BinOp::Mul, a, b) => {
            let hundred = |x: &Expr| matches!(x.kind, ExprKind::Number(n) if n == rust_decimal::Decimal::ONE_HUNDRED);
            hundred(a) || hundred(b) || scaled_to_percent(model, a) || scaled_to_percent(model, b)
        }
        ExprKind::Metric(_, m) => {
            let metric = &model.metrics[*m];
            metric.unit.as_ref().is_some_and(|u| *u == Unit::named(PERCENT)) || scaled_to_percent(model, &metric.expr)
        }
        ExprKind::If(_, a, b) => scaled_to_percent(model, a) && scaled_to_percent(model, b),
        _ => e.children().into_iter().any(|c| scaled_to_percent(model, c)),
    }
}
