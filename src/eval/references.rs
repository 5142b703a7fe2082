//! Codes that name other records (`refers to` in the data model, submission.md §5.5): every
//! code in a police area's `unit_codes` must be a community or village of the submission, and
//! with `once`, every community and village must be in exactly one police area. Each problem is
//! an error at the code, or at the record no list names.

use std::collections::HashMap;

use crate::check::model::Model;
use crate::data::instance::{Dataset, InstanceId, Scalar, Slot};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;

/// Checks every field that refers to other records, in each submission on its own (the
/// submissions on `threads` threads, the findings in their order).
pub fn check(model: &Model, dataset: &Dataset, threads: usize) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let referring: Vec<Referring<'_>> = model
        .entities
        .iter()
        .enumerate()
        .flat_map(|(e, def)| {
            def.fields
                .iter()
                .enumerate()
                .filter_map(move |(f, field)| field.refers.as_ref().map(|(targets, once)| (e, f, targets, *once)))
        })
        .collect();
    if referring.is_empty() {
        return out;
    }
    // The instances of a submission follow its root, up to the next submission's root.
    let mut roots: Vec<InstanceId> = dataset.documents.iter().map(|d| d.root).collect();
    roots.sort_unstable();
    let ranges: Vec<std::ops::Range<usize>> = roots
        .iter()
        .enumerate()
        .map(|(k, &root)| root as usize..roots.get(k + 1).map_or(dataset.instances.len(), |&next| next as usize))
        .collect();
    let submission = |(): &mut (), range: &std::ops::Range<usize>| in_submission(model, dataset, &referring, range);
    crate::parallel::ordered(&ranges, threads, 2, || (), submission, |found| out.extend(found));
    out
}

/// A field that refers to other records: its entity and index, the entities it may name, and
/// whether each must be named once.
type Referring<'m> = (usize, usize, &'m Vec<usize>, bool);

/// The findings of the referring fields in one submission (`range`: its instances).
fn in_submission(
    model: &Model,
    dataset: &Dataset,
    referring: &[Referring<'_>],
    range: &std::ops::Range<usize>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for &(entity, field, targets, once) in referring {
        let field_name = &model.entities[entity].fields[field].name;
        // What the field names: `城市社区（居委会）或村（村委会）` once rendered.
        let targets_named: Vec<(&str, String)> = targets.iter().map(|&t| model.entities[t].names()).collect();
        let mut keys: HashMap<String, (usize, Span)> = HashMap::new();
        for id in range.clone() {
            let inst = &dataset.instances[id];
            if !targets.contains(&inst.entity) {
                continue;
            }
            let key = model.entities[inst.entity].key;
            if let Some(Slot::Scalar(Scalar::Text(code), span)) = key.map(|k| &inst.slots[k]) {
                keys.insert(code.to_string(), (inst.entity, *span));
            }
        }
        let mut named: HashMap<String, Span> = HashMap::new();
        for id in range.clone() {
            let inst = &dataset.instances[id];
            if inst.entity != entity {
                continue;
            }
            let Slot::Scalars(items, _) = &inst.slots[field] else { continue };
            for (item, span) in items {
                let Some(Scalar::Text(code)) = item else { continue };
                if !keys.contains_key(code.as_ref()) {
                    out.push(
                        Diagnostic::new(Code::BadReference, *span)
                            .arg("problem", "nothing")
                            .arg("field", field_name)
                            .arg("code", code)
                            .arg_any_of("entities", targets_named.iter().cloned()),
                    );
                } else if let Some(first) = named.get(code.as_ref()).filter(|_| once) {
                    out.push(
                        Diagnostic::new(Code::BadReference, *span)
                            .arg("problem", "twice")
                            .arg("field", field_name)
                            .arg("code", code)
                            .with(*first, "related"),
                    );
                } else {
                    named.insert(code.to_string(), *span);
                }
            }
        }
        if once {
            let mut unnamed: Vec<(&String, &(usize, Span))> =
                keys.iter().filter(|(code, _)| !named.contains_key(*code)).collect();
            unnamed.sort_by_key(|(_, (_, span))| span.start);
            for (code, (target, span)) in unnamed {
                out.push(
                    Diagnostic::new(Code::BadReference, *span)
                        .arg("problem", "unnamed")
                        .arg("field", field_name)
                        .arg("code", code)
                        .arg_in("entity", model.entities[*target].names())
                        .arg_in("holder", model.entities[entity].names()),
                );
            }
        }
    }
    out
}
