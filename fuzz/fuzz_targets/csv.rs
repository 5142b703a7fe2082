//! CSV tables: one table of the example replaced by the fuzzer's bytes (any encoding), loaded
//! and judged. The first byte picks the table.
#![no_main]
libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    if let Some((&pick, table)) = bytes.split_first() {
        plancheck_fuzz::csv(pick, table);
    }
});
