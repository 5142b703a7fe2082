//! Writing a bound submission back out as JSON, YAML or CSV tables, with the layouts the
//! loaders read (fields in declaration order). Used by the example generator and by
//! `plancheck convert`.

use std::fmt::Write as _;
use std::path::Path;

use super::csv::link_column;
use super::instance::{Dataset, InstanceId, Scalar, Slot};
use crate::check::Checked;
use crate::check::model::{EntityId, Ty};

/// A submission as canonical JSON (two-space indents).
pub fn to_json(checked: &Checked, dataset: &Dataset, root: InstanceId) -> String {
    let mut out = String::new();
    json_record(checked, dataset, root, 0, &mut out);
    out.push('\n');
    out
}

fn json_record(checked: &Checked, dataset: &Dataset, id: InstanceId, depth: usize, out: &mut String) {
    let inst = dataset.get(id);
    let def = &checked.model.entities[inst.entity];
    let pad = "  ".repeat(depth + 1);
    out.push('{');
    let mut first = true;
    for (f, slot) in inst.slots.iter().enumerate() {
        if *slot == Slot::Missing {
            continue;
        }
        out.push_str(if first { "\n" } else { ",\n" });
        first = false;
        let _ = write!(out, "{pad}{}: ", json_string(&def.fields[f].name));
        json_slot(checked, dataset, slot, depth + 1, out);
    }
    if !first {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    }
    out.push('}');
}

fn json_slot(checked: &Checked, dataset: &Dataset, slot: &Slot, depth: usize, out: &mut String) {
    match slot {
        Slot::Missing | Slot::Null(_) => out.push_str("null"),
        Slot::Scalar(s, _) => out.push_str(&scalar_text(s, true)),
        Slot::Scalars(values, _) => {
            let items: Vec<String> =
                values.iter().map(|(v, _)| v.as_ref().map_or("null".to_string(), |s| scalar_text(s, true))).collect();
            let _ = write!(out, "[{}]", items.join(", "));
        }
        Slot::Record(child) => json_record(checked, dataset, *child, depth, out),
        Slot::Records(ids, _) => {
            if ids.is_empty() {
                out.push_str("[]");
                return;
            }
            let pad = "  ".repeat(depth + 1);
            out.push('[');
            for (i, id) in ids.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                out.push_str(&pad);
                json_record(checked, dataset, *id, depth + 1, out);
            }
            out.push('\n');
            out.push_str(&"  ".repeat(depth));
            out.push(']');
        }
    }
}

/// A JSON string literal (also valid YAML double-quoted).
fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

fn scalar_text(s: &Scalar, quote_text: bool) -> String {
    match s {
        Scalar::Number(n) => n.to_string(),
        Scalar::Bool(b) => b.to_string(),
        Scalar::Text(t) if quote_text => json_string(t),
        Scalar::Text(t) => t.to_string(),
        Scalar::Date(d) if quote_text => format!("\"{d}\""),
        Scalar::Date(d) => d.to_string(),
    }
}

/// A submission as block-style YAML; every text is double-quoted, so codes stay text.
pub fn to_yaml(checked: &Checked, dataset: &Dataset, root: InstanceId) -> String {
    let mut out = String::new();
    yaml_record(checked, dataset, root, 0, &mut out);
    out
}

fn yaml_record(checked: &Checked, dataset: &Dataset, id: InstanceId, indent: usize, out: &mut String) {
    let inst = dataset.get(id);
    let def = &checked.model.entities[inst.entity];
    let pad = " ".repeat(indent);
    for (f, slot) in inst.slots.iter().enumerate() {
        let name = &def.fields[f].name;
        match slot {
            Slot::Missing => {}
            Slot::Null(_) => {
                let _ = writeln!(out, "{pad}{name}: null");
            }
            Slot::Scalar(s, _) => {
                let _ = writeln!(out, "{pad}{name}: {}", scalar_text(s, true));
            }
            Slot::Scalars(values, _) => {
                let items: Vec<String> = values
                    .iter()
                    .map(|(v, _)| v.as_ref().map_or("null".to_string(), |s| scalar_text(s, true)))
                    .collect();
                let _ = writeln!(out, "{pad}{name}: [{}]", items.join(", "));
            }
            Slot::Record(child) => {
                let _ = writeln!(out, "{pad}{name}:");
                yaml_record(checked, dataset, *child, indent + 2, out);
            }
            Slot::Records(ids, _) if ids.is_empty() => {
                let _ = writeln!(out, "{pad}{name}: []");
            }
            Slot::Records(ids, _) => {
                let _ = writeln!(out, "{pad}{name}:");
                for id in ids {
                    let mut item = String::new();
                    yaml_record(checked, dataset, *id, indent + 4, &mut item);
                    // The first line of each element carries the list dash.
                    let item = item.replacen(&" ".repeat(indent + 4), &format!("{pad}  - "), 1);
                    out.push_str(&item);
                }
            }
        }
    }
}

