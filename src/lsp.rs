//! The language server (`plancheck lsp`, over standard input and output): the editor support
//! for people who write rules. As they type, the whole rule set that a file belongs to (every
//! `.rules` file of its directory, open ones as in the editor) is parsed and checked, and every
//! diagnostic is published at its place, with its second places as related information. Hover
//! shows what a name means — a field's label, type and unit, a metric's formula, a rule's plan
//! sentence, kind and departments, a parameter's default —, go to definition finds where it is
//! declared, references where it is used, completion offers the names that fit where the
//! cursor is, the outline lists a file's items, and formatting is `plancheck fmt`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use lsp_server::{Connection, Message, Notification, Request, Response};
use serde_json::{Value, json};

use crate::check::model::Model;
use crate::diagnostics::{Lang, render};
use crate::load::{self, RuleSet};
use crate::source::{FileId, SourceMap, Span};

/// Serves one editor until it says `exit`.
pub fn serve(connection: &Connection, lang: Lang) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let capabilities = json!({
        "textDocumentSync": 1,
        "hoverProvider": true,
        "definitionProvider": true,
        "referencesProvider": true,
        "documentSymbolProvider": true,
        "completionProvider": {"triggerCharacters": ["."]},
        "documentFormattingProvider": true,
    });
    connection.initialize(capabilities)?;
    let mut server = Server { lang, open: HashMap::new(), published: Vec::new(), set: None };
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request)? {
                    return Ok(());
                }
                let result = server.request(&request);
                connection.sender.send(Message::Response(Response { id: request.id, result, error: None }))?;
            }
            Message::Notification(note) => {
                for published in server.notification(&note) {
                    connection.sender.send(Message::Notification(published))?;
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(())
}

/// What the server knows: the open documents and the last check of their rule set.
struct Server {
    lang: Lang,
    /// Open documents by URI, with their text as in the editor.
    open: HashMap<String, String>,
    /// The URIs diagnostics were last published for (to clear those that have none now).
    published: Vec<String>,
    /// The rule set last checked, with the URI of each of its files.
    set: Option<(RuleSet, HashMap<FileId, String>)>,
}

impl Server {
    fn notification(&mut self, note: &Notification) -> Vec<Notification> {
        let params = &note.params;
        let uri = params["textDocument"]["uri"].as_str().unwrap_or_default().to_string();
        match note.method.as_str() {
            "textDocument/didOpen" => {
                let text = params["textDocument"]["text"].as_str().unwrap_or_default().to_string();
                self.open.insert(uri.clone(), text);
            }
            "textDocument/didChange" => {
                // Full synchronisation: the last change holds the whole text.
                if let Some(text) =
                    params["contentChanges"].as_array().and_then(|c| c.last()).and_then(|c| c["text"].as_str())
                {
                    self.open.insert(uri.clone(), text.to_string());
                }
            }
            "textDocument/didClose" => {
                self.open.remove(&uri);
            }
            "textDocument/didSave" => {}
            _ => return Vec::new(),
        }
        self.check(&uri)
    }

    /// Checks the rule set `uri` belongs to and publishes the diagnostics of all its files.
    fn check(&mut self, uri: &str) -> Vec<Notification> {
        let Some(path) = path_of(uri) else { return Vec::new() };
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut files = load::rule_files(&dir).unwrap_or_default();
        if !files.contains(&path) {
            files.push(path.clone());
        }
        let mut sources = SourceMap::new();
        let mut uris = HashMap::new();
        for file in &files {
            let file_uri = uri_of(file);
            let text = match self.open.get(&file_uri) {
                Some(text) => text.clone(),
                None => std::fs::read_to_string(file).unwrap_or_default(),
            };
            let id = sources.add(load::display_name(file), file, text);
            uris.insert(id, file_uri);
        }
        let set = load::from_sources(sources, crate::parallel::threads());
        let mut by_file: HashMap<String, Vec<Value>> = uris.values().map(|u| (u.clone(), Vec::new())).collect();
        for d in &set.diagnostics.0 {
            let Some(file_uri) = uris.get(&d.primary.file) else { continue };
            let texts = render::texts(d, self.lang);
            let message = match &texts.help {
                Some(help) => format!("{}\n{help}", texts.message),
                None => texts.message.clone(),
            };
            let related: Vec<Value> = d
                .secondary
                .iter()
                .zip(&texts.secondary)
                .filter_map(|((span, _), text)| {
                    let u = uris.get(&span.file)?;
                    Some(json!({"location": {"uri": u, "range": range(set.sources.get(span.file).held().unwrap_or_default(), *span)}, "message": text}))
                })
                .collect();
            let severity = if d.is_error() { 1 } else { 2 };
            let diagnostic = json!({
                "range": range(set.sources.get(d.primary.file).held().unwrap_or_default(), d.primary),
                "severity": severity,
                "code": d.code.code(),
                "source": "plancheck",
                "message": message,
                "relatedInformation": related,
            });
            by_file.entry(file_uri.clone()).or_default().push(diagnostic);
        }
        // A file that had diagnostics and has none now is told so.
        for old in std::mem::take(&mut self.published) {
            by_file.entry(old).or_default();
        }
        self.published = by_file.iter().filter(|(_, list)| !list.is_empty()).map(|(u, _)| u.clone()).collect();
        self.set = Some((set, uris));
        by_file
            .into_iter()
            .map(|(u, list)| {
                Notification::new("textDocument/publishDiagnostics".to_string(), json!({"uri": u, "diagnostics": list}))
            })
            .collect()
    }

    fn request(&mut self, request: &Request) -> Option<Value> {
        let params = &request.params;
        let uri = params["textDocument"]["uri"].as_str().unwrap_or_default().to_string();
        match request.method.as_str() {
            "textDocument/formatting" => {
                let text = self.open.get(&uri)?;
                let formatted = crate::fmt::format(FileId(0), text).ok()?;
                let lines = text.lines().count() as u32 + 1;
                Some(
                    json!([{"range": {"start": {"line": 0, "character": 0}, "end": {"line": lines, "character": 0}}, "newText": formatted}]),
                )
            }
            "textDocument/documentSymbol" => {
                let text = self.open.get(&uri)?;
                let parsed = crate::syntax::parse_file(FileId(0), text);
                let symbols: Vec<Value> = parsed.ast.items.iter().map(|item| symbol(text, item)).collect();
                Some(Value::Array(symbols))
            }
            "textDocument/completion" => {
                let text = self.open.get(&uri)?.clone();
                if self.set.as_ref().is_none_or(|(_, uris)| !uris.values().any(|u| *u == uri)) {
                    self.check(&uri);
                }
                let (set, _) = self.set.as_ref()?;
                let offset = offset(&text, &params["position"])?;
                Some(Value::Array(completions(&set.checked.model, &text, offset)))
            }
            "textDocument/references" => {
                if self.set.as_ref().is_none_or(|(_, uris)| !uris.values().any(|u| *u == uri)) {
                    self.check(&uri);
                }
                let (set, uris) = self.set.as_ref()?;
                let (file, _) = uris.iter().find(|(_, u)| **u == uri)?;
                let source = set.sources.get(*file);
                let text = source.held()?;
                let word = word_at(text, offset(text, &params["position"])?)?;
                let name = word.rsplit('.').next().unwrap_or(word);
                let mut found = Vec::new();
                for (id, f) in set.sources.files() {
                    let Some(u) = uris.get(&id) else { continue };
                    let text = f.held().unwrap_or_default();
                    for at in occurrences(text, name) {
                        found.push(json!({"uri": u, "range": range(text, Span::new(id, at, at + name.len()))}));
                    }
                }
                Some(Value::Array(found))
            }
            "textDocument/hover" | "textDocument/definition" => {
                if self.set.as_ref().is_none_or(|(_, uris)| !uris.values().any(|u| *u == uri)) {
                    self.check(&uri);
                }
                let (set, uris) = self.set.as_ref()?;
                let (file, _) = uris.iter().find(|(_, u)| **u == uri)?;
                let source = set.sources.get(*file);
                let text = source.held()?;
                let offset = offset(text, &params["position"])?;
                let word = word_at(text, offset)?;
                let found = lookup(set, word, self.lang)?;
                match request.method.as_str() {
                    "textDocument/hover" => Some(json!({"contents": {"kind": "markdown", "value": found.text}})),
                    _ => {
                        let at = uris.get(&found.span.file)?;
                        Some(
                            json!({"uri": at, "range": range(set.sources.get(found.span.file).held().unwrap_or_default(), found.span)}),
                        )
                    }
                }
            }
            _ => None,
        }
    }
}

/// An item of a file as an outline entry: rules, metrics, entities, tests, departments.
fn symbol(text: &str, item: &crate::syntax::ast::Item) -> Value {
    use crate::syntax::ast::ItemKind;
    // LSP symbol kinds: 5 class, 6 method, 12 function, 13 variable, 14 constant, 23 struct.
    let (name, kind) = match &item.kind {
        ItemKind::Rule(r) => (format!("{} {}", r.id.text, r.title.value), 12),
        ItemKind::Metric(m) => (format!("{}.{}", m.entity.text, m.name.text), 6),
        ItemKind::Entity(e) => (e.name.text.clone(), 23),
        ItemKind::Test(t) => (t.name.value.clone(), 5),
        ItemKind::Department(d) => (d.name.text.clone(), 14),
        ItemKind::Area(a) => (a.name.text.clone(), 14),
        ItemKind::Unit(u) => (u.name.text.clone(), 14),
        ItemKind::Plan(p) => (p.title.value.clone(), 13),
    };
    let r = range(text, item.span);
    json!({"name": name, "kind": kind, "range": r, "selectionRange": r})
}

/// Where `name` stands as a whole identifier (not inside a longer one) in `text`.
fn occurrences(text: &str, name: &str) -> Vec<usize> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(name)
        .filter(|(at, _)| {
            let before = text[..*at].chars().next_back();
            let after = text[at + name.len()..].chars().next();
            !before.is_some_and(is_word) && !after.is_some_and(is_word)
        })
        .map(|(at, _)| at)
        .collect()
}

