//! "Did you mean": the one helper that picks the closest known name for a misspelt one, used
//! for fields, entities, rules, departments, units and every other kind of name.

/// The candidate closest to `wrong`, if it is close enough to be a likely misspelling.
pub fn did_you_mean<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let wrong_len = wrong.chars().count();
    let limit = (wrong_len / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != wrong)
        .map(|c| (distance(wrong, c), c))
        .filter(|(d, c)| *d <= limit || (*d <= limit + 1 && c.chars().count() > 6))
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c.to_string())
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
}