/// One CSV table being written: its entity, its header, its rows (`None` for a value not
/// given).
type Table = (EntityId, Vec<String>, Vec<Vec<Option<String>>>);

/// Writes a submission as a directory of CSV tables (UTF-8 with a byte-order mark, which
/// spreadsheet programs need to show Chinese correctly). The directory is replaced as a whole:
/// the tables are written into a new directory next to it, which then takes its place, so that
/// no table of an earlier submission is left behind and an interrupted write leaves the old
/// directory as it was. A directory holding anything but CSV tables is not replaced.
pub fn to_csv_dir(checked: &Checked, dataset: &Dataset, root: InstanceId, dir: &Path) -> std::io::Result<()> {
    // Every table of the data model below the root, a table with no rows (a district without
    // villages) with its header alone: a directory of tables reads back as the same submission.
    let mut tables: Vec<Table> = Vec::new();
    schema_tables(checked, dataset.get(root).entity, None, &mut tables);
    collect_rows(checked, dataset, root, None, &mut tables);
    // `.` or `out/.` name the directory itself: it is replaced by its own name.
    let canonical = std::fs::canonicalize(dir).ok();
    let dir = canonical.as_deref().unwrap_or(dir);
    if dir.exists() && !dir.is_dir() {
        return Err(std::io::Error::other("@io.not_a_table_directory"));
    }
    if dir.exists() {
        let is_table = |e: &std::fs::DirEntry| {
            e.file_type().is_ok_and(|t| t.is_file()) && e.path().extension().is_some_and(|x| x == "csv")
        };
        if !std::fs::read_dir(dir)?.filter_map(Result::ok).all(|e| is_table(&e)) {
            return Err(std::io::Error::other("@io.not_a_table_directory"));
        }
    }
    let name = dir.file_name().map_or_else(|| "tables".into(), |n| n.to_string_lossy().into_owned());
    let partial = dir.with_file_name(format!(".{name}.{}.partial", std::process::id()));
    let written = (|| {
        std::fs::create_dir_all(&partial)?;
        for (entity, headers, rows) in tables {
            let mut text = String::from("\u{FEFF}");
            let header: Vec<Option<String>> = headers.into_iter().map(Some).collect();
            for row in std::iter::once(&header).chain(&rows) {
                let cells: Vec<String> = row.iter().map(|c| csv_cell(c.as_deref())).collect();
                text.push_str(&cells.join(","));
                text.push('\n');
            }
            std::fs::write(partial.join(format!("{}.csv", checked.model.entities[entity].name)), text)?;
        }
        if dir.exists() {
            let old = dir.with_file_name(format!(".{name}.{}.old", std::process::id()));
            std::fs::rename(dir, &old)?;
            std::fs::rename(&partial, dir)?;
            std::fs::remove_dir_all(&old)
        } else {
            std::fs::rename(&partial, dir)
        }
    })();
    if written.is_err() {
        let _ = std::fs::remove_dir_all(&partial);
    }
    written
}

/// A cell as CSV writes it: a value not given is empty; a value is quoted when it must be, and
/// also when it is empty or has spaces at its ends (the reader trims unquoted cells and takes
/// an empty one as not given).
fn csv_cell(cell: Option<&str>) -> String {
    let Some(text) = cell else { return String::new() };
    let plain = !text.is_empty() && text.trim() == text && !text.contains([',', '"', '\n', '\r']);
    if plain { text.to_string() } else { format!("\"{}\"", text.replace('"', "\"\"")) }
}

/// A list of plain values in one cell: `a;b;c`, or a JSON array when an item would not come
/// back from that form (it holds `;` or `；`, has spaces at its ends, is empty or null, or the
/// cell would start with `[`), and for the empty list.
fn list_cell(values: &[(Option<Scalar>, crate::source::Span)]) -> String {
    let texts: Vec<Option<String>> = values.iter().map(|(v, _)| v.as_ref().map(|s| scalar_text(s, false))).collect();
    let plain = |t: &Option<String>| {
        t.as_ref().is_some_and(|t| !t.is_empty() && t.trim() == t && !t.contains([';', '；']) && !t.starts_with('['))
    };
    if !texts.is_empty() && texts.iter().all(plain) {
        return texts.into_iter().flatten().collect::<Vec<_>>().join(";");
    }
    let items: Vec<String> =
        values.iter().map(|(v, _)| v.as_ref().map_or("null".to_string(), |s| scalar_text(s, true))).collect();
    format!("[{}]", items.join(", "))
}

