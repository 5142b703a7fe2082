//! The whole area of the plan (全市): the submissions of the parts (`part` in the plan
//! header: Tianjin's sixteen districts) checked together make, for each reporting year, an
//! instance of the entity that holds the list of submissions (`city`), so that city-level rules
//! can be judged. The city is exactly one submission of each part for one year: a part
//! submitted twice for a year is an error naming both files, and a whole that lacks parts is
//! kept with the parts it lacks, so that its verdicts are `unknown` and name them.

use std::collections::BTreeMap;

use crate::check::model::{EntityId, Model, Ty};
use crate::data::instance::{Dataset, Instance, InstanceId, Scalar, Slot};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;

/// Whether `id` is a whole (the city made of its parts' submissions): an instance of no
/// submission, above every one.
pub fn is_whole(model: &Model, dataset: &Dataset, id: InstanceId) -> bool {
    let inst = dataset.get(id);
    inst.parent.is_none() && !model.entities[inst.entity].root
}

/// The entity of the whole and its list field of submissions, if the rules declare one.
pub fn whole_entity(model: &Model) -> Option<(EntityId, usize, EntityId)> {
    model.entities.iter().enumerate().filter(|(_, e)| !e.root).find_map(|(id, e)| {
        e.fields.iter().enumerate().find_map(|(f, field)| match &field.ty {
            Ty::List(inner) => match **inner {
                Ty::Record(r) if model.entities[r].root => Some((id, f, r)),
                _ => None,
            },
            _ => None,
        })
    })
}

/// The reporting year of a submission (its `reporting_year` field), if it has one.
pub fn reporting_year(model: &Model, dataset: &Dataset, root: InstanceId) -> Option<i64> {
    let inst = dataset.get(root);
    let f = model.entities[inst.entity].reporting_year?;
    match &inst.slots[f] {
        Slot::Scalar(Scalar::Number(n), _) => n.trunc().try_into().ok(),
        _ => None,
    }
}

/// Which part a submission is of: the key of the keyed record it holds (a district's code),
/// and where that key is written.
fn part_code(model: &Model, dataset: &Dataset, root: InstanceId) -> Option<(String, Span)> {
    let inst = dataset.get(root);
    model.entities[inst.entity].fields.iter().zip(&inst.slots).find_map(|(field, slot)| {
        let (Ty::Record(e), Slot::Record(id)) = (&field.ty, slot) else { return None };
        match &dataset.get(*id).slots[model.entities[*e].key?] {
            Slot::Scalar(Scalar::Text(code), span) => Some((code.to_string(), *span)),
            _ => None,
        }
    })
}

/// Submissions of parts by reporting year, each with its part's code.
type ByYear = BTreeMap<Option<i64>, Vec<(InstanceId, Option<(String, Span)>)>>;

/// The submissions of the parts, by reporting year, each with its part's code.
fn parts_by_year(model: &Model, dataset: &Dataset) -> ByYear {
    let mut by_year: BTreeMap<_, Vec<_>> = BTreeMap::new();
    let Some((_, _, part_entity)) = whole_entity(model) else { return by_year };
    for doc in &dataset.documents {
        if dataset.get(doc.root).entity == part_entity {
            let year = reporting_year(model, dataset, doc.root);
            by_year.entry(year).or_default().push((doc.root, part_code(model, dataset, doc.root)));
        }
    }
    by_year
}

/// A part submitted twice for one year: one error per repeat, naming both places. The other
/// records of the whole (the city record) likewise: one per year, and only for a year with
/// submissions of the parts, since nothing else would use them.
pub fn check(model: &Model, dataset: &Dataset) -> Vec<Diagnostic> {
    let by_year = parts_by_year(model, dataset);
    let mut out = records_of_the_whole(model, dataset, &by_year);
    for (year, parts) in by_year {
        let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
        for (code, span) in parts.iter().filter_map(|(_, c)| c.as_ref()) {
            match seen.get(code.as_str()) {
                Some(first) => out.push(
                    Diagnostic::new(Code::DuplicateSubmission, *span)
                        .arg("code", code)
                        .arg("year", year.map_or(String::new(), |y| y.to_string()))
                        .with(*first, "related"),
                ),
                None => {
                    seen.insert(code, *span);
                }
            }
        }
    }
    out
}

