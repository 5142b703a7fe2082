//! CSV submissions: a directory of tables as exported from spreadsheets, one table per entity
//! (`submission.csv`, `district.csv`, `street.csv`, `community.csv` …), joined by code. The
//! tables are turned into the same [`Node`] tree as a JSON submission, so they are validated
//! the same way; every cell keeps its span (file, row, column).
//!
//! Layout, derived from the schema: the root entity's table and the tables of the root's
//! record fields have one row. An entity kept in a list of a parent has its own table whose
//! column `PARENT.KEY` (`street.code`, `police_station.station_id`) names the parent row.
//! Nested records are flattened into dotted columns (`qualitative.has_youth_home`); lists of
//! plain values are written in one cell, separated by `;`. A header may also be a field's
//! Chinese label. An empty cell is null where the field allows null, else absent.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use super::csv_split;
use super::text::{TextEncoding, decode};
use super::tree::{Entry, Node, Value};
use crate::check::model::{EntityId, FieldId, Model, Ty};
use crate::check::schema::Schema;
use crate::diagnostics::suggest::did_you_mean;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, SourceMap, Span};

/// Rows of a table read to learn the shapes of its columns.
const SHAPE_ROWS: usize = 200;

/// Whether a directory holds a CSV submission (a table named after a root entity).
pub fn is_csv_submission(dir: &Path, model: &Model) -> bool {
    model.entities.iter().any(|e| e.root && dir.join(format!("{}.csv", e.name)).is_file())
}

/// One row: its cells by column, and the span of the row.
struct Row {
    cells: Vec<Cell>,
    span: Span,
}

/// One cell: its text, its place (quotes included), and whether it was quoted. An unquoted
/// cell is trimmed and, when empty, missing; a quoted one is taken as written, so that `""`
/// is an empty text and `" 两边有空格 "` keeps its spaces.
struct Cell {
    text: String,
    span: Span,
    quoted: bool,
}

/// One table: its header cells and rows.
struct Table {
    file: FileId,
    headers: Vec<(String, Span)>,
    rows: Vec<Row>,
}

/// The fields whose column a table lacks, reported once at its header (E1107): binding does
/// not report them again at every row. Each is the field of an entity in a file.
pub type ColumnsReported = Vec<(EntityId, FieldId, FileId)>;

/// Reads the tables of `dir` into one tree for the root entity.
pub fn load(
    dir: &Path,
    model: &Model,
    schema: &Schema,
    encoding: TextEncoding,
    max_bytes: u64,
    sources: &mut SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(Node<'static>, EntityId, ColumnsReported)> {
    let first_new = diagnostics.len();
    let mut tables: HashMap<String, Table> = HashMap::new();
    // Tables named after no entity: reported last, but for one that is meant for a table the
    // submission lacks (`community (2).csv`).
    let mut strays: Vec<(String, FileId)> = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir).ok()?.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries.into_iter().filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv"))) {
        let name = path.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
        let shown = crate::load::display_name(&path);
        let Some(table) = read_table(&path, &shown, encoding, max_bytes, sources, diagnostics) else { continue };
        if model.entity(&name).is_none() {
            strays.push((name, table.file));
            continue;
        }
        tables.insert(name, table);
    }
    // A table that cannot be read (not a file, too large, undecodable) would make every row
    // that needs it a cascade of missing fields and orphans; rows of the wrong length shift
    // every cell after them. Either way: report those problems, bind nothing.
    let root = model.entities.iter().position(|e| e.root && tables.contains_key(&e.name));
    let (Some(root), false) = (root, diagnostics[first_new..].iter().any(Diagnostic::is_error)) else {
        stray_tables(model, &strays, diagnostics);
        return None;
    };
    let unlinked = unlinked(model, schema, &tables, diagnostics);
    let mut builder = Builder {
        model,
        schema,
        tables: &tables,
        diagnostics,
        reported: HashSet::new(),
        placed: HashSet::new(),
        absent: BTreeMap::new(),
        unknown: Vec::new(),
        unlinked,
        missing_tables: BTreeMap::new(),
    };
    let node = builder.single_row(root);
    builder.orphans();
    let mut reported = builder.columns();
    reported.extend(builder.tables_missing(&mut strays));
    stray_tables(model, &strays, builder.diagnostics);
    Some((node?, root, reported))
}

