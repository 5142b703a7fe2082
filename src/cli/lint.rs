//! `plancheck lint`: checks the rules without any data; exit 0 when clean (warnings allowed),
//! 2 when any error was found.

use std::path::Path;

use super::{OK, open, report};
use crate::diagnostics::Lang;

pub fn run(path: &Path, lang: Lang) -> u8 {
    open(path, lang).and_then(|set| report(&set, lang)).map_or_else(|code| code, |()| OK)
}
