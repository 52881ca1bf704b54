//! What "case-insensitive" means in Gatehouse, in one function.
//!
//! Every case-insensitive comparison — a filter in SQL on either database,
//! a PATCH value filter in memory, the folded keys that make `userName`
//! and group names unique — folds text with [`fold`]: each character to
//! its Unicode *simple* lowercase mapping, one character for one, with no
//! context. That is what PostgreSQL's `lower()` does under a UTF-8 ctype
//! (checked when the store opens), and what SQLite's `lower()` does once
//! the store replaces the built-in, ASCII-only one with this function.
//! Rust's `str::to_lowercase` differs in two places, and so is not used
//! for data: it maps `İ` to two characters (`i` and a combining dot) and
//! a word-final `Σ` to `ς`.

/// `text` folded for case-insensitive comparison.
pub fn fold(text: &str) -> String {
    text.chars().map(fold_char).collect()
}

/// Whether folding changes nothing (cheap check before allocating).
pub fn is_folded(text: &str) -> bool {
    text.chars().all(|c| fold_char(c) == c)
}

fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(one), None) => one,
        // Only U+0130 (İ) lowercases to more than one character; its
        // simple mapping is a plain `i`.
        _ if c == '\u{130}' => 'i',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_one_character_for_one() {
        let cases = [
            ("", ""),
            ("bjensen@Example.COM", "bjensen@example.com"),
            ("ÉLISE", "élise"),
            ("élise", "élise"),
            ("ÖLGA Ünal", "ölga ünal"),
            ("İNGA", "inga"),
            ("ΟΔΥΣΣΕΥΣ", "οδυσσευσ"),
            ("ας", "ας"),
            ("ΣΑΣ σας", "σασ σας"),
            ("ẞ straße", "ß straße"),
            ("ǅ", "ǆ"),
            ("АННА", "анна"),
            ("Ⅻ", "ⅻ"),
            ("日本", "日本"),
            ("😀", "😀"),
            ("K", "k"),
            ("Å", "å"),
        ];
        for (text, want) in cases {
            assert_eq!(fold(text), want, "{text:?}");
            assert_eq!(fold(text).chars().count(), text.chars().count(), "{text:?}");
            assert!(is_folded(&fold(text)), "{text:?}");
        }
        assert!(!is_folded("Élise"));
        assert!(is_folded("élise"));
    }

    #[test]
    fn folding_twice_changes_nothing() {
        for text in ["İ", "Σ", "ǅǄǆ", "Ω", "ΐ", "ﬁ"] {
            assert_eq!(fold(&fold(text)), fold(text), "{text:?}");
        }
    }
}
