//! "Did you mean": the one helper that picks the closest known name for a misspelt one, used
//! for fields, entities, rules, departments, units and every other kind of name.

/// The candidate closest to `wrong`, if it is close enough to be a likely misspelling.
pub fn did_you_mean<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let wrong_len = wrong.chars().count();
    let limit = (wrong_len / 3).max(1);
    // Among equally close names, one that begins with what was written wins (`万` → `万人`).
    // No two names differ by fewer edits than their lengths do: a name far longer or shorter
    // (a key of a megabyte) is not compared at all.
    candidates
        .into_iter()
        .filter(|c| *c != wrong && c.chars().count().abs_diff(wrong_len) <= limit + 1)
        .map(|c| (distance(wrong, c), !c.starts_with(wrong), c))
        .filter(|(d, _, c)| *d <= limit || (*d <= limit + 1 && c.chars().count() > 6))
        .min()
        .map(|(_, _, c)| c.to_string())
}

/// Edit distance that counts a swap of neighbours as one edit, over characters (so a wrong
/// Chinese character counts once).
fn distance(a: &str, b: &str) -> usize {
    strsim::damerau_levenshtein(a, b)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn finds_close_names() {
        let names = ["households", "resident_population", "has_police_office"];
        assert_eq!(did_you_mean("houshold", names).as_deref(), Some("households"));
        assert_eq!(did_you_mean("has_polise_office", names).as_deref(), Some("has_police_office"));
        assert_eq!(did_you_mean("zzz", names), None);
    }

    #[test]
    fn works_on_chinese_names() {
        let names = ["市民政局", "市公安局", "各区人民政府"];
        assert_eq!(did_you_mean("市民正局", names).as_deref(), Some("市民政局"));
    }

    #[test]
    fn prefers_a_name_that_starts_with_the_typo() {
        assert_eq!(did_you_mean("万", ["%", "万人", "人"]).as_deref(), Some("万人"));
    }
}
