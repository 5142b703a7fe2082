//! The commands of the `plancheck` binary, one module each. Each returns the process exit
//! code: 0 success, 1 a finding (a failed check, an unformatted file), 2 unusable input.

pub mod check;
pub mod convert;
pub mod doc;
pub mod explain;
pub mod fmt;
pub mod generate;
pub mod graph;
pub mod lint;
pub mod lsp;
pub mod progress;
pub mod test;
pub mod usage;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Lang, catalog, render};
use crate::load::{self, RuleSet};

/// Exit code: the run found nothing wrong.
pub const OK: u8 = 0;
/// Exit code: the run worked and found something (a failure, an unformatted file).
pub const FINDING: u8 = 1;
/// Exit code: the input could not be used.
pub const UNUSABLE: u8 = 2;

/// The rules to use: the given path, else the `rules/` directory of the working directory,
/// else the rules shipped inside the binary (unpacked once per version).
pub fn rules_path(given: Option<PathBuf>) -> PathBuf {
    given.unwrap_or_else(|| {
        let local = PathBuf::from("rules");
        if local.is_dir() {
            return local;
        }
        let home = crate::shipped::home();
        crate::shipped::unpack(&home).unwrap_or(home)
    })
}

/// Loads a rule set (parsed on `threads` threads); when it cannot be read, says why and gives
/// the exit code.
pub fn open(path: &Path, lang: Lang, threads: usize) -> Result<RuleSet, u8> {
    load::load(path, threads).map_err(|e| {
        let args = [("path", path.display().to_string()), ("reason", io_reason(lang, &e))];
        complain_line(&catalog::text(lang, "cli.unreadable", &args).unwrap_or_default());
        UNUSABLE
    })
}

