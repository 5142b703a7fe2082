//! Binding: an untyped [`Node`] tree becomes [`Instance`]s of the declared entities. Every
//! mismatch with the schema is a diagnostic at the offending value: a missing field, a wrong
//! type (`"2380"` where a count belongs), a negative count, a percentage outside 0..100, a
//! value outside an enum, an unknown field (a warning), a repeated key value among siblings.

use std::collections::BTreeMap;
use std::collections::hash_map::Entry;
use std::str::FromStr;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::Format;
use super::instance::{Dataset, Date, Instance, InstanceId, Scalar, Slot};
use super::tree::{Node, Value};
use crate::check::model::{EntityId, FieldDef, FieldId, Model, Ty};
use crate::diagnostics::suggest::did_you_mean;
use crate::diagnostics::{Code, Diagnostic, Lang, catalog};
use crate::source::{FileId, Span};

/// Where a missing field is reported once for many records.
const MISSING_SHOWN: usize = 3;

/// The fields named to say what a record holds.
const RECORD_FIELDS_SHOWN: usize = 3;

/// A field as messages about a submission name it: the key the submission writes, and the
/// label the rules give it (`户数（常住户）`), which Chinese messages add.
#[derive(Clone, Copy)]
struct Named<'a> {
    key: &'a str,
    /// The declared field (none for a document's root record).
    def: Option<&'a FieldDef>,
    /// The value is one item of the field's list, not the field's value.
    item: bool,
}

impl<'a> Named<'a> {
    fn of(field: &'a FieldDef) -> Named<'a> {
        Named { key: &field.name, def: Some(field), item: false }
    }

    /// An item of this field's list.
    fn item(self) -> Named<'a> {
        Named { item: true, ..self }
    }

    /// The words of an `enum` listed for a message, each with the name the rules give it as
    /// the language shows one (`town（镇）` in Chinese, `town` in English).
    fn choices(self, variants: &[String]) -> (String, String) {
        let listed = |lang| {
            let shown = variants.iter().map(|word| {
                let words = self.def.map_or(&[][..], |d| &d.words);
                let name = words.iter().find(|(w, _)| w == word).map(|(_, name)| name.clone());
                name.and_then(|name| catalog::text(lang, "enum.word_named", &[("word", word.clone()), ("name", name)]))
                    .unwrap_or_else(|| word.clone())
            });
            shown.collect::<Vec<_>>().join(&catalog::text(lang, "list.separator", &[]).unwrap_or_default())
        };
        (listed(Lang::Zh), listed(Lang::En))
    }

    /// The arguments `field` (the key) and `label` (in Chinese, the label in brackets).
    fn args(self, d: Diagnostic) -> Diagnostic {
        let d = d.arg("field", self.key).arg_in("label", labelled(self.def.and_then(|d| d.label.as_deref())));
        d.arg("item", if self.item { "@field.item" } else { "" })
    }
}

/// A field's label as messages add it after its key, in Chinese and in English (Chinese
/// messages show it in brackets); nothing for a field without one.
pub(super) fn labelled(label: Option<&str>) -> (String, String) {
    let shown = |lang| {
        label.and_then(|l| catalog::text(lang, "field.labelled", &[("label", l.to_string())])).unwrap_or_default()
    };
    (shown(Lang::Zh), shown(Lang::En))
}

/// Binds one document's tree as an instance of `entity`.
pub fn bind(
    model: &Model,
    dataset: &mut Dataset,
    node: &Node,
    entity: EntityId,
    format: Format,
    diagnostics: &mut Vec<Diagnostic>,
) -> InstanceId {
    bind_reported(model, dataset, node, entity, format, &[], diagnostics)
}

/// [`bind`], where the fields `reported` lack in a file are reported already (a CSV table
/// without their column): its records are not said to miss them again.
pub fn bind_reported(
    model: &Model,
    dataset: &mut Dataset,
    node: &Node,
    entity: EntityId,
    format: Format,
    reported: &[(EntityId, FieldId, FileId)],
    diagnostics: &mut Vec<Diagnostic>,
) -> InstanceId {
    let from = dataset.instances.len();
    let mut b = Binder { model, dataset, diagnostics, missing: BTreeMap::new(), reported, format };
    let name = model.entities[entity].name.clone();
    let root = b.record(node, entity, None, Named { key: &name, def: None, item: false });
    b.report_missing();
    b.unique_records(from);
    root
}