/// What may be written at `offset`: after `responsible`, the departments; after a unit's
/// number, the units; otherwise the fields and metrics of the entities the item is about
/// (`metric ENTITY.…`, `applies to …`), the item's parameters, and the keywords.
fn completions(model: &Model, text: &str, offset: usize) -> Vec<Value> {
    // The item being written: from the last line that starts one.
    let starts = ["rule ", "metric ", "consistency ", "entity ", "test ", "root entity "];
    let head = &text[..offset];
    let item_start = head
        .match_indices('\n')
        .map(|(i, _)| i + 1)
        .rfind(|&i| starts.iter().any(|s| head[i..].starts_with(s)))
        .unwrap_or(0);
    let item = &text[item_start..];
    let line = head.rsplit('\n').next().unwrap_or_default().trim_start();
    // LSP completion kinds: 5 field, 6 variable, 14 keyword, 21 constant, 3 function.
    let item_of = |label: &str, kind: u8, detail: &str| json!({"label": label, "kind": kind, "detail": detail});
    if line.starts_with("responsible") {
        return model.departments.iter().map(|d| item_of(&d.name, 21, d.english.as_deref().unwrap_or(""))).collect();
    }
    let mut entities: Vec<usize> = Vec::new();
    if let Some(rest) = item.strip_prefix("metric ") {
        let name = rest.split('.').next().unwrap_or_default();
        entities.extend(model.entity(name));
    }
    if let Some(at) = item.find("applies to ") {
        let names = item[at + "applies to ".len()..].lines().next().unwrap_or_default();
        let names = names.split(" where ").next().unwrap_or_default();
        entities.extend(names.split(',').filter_map(|n| model.entity(n.trim())));
    }
    let mut out = Vec::new();
    for &e in &entities {
        let def = &model.entities[e];
        for f in &def.fields {
            out.push(item_of(&f.name, 5, f.label.as_deref().unwrap_or("")));
        }
        for m in model.metrics.iter().filter(|m| m.entity == e) {
            out.push(item_of(&m.name, 6, m.title.as_deref().unwrap_or("")));
        }
    }
    if let Some(rule) =
        item.strip_prefix("rule ").and_then(|r| r.split_whitespace().next()).and_then(|id| model.rule(id))
    {
        for p in &model.rules[rule].params {
            out.push(item_of(&p.name, 6, p.description.as_deref().unwrap_or("")));
        }
    }
    for (english, chinese) in crate::syntax::keywords::TABLE {
        out.push(item_of(english, 14, chinese));
        out.push(item_of(chinese, 14, english));
    }
    for f in crate::check::FUNCTIONS.iter().chain(crate::check::AGGREGATES) {
        out.push(item_of(f, 3, ""));
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|v| seen.insert(v["label"].as_str().unwrap_or_default().to_string()));
    out
}

