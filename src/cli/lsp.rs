//! `plancheck lsp`: the language server over standard input and output, until the editor
//! says `exit`. Exit 0 after a clean shutdown, 2 when the protocol breaks.

use super::{OK, UNUSABLE};
use crate::diagnostics::Lang;

pub fn run(lang: Lang) -> u8 {
    let (connection, threads) = lsp_server::Connection::stdio();
    let served = crate::lsp::serve(&connection, lang);
    drop(connection);
    match (served, threads.join()) {
        (Ok(()), Ok(())) => OK,
        (Err(e), _) => {
            super::complain_line(&format!("plancheck lsp: {e}"));
            UNUSABLE
        }
        (_, Err(e)) => {
            super::complain_line(&format!("plancheck lsp: {e}"));
            UNUSABLE
        }
    }
}
