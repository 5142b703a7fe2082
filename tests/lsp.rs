//! `plancheck lsp` driven over standard input and output as an editor does: open a rule file
//! of a rule set, see its diagnostics as it is edited (and cleared when fixed), hover a field,
//! a metric and a rule, go to a definition, find references, list the outline, complete a name,
//! format the file, shut down.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use serde_json::{Value, json};

/// An editor's side of the connection.
struct Editor {
    child: Child,
    input: ChildStdin,
    messages: Receiver<Value>,
    next_id: u64,
}

impl Editor {
    fn start() -> Editor {
        let mut child = Command::new(env!("CARGO_BIN_EXE_plancheck"))
            .args(["--lang", "en", "lsp"])
            .current_dir(common::root())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server starts");
        let input = child.stdin.take().expect("stdin");
        let output = child.stdout.take().expect("stdout");
        let (send, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(output);
            loop {
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse().expect("a length");
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).expect("a body");
                if send.send(serde_json::from_slice(&body).expect("JSON")).is_err() {
                    return;
                }
            }
        });
        Editor { child, input, messages, next_id: 1 }
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.input, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("written");
        self.input.flush().expect("flushed");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.messages.recv_timeout(Duration::from_secs(60)).expect("an answer");
            if message["id"] == id {
                return message["result"].clone();
            }
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        loop {
            let message = self.messages.recv_timeout(Duration::from_secs(60)).expect("diagnostics");
            if message["method"] == "textDocument/publishDiagnostics" && message["params"]["uri"] == uri {
                return message["params"]["diagnostics"].as_array().cloned().unwrap_or_default();
            }
        }
    }
}

#[test]
fn an_editor_sees_diagnostics_hovers_jumps_and_formats() {
    // A copy of the shipped rules, so that the server reads a whole rule set from disk.
    let dir = common::rules_copy("lsp");
    let file = dir.join("10-participation.rules");
    let uri = format!("file://{}", file.display());
    let text = std::fs::read_to_string(&file).expect("read");

    let mut editor = Editor::start();
    editor.request("initialize", json!({"capabilities": {}}));
    editor.notify("initialized", json!({}));

    // A misspelt field as the author types it: E0101 on its line, with the right spelling.
    let broken = text.replacen("community_workers_total", "comunity_workers_total", 1);
    let line = broken.lines().position(|l| l.contains("comunity_workers_total")).expect("the line");
    editor.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "plancheck", "version": 1, "text": broken}}),
    );
    let found = editor.diagnostics(&uri);
    let d = found.iter().find(|d| d["code"] == "E0101").unwrap_or_else(|| panic!("E0101 in {found:?}"));
    assert_eq!(d["range"]["start"]["line"], line);
    assert!(d["message"].as_str().expect("message").contains("community_workers_total"), "{d}");

    // Fixed: the diagnostics are cleared.
    editor.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": text}]}),
    );
    assert_eq!(editor.diagnostics(&uri), Vec::<Value>::new());

    // Hover a field, a metric and a rule id.
    let position = |needle: &str| {
        let line = text.lines().position(|l| l.contains(needle)).expect("needle");
        let character = text.lines().nth(line).and_then(|l| l.find(needle)).expect("column") + 2;
        json!({"line": line, "character": text.lines().nth(line).map_or(0, |l| l[..character].encode_utf16().count())})
    };
    let hover = |editor: &mut Editor, needle: &str| {
        let at = position(needle);
        editor.request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": at}))["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let field = hover(&mut editor, "urban_resident_population * 10000");
    assert!(field.contains("**field**") && field.contains("district.urban_resident_population"), "{field}");
    let rule = hover(&mut editor, "staffing.workers_per_10k_urban \"");
    assert!(rule.contains("At least 18 community workers") && rule.contains("18人以上"), "{rule}");
    let metric = hover(&mut editor, "workers_per_10k_urban >= 18");
    assert!(metric.contains("**metric**") && metric.contains("* 10000"), "{metric}");

    // Go to the definition of a field declared in another file of the set.
    let at = position("urban_resident_population * 10000");
    let target = editor.request("textDocument/definition", json!({"textDocument": {"uri": uri}, "position": at}));
    assert!(target["uri"].as_str().expect("uri").ends_with("01-model.rules"), "{target}");

    // References of a field: where it is declared and where formulas read it, in every file.
    let at = position("urban_resident_population * 10000");
    let refs = editor.request("textDocument/references", json!({"textDocument": {"uri": uri}, "position": at}));
    let refs = refs.as_array().expect("locations");
    assert!(refs.iter().any(|r| r["uri"].as_str().is_some_and(|u| u.ends_with("01-model.rules"))), "{refs:?}");
    assert!(refs.iter().filter(|r| r["uri"] == uri.as_str()).count() >= 2, "{refs:?}");

    // The outline of the file lists its rules and metrics.
    let symbols = editor.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
    let names: Vec<&str> = symbols.as_array().expect("symbols").iter().filter_map(|s| s["name"].as_str()).collect();
    assert!(names.iter().any(|n| n.starts_with("staffing.workers_per_10k_urban ")), "{names:?}");
    assert!(names.contains(&"district.workers_per_10k_urban"), "{names:?}");

    // Completion inside a rule about communities offers their fields and metrics.
    let require = text.find("    require extra_workers").expect("the 4+N rule's require");
    let line = text[..require].matches('\n').count();
    let items = editor.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": 12}}),
    );
    let labels: Vec<&str> = items.as_array().expect("items").iter().filter_map(|i| i["label"].as_str()).collect();
    for expected in ["households", "community_workers_total", "extra_workers", "tolerance", "require"] {
        assert!(labels.contains(&expected), "{expected} in {labels:?}");
    }
    assert!(!labels.contains(&"urban_resident_population"), "a district's field is not a community's");

    // A formula may name a metric by its Chinese title: hover knows it too.
    let chinese = format!("{text}\nmetric police_station.草稿比例: % =\n    社区民警占警力比例\n");
    editor.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": chinese}]}),
    );
    let line = chinese.lines().position(|l| l.trim() == "社区民警占警力比例").expect("the line");
    let at = json!({"line": line, "character": 6});
    let metric = editor.request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": at}));
    let metric = metric["contents"]["value"].as_str().unwrap_or_default();
    assert!(metric.contains("police_station.community_officer_share"), "{metric}");

    // Formatting an unformatted file gives the canonical text.
    let messy = text.replacen("    applies to district, city", "  applies   to district,city", 1);
    editor.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 4}, "contentChanges": [{"text": messy}]}),
    );
    let edits = editor.request("textDocument/formatting", json!({"textDocument": {"uri": uri}, "options": {}}));
    assert_eq!(edits[0]["newText"], text.as_str());

    editor.request("shutdown", Value::Null);
    editor.notify("exit", Value::Null);
    let status = editor.child.wait().expect("the server ends");
    assert!(status.success());
}