/// The root entity a document most likely holds: the one whose fields its top-level keys
/// match best.
pub fn root_entity(model: &Model, node: &Node) -> Option<EntityId> {
    let Value::Map(entries) = &node.value else {
        return model.entities.iter().position(|e| e.root);
    };
    model
        .entities
        .iter()
        .enumerate()
        .filter(|(_, e)| e.root)
        .max_by_key(|(_, e)| entries.iter().filter(|x| e.field(&x.key).is_some()).count())
        .map(|(i, _)| i)
}

struct Binder<'a> {
    model: &'a Model,
    dataset: &'a mut Dataset,
    diagnostics: &'a mut Vec<Diagnostic>,
    /// (entity, field) → the records that lack it: (record span, file-level key).
    missing: BTreeMap<(EntityId, usize), Vec<Span>>,
    /// Fields whose lack in a file is reported already.
    reported: &'a [(EntityId, FieldId, FileId)],
    /// The form the values were written in, for how to write one right.
    format: Format,
}

impl Binder<'_> {
    /// `field` names the record where it is wrong (the field holding it, or the entity).
    fn record(&mut self, node: &Node, entity: EntityId, parent: Option<InstanceId>, field: Named) -> InstanceId {
        let def = &self.model.entities[entity];
        let id = self.dataset.push(Instance {
            entity,
            parent,
            span: node.span,
            slots: vec![Slot::Missing; def.fields.len()],
        });
        let Value::Map(entries) = &node.value else {
            self.wrong_type(node, field, "@type.record");
            return id;
        };
        let mut given = vec![false; def.fields.len()];
        // Files mostly keep the declared order of fields: try the field after the last one first.
        let mut next = 0;
        for entry in entries {
            let found = match def.fields.get(next) {
                Some(f) if f.name == entry.key => Some(next),
                _ => def.field(&entry.key),
            };
            match found {
                Some(f) => {
                    next = f + 1;
                    given[f] = true;
                    let field = &def.fields[f];
                    // An empty cell of a field that must have a value lacks it, there.
                    if self.format == Format::CsvTables && !field.nullable && matches!(entry.value.value, Value::Null) {
                        self.missing.entry((entity, f)).or_default().push(entry.value.span);
                        continue;
                    }
                    let slot = self.slot(&field.ty, field.nullable, &entry.value, Named::of(field), id);
                    self.dataset.instances[id as usize].slots[f] = slot;
                }
                None => {
                    let suggestion = did_you_mean(&entry.key, def.fields.iter().map(|f| f.name.as_str()));
                    self.diagnostics.push(
                        Diagnostic::new(Code::UnknownField, entry.key_span)
                            .arg("field", &entry.key)
                            .arg("entity", &def.name)
                            .suggest(suggestion),
                    );
                }
            }
        }
        for (f, _) in given.iter().enumerate().filter(|(f, given)| !**given && !def.fields[*f].optional) {
            if self.reported.contains(&(entity, f, node.span.file)) {
                continue;
            }
            self.missing.entry((entity, f)).or_default().push(node.span);
        }
        id
    }

    fn slot(&mut self, ty: &Ty, nullable: bool, node: &Node, field: Named, owner: InstanceId) -> Slot {
        if matches!(node.value, Value::Null) {
            if nullable {
                return Slot::Null(node.span);
            }
            self.diagnostics.push(field.args(Diagnostic::new(Code::NullNotAllowed, node.span)));
            return Slot::Missing;
        }
        match ty {
            Ty::Record(e) => Slot::Record(self.record(node, *e, Some(owner), field)),
            Ty::List(inner) => {
                let Value::List(items) = &node.value else {
                    self.wrong_type(node, field, "@type.list");
                    return Slot::Missing;
                };
                match **inner {
                    Ty::Record(e) => {
                        let ids: Vec<InstanceId> =
                            items.iter().map(|item| self.record(item, e, Some(owner), field.item())).collect();
                        Slot::Records(ids, node.span)
                    }
                    ref element => {
                        let values = items
                            .iter()
                            .map(|item| {
                                let value = match self.scalar(element, item, field.item()) {
                                    Slot::Scalar(s, _) => Some(s),
                                    _ => None,
                                };
                                (value, item.span)
                            })
                            .collect();
                        Slot::Scalars(values, node.span)
                    }
                }
            }
            _ => self.scalar(ty, node, field),
        }
    }

    fn scalar(&mut self, ty: &Ty, node: &Node, field: Named) -> Slot {
        let span = node.span;
        let value = match (ty, &node.value) {
            (Ty::Count(_) | Ty::Decimal(_) | Ty::Percent, Value::Number(text)) => {
                let n = match parse_number(text) {
                    Ok(n) => n,
                    Err(inexact) => {
                        let problem = match inexact {
                            Inexact::TooLarge => "@range.too_large",
                            Inexact::TooPrecise => "@range.too_precise",
                        };
                        self.out_of_range(span, field, text, problem);
                        return Slot::Missing;
                    }
                };
                let problem = match ty {
                    _ if n.is_sign_negative() && !n.is_zero() => Some("@range.negative"),
                    Ty::Count(_) if !n.fract().is_zero() => Some("@range.whole"),
                    Ty::Percent if n > Decimal::ONE_HUNDRED => Some("@range.percent"),
                    _ => None,
                };
                if let Some(problem) = problem {
                    self.out_of_range(span, field, text, problem);
                    return Slot::Missing;
                }
                Scalar::Number(n)
            }
            (Ty::Bool, Value::Bool(b)) => Scalar::Bool(*b),
            (Ty::Text, Value::Text(t)) => Scalar::Text(Arc::from(&**t)),
            (Ty::Date, Value::Text(t)) => match Date::parse(t) {
                Some(d) => Scalar::Date(d),
                None => {
                    // In the form, but not a day (`2024-02-30`): said as such, not as the form.
                    let fix = date_fix(t);
                    let what = if fix.0 == "@fix.no_such_day" { "@format.calendar_date" } else { "@format.date" };
                    self.invalid_format(span, field, t, what, fix);
                    return Slot::Missing;
                }
            },
            (Ty::Code(size), Value::Text(t)) => {
                let ok = !t.is_empty()
                    && t.bytes().all(|b| b.is_ascii_digit())
                    && size.is_none_or(|n| t.len() == n as usize);
                if !ok {
                    let what = size.map_or("@format.code".to_string(), |n| format!("@format.code_{n}"));
                    let fix = match size {
                        Some(n) => ("@fix.code_length", n.to_string()),
                        None => ("@fix.code", String::new()),
                    };
                    self.invalid_format(span, field, t, &what, fix);
                    return Slot::Missing;
                }
                Scalar::Text(Arc::from(&**t))
            }
            (Ty::Enum(variants), Value::Text(t)) => {
                if !variants.iter().any(|v| *v == **t) {
                    self.diagnostics.push(
                        field
                            .args(Diagnostic::new(Code::UnknownEnumValue, span))
                            .arg("value", t)
                            .arg_in("choices", field.choices(variants))
                            .suggest(did_you_mean(t, variants.iter().map(String::as_str))),
                    );
                    return Slot::Missing;
                }
                Scalar::Text(Arc::from(&**t))
            }
            _ => {
                self.wrong_type(node, field, type_name(ty));
                return Slot::Missing;
            }
        };
        Slot::Scalar(value, span)
    }

    fn wrong_type(&mut self, node: &Node, field: Named, expected: &str) {
        let shown = match &node.value {
            Value::Text(t) => format!("\"{t}\""),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            other => other.kind().to_string(),
        };
        let numeric = matches!(expected, "@type.count" | "@type.decimal" | "@type.percent");
        // A record's first fields, to say what one holds (`code`, `name`, …).
        let fields = field.def.and_then(|d| match d.ty.item() {
            Ty::Record(e) => Some(*e),
            _ => None,
        });
        let fields = fields.map(|e| {
            let required = self.model.entities[e].fields.iter().filter(|f| !f.optional);
            required.take(RECORD_FIELDS_SHOWN).map(|f| format!("`{}`", f.name)).collect::<Vec<_>>()
        });
        let number = match &node.value {
            Value::Text(t) if numeric => number_in(t),
            _ => None,
        };
        let hint = match (&node.value, expected) {
            // Only YAML writes a text without quotes, with a tag (`!!str 2024`).
            (Value::Text(t), _) if numeric && parse_decimal(t).is_some() => match self.format {
                Format::Yaml => "@hint.unquote_yaml",
                _ => "@hint.unquote",
            },
            (Value::Text(_), _) if number.is_some() => "@hint.number_only",
            (Value::Number(_), "@type.text" | "@type.code" | "@type.date") => "@hint.quote",
            // A CSV cell has no quotes to take off, and reads 是 and 否 too.
            (_, "@type.bool") if self.format == Format::CsvTables => "@hint.bool_csv",
            (_, "@type.bool") => "@hint.bool",
            (_, "@type.record") if fields.is_some() => "@hint.record",
            (_, "@type.list") => match self.format {
                Format::Yaml => "@hint.list_yaml",
                _ => "@hint.list",
            },
            _ => "@hint.type",
        };
        let d = field.args(Diagnostic::new(Code::WrongType, node.span)).arg("expected", expected).arg("found", shown);
        let d = d.arg("hint", hint).arg("number", number.unwrap_or_default());
        let listed = |lang| {
            fields
                .as_ref()
                .map_or(String::new(), |f| f.join(&catalog::text(lang, "list.separator", &[]).unwrap_or_default()))
        };
        self.diagnostics.push(d.arg_in("fields", (listed(Lang::Zh), listed(Lang::En))));
    }

    fn out_of_range(&mut self, span: Span, field: Named, value: &str, problem: &str) {
        self.diagnostics
            .push(field.args(Diagnostic::new(Code::OutOfRange, span)).arg("value", value).arg("problem", problem));
    }

    /// A value not in its field's form, with how to write it: `fix` is a catalog key and its
    /// argument (the date as it should be written, a code's length).
    fn invalid_format(&mut self, span: Span, field: Named, value: &str, expected: &str, fix: (&str, String)) {
        let d = field.args(Diagnostic::new(Code::InvalidFormat, span)).arg("value", value).arg("expected", expected);
        let d = d.arg("fix", fix.0).arg("written", fix.1).arg("length", value.chars().count());
        self.diagnostics.push(d);
    }

    /// No two records of one entity in the document share their key, or the values of a
    /// `unique` set of fields: each repeat is reported at its first value, with the first
    /// record's as a second place.
    fn unique_records(&mut self, from: usize) {
        let mut seen: foldhash::HashMap<(EntityId, usize, Vec<String>), Span> = Default::default();
        for id in from..self.dataset.instances.len() {
            let inst = &self.dataset.instances[id];
            let def = &self.model.entities[inst.entity];
            let sets = def.key.map(|k| vec![k]).into_iter().chain(def.unique.iter().cloned());
            for (n, fields) in sets.enumerate() {
                let values: Option<Vec<(String, Span)>> = fields
                    .iter()
                    .map(|&f| match &inst.slots[f] {
                        Slot::Scalar(value, span) => Some((shown(value), *span)),
                        _ => None,
                    })
                    .collect();
                let Some(values) = values else { continue };
                let at = values[0].1;
                let texts: Vec<String> = values.into_iter().map(|(text, _)| text).collect();
                match seen.entry((inst.entity, n, texts)) {
                    Entry::Occupied(first) => {
                        let names: Vec<&str> = fields.iter().map(|&f| def.fields[f].name.as_str()).collect();
                        self.diagnostics.push(
                            Diagnostic::new(Code::DuplicateKeyValue, at)
                                .arg("field", names.join(", "))
                                .arg("value", first.key().2.join(", "))
                                .arg_in("entity", def.names())
                                .with(*first.get(), "related"),
                        );
                    }
                    Entry::Vacant(place) => {
                        place.insert(at);
                    }
                }
            }
        }
    }

    /// One diagnostic per missing field; when many records lack the same field, the first
    /// few are shown and the rest counted.
    fn report_missing(&mut self) {
        for ((entity, field), spans) in std::mem::take(&mut self.missing) {
            let def = &self.model.entities[entity];
            let named = Named::of(&def.fields[field]);
            for (i, span) in spans.iter().enumerate().take(MISSING_SHOWN) {
                let more =
                    if i + 1 == MISSING_SHOWN && spans.len() > MISSING_SHOWN { spans.len() - MISSING_SHOWN } else { 0 };
                // A record of a CSV table lacks a value at its empty cell; another at its start.
                let (at, place, fix) = match self.format {
                    Format::CsvTables => (*span, "@E1101.cell", "@E1101.fill"),
                    _ => (
                        Span::new(span.file, span.start as usize, span.start as usize + 1),
                        "@E1101.record",
                        "@E1101.add",
                    ),
                };
                let d = named
                    .args(Diagnostic::new(Code::MissingField, at))
                    .arg_in("entity", (def.names().0, def.name.as_str()))
                    .arg("more", if more > 0 { "@E1101.more" } else { "" })
                    .arg("count", more)
                    .arg("place", place)
                    .arg("fix", fix);
                self.diagnostics.push(d);
            }
        }
    }
}