/// Whether a table named `name` is meant for the entity `def`: a near spelling of its name, its
/// name with something added (`community (2)`, `community_2024`), or its Chinese title.
fn meant_for(name: &str, def: &crate::check::model::EntityDef) -> bool {
    let title = def.title.as_deref().filter(|t| !t.is_empty());
    did_you_mean(name, std::iter::once(def.name.as_str())).is_some()
        || name.starts_with(def.name.as_str())
        || title.is_some_and(|t| name == t || name.starts_with(t))
}

/// Tables that are not part of the data model (W1401), with the entity they may be meant for.
fn stray_tables(model: &Model, strays: &[(String, FileId)], diagnostics: &mut Vec<Diagnostic>) {
    for (name, file) in strays {
        let suggestion = did_you_mean(name, model.entities.iter().map(|e| e.name.as_str()));
        let span = Span::new(*file, 0, 0);
        diagnostics.push(Diagnostic::new(Code::UnknownTable, span).arg("table", name).suggest(suggestion));
    }
}

/// The column that links each row of a table to its parent row (`street.code`), where the
/// table has rows: one that lacks it is reported once (E1107), at a header that is a near
/// spelling of it or else at the start of the header, and its rows are placed nowhere — nor
/// reported one by one as rows without a parent. The names of those tables.
fn unlinked(
    model: &Model,
    schema: &Schema,
    tables: &HashMap<String, Table>,
    diagnostics: &mut Vec<Diagnostic>,
) -> HashSet<String> {
    let mut unlinked = HashSet::new();
    let mut names: Vec<&String> = tables.keys().collect();
    names.sort();
    for name in names {
        let (Some(entity), Some(table)) = (model.entity(name), tables.get(name)) else { continue };
        let link = schema.parents[entity].iter().find_map(|&p| link_column(model, p).map(|c| (p, c)));
        let Some((parent, column)) = link else { continue };
        if table.rows.is_empty() || table.headers.iter().any(|(h, _)| *h == column) {
            continue;
        }
        let def = &model.entities[entity];
        let field = |h: &str| def.fields.iter().any(|f| f.name == h || f.label.as_deref() == Some(h));
        let misspelt = table
            .headers
            .iter()
            .find(|(h, _)| !field(h) && did_you_mean(h, std::iter::once(column.as_str())).is_some());
        let start = table.headers.first().map_or(0, |(_, s)| s.start as usize);
        let (span, mark, fix) = match misspelt {
            Some((_, span)) => (*span, "@E1107.misspelt", "@E1107.rename"),
            None => (Span::new(table.file, start, start + 1), "@E1107.absent", "@E1107.add_link"),
        };
        let parent = &model.entities[parent];
        diagnostics.push(
            Diagnostic::new(Code::MissingColumn, span)
                .arg("table", name)
                .arg("field", &column)
                .arg("label", "")
                .arg("count", table.rows.len())
                .arg("header", misspelt.map_or("", |(h, _)| h.as_str()))
                .arg("parent", &parent.name)
                .arg("mark", mark)
                .arg("fix", fix),
        );
        unlinked.insert(name.clone());
    }
    unlinked
}

