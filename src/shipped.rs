//! The rules shipped with plancheck, inside the binary: a copy of `plancheck` on another
//! machine still has the Tianjin plan. When neither `--rules` nor a `rules/` directory of the
//! working directory is there, they are written once to a directory of their own (per
//! version) and read from there like any rule set.

use std::path::{Path, PathBuf};

/// Every file of `rules/`, by name.
pub const FILES: &[(&str, &str)] = &[
    ("00-plan.rules", include_str!("../rules/00-plan.rules")),
    ("01-model.rules", include_str!("../rules/01-model.rules")),
    ("02-consistency.rules", include_str!("../rules/02-consistency.rules")),
    ("10-participation.rules", include_str!("../rules/10-participation.rules")),
    ("20-facilities.rules", include_str!("../rules/20-facilities.rules")),
    ("30-service-supply.rules", include_str!("../rules/30-service-supply.rules")),
    ("40-mechanisms.rules", include_str!("../rules/40-mechanisms.rules")),
    ("50-safeguards.rules", include_str!("../rules/50-safeguards.rules")),
    ("plan.txt", include_str!("../rules/plan.txt")),
];

/// The shipped rules on disk: written into `dir` (each file replaced only once whole) unless
/// they are there already, as this version has them.
pub fn unpack(dir: &Path) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    for (name, text) in FILES {
        let path = dir.join(name);
        if std::fs::read_to_string(&path).is_ok_and(|on_disk| on_disk == *text) {
            continue;
        }
        let partial = dir.join(format!(".{name}.{}.partial", std::process::id()));
        std::fs::write(&partial, text)?;
        std::fs::rename(&partial, &path)?;
    }
    Ok(dir.to_path_buf())
}

/// Where this version's shipped rules are unpacked.
pub fn home() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME").map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
    base.join(format!("plancheck-{}", env!("CARGO_PKG_VERSION"))).join("rules")
}