/// The type as named in messages (a catalog key).
pub fn type_name(ty: &Ty) -> &'static str {
    match ty {
        Ty::Count(_) => "@type.count",
        Ty::Decimal(_) => "@type.decimal",
        Ty::Percent => "@type.percent",
        Ty::Bool => "@type.bool",
        Ty::Date => "@type.date",
        Ty::Text => "@type.text",
        Ty::Code(_) => "@type.code",
        Ty::Enum(_) => "@type.enum",
        Ty::Record(_) => "@type.record",
        Ty::List(_) => "@type.list",
    }
}

/// An exact decimal from JSON/YAML number syntax (`2380`, `28.99`, `1e3`).
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    parse_number(text).ok()
}

/// Why a number cannot be held exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inexact {
    /// Too large, or not a number at all.
    TooLarge,
    /// More significant digits than exact arithmetic keeps (28): it would be rounded silently.
    TooPrecise,
}

/// A number exactly as written, or why it cannot be held exactly.
pub fn parse_number(text: &str) -> Result<Decimal, Inexact> {
    if text.contains(['e', 'E']) {
        return Decimal::from_scientific(text).map_err(|_| Inexact::TooLarge);
    }
    Decimal::from_str_exact(text).map_err(|_| match Decimal::from_str(text) {
        Ok(_) => Inexact::TooPrecise,
        Err(_) => Inexact::TooLarge,
    })
}