fn read_table(
    path: &Path,
    shown: &str,
    encoding: TextEncoding,
    max_bytes: u64,
    sources: &mut SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Table> {
    let bytes = super::read_limited(path, shown, max_bytes, sources, diagnostics)?;
    let text = match decode(bytes, encoding) {
        Ok(decoded) => decoded.text,
        Err(super::text::Undecodable { error: super::text::DecodeError::Invalid { offset, encoding }, bytes }) => {
            let (file, at) = super::lossy_source(path, shown, (&bytes, offset, encoding), sources);
            let d = Diagnostic::new(Code::Undecodable, Span::new(file, at, at + 1)).arg("encoding", encoding);
            diagnostics.push(d);
            return None;
        }
    };
    let file = sources.add(shown, path, text);
    let text = sources.get(file).held().unwrap_or_default();
    let mut reader = ::csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = Vec::new();
    for result in reader.records() {
        match result {
            Ok(record) => {
                // After a Windows line end (`\r\n`) the reader places the next record at its
                // `\n`: a record starts after any line end.
                let at = record.position().map_or(0, |p| p.byte() as usize);
                let start = at
                    + text.as_bytes()[at.min(text.len())..].iter().take_while(|b| matches!(b, b'\r' | b'\n')).count();
                records.push((start, record));
            }
            Err(e) => {
                let at = e.position().map_or(0, |p| p.byte() as usize);
                let d = Diagnostic::new(Code::CsvSyntax, Span::new(file, at, at + 1))
                    .arg("problem", e.to_string())
                    .arg("fix", "@csv.fix_rows");
                diagnostics.push(d);
                return None;
            }
        }
    }
    let mut rows: Vec<Row> = records
        .iter()
        .map(|(start, record)| {
            let spans = cell_spans(text, *start, record.len());
            let cells: Vec<Cell> = record
                .iter()
                .zip(spans)
                .map(|(v, (s, e))| {
                    let quoted = text[s..e].starts_with('"');
                    let text = if quoted { v.to_string() } else { v.trim().to_string() };
                    Cell { text, span: Span::new(file, s, e), quoted }
                })
                .collect();
            let end = cells.last().map_or(*start, |c| c.span.end as usize);
            Row { cells, span: Span::new(file, *start, end.max(*start + 1)) }
        })
        .collect();
    if rows.is_empty() {
        return Some(Table { file, headers: Vec::new(), rows });
    }
    let header: Vec<(String, Span)> =
        rows.remove(0).cells.into_iter().map(|c| (c.text.trim().to_string(), c.span)).collect();
    // Each header's first column, found by hash: a header of 100,000 columns is read in
    // linear time.
    let mut firsts: std::collections::HashMap<&str, Span> = std::collections::HashMap::new();
    for (name, span) in header.iter().filter(|(n, _)| !n.is_empty()) {
        if let Some(first) = firsts.get(name.as_str()) {
            let d = Diagnostic::new(Code::CsvSyntax, *span)
                .arg("problem", "@csv.duplicate_column")
                .arg("fix", "@csv.fix_duplicate")
                .arg("column", name)
                .with(*first, "related");
            diagnostics.push(d);
        } else {
            firsts.insert(name, *span);
        }
    }
    // The shapes of the columns in the rows of the header's length, to find where a comma not in
    // quotes split a cell of a longer row (learnt once a table has such a row).
    let mut shapes = None;
    for row in &rows {
        if row.cells.len() != header.len() {
            // A quote never closed takes the lines after it into one cell: the row is short
            // because of it, so it is pointed at, with how many lines it took.
            let runaway = row.cells.iter().find(|c| c.quoted && text[c.span.range()].contains('\n'));
            if let Some(cell) = runaway {
                let lines = text[cell.span.range()].matches('\n').count();
                let at = Span::new(file, cell.span.start as usize, cell.span.start as usize + 1);
                let d = Diagnostic::new(Code::CsvSyntax, at).arg("problem", "@csv.open_quote").arg("lines", lines);
                diagnostics.push(d.arg("fix", "@csv.fix_open_quote"));
                continue;
            }
            let shapes = shapes.get_or_insert_with(|| {
                let whole = rows.iter().filter(|r| r.cells.len() == header.len()).take(SHAPE_ROWS);
                csv_split::column_shapes(whole.map(|r| r.cells.iter().map(|c| c.text.as_str()).collect()), header.len())
            });
            if let Some(d) = split_cell(row, shapes, header.len()) {
                diagnostics.push(d);
                continue;
            }
            // Point at the first cell too many, or at the end of a short row.
            let at = row
                .cells
                .get(header.len())
                .map_or(Span::new(file, row.span.end as usize, row.span.end as usize + 1), |c| c.span);
            let d = Diagnostic::new(Code::CsvSyntax, at)
                .arg("problem", "@csv.row_length")
                .arg("fix", "@csv.fix_rows")
                .arg("found", row.cells.len())
                .arg("expected", header.len());
            diagnostics.push(d);
        }
    }
    rows.retain(|r| r.cells.iter().any(|c| !c.text.is_empty() || c.quoted));
    Some(Table { file, headers: header, rows })
}

/// A row longer than the header because a comma not in quotes split one of its cells: at the
/// cell split, with how to write it (a number without its thousands separators, else the cell
/// in quotes); `None` where no one cell is.
fn split_cell(row: &Row, shapes: &[Option<csv_split::Shape>], width: usize) -> Option<Diagnostic> {
    let extra = row.cells.len().checked_sub(width).filter(|&n| n > 0)?;
    let texts: Vec<&str> = row.cells.iter().map(|c| c.text.as_str()).collect();
    let at = csv_split::split_at(&texts, shapes, extra)?;
    let (first, last) = (&row.cells[at], &row.cells[at + extra]);
    let cell = texts[at..=at + extra].join(",");
    let span = Span::new(first.span.file, first.span.start as usize, last.span.end as usize);
    let d = Diagnostic::new(Code::CsvSyntax, span).arg("found", row.cells.len()).arg("expected", width);
    Some(
        match csv_split::grouped_number(&cell) {
            Some(number) => d.arg("problem", "@csv.thousands").arg("fix", "@csv.fix_thousands").arg("number", number),
            None => d.arg("problem", "@csv.comma_in_cell").arg("fix", "@csv.fix_comma_in_cell"),
        }
        .arg("cell", cell),
    )
}

/// Byte ranges of the cells of the record starting at `start` (quotes included).
fn cell_spans(text: &str, start: usize, count: usize) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::with_capacity(count);
    let mut i = start;
    while spans.len() < count {
        let cell_start = i;
        let mut quoted = false;
        while i < bytes.len() {
            match bytes[i] {
                b'"' => quoted = !quoted,
                b',' if !quoted => break,
                b'\n' | b'\r' if !quoted => break,
                _ => {}
            }
            i += 1;
        }
        spans.push((cell_start, i));
        if i < bytes.len() && bytes[i] == b',' {
            i += 1;
        } else {
            while spans.len() < count {
                spans.push((i, i));
            }
        }
    }
    spans
}