/// What a name is: its text for hover, and where it is declared.
struct Found {
    text: String,
    span: Span,
}

/// A rule id, metric, field or parameter named `word`, in that order.
fn lookup(set: &RuleSet, word: &str, lang: Lang) -> Option<Found> {
    let model: &Model = &set.checked.model;
    let english = lang == Lang::En;
    if let Some(rule) = model.rules.iter().find(|r| r.id == word) {
        let title =
            if english { rule.english.clone().unwrap_or_else(|| rule.title.clone()) } else { rule.title.clone() };
        let departments: Vec<String> = rule
            .departments
            .iter()
            .map(|&d| {
                let info = &model.departments[d];
                if english { info.english.clone().unwrap_or_else(|| info.name.clone()) } else { info.name.clone() }
            })
            .collect();
        let quotes: Vec<String> = rule.citations.iter().map(|c| format!("> {} «{}»", c.section, c.quote)).collect();
        let kind = match rule.kind {
            crate::check::model::Kind::Binding => "binding",
            crate::check::model::Kind::Expected => "expected",
        };
        let text =
            format!("**{}** — {title}\n\n`{kind}` · {}\n\n{}", rule.id, departments.join(", "), quotes.join("\n\n"));
        return Some(Found { text, span: rule.id_span });
    }
    let (entity, name) = word.rsplit_once('.').map_or((None, word), |(e, n)| (Some(e), n));
    let entity_matches = |e: usize| entity.is_none_or(|name| model.entities[e].name == name);
    // By identifier, or by the Chinese name a formula may use (a metric's title, a field's label).
    let named = |id: &str, chinese: Option<&str>| id == name || chinese == Some(name);
    if let Some(m) = model.metrics.iter().find(|m| named(&m.name, m.title.as_deref()) && entity_matches(m.entity)) {
        let unit = m.unit.as_ref().map_or(String::new(), |u| format!(": {u}"));
        let title = m.title.clone().unwrap_or_default();
        let formula =
            set.sources.get(m.expr.span.file).held().and_then(|t| t.get(m.expr.span.range())).unwrap_or_default();
        let text =
            format!("**metric** `{}.{}`{unit} — {title}\n\n```\n{formula}\n```", model.entities[m.entity].name, m.name);
        return Some(Found { text, span: m.span });
    }
    for (_, def) in model.entities.iter().enumerate().filter(|(e, _)| entity_matches(*e)) {
        if let Some(f) = def.fields.iter().find(|f| named(&f.name, f.label.as_deref())) {
            let label = f.label.clone().unwrap_or_default();
            let mut ty = render::localize(lang, crate::data::bind::type_name(&f.ty), &[]);
            if let Some(unit) = f.ty.unit().filter(|u| !u.is_one()) {
                ty.push_str(&format!(" {unit}"));
            }
            let optional = if f.optional { " · optional" } else { "" };
            let nullable = if f.nullable { " · null" } else { "" };
            let text = format!("**field** `{}.{}` — {label}\n\n{ty}{optional}{nullable}", def.name, f.name);
            return Some(Found { text, span: f.span });
        }
    }
    for rule in &model.rules {
        if let Some(p) = rule.params.iter().find(|p| p.name == name) {
            let default = p.default.map_or("no default".to_string(), |d| format!("default {d} {}", p.unit));
            let text = format!(
                "**parameter** `{}` of `{}` — {default}\n\n{}",
                p.name,
                rule.id,
                p.description.clone().unwrap_or_default()
            );
            return Some(Found { text, span: p.span });
        }
    }
    None
}

