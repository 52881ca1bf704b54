//! `LIKE` patterns built from text a caller gave: its `%`, `_` and `\`
//! matched literally, with `\` as the escape (`.escape('\\')` in diesel).

/// `text` as a `LIKE` pattern matching exactly it.
pub(super) fn literal(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    #[test]
    fn wildcards_and_the_escape_are_matched_literally() {
        for (text, pattern) in [
            ("mapping.", "mapping."),
            ("100%", "100\\%"),
            ("a_b", "a\\_b"),
            ("c:\\dir", "c:\\\\dir"),
            ("", ""),
        ] {
            assert_eq!(super::literal(text), pattern, "{text:?}");
        }
    }
}
