//! NUL (U+0000) in a request: no attribute, id or name may hold one.
//! PostgreSQL's text can't store it (an insert failed with a 500), and a
//! value SQLite kept with it is one no filter a client can type matches;
//! so a body holding one anywhere, in a value or a key, is refused before
//! anything reads it, on both databases alike.

use serde_json::Value;

/// Whether JSON text may hold a NUL: JSON can only write one as the
/// escape `\u0000` (a raw control character is not JSON), so text
/// without that escape holds none and need not be walked.
pub fn may_hold_nul(json: &[u8]) -> bool {
    json.windows(6).any(|w| w == b"\\u0000")
}

/// The path (`emails[0].value`, `name`) of the first string or key in
/// `value` that holds a NUL, if any.
pub fn find_nul(value: &Value) -> Option<String> {
    walk(vec![(String::new(), value)])
}

/// `find_nul` over the values of an object, with paths from its keys.
pub fn find_nul_in(object: &serde_json::Map<String, Value>) -> Option<String> {
    let mut pending = Vec::new();
    match fields_of("", object, &mut pending) {
        Some(found) => Some(found),
        None => walk(pending),
    }
}

/// Walks the values still `pending` (each with its path) and everything
/// inside them, depth first, in document order.
fn walk(mut pending: Vec<(String, &Value)>) -> Option<String> {
    while let Some((path, value)) = pending.pop() {
        match value {
            Value::String(s) if s.contains('\0') => return Some(shown(path)),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate().rev() {
                    pending.push((format!("{path}[{i}]"), item));
                }
            }
            Value::Object(fields) => {
                if let Some(found) = fields_of(&path, fields, &mut pending) {
                    return Some(found);
                }
            }
            _ => {}
        }
    }
    None
}

/// Queues the fields of the object at `path`; the path of a key that
/// holds a NUL, if one does.
fn fields_of<'v>(
    path: &str,
    fields: &'v serde_json::Map<String, Value>,
    pending: &mut Vec<(String, &'v Value)>,
) -> Option<String> {
    for (key, item) in fields.iter().rev() {
        let at = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        if key.contains('\0') {
            return Some(shown(at));
        }
        pending.push((at, item));
    }
    None
}

/// A path for a message, NUL shown as `\u0000`; the whole body for ``.
fn shown(path: String) -> String {
    if path.is_empty() {
        "the body".to_owned()
    } else {
        path.replace('\0', "\\u0000")
    }
}

/// The detail of a refusal of the value at `path`.
pub fn refusal(path: &str) -> String {
    format!("'{path}' holds a NUL character (\\u0000), which no value, id or name may hold")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_the_first_nul_in_values_and_keys() {
        let cases = [
            (json!({"userName": "a"}), None),
            (json!({"userName": "a\u{0}b"}), Some("userName")),
            (
                json!({"name": {"givenName": "\u{0}"}}),
                Some("name.givenName"),
            ),
            (
                json!({"emails": [{"value": "x"}, {"value": "y\u{0}"}]}),
                Some("emails[1].value"),
            ),
            (json!({"a\u{0}": 1}), Some("a\\u0000")),
            (json!(["ok", "\u{0}"]), Some("[1]")),
            (json!("\u{0}"), Some("the body")),
            (json!({"a": [[{"b": null}]], "c": 1.5, "d": true}), None),
        ];
        for (value, want) in cases {
            assert_eq!(find_nul(&value).as_deref(), want, "{value}");
        }
    }

    #[test]
    fn only_text_with_the_escape_may_hold_nul() {
        assert!(may_hold_nul(br#"{"a": "x\u0000"}"#));
        assert!(!may_hold_nul(br#"{"a": "x\u0001"}"#));
        assert!(!may_hold_nul(br#"{"a": "x"}"#));
        // An escaped backslash before "u0000" is no NUL, but the walk
        // that follows tells: the check only says when to walk.
        assert!(may_hold_nul(br#"{"a": "\\u0000"}"#));
        assert_eq!(find_nul(&json!({"a": "\\u0000"})), None);
    }
}
