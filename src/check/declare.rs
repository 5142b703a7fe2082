//! First pass of the checker: collects every declaration (plan, areas, departments, units,
//! entities with their field types, metric signatures, rule ids) and reports duplicates and
//! unknown type or unit names.

use super::model::{
    AreaInfo, DepartmentInfo, EntityDef, FieldDef, Heading, MetricDef, PartInfo, PlanInfo, Ty, ValueType,
};
use super::units::{Dimension, Unit, UnitInfo};
use super::{Checker, Input, Namespace};
use crate::data::instance::Date;
use crate::diagnostics::suggest::did_you_mean;
use crate::diagnostics::{Code, Diagnostic};
use crate::syntax::ast::{self, ItemKind, MemberKind, PlanValue, TypeKind};
use crate::syntax::keywords;

/// Keys a `plan { … }` header accepts.
pub const PLAN_KEYS: &[&str] = &["issuer", "number", "issued", "period", "text", "en", "parts", "part", "heading"];

/// Built-in type names of fields.
pub const BUILTIN_TYPES: &[&str] = &["count", "decimal", "percent", "bool", "date", "text", "code"];

impl<'a> Checker<'a> {
    pub(super) fn declare(&mut self, inputs: &[Input<'a>]) {
        for input in inputs {
            for item in &input.ast.items {
                match &item.kind {
                    ItemKind::Plan(plan) => self.plan(plan, input),
                    ItemKind::Area(a) if self.define(Namespace::Area, &a.name.text, a.name.span) => {
                        self.model.areas.push(AreaInfo {
                            name: a.name.text.clone(),
                            title: a.title.value.clone(),
                            english: a.english.as_ref().map(|s| s.value.clone()),
                            span: a.name.span,
                        });
                    }
                    ItemKind::Department(d) if self.define(Namespace::Department, &d.name.text, d.name.span) => {
                        self.model.departments.push(DepartmentInfo {
                            name: d.name.text.clone(),
                            english: d.english.as_ref().map(|s| s.value.clone()),
                            span: d.name.span,
                        });
                    }
                    ItemKind::Entity(e) if self.define(Namespace::Entity, &e.name.text, e.name.span) => {
                        self.model.entities.push(EntityDef {
                            name: e.name.text.clone(),
                            title: e.title.as_ref().map(|s| s.value.clone()),
                            english: e.english.as_ref().map(|s| s.value.clone()),
                            doc: item.doc.clone(),
                            root: e.root,
                            fields: Vec::new(),
                            key: None,
                            display: None,
                            unique: Vec::new(),
                            as_of: None,
                            reporting_year: None,
                            span: e.name.span,
                        });
                    }
                    _ => {}
                }
            }
        }
        if self.model.plan.is_none()
            && !self.broken("plan", "")
            && let Some(span) = inputs.iter().flat_map(|i| i.ast.items.first()).map(|i| i.span).next()
        {
            self.error(Diagnostic::new(Code::PlanHeader, span).arg("problem", "missing"));
        }
        self.units(inputs);
        for input in inputs {
            for item in &input.ast.items {
                if let ItemKind::Entity(e) = &item.kind {
                    self.fields(e);
                }
            }
        }
        for input in inputs {
            for item in &input.ast.items {
                if let ItemKind::Metric(m) = &item.kind {
                    self.metric_signature(m, &item.doc);
                }
            }
        }
    }

    fn plan(&mut self, plan: &ast::Plan, input: &Input<'a>) {
        if let Some(first) = &self.model.plan {
            let first = first.span;
            self.error(
                Diagnostic::new(Code::PlanHeader, plan.title.span).arg("problem", "duplicate").with(first, "related"),
            );
            return;
        }
        let mut info = PlanInfo {
            title: plan.title.value.clone(),
            english: None,
            issuer: None,
            number: None,
            issued: None,
            period: None,
            parts: None,
            members: Vec::new(),
            headings: Vec::new(),
            text: None,
            span: plan.title.span,
        };
        for clause in &plan.clauses {
            let key = keywords::english(keywords::PLAN_KEYS, clause.key.text.as_str());
            match (key, &clause.value) {
                ("issuer", PlanValue::Str(s)) => info.issuer = Some(s.value.clone()),
                ("number", PlanValue::Str(s)) => info.number = Some(s.value.clone()),
                ("en", PlanValue::Str(s)) => info.english = Some(s.value.clone()),
                ("issued", PlanValue::Date(d)) => {
                    self.check_date(&d.text, d.span);
                    info.issued = Some(d.text.clone());
                }
                ("period", PlanValue::Period { from, to, span }) => {
                    if from > to {
                        self.error(
                            Diagnostic::new(Code::InvalidLiteral, *span).arg("value", format!("{from} to {to}")),
                        );
                    }
                    info.period = Some((*from, *to));
                }
                ("parts", PlanValue::Number(n, span)) => match n.parse::<usize>() {
                    Ok(parts) if parts > 0 => info.parts = Some(parts),
                    _ => self.error(Diagnostic::new(Code::InvalidLiteral, *span).arg("value", n)),
                },
                ("part", PlanValue::Part { code, code_span, name }) => {
                    match info.members.iter().find(|m| m.code == *code) {
                        Some(first) => self.error(
                            Diagnostic::new(Code::PlanHeader, *code_span)
                                .arg("problem", "duplicate-part")
                                .arg("code", code)
                                .with(first.span, "related"),
                        ),
                        None => info.members.push(PartInfo {
                            code: code.clone(),
                            name: name.value.clone(),
                            span: *code_span,
                        }),
                    }
                }
                ("heading", PlanValue::Heading { zh, en }) => match info.headings.iter().find(|h| h.zh == zh.value) {
                    Some(first) => self.error(
                        Diagnostic::new(Code::PlanHeader, zh.span)
                            .arg("problem", "duplicate-heading")
                            .arg("heading", &zh.value)
                            .with(first.span, "related_heading"),
                    ),
                    None => info.headings.push(Heading { zh: zh.value.clone(), en: en.value.clone(), span: zh.span }),
                },
                ("text", PlanValue::Str(s)) => {
                    let path = input.dir.join(&s.value);
                    match std::fs::read_to_string(&path) {
                        Ok(text) => info.text = Some(text),
                        Err(e) => self.error(
                            Diagnostic::new(Code::PlanTextUnreadable, s.span)
                                .arg("path", &s.value)
                                .arg("reason", io_reason(&e)),
                        ),
                    }
                }
                (_, value) if PLAN_KEYS.contains(&key) => {
                    let found = match value {
                        PlanValue::Str(_) => "@vtype.string",
                        PlanValue::Date(_) => "@vtype.date",
                        PlanValue::Period { .. } => "@vtype.period",
                        PlanValue::Number(..) => "@vtype.number",
                        PlanValue::Part { .. } => "@vtype.part",
                        PlanValue::Heading { .. } => "@vtype.heading",
                    };
                    self.error(
                        Diagnostic::new(Code::TypeMismatch, clause.span)
                            .arg("expected", plan_value_kind(key))
                            .arg("found", found),
                    )
                }
                _ => self.error(
                    Diagnostic::new(Code::UnknownWord, clause.key.span)
                        .arg("word", key)
                        .arg("what", "plan")
                        .arg("choices", PLAN_KEYS.join(", "))
                        .suggest(did_you_mean(key, PLAN_KEYS.iter().copied())),
                ),
            }
        }
        match (info.parts, info.members.len()) {
            (_, 0) => {}
            (None, n) => info.parts = Some(n),
            (Some(parts), n) if parts != n => {
                let at = plan.clauses.iter().find(|c| c.key.text == "parts").map_or(plan.title.span, |c| c.span);
                self.error(
                    Diagnostic::new(Code::PlanHeader, at)
                        .arg("problem", "parts-count")
                        .arg("parts", parts)
                        .arg("count", n),
                );
            }
            _ => {}
        }
        if info.text.is_none() && !plan.clauses.iter().any(|c| c.key.text == "text") {
            self.error(Diagnostic::new(Code::PlanHeader, plan.title.span).arg("problem", "no-text"));
        }
        // A heading is named as the plan's text writes it.
        if let Some(text) = info.text.as_deref().map(super::rules::normalize) {
            for h in info.headings.iter().filter(|h| !text.contains(&super::rules::normalize(&h.zh))) {
                self.error(Diagnostic::new(Code::SectionNotInPlan, h.span).arg("part", &h.zh));
            }
        }
        self.model.plan = Some(info);
    }

    /// The date written, or an error where it is not a real calendar day.
    pub(super) fn check_date(&mut self, text: &str, span: crate::source::Span) -> Date {
        match Date::parse(text).filter(|_| valid_date(text)) {
            Some(d) => d,
            None => {
                self.error(Diagnostic::new(Code::InvalidLiteral, span).arg("value", text));
                Date::end_of_year(0)
            }
        }
    }

    /// The number written, exactly, or an error where exact arithmetic cannot hold it.
    pub(super) fn number(&mut self, text: &str, span: crate::source::Span) -> rust_decimal::Decimal {
        match crate::data::bind::parse_decimal(text) {
            Some(n) => n,
            None => {
                self.error(Diagnostic::new(Code::InvalidLiteral, span).arg("value", text));
                rust_decimal::Decimal::ZERO
            }
        }
    }

    fn units(&mut self, inputs: &[Input<'a>]) {
        let mut pending = Vec::new();
        for input in inputs {
            for item in &input.ast.items {
                if let ItemKind::Unit(u) = &item.kind {
                    if u.name.text == super::units::PERCENT || !self.define(Namespace::Unit, &u.name.text, u.name.span)
                    {
                        if u.name.text == super::units::PERCENT {
                            self.error(Diagnostic::new(Code::BadUnitDefinition, u.name.span).arg("unit", &u.name.text));
                        }
                        continue;
                    }
                    match &u.definition {
                        None => self.model.units.insert(UnitInfo {
                            name: u.name.text.clone(),
                            scale: 1.0,
                            dimension: Dimension::from([(u.name.text.clone(), 1)]),
                            description: u.description.as_ref().map(|s| s.value.clone()),
                            span: Some(u.name.span),
                        }),
                        Some(def) => pending.push((u, def)),
                    }
                }
            }
        }
        // Derived units may be declared in any order: resolve until nothing changes.
        loop {
            let before = pending.len();
            pending.retain(|(u, def)| {
                let parts = def.unit.as_ref().map_or(&[][..], |e| &e.parts[..]);
                if parts.iter().any(|p| self.model.units.get(&p.text).is_none()) {
                    return true;
                }
                let unit = unit_from_names(parts.iter().map(|p| p.text.as_str()));
                let scale = parts.iter().enumerate().fold(def.number.parse::<f64>().unwrap_or(1.0), |acc, (i, p)| {
                    let s = self.model.units.get(&p.text).map_or(1.0, |info| info.scale);
                    if i == 0 { acc * s } else { acc / s }
                });
                let dimension = self.model.units.dimension(&unit);
                self.model.units.insert(UnitInfo {
                    name: u.name.text.clone(),
                    scale,
                    dimension,
                    description: u.description.as_ref().map(|s| s.value.clone()),
                    span: Some(u.name.span),
                });
                false
            });
            if pending.len() == before {
                break;
            }
        }
        for (u, def) in pending {
            let parts = def.unit.as_ref().map_or(&[][..], |e| &e.parts[..]);
            let unknown: Vec<&ast::Name> = parts.iter().filter(|p| self.model.units.get(&p.text).is_none()).collect();
            for p in unknown {
                let declared = inputs
                    .iter()
                    .flat_map(|i| &i.ast.items)
                    .any(|item| matches!(&item.kind, ItemKind::Unit(d) if d.name.text == p.text));
                if declared {
                    self.error(Diagnostic::new(Code::BadUnitDefinition, u.name.span).arg("unit", &u.name.text));
                } else {
                    self.unknown_unit(p);
                }
            }
        }
    }

    pub(super) fn unknown_unit(&mut self, name: &ast::Name) {
        if self.broken("unit", &name.text) {
            return;
        }
        let suggestion = did_you_mean(&name.text, self.model.units.names());
        self.error(Diagnostic::new(Code::UnknownUnit, name.span).arg("unit", &name.text).suggest(suggestion));
    }

    /// Resolves a written unit; unknown parts are reported.
    pub(super) fn unit_of(&mut self, expr: &ast::UnitExpr) -> Option<Unit> {
        let mut ok = true;
        for part in &expr.parts {
            if self.model.units.get(&part.text).is_none() {
                self.unknown_unit(part);
                ok = false;
            }
        }
        ok.then(|| unit_from_names(expr.parts.iter().map(|p| p.text.as_str())))
    }

    fn fields(&mut self, e: &ast::Entity) {
        let Some(id) = self.model.entity(&e.name.text) else { return };
        if self.model.entities[id].span.start != e.name.span.start {
            return; // a duplicate entity, already reported
        }
        let mut fields: Vec<FieldDef> = Vec::new();
        for m in &e.members {
            if let MemberKind::Field(f) = &m.kind {
                if let Some(first) = fields.iter().find(|x| x.name == f.name.text) {
                    let first = first.span;
                    self.duplicate(&f.name.text, f.name.span, first);
                    continue;
                }
                let ty = self.field_type(&f.ty).unwrap_or(Ty::Text);
                let refers = f.refers.as_ref().map(|r| {
                    let mut entities = Vec::new();
                    for name in &r.entities {
                        match self.model.entity(&name.text) {
                            Some(e) => entities.push(e),
                            None => self.unknown_entity(name),
                        }
                    }
                    (entities, r.once)
                });
                fields.push(FieldDef {
                    name: f.name.text.clone(),
                    label: m.doc.first().cloned(),
                    ty,
                    words: words_of(&f.ty),
                    nullable: f.ty.nullable,
                    optional: f.optional,
                    refers,
                    span: f.name.span,
                });
            }
        }
        let typed = |name: &str, ty: fn(&Ty) -> bool| fields.iter().position(|f| f.name == name && ty(&f.ty));
        let entity = &mut self.model.entities[id];
        entity.as_of = typed("as_of", |t| matches!(t, Ty::Date));
        entity.reporting_year = typed("reporting_year", |t| matches!(t, Ty::Count(_)));
        entity.fields = fields;
        for m in &e.members {
            let (name, is_key) = match &m.kind {
                MemberKind::Key(n) => (n, true),
                MemberKind::Display(n) => (n, false),
                MemberKind::Unique(names) => {
                    let mut fields = Vec::new();
                    for name in names {
                        match self.model.entities[id].field(&name.text) {
                            Some(f) => fields.push(f),
                            None => self.unknown_field(id, name),
                        }
                    }
                    if fields.len() == names.len() {
                        self.model.entities[id].unique.push(fields);
                    }
                    continue;
                }
                MemberKind::Field(_) => continue,
            };
            match self.model.entities[id].field(&name.text) {
                Some(f) if is_key => self.model.entities[id].key = Some(f),
                Some(f) => self.model.entities[id].display = Some(f),
                None => self.unknown_field(id, name),
            }
        }
    }

    pub(super) fn unknown_field(&mut self, entity: usize, name: &ast::Name) {
        let e = &self.model.entities[entity];
        let metrics = self.model.metrics.iter().filter(|m| m.entity == entity).map(|m| m.name.as_str());
        let suggestion = did_you_mean(&name.text, e.fields.iter().map(|f| f.name.as_str()).chain(metrics));
        let d = Diagnostic::new(Code::UnknownName, name.span).arg("name", &name.text).arg("entity", &e.name);
        self.error(d.suggest(suggestion));
    }

    fn field_type(&mut self, t: &ast::TypeExpr) -> Option<Ty> {
        match &t.kind {
            TypeKind::List(inner) => self.field_type(inner).map(|i| Ty::List(Box::new(i))),
            TypeKind::Enum(variants) => {
                let mut names: Vec<String> = Vec::new();
                for v in variants.iter().map(|v| &v.word) {
                    if names.contains(&v.text) {
                        let first = variants.iter().find(|x| x.word.text == v.text).map_or(v.span, |x| x.word.span);
                        self.duplicate(&v.text, v.span, first);
                    } else {
                        names.push(v.text.clone());
                    }
                }
                Some(Ty::Enum(names))
            }
            TypeKind::Named { name, size, unit } => {
                let unit_value = match unit {
                    Some(u) => Some(self.unit_of(u)?),
                    None => None,
                };
                let type_name = keywords::english(keywords::TYPES, &name.text);
                let takes_unit = matches!(type_name, "count" | "decimal");
                if let Some(u) = unit.as_ref().filter(|_| !takes_unit && BUILTIN_TYPES.contains(&type_name)) {
                    self.error(
                        Diagnostic::new(Code::TypeMismatch, u.span)
                            .arg("expected", "@type.unit_takers")
                            .arg("found", format!("`{} {}`", name.text, u.text())),
                    );
                }
                Some(match type_name {
                    "count" => Ty::Count(unit_value.unwrap_or_default()),
                    "decimal" => Ty::Decimal(unit_value.unwrap_or_default()),
                    "percent" => Ty::Percent,
                    "bool" => Ty::Bool,
                    "date" => Ty::Date,
                    "text" => Ty::Text,
                    "code" => Ty::Code(*size),
                    other => match self.model.entity(other) {
                        Some(e) => Ty::Record(e),
                        None => {
                            let names = BUILTIN_TYPES
                                .iter()
                                .copied()
                                .chain(self.model.entities.iter().map(|e| e.name.as_str()));
                            let suggestion = did_you_mean(other, names);
                            self.error(
                                Diagnostic::new(Code::UnknownType, name.span).arg("name", other).suggest(suggestion),
                            );
                            return None;
                        }
                    },
                })
            }
        }
    }

    fn metric_signature(&mut self, m: &'a ast::Metric, doc: &[String]) {
        let Some(entity) = self.model.entity(&m.entity.text) else {
            self.unknown_entity(&m.entity);
            return;
        };
        if let Some(f) = self.model.entities[entity].field(&m.name.text) {
            let first = self.model.entities[entity].fields[f].span;
            self.duplicate(&m.name.text, m.name.span, first);
            return;
        }
        if let Some(other) = self.model.metric(entity, &m.name.text) {
            let first = self.model.metrics[other].span;
            self.duplicate(&m.name.text, m.name.span, first);
            return;
        }
        let unit = m.unit.as_ref().and_then(|u| if u.text() == "bool" { None } else { self.unit_of(u) });
        let value_type = match (&m.unit, &unit) {
            (Some(u), _) if u.text() == "bool" => ValueType::Bool,
            (_, Some(u)) => ValueType::Number { unit: u.clone(), literal: false },
            _ => ValueType::Error,
        };
        self.model.metrics.push(MetricDef {
            entity,
            name: m.name.text.clone(),
            title: m.title.as_ref().map(|s| s.value.clone()),
            doc: doc.to_vec(),
            unit,
            value_type,
            expr: super::model::Expr { kind: super::model::ExprKind::Bool(false), span: m.expr.span },
            span: m.name.span,
        });
        self.metric_ast.push(m);
        self.metric_state.push(0);
    }

    pub(super) fn unknown_entity(&mut self, name: &ast::Name) {
        self.uncompiled = true;
        if self.broken("entity", &name.text) {
            return;
        }
        let suggestion = did_you_mean(&name.text, self.model.entities.iter().map(|e| e.name.as_str()))
            .or_else(|| self.entity_titled(&name.text));
        self.error(Diagnostic::new(Code::UnknownEntity, name.span).arg("name", &name.text).suggest(suggestion));
    }

    /// The entity a name written in Chinese stands for, by its title (`社区` for `community`,
    /// titled `城市社区（居委会）`; `街道` for `street`, `街道/镇/乡`): of the titles that hold the
    /// name, the shortest (`城市社区` before `社区定性事项`).
    fn entity_titled(&self, text: &str) -> Option<String> {
        if text.is_empty() {
            return None;
        }
        let main = |title: &str| title.split(['（', '(']).next().unwrap_or(title).chars().count();
        let titled = self.model.entities.iter().filter_map(|e| Some((e, e.title.as_deref()?)));
        let holding = titled.filter(|(_, title)| title.contains(text));
        holding.min_by_key(|(_, title)| main(title)).map(|(e, _)| e.name.clone())
    }
}

/// `人/万人` from its names: the first over the rest.
pub fn unit_from_names<'n>(mut names: impl Iterator<Item = &'n str>) -> Unit {
    let mut unit = names.next().map_or_else(Unit::one, Unit::named);
    for d in names {
        unit = unit.div(&Unit::named(d));
    }
    unit
}

/// Why a file could not be read, as a catalog key where the catalog has words for it.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "@io.not_found".to_string(),
        std::io::ErrorKind::PermissionDenied => "@io.permission_denied".to_string(),
        std::io::ErrorKind::InvalidData => "@io.not_utf8".to_string(),
        std::io::ErrorKind::IsADirectory => "@io.is_a_directory".to_string(),
        std::io::ErrorKind::NotADirectory => "@io.not_a_directory".to_string(),
        std::io::ErrorKind::StorageFull => "@io.storage_full".to_string(),
        std::io::ErrorKind::ReadOnlyFilesystem => "@io.read_only".to_string(),
        // ELOOP (Linux): links that lead to each other.
        _ if e.raw_os_error() == Some(40) => "@io.link_loop".to_string(),
        _ => e.to_string(),
    }
}