/// The tables of `entity` and of the entities below it, with their headers and no rows yet.
fn schema_tables(checked: &Checked, entity: EntityId, link: Option<String>, tables: &mut Vec<Table>) {
    if tables.iter().any(|t| t.0 == entity) {
        return;
    }
    let mut headers: Vec<String> = link.into_iter().collect();
    columns(checked, entity, "", &mut headers);
    tables.push((entity, headers, Vec::new()));
    for (f, field) in checked.model.entities[entity].fields.iter().enumerate() {
        match &field.ty {
            Ty::List(inner) => {
                if let Ty::Record(e) = **inner {
                    schema_tables(checked, e, super::csv::link_column(&checked.model, entity), tables);
                }
            }
            Ty::Record(e) if has_own_table(checked, entity, f) => schema_tables(checked, *e, None, tables),
            _ => {}
        }
    }
}

/// The columns of `entity` in a table: its values, and those of the records flattened into it.
fn columns(checked: &Checked, entity: EntityId, prefix: &str, out: &mut Vec<String>) {
    for (f, field) in checked.model.entities[entity].fields.iter().enumerate() {
        let name = format!("{prefix}{}", field.name);
        match &field.ty {
            Ty::Record(e) if !has_own_table(checked, entity, f) => columns(checked, *e, &format!("{name}."), out),
            Ty::Record(_) => {}
            Ty::List(inner) if matches!(**inner, Ty::Record(_)) => {}
            _ => out.push(name),
        }
    }
}

/// The rows of `id`'s table and, recursively, of the tables below it.
fn collect_rows(
    checked: &Checked,
    dataset: &Dataset,
    id: InstanceId,
    link: Option<(String, String)>,
    tables: &mut Vec<Table>,
) {
    let inst = dataset.get(id);
    let entity = inst.entity;
    let mut headers = Vec::new();
    let mut row = Vec::new();
    if let Some((column, value)) = &link {
        headers.push(column.clone());
        row.push(Some(value.clone()));
    }
    flatten(checked, dataset, id, "", &mut headers, &mut row);
    match tables.iter_mut().find(|t| t.0 == entity) {
        Some(table) => table.2.push(row),
        None => tables.push((entity, headers, vec![row])),
    }
    let def = &checked.model.entities[entity];
    let key_value = def.key.and_then(|k| match &inst.slots[k] {
        Slot::Scalar(s, _) => Some(scalar_text(s, false)),
        _ => None,
    });
    for (f, slot) in inst.slots.iter().enumerate() {
        let child_link = link_column(&checked.model, entity).zip(key_value.clone());
        match slot {
            Slot::Records(ids, _) => {
                for child in ids {
                    collect_rows(checked, dataset, *child, child_link.clone(), tables);
                }
            }
            Slot::Record(child) if has_own_table(checked, entity, f) => {
                collect_rows(checked, dataset, *child, None, tables)
            }
            _ => {}
        }
    }
}

/// Record fields of the root entity get a table of their own; other records are flattened.
fn has_own_table(checked: &Checked, entity: EntityId, field: usize) -> bool {
    checked.model.entities[entity].root && matches!(checked.model.entities[entity].fields[field].ty, Ty::Record(_))
}

fn flatten(
    checked: &Checked,
    dataset: &Dataset,
    id: InstanceId,
    prefix: &str,
    headers: &mut Vec<String>,
    row: &mut Vec<Option<String>>,
) {
    let inst = dataset.get(id);
    let def = &checked.model.entities[inst.entity];
    for (f, field) in def.fields.iter().enumerate() {
        let name = format!("{prefix}{}", field.name);
        match (&field.ty, &inst.slots[f]) {
            (Ty::Record(_), Slot::Record(child)) if !has_own_table(checked, inst.entity, f) => {
                flatten(checked, dataset, *child, &format!("{name}."), headers, row);
            }
            // A record not given (null) still has its columns, empty, so that rows line up.
            (Ty::Record(e), _) if !has_own_table(checked, inst.entity, f) => {
                let before = headers.len();
                columns(checked, *e, &format!("{name}."), headers);
                row.resize(row.len() + headers.len() - before, None);
            }
            (Ty::Record(_), _) => {}
            (Ty::List(inner), _) if matches!(**inner, Ty::Record(_)) => {}
            (_, slot) => {
                headers.push(name);
                row.push(match slot {
                    Slot::Scalar(s, _) => Some(scalar_text(s, false)),
                    Slot::Scalars(values, _) => Some(list_cell(values)),
                    _ => None,
                });
            }
        }
    }
}
