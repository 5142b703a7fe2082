//! Where a comma not in quotes split one cell of a CSV row in two (`3,150` for a number with a
//! thousands separator, `鑫港园,社区` for a name): the row has a cell too many, and the cells
//! after the split stop fitting their columns. The columns' shapes are learnt from the rows of
//! the table that have the header's length; the split is where joining cells back makes the row
//! fit them best — and only where one place does.

/// What a cell holds, as far as telling columns apart goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Number,
    Truth,
    Text,
}

/// The shape of a cell's text; `None` for an empty cell (it fits any column).
fn shape(text: &str) -> Option<Shape> {
    let text = text.trim();
    if text.is_empty() {
        None
    } else if super::bind::parse_number(text).is_ok() || grouped_number(text).is_some() {
        Some(Shape::Number)
    } else if super::bind::is_yes_or_no(text) {
        Some(Shape::Truth)
    } else {
        Some(Shape::Text)
    }
}

/// The shape every non-empty cell of each column has in `rows` (each of the header's length);
/// `None` for a column whose cells differ or are all empty.
pub fn column_shapes<'t>(rows: impl Iterator<Item = Vec<&'t str>>, width: usize) -> Vec<Option<Shape>> {
    // `None`: no cell seen yet; `Some(None)`: cells of different shapes.
    let mut seen: Vec<Option<Option<Shape>>> = vec![None; width];
    for row in rows {
        for (column, text) in seen.iter_mut().zip(row) {
            if let Some(s) = shape(text) {
                *column = match *column {
                    None => Some(Some(s)),
                    Some(Some(t)) if t == s => Some(Some(s)),
                    Some(_) => Some(None),
                };
            }
        }
    }
    seen.into_iter().map(Option::flatten).collect()
}

/// The first of the `extra + 1` cells of `row` that were one cell, where joining them (with the
/// commas that split them) makes the row fit the shapes of `columns` best — and, between places
/// that fit as well, makes a number with thousands separators in a column of numbers; `None`
/// where another place is as good or none is better than the end of the row.
pub fn split_at(row: &[&str], columns: &[Option<Shape>], extra: usize) -> Option<usize> {
    if row.len() != columns.len() + extra {
        return None;
    }
    let score = |at: usize| {
        let joined = row[at..=at + extra].join(",");
        let grouped = grouped_number(&joined).is_some() && columns[at] == Some(Shape::Number);
        let before = row[..at].iter().copied();
        let cells = before.chain(std::iter::once(joined.as_str())).chain(row[at + extra + 1..].iter().copied());
        let misfits =
            cells.zip(columns).filter(|(text, column)| matches!((shape(text), column), (Some(s), Some(c)) if s != *c));
        (misfits.count(), !grouped)
    };
    let scores: Vec<(usize, bool)> = (0..columns.len()).map(score).collect();
    let best = *scores.iter().min()?;
    let mut at = scores.iter().enumerate().filter(|(_, s)| **s == best).map(|(i, _)| i);
    let first = at.next()?;
    // The end of the row (the cells too many taken as extra) is the reading without a split.
    let at_end = scores.last().copied().unwrap_or(best);
    (at.next().is_none() && best < at_end).then_some(first)
}

/// A number written with thousands separators, without them: `3,150` → `3150`,
/// `1,111,534.5` → `1111534.5`.
pub fn grouped_number(text: &str) -> Option<String> {
    let (whole, fraction) = text.split_once('.').map_or((text, None), |(w, f)| (w, Some(f)));
    let mut groups = whole.split(',');
    let first = groups.next()?;
    let digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    let rest: Vec<&str> = groups.collect();
    let ok = !rest.is_empty()
        && digits(first)
        && first.len() <= 3
        && rest.iter().all(|g| g.len() == 3 && digits(g))
        && fraction.is_none_or(digits);
    ok.then(|| {
        let mut out: String = std::iter::once(first).chain(rest).collect();
        if let Some(f) = fraction {
            out.push('.');
            out.push_str(f);
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_with_thousands_separators_are_read_as_such() {
        assert_eq!(grouped_number("3,150").as_deref(), Some("3150"));
        assert_eq!(grouped_number("1,111,534.5").as_deref(), Some("1111534.5"));
        assert_eq!(grouped_number("3150"), None);
        assert_eq!(grouped_number("31,50"), None);
        assert_eq!(grouped_number("3,150,"), None);
        assert_eq!(grouped_number("a,150"), None);
    }

    #[test]
    fn the_split_is_where_the_cells_fit_their_columns_again() {
        use Shape::*;
        let columns = [Some(Number), Some(Text), Some(Number), Some(Number), Some(Truth)];
        assert_eq!(split_at(&["1", "甲", "3", "150", "8400", "true"], &columns, 1), Some(2));
        assert_eq!(split_at(&["1", "甲", "乙", "3150", "8400", "true"], &columns, 1), Some(1));
        // Two numbers run together fit the numeric columns anywhere among them: no one place.
        let numbers = [Some(Number), Some(Number), Some(Number)];
        assert_eq!(split_at(&["1", "2", "3", "4"], &numbers, 1), None);
    }
}
