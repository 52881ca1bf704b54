//! Email addresses as the access model reads them.

/// Just enough to refuse what is plainly not an address.
pub fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.contains(char::is_whitespace)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::looks_like_email;

    #[test]
    fn email_shapes() {
        for (s, ok) in [
            ("a@b.co", true),
            ("first.last@example.org", true),
            ("a@b", false),
            ("@b.co", false),
            ("a b@c.de", false),
            ("a@.de", false),
            ("plain", false),
        ] {
            assert_eq!(looks_like_email(s), ok, "{s}");
        }
    }
}
