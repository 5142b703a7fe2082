//! `plancheck lint`: checks the rules without any data; exit 0 when clean (warnings allowed),
//! 2 when any error was found.

use std::path::Path;

use super::{OK, open, report, summary};
use crate::diagnostics::Lang;

pub fn run(path: &Path, lang: Lang) -> u8 {
    let set = match open(path, lang, crate::parallel::threads()) {
        Ok(set) => set,
        Err(code) => return code,
    };
    match report(&set, lang) {
        Ok(()) if set.diagnostics.0.is_empty() => {
            super::complain_line(&summary(lang, 0, 0));
            OK
        }
        Ok(()) => OK,
        Err(code) => code,
    }
}