/// The problems of the root records that are not parts: a second one for a year (E1302), one
/// for a year without parts (E1304).
fn records_of_the_whole(model: &Model, dataset: &Dataset, by_year: &ByYear) -> Vec<Diagnostic> {
    let Some((_, _, part_entity)) = whole_entity(model) else { return Vec::new() };
    let mut out = Vec::new();
    let mut seen: BTreeMap<(EntityId, Option<i64>), Span> = BTreeMap::new();
    for doc in &dataset.documents {
        let inst = dataset.get(doc.root);
        if inst.entity == part_entity {
            continue;
        }
        let def = &model.entities[inst.entity];
        let year = reporting_year(model, dataset, doc.root);
        let shown_year = year.map_or(String::new(), |y| y.to_string());
        let span = def.reporting_year.and_then(|f| inst.slots[f].span()).unwrap_or(inst.span);
        if let Some(first) = seen.get(&(inst.entity, year)) {
            out.push(
                Diagnostic::new(Code::DuplicateSubmission, span)
                    .arg_in("code", def.names())
                    .arg("year", shown_year)
                    .with(*first, "related"),
            );
            continue;
        }
        seen.insert((inst.entity, year), span);
        if !by_year.contains_key(&year) {
            let given: Vec<String> = by_year
                .iter()
                .map(|(y, parts)| format!("{} ({})", y.map_or(String::new(), |y| y.to_string()), parts.len()))
                .collect();
            let given = if given.is_empty() { "@E1304.none".to_string() } else { given.join(", ") };
            out.push(
                Diagnostic::new(Code::UnmatchedRecord, span)
                    .arg_in("record", def.names())
                    .arg("year", shown_year)
                    .arg("given", given),
            );
        }
    }
    out
}

/// Notes in the dataset the reporting years of its submissions.
pub fn note_years(model: &Model, dataset: &mut Dataset) {
    let years: std::collections::BTreeSet<i64> =
        dataset.documents.iter().filter_map(|d| reporting_year(model, dataset, d.root)).collect();
    dataset.years = years.into_iter().collect();
}

/// Adds one whole per reporting year of the parts' submissions, and notes in the dataset
/// the parts each whole lacks; returns the wholes made. Without a list of the parts in the
/// plan header, a year with fewer than `parts` submissions makes no whole.
pub fn add_wholes(model: &Model, dataset: &mut Dataset) -> Vec<InstanceId> {
    let Some((whole, list_field, part_entity)) = whole_entity(model) else { return Vec::new() };
    let plan = model.plan.as_ref();
    let members = plan.map_or(&[][..], |p| p.members.as_slice());
    let needed = plan.and_then(|p| p.parts).unwrap_or(2);
    let mut others: BTreeMap<(EntityId, Option<i64>), InstanceId> = BTreeMap::new();
    for doc in &dataset.documents {
        let entity = dataset.get(doc.root).entity;
        if entity != part_entity {
            others.insert((entity, reporting_year(model, dataset, doc.root)), doc.root);
        }
    }
    let mut made = Vec::new();
    for (year, parts) in parts_by_year(model, dataset) {
        let missing: Vec<usize> = (0..members.len())
            .filter(|&i| !parts.iter().any(|(_, c)| c.as_ref().is_some_and(|(code, _)| *code == members[i].code)))
            .collect();
        if members.is_empty() && parts.len() < needed {
            continue;
        }
        let def = &model.entities[whole];
        let mut slots = vec![Slot::Missing; def.fields.len()];
        let ids: Vec<InstanceId> = parts.iter().map(|(id, _)| *id).collect();
        slots[list_field] = Slot::Records(ids.clone(), Span::default());
        // Other records of the whole: the document of that entity for the same year.
        for (f, field) in def.fields.iter().enumerate() {
            if let Ty::Record(e) = field.ty {
                slots[f] = match others.get(&(e, year)) {
                    Some(id) => Slot::Record(*id),
                    None if field.nullable => Slot::Null(Span::default()),
                    None => Slot::Missing,
                };
            }
        }
        let id = dataset.push(Instance { entity: whole, parent: None, span: Span::default(), slots });
        for part in ids {
            dataset.instances[part as usize].parent = Some(id);
        }
        if !missing.is_empty() {
            dataset.incomplete.push((id, missing));
        }
        made.push(id);
    }
    made
}