fn plan_value_kind(key: &str) -> &'static str {
    match key {
        "issued" => "@vtype.date",
        "period" => "@vtype.period",
        "parts" => "@vtype.number",
        "part" => "@vtype.part",
        "heading" => "@vtype.heading",
        _ => "@vtype.string",
    }
}

/// Whether `YYYY-MM-DD` names a real day of the Gregorian calendar.
pub fn valid_date(text: &str) -> bool {
    let mut parts = text.split('-').map(|p| p.parse::<u32>().ok());
    let (Some(Some(y)), Some(Some(m)), Some(Some(d))) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// The names for people an `enum` type (or a list of one) gives its words.
fn words_of(t: &ast::TypeExpr) -> Vec<(String, String)> {
    match &t.kind {
        TypeKind::List(inner) => words_of(inner),
        TypeKind::Enum(words) => {
            words.iter().filter_map(|w| Some((w.word.text.clone(), w.label.as_ref()?.value.clone()))).collect()
        }
        TypeKind::Named { .. } => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::valid_date;

    #[test]
    fn validates_calendar_days() {
        assert!(valid_date("2024-02-29"));
        assert!(!valid_date("2025-02-29"));
        assert!(!valid_date("2025-13-01"));
        assert!(valid_date("2025-12-31"));
    }
}