/// The name under the cursor: letters, digits, `_` and `.` (rule ids and `entity.field`).
fn word_at(text: &str, offset: usize) -> Option<&str> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
    let start = text[..offset]
        .rfind(|c: char| !is_word(c))
        .map_or(0, |i| i + text[i..].chars().next().map_or(1, char::len_utf8));
    let end = text[offset..].find(|c: char| !is_word(c)).map_or(text.len(), |i| offset + i);
    let word = text.get(start..end)?.trim_matches('.');
    (!word.is_empty()).then_some(word)
}

/// An LSP position (line, UTF-16 column) as a byte offset in the file.
fn offset(text: &str, position: &Value) -> Option<usize> {
    let line = usize::try_from(position["line"].as_u64()?).ok()?;
    let character = usize::try_from(position["character"].as_u64()?).ok()?;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let rest = text.get(start..)?;
    let mut units = 0;
    for (i, c) in rest.char_indices() {
        if units >= character || c == '\n' {
            return Some(start + i);
        }
        units += c.len_utf16();
    }
    Some(text.len())
}

/// A span as an LSP range (lines from 0, columns in UTF-16 code units).
fn range(text: &str, span: Span) -> Value {
    let at = |offset: usize| {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line = text[..line_start].matches('\n').count();
        let character: usize = text[line_start..offset].chars().map(char::len_utf16).sum();
        json!({"line": line, "character": character})
    };
    json!({"start": at(span.start as usize), "end": at(span.end as usize)})
}

/// The path of a `file://` URI.
fn path_of(uri: &str) -> Option<PathBuf> {
    let path = uri.strip_prefix("file://")?;
    let mut bytes = Vec::with_capacity(path.len());
    let raw = path.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        match (raw[i], raw.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok())) {
            (b'%', Some(byte)) => {
                bytes.push(byte);
                i += 3;
            }
            (b, _) => {
                bytes.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(bytes).ok().map(PathBuf::from)
}

/// The `file://` URI of a path, percent-encoded.
fn uri_of(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut uri = String::from("file://");
    for b in absolute.to_string_lossy().replace('\\', "/").bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => uri.push(b as char),
            _ => uri.push_str(&format!("%{b:02X}")),
        }
    }
    uri
}