/// A value as it is compared for uniqueness and shown in a message.
fn shown(value: &Scalar) -> String {
    match value {
        Scalar::Number(n) => n.normalize().to_string(),
        Scalar::Bool(b) => b.to_string(),
        Scalar::Text(t) => t.to_string(),
        Scalar::Date(d) => d.to_string(),
    }
}

/// The one number a text holds, as a number is written (`12` in `12人`, `约12户`; `1368` in
/// `1,368` or in full-width `１３６８`): what was meant where a number is asked for. `None`
/// where the text holds no number or several (`12-15`).
pub(super) fn number_in(text: &str) -> Option<String> {
    let ascii: String = text
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' ' | '\u{3000}'))
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            '－' => '-',
            other => other,
        })
        .collect();
    let is_part = |c: char| c.is_ascii_digit() || c == '.' || c == '-';
    let runs: Vec<&str> =
        ascii.split(|c: char| !is_part(c)).filter(|r| r.chars().any(|c| c.is_ascii_digit())).collect();
    match runs.as_slice() {
        [one] if parse_decimal(one).is_some() => Some((*one).to_string()),
        _ => None,
    }
}

/// How to write a date that does not read as one: written as people write it (`2025/12/31`,
/// `2025.12.31`, `2025年12月31日`, `20251231`, `2025-1-5`), as `YYYY-MM-DD`; in that form already
/// (`2025-02-30`), a day the calendar does not have; else the form. A catalog key and its value.
fn date_fix(text: &str) -> (&'static str, String) {
    let t = text.trim();
    let parts: Vec<&str> = match t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        true => vec![&t[..4], &t[4..6], &t[6..]],
        false => t.split(['/', '.', '-', '年', '月', '日']).filter(|p| !p.is_empty()).collect(),
    };
    let numbers: Option<Vec<u32>> = parts.iter().map(|p| p.parse().ok()).collect();
    let Some(&[y, m, d]) = numbers.as_deref() else {
        return ("@fix.date", String::new());
    };
    let date = format!("{y:04}-{m:02}-{d:02}");
    match ((1000..10000).contains(&y) && Date::parse(&date).is_some(), date == t) {
        (true, _) => ("@fix.date_as", date),
        (false, true) => ("@fix.no_such_day", String::new()),
        (false, false) => ("@fix.date", String::new()),
    }
}

/// Whether a text says yes or no in words a person writes for a truth value (`是`, `yes`, `TRUE`).
pub(super) fn is_yes_or_no(text: &str) -> bool {
    matches!(
        text.trim().to_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "y" | "n" | "是" | "否" | "有" | "无" | "对" | "错"
    )
}