struct Builder<'a> {
    model: &'a Model,
    schema: &'a Schema,
    tables: &'a HashMap<String, Table>,
    diagnostics: &'a mut Vec<Diagnostic>,
    /// Header cells already reported as unknown columns.
    reported: HashSet<(FileId, usize)>,
    /// Rows that found their place in the tree, by (file, row start).
    placed: HashSet<(FileId, u32)>,
    /// Fields a table has no column for, by file, entity and field: the column's name and
    /// how many rows lack it.
    absent: BTreeMap<(FileId, EntityId, FieldId), (String, usize)>,
    /// Header cells no field took (not the link column): the table's entity, the header, its
    /// place.
    unknown: Vec<(EntityId, String, Span)>,
    /// Tables without the column that links their rows to their parents (reported).
    unlinked: HashSet<String>,
    /// Entities whose table the submission lacks, though rows of a parent table hold a list of
    /// them: the parent's entity, the list field, the parent's file, how many of its rows.
    missing_tables: BTreeMap<EntityId, (EntityId, FieldId, FileId, usize)>,
}

impl Builder<'_> {
    /// The one row of a table that must have exactly one (the root, the root's records).
    fn single_row(&mut self, entity: EntityId) -> Option<Node<'static>> {
        let name = &self.model.entities[entity].name;
        let table = self.tables.get(name)?;
        if table.rows.len() != 1 {
            // Marked at the start of the first row too many: a whole row is too long to underline.
            let start = table.rows.get(1).map_or(0, |r| r.span.start as usize);
            self.diagnostics.push(
                Diagnostic::new(Code::CsvSyntax, Span::new(table.file, start, start + 1))
                    .arg("problem", "@csv.one_row")
                    .arg("fix", "@csv.fix_one_row")
                    .arg("table", name)
                    .arg("found", table.rows.len()),
            );
            // The extra rows are reported here, not again as rows without a parent.
            for extra in table.rows.iter().skip(1) {
                self.placed.insert((extra.span.file, extra.span.start));
            }
        }
        let row = table.rows.first()?;
        Some(self.record(entity, table, row, None))
    }

    /// Rows that belong to no parent row: every row must land somewhere, none is dropped.
    fn orphans(&mut self) {
        for (name, table) in self.tables {
            let Some(entity) = self.model.entity(name) else { continue };
            let parents: Vec<EntityId> = self.schema.parents[entity].iter().copied().collect();
            let link = parents.iter().find_map(|&p| link_column(self.model, p).map(|c| (p, c)));
            // A parent table without rows leaves every row of this one without its parent:
            // said once, at that table, not once a row.
            let parent = link.as_ref().map(|(p, _)| &self.model.entities[*p].name);
            if let Some((parent, empty)) =
                parent.and_then(|p| self.tables.get(p).map(|t| (p, t))).filter(|(_, t)| t.rows.is_empty())
            {
                let unplaced =
                    table.rows.iter().filter(|r| !self.placed.contains(&(r.span.file, r.span.start))).count();
                if unplaced > 0 {
                    self.diagnostics.push(
                        Diagnostic::new(Code::EmptyParentTable, Span::new(empty.file, 0, 0))
                            .arg("table", parent)
                            .arg("child", name)
                            .arg("count", unplaced),
                    );
                }
                continue;
            }
            // Rows of a table without its link column, or whose parent table is missing, are
            // reported with the table.
            let parent_table = parent.map(|p| self.tables.get(p));
            if self.unlinked.contains(name) || matches!(parent_table, Some(None)) {
                continue;
            }
            // The keys of the parent table's rows: a row whose parent row is there, though not
            // placed itself (a row without its own parent, a repeated key), is that row's
            // problem, reported there.
            let parent_key = link.as_ref().and_then(|(p, _)| {
                let def = &self.model.entities[*p];
                def.key.map(|k| def.fields[k].name.as_str())
            });
            let keys: HashSet<&str> = match (parent_key, parent_table.flatten()) {
                (Some(key), Some(t)) => t.rows.iter().filter_map(|r| cell(t, r, key)).map(|(v, _)| v).collect(),
                _ => HashSet::new(),
            };
            for row in &table.rows {
                if self.placed.contains(&(row.span.file, row.span.start)) {
                    continue;
                }
                let parent_there = link
                    .as_ref()
                    .and_then(|(_, column)| cell(table, row, column))
                    .is_some_and(|(v, _)| keys.contains(v));
                if parent_there {
                    continue;
                }
                let (column, value, span, parent) = match &link {
                    Some((p, column)) => {
                        let (value, span) = cell(table, row, column).unwrap_or(("", row.span));
                        (column.clone(), value.to_string(), span, self.model.entities[*p].name.clone())
                    }
                    None => (String::new(), String::new(), row.span, name.clone()),
                };
                self.diagnostics.push(
                    Diagnostic::new(Code::OrphanRow, span)
                        .arg("column", column)
                        .arg("value", value)
                        .arg("parent", parent)
                        .arg("table", name),
                );
            }
        }
    }

    /// A row as a record node, with its children from the other tables.
    fn record(&mut self, entity: EntityId, table: &Table, row: &Row, link: Option<&str>) -> Node<'static> {
        self.placed.insert((row.span.file, row.span.start));
        let def = &self.model.entities[entity];
        let mut columns: BTreeMap<&str, (usize, Span)> = BTreeMap::new();
        for (i, (header, span)) in table.headers.iter().enumerate() {
            columns.insert(header.as_str(), (i, *span));
        }
        let mut entries = self.flattened(entity, "", row, &mut columns);
        for (field, child, is_list) in self.schema.children[entity].clone() {
            let field_name = &self.model.entities[entity].fields[field].name;
            let child_name = &self.model.entities[child].name;
            let Some(child_table) = self.tables.get(child_name) else {
                if is_list {
                    self.missing_tables.entry(child).or_insert((entity, field, table.file, 0)).3 += 1;
                }
                continue;
            };
            if !is_list {
                if let Some(node) = self.single_row(child) {
                    entries.push(Entry { key: field_name.clone().into(), key_span: node.span, value: node });
                }
                continue;
            }
            let key_value =
                def.key.map(|k| def.fields[k].name.as_str()).and_then(|k| cell(table, row, k)).map(|(v, _)| v);
            let link_column = link_column(self.model, entity);
            let mut items = Vec::new();
            for child_row in &child_table.rows {
                // A row belongs to one parent: where the parent's key is repeated (reported as
                // such), to the first row that has it.
                if self.placed.contains(&(child_row.span.file, child_row.span.start)) {
                    continue;
                }
                let belongs = match (&link_column, &key_value) {
                    (Some(column), Some(value)) => {
                        cell(child_table, child_row, column).is_some_and(|(v, _)| v == *value)
                    }
                    // A parent row without its key cannot own rows (its key is reported missing).
                    (Some(_), None) => false,
                    (None, _) => true,
                };
                if belongs {
                    items.push(self.record(child, child_table, child_row, link_column.as_deref()));
                }
            }
            let span = Span::new(child_table.file, 0, 0);
            entries.push(Entry {
                key: field_name.clone().into(),
                key_span: span,
                value: Node::new(Value::List(items), span),
            });
        }
        // Columns no field took: the link column is expected, anything else is reported once
        // (`columns`), with the columns the table lacks.
        for (header, (index, span)) in columns {
            if Some(header) != link && self.reported.insert((table.file, index)) {
                self.unknown.push((entity, header.to_string(), span));
            }
        }
        Node::new(Value::Map(entries), row.span)
    }

    /// Reports the tables the submission lacks though rows of another table hold a list of
    /// their records, once a table (E1405): at a stray table that is meant for it (taken out
    /// of `strays`), else at the parent table. Hands back the list fields, for binding not to
    /// report them missing at every parent row.
    fn tables_missing(&mut self, strays: &mut Vec<(String, FileId)>) -> ColumnsReported {
        let mut reported = Vec::new();
        for (&child, &(parent, field, file, rows)) in &self.missing_tables {
            let def = &self.model.entities[child];
            let meant = strays.iter().position(|(name, _)| meant_for(name, def));
            let stray = meant.map(|i| strays.remove(i));
            let link = link_column(self.model, parent);
            let (span, mark, fix) = match (&stray, &link) {
                (Some((_, file)), _) => (Span::new(*file, 0, 0), "@E1405.stray", "@E1405.rename"),
                // The one record of the root (the district): its row, no column to link it.
                (None, None) => (Span::new(file, 0, 0), "@E1405.needed", "@E1405.add_one"),
                (None, Some(_)) => (Span::new(file, 0, 0), "@E1405.needed", "@E1405.add"),
            };
            let link = link.unwrap_or_default();
            self.diagnostics.push(
                Diagnostic::new(Code::MissingTable, span)
                    .arg("table", &def.name)
                    .arg_in("title", def.names())
                    .arg("parent", &self.model.entities[parent].name)
                    .arg("count", rows)
                    .arg("stray", stray.as_ref().map_or("", |(name, _)| name.as_str()))
                    .arg("link", link)
                    .arg("mark", mark)
                    .arg("fix", fix),
            );
            reported.push((parent, field, file));
        }
        reported
    }

    /// Reports the columns tables lack, once a table (E1107): at a header that is a near
    /// spelling of one (that header is not reported again as unknown), else at the start of
    /// the header. Then the other headers no field took (W1101). Hands back the fields
    /// reported, for binding not to report them at every row.
    fn columns(&mut self) -> ColumnsReported {
        let mut unknown = std::mem::take(&mut self.unknown);
        let mut reported = Vec::new();
        for (&(file, entity, field), (column, rows)) in &self.absent {
            let def = &self.model.entities[entity];
            let label = def.fields[field].label.as_deref();
            // A header of this table written for this column: near its name or its label.
            // (Or the label cut short: `户数` for `户数（常住户）`.)
            let misspelt = unknown.iter().position(|(_, header, span)| {
                let short = header.chars().count() >= 2 && label.is_some_and(|l| l.starts_with(header.as_str()));
                span.file == file
                    && (short || did_you_mean(header, std::iter::once(column.as_str()).chain(label)).is_some())
            });
            let header = misspelt.map(|i| unknown.remove(i));
            let table = self.tables.iter().find(|(_, t)| t.file == file);
            let start = table.and_then(|(_, t)| t.headers.first()).map_or(Span::new(file, 0, 0), |(_, s)| *s);
            let (span, mark, fix) = match &header {
                Some((_, _, span)) => (*span, "@E1107.misspelt", "@E1107.rename"),
                None => {
                    (Span::new(file, start.start as usize, start.start as usize + 1), "@E1107.absent", "@E1107.add")
                }
            };
            self.diagnostics.push(
                Diagnostic::new(Code::MissingColumn, span)
                    .arg("table", table.map_or("", |(name, _)| name.as_str()))
                    .arg("field", column)
                    .arg_in("label", super::bind::labelled(label))
                    .arg("count", rows)
                    .arg("header", header.as_ref().map_or("", |(_, h, _)| h.as_str()))
                    .arg("mark", mark)
                    .arg("fix", fix),
            );
            reported.push((entity, field, file));
        }
        for (entity, header, span) in unknown {
            let def = &self.model.entities[entity];
            // A field's column twice, once by its key and once by its label: as for a column
            // repeated under one name (its values would be ignored without a word).
            let field = def.fields.iter().find(|f| f.name == header || f.label.as_deref() == Some(header.as_str()));
            if let Some(field) = field {
                let table = self.tables.values().find(|t| t.file == span.file);
                let names = |h: &str| h == field.name || Some(h) == field.label.as_deref();
                let first = table.and_then(|t| t.headers.iter().find(|(h, s)| *s != span && names(h)));
                let mut d = Diagnostic::new(Code::CsvSyntax, span)
                    .arg("problem", "@csv.duplicate_field")
                    .arg("column", &header)
                    .arg("field", &field.name)
                    .arg("fix", "@csv.fix_duplicate");
                if let Some((_, first)) = first {
                    d = d.with(*first, "related");
                }
                self.diagnostics.push(d);
                continue;
            }
            let suggestion = did_you_mean(&header, def.fields.iter().map(|f| f.name.as_str()));
            self.diagnostics.push(
                Diagnostic::new(Code::UnknownField, span)
                    .arg("field", &header)
                    .arg("entity", &def.name)
                    .suggest(suggestion),
            );
        }
        reported
    }

    /// The entries of `entity`'s scalar fields and flattened nested records, taking the
    /// columns it uses out of `columns`.
    fn flattened(
        &mut self,
        entity: EntityId,
        prefix: &str,
        row: &Row,
        columns: &mut BTreeMap<&str, (usize, Span)>,
    ) -> Vec<Entry<'static>> {
        let def = &self.model.entities[entity];
        let mut entries = Vec::new();
        for (f, field) in def.fields.iter().enumerate() {
            let name = format!("{prefix}{}", field.name);
            if let Ty::Record(child) = field.ty {
                // A record that has a table of its own, with neither that table nor a column of
                // it here: the table is missing (once), not each of its columns.
                let own_table = self.schema.children[entity].iter().any(|&(_, c, _)| c == child);
                let dotted = format!("{name}.");
                if own_table
                    && !self.tables.contains_key(&self.model.entities[child].name)
                    && !columns.keys().any(|h| h.starts_with(&dotted))
                {
                    self.missing_tables.entry(child).or_insert((entity, f, row.span.file, 0)).3 += 1;
                    continue;
                }
                if !self.tables.contains_key(&self.model.entities[child].name) {
                    let inner = self.flattened(child, &format!("{name}."), row, columns);
                    if !inner.is_empty() {
                        let span = inner[0].key_span;
                        entries.push(Entry {
                            key: field.name.clone().into(),
                            key_span: span,
                            value: Node::new(Value::Map(inner), row.span),
                        });
                    }
                }
                continue;
            }
            if matches!(&field.ty, Ty::List(inner) if matches!(**inner, Ty::Record(_))) {
                continue;
            }
            let label = field.label.as_deref().map(|l| format!("{prefix}{l}"));
            let column = columns
                .keys()
                .copied()
                .find(|h| *h == name || label.as_deref() == Some(*h))
                .and_then(|h| columns.remove(h).map(|c| (h, c)));
            let Some((_, (index, header_span))) = column else {
                // No column for a field every record must give: the table lacks it.
                if !field.optional {
                    self.absent.entry((row.span.file, entity, f)).or_insert((name, 0)).1 += 1;
                }
                continue;
            };
            let Some(Cell { text, span, quoted }) = row.cells.get(index) else { continue };
            let given = !text.is_empty() || (*quoted && matches!(field.ty, Ty::Text | Ty::List(_)));
            if !given {
                // An empty cell is a null where the field may be null, and one that binding
                // reports at the cell where the field must have a value.
                if field.nullable || !field.optional {
                    entries.push(Entry {
                        key: field.name.clone().into(),
                        key_span: header_span,
                        value: Node::new(Value::Null, *span),
                    });
                }
                continue;
            }
            let value = typed_cell(&field.ty, text, *span);
            entries.push(Entry { key: field.name.clone().into(), key_span: *span, value });
        }
        entries
    }
}