/// Prints a line on standard output: a reader that stopped early (`| head -1`) or a full disk
/// loses the line, never the run (no panic, the exit code still says how it went).
pub fn say(line: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// Writes on standard error: a standard error that is closed (`2>&1 | head`) loses the text,
/// never the run (no panic: the exit code still says how it went).
pub fn complain(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// A line on standard error, as [`complain`] writes.
pub fn complain_line(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// The items of a list option as people type them (`--district '120103, 河西区'`, a
/// full-width comma `，` too): each trimmed, the empty ones left out.
pub fn listed(items: Vec<String>) -> Vec<String> {
    let items = items.iter().flat_map(|item| item.split('，')).map(str::trim);
    items.filter(|item| !item.is_empty()).map(String::from).collect()
}

/// Writes a report to standard output or to a file. A reader of standard output that stops
/// early (`| head`) is no error.
pub fn emit(text: &str, output: Option<&Path>, lang: Lang) -> Result<(), u8> {
    written(self::output(output, &[], |out| out.write_all(text.as_bytes())), output, lang)
}

/// Runs `write` on a buffered standard output, or on a new file that replaces `path` only once
/// it is whole: a full disk or an interrupted run leaves the previous report in place. The new
/// file is not forced to disk before it replaces the old one (a report can be made again, and
/// forcing took 2.5 s of a 7 s run at 10× Tianjin, longer than writing it). A path
/// that is not a file (`/dev/null`, a pipe, a terminal) or is a device path (`/dev/stdout`,
/// which may stand for a file) is written to as it is, never replaced.
/// A path that is one of the `inputs` is refused: a report never overwrites what it reports on.
/// `-` is standard output; a link is written through (its target replaced, the link kept).
pub fn output(
    path: Option<&Path>,
    inputs: &[PathBuf],
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let target = path.filter(|p| *p != Path::new("-")).map(through_links);
    let Some(path) = target.as_deref() else {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        write(&mut out)?;
        return out.flush();
    };
    refuse_input(path, inputs)?;
    let device = path.starts_with("/dev") || path.starts_with("/proc/self/fd");
    if std::fs::metadata(path).is_ok_and(|m| device || (!m.is_file() && !m.is_dir())) {
        let mut out = std::io::BufWriter::new(std::fs::OpenOptions::new().write(true).open(path)?);
        write(&mut out)?;
        return out.flush();
    }
    let name = path.file_name().map_or_else(|| "report".into(), |n| n.to_string_lossy().into_owned());
    let partial = path.with_file_name(format!(".{name}.{}.partial", std::process::id()));
    let result = (|| {
        let file = std::fs::OpenOptions::new().write(true).create_new(true).open(&partial)?;
        let mut out = std::io::BufWriter::new(file);
        write(&mut out)?;
        out.flush()?;
        drop(out);
        std::fs::rename(&partial, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

/// The file a path names: itself, or what the link it is points to (a link that points
/// nowhere yet: where it points), so that a report written there keeps the link.
fn through_links(path: &Path) -> PathBuf {
    let mut at = path.to_path_buf();
    // A chain of links, not a loop of them.
    for _ in 0..40 {
        match std::fs::read_link(&at) {
            Ok(to) => at = at.parent().map_or(to.clone(), |dir| dir.join(&to)),
            Err(_) => break,
        }
    }
    at
}

/// An output path that is one of the inputs, or inside one, is refused: writing it would
/// destroy what the output is made from.
pub fn refuse_input(path: &Path, inputs: &[PathBuf]) -> std::io::Result<()> {
    let same = |input: &PathBuf| match (std::fs::canonicalize(input), std::fs::canonicalize(path)) {
        (Ok(a), Ok(b)) => a == b || b.starts_with(a),
        _ => false,
    };
    if inputs.iter().any(same) { Err(std::io::Error::other("@io.output_is_input")) } else { Ok(()) }
}

/// Why a file could not be read or written, in the user's language where the catalogs have
/// words for it.
pub fn io_reason(lang: Lang, e: &std::io::Error) -> String {
    render::localize(lang, &crate::check::io_reason(e), &[])
}

/// The exit code of a failed write, said on standard error; a reader of standard output that
/// stopped early (`| head`) has what it wanted.
pub fn written(result: std::io::Result<()>, output: Option<&Path>, lang: Lang) -> Result<(), u8> {
    match result {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            let path = output.map_or("-".to_string(), |p| p.display().to_string());
            // What stops a write: a directory that is not there (not the file, which is to
            // be made), no permission to write (not to read).
            let missing = output.and_then(Path::parent).filter(|d| !d.as_os_str().is_empty() && !d.exists());
            let reason = match (e.kind(), missing) {
                (std::io::ErrorKind::NotFound, Some(dir)) => {
                    catalog::text(lang, "io.no_directory", &[("dir", dir.display().to_string())])
                }
                (std::io::ErrorKind::PermissionDenied, _) => catalog::text(lang, "io.no_write_permission", &[]),
                _ => None,
            };
            let params = [("path", path), ("reason", reason.unwrap_or_else(|| io_reason(lang, &e)))];
            complain_line(&catalog::text(lang, "cli.unwritable", &params).unwrap_or_default());
            Err(UNUSABLE)
        }
        _ => Ok(()),
    }
}

/// Prints a rule set's diagnostics and their tally to standard error; `Err` holds the exit
/// code when there are errors.
pub fn report(set: &RuleSet, lang: Lang) -> Result<(), u8> {
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "{}", render::render_all(&set.diagnostics.0, &set.sources, lang));
    let (errors, warnings) = (set.diagnostics.error_count(), set.diagnostics.warning_count());
    if errors + warnings > 0 {
        let _ = writeln!(err, "{}", summary(lang, errors, warnings));
    }
    if errors > 0 { Err(UNUSABLE) } else { Ok(()) }
}

/// The one-line tally printed after diagnostics.
pub fn summary(lang: Lang, errors: usize, warnings: usize) -> String {
    catalog::text(lang, "cli.summary", &[("errors", errors.to_string()), ("warnings", warnings.to_string())])
        .unwrap_or_default()
}