/// The value of a column in a row.
fn cell<'t>(table: &'t Table, row: &'t Row, column: &str) -> Option<(&'t str, Span)> {
    let index = table.headers.iter().position(|(h, _)| h == column)?;
    row.cells.get(index).map(|c| (c.text.as_str(), c.span))
}

/// The column that links a child row to its `parent` row: `PARENT.KEY`.
pub fn link_column(model: &Model, parent: EntityId) -> Option<String> {
    let def = &model.entities[parent];
    def.key.map(|k| format!("{}.{}", def.name, def.fields[k].name))
}

/// A cell as a value of the field's type: numbers and yes/no where they parse, text otherwise
/// (so that binding reports a wrong type at the cell).
fn typed_cell(ty: &Ty, text: &str, span: Span) -> Node<'static> {
    let value = match ty {
        // A number too precise to hold is still a number: binding says so at the cell.
        Ty::Count(_) | Ty::Decimal(_) | Ty::Percent
            if matches!(super::bind::parse_number(text), Ok(_) | Err(super::bind::Inexact::TooPrecise)) =>
        {
            Value::Number(text.to_string().into())
        }
        Ty::Bool => match text {
            "true" | "TRUE" | "True" | "是" => Value::Bool(true),
            "false" | "FALSE" | "False" | "否" => Value::Bool(false),
            _ => Value::Text(text.to_string().into()),
        },
        Ty::List(inner) => match json_list(text, span) {
            Some(items) => Value::List(
                items
                    .into_iter()
                    .map(|item| match item.value {
                        Value::Text(t) => typed_cell(inner, &t, span),
                        other => Node::new(other, span),
                    })
                    .collect(),
            ),
            None => Value::List(split_list(text, span).into_iter().map(|(t, s)| typed_cell(inner, &t, s)).collect()),
        },
        _ => Value::Text(text.to_string().into()),
    };
    Node::new(value, span)
}

/// The items of a list cell written as a JSON array (`["含；的项", " 有空格 "]`): the form
/// `convert` writes when an item holds a separator, spaces at its ends, or starts with `[`.
fn json_list(text: &str, span: Span) -> Option<Vec<Node<'static>>> {
    if !text.trim_start().starts_with('[') {
        return None;
    }
    let node = super::json_fast::parse(span.file, text, 2)?;
    match node.value {
        Value::List(items) if items.iter().all(|i| !matches!(i.value, Value::List(_) | Value::Map(_))) => {
            Some(items.into_iter().map(Node::into_owned).collect())
        }
        _ => None,
    }
}

/// The parts of a `;`-separated cell (`；` too), with their spans.
fn split_list(text: &str, span: Span) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    let mut start = 0;
    let base = span.start as usize;
    let separators = text.match_indices([';', '；']).map(|(i, sep)| (i, sep.len())).chain([(text.len(), 0)]);
    for (end, len) in separators {
        let part = &text[start..end];
        let trimmed = part.trim();
        if !trimmed.is_empty() {
            let lead = start + (part.len() - part.trim_start().len());
            out.push((trimmed.to_string(), Span::new(span.file, base + lead, base + lead + trimmed.len())));
        }
        start = end + len;
    }
    out
}
