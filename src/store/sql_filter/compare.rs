//! Comparing one value (a column, or a scalar inside the JSON attributes)
//! with a filter literal, by the attribute's schema type and case rule.

use crate::scim::filter::{CompValue, CompareOp};
use crate::scim::fold::fold;
use crate::scim::schema::AttrType;
use crate::scim::ScimError;
use crate::store::conn::Backend;
use crate::store::sql_fragment::{SqlCondition, SqlExpr};

/// How a value is held in SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Repr {
    /// A text column.
    Text,
    /// A text column holding the value case-folded by Gatehouse.
    FoldedKey,
    /// A boolean column.
    Bool,
    /// A time column in microseconds since the epoch.
    Micros,
    /// A scalar read out of JSON (text for strings; the database's JSON
    /// form for numbers and booleans).
    Json,
}

/// A comparable value: its SQL expression, schema type and case rule.
#[derive(Debug, Clone)]
pub(super) struct Leaf {
    pub expr: SqlExpr,
    pub kind: AttrType,
    pub case_exact: bool,
    pub repr: Repr,
    /// The attribute as the client named it, for error messages.
    pub label: String,
}

impl Leaf {
    /// A leaf over a column of this crate's schema.
    pub fn column(
        sql: &'static str,
        kind: AttrType,
        case_exact: bool,
        repr: Repr,
        label: &str,
    ) -> Leaf {
        Leaf {
            expr: SqlExpr::new().sql(sql),
            kind,
            case_exact,
            repr,
            label: label.to_owned(),
        }
    }
}

fn is_textual(kind: AttrType) -> bool {
    matches!(
        kind,
        AttrType::String | AttrType::Reference | AttrType::Binary
    )
}

/// `attr pr`: the value is there and, for text, not empty.
pub(super) fn present(leaf: &Leaf) -> SqlCondition {
    match leaf.repr {
        // NOT NULL columns.
        Repr::Bool | Repr::Micros => SqlCondition::new().sql("(1 = 1)"),
        _ if is_textual(leaf.kind) => SqlCondition::new()
            .sql("(")
            .append(leaf.expr.clone())
            .sql(" IS NOT NULL AND ")
            .append(leaf.expr.clone())
            .sql(" <> '')"),
        _ => SqlCondition::new()
            .sql("(")
            .append(leaf.expr.clone())
            .sql(" IS NOT NULL)"),
    }
}

fn not(inner: SqlCondition) -> SqlCondition {
    SqlCondition::new().sql("(NOT ").append(inner).sql(")")
}

fn invalid(message: String) -> ScimError {
    ScimError::invalid_filter(message)
}

/// `attr op value`. Every comparison is false, never NULL, for an absent
/// value, so that `not (…)` and `ne` match resources without the attribute.
pub(super) fn compare(
    leaf: &Leaf,
    op: CompareOp,
    value: &CompValue,
    backend: Backend,
) -> Result<SqlCondition, ScimError> {
    let label = &leaf.label;
    if let CompValue::Null = value {
        // `attr eq null` asks for an unassigned attribute; `ne null` for an assigned one.
        return match op {
            CompareOp::Eq => Ok(not(present(leaf))),
            CompareOp::Ne => Ok(present(leaf)),
            _ => Err(invalid(format!("'{label} {op}' cannot compare with null"))),
        };
    }
    if op == CompareOp::Ne {
        return Ok(not(compare(leaf, CompareOp::Eq, value, backend)?));
    }
    // Text folded in SQL is guarded on its folded form (NULL exactly when
    // the value is): that is the expression its index holds, so the
    // database reads the guard from the index instead of each row's JSON
    // (a department of 50,000 users: a scan of 50,000 rows otherwise).
    let guard = match is_textual(leaf.kind) && folds_in_sql(leaf) {
        true => compared(leaf),
        false => leaf.expr.clone(),
    };
    let guarded = |test: SqlCondition| match leaf.repr {
        Repr::Bool | Repr::Micros => SqlCondition::new().sql("(").append(test).sql(")"),
        _ => SqlCondition::new()
            .sql("(")
            .append(guard.clone())
            .sql(" IS NOT NULL AND ")
            .append(test)
            .sql(")"),
    };
    match leaf.kind {
        AttrType::Boolean => {
            let b = match value {
                CompValue::Bool(b) => *b,
                // Entra ID sends booleans as strings, in filters too.
                CompValue::Str(s) if s.eq_ignore_ascii_case("true") => true,
                CompValue::Str(s) if s.eq_ignore_ascii_case("false") => false,
                _ => {
                    return Err(invalid(format!(
                        "'{label}' is a boolean; compare it with true or false"
                    )))
                }
            };
            if op != CompareOp::Eq {
                return Err(invalid(format!(
                    "'{label}' is a boolean and supports only eq, ne and pr"
                )));
            }
            let expr = match leaf.repr {
                Repr::Json => backend.json_as_bool(leaf.expr.clone()),
                _ => leaf.expr.clone(),
            };
            Ok(guarded(
                SqlCondition::new().append(expr).sql(" = ").boolean(b),
            ))
        }
        AttrType::Integer | AttrType::Decimal => {
            let CompValue::Number(n) = value else {
                return Err(invalid(format!(
                    "'{label}' is a number; compare it with a number"
                )));
            };
            let n = n
                .as_f64()
                .ok_or_else(|| invalid(format!("{n} is not a usable number")))?;
            let sql_op = ordering_op(op).ok_or_else(|| {
                invalid(format!("'{label}' is a number and does not support {op}"))
            })?;
            let expr = backend.json_as_double(leaf.expr.clone());
            Ok(guarded(
                SqlCondition::new().append(expr).sql(sql_op).double(n),
            ))
        }
        AttrType::DateTime => {
            let CompValue::Str(text) = value else {
                return Err(invalid(format!(
                    "'{label}' is a dateTime; compare it with a string"
                )));
            };
            let time = chrono::DateTime::parse_from_rfc3339(text)
                .map_err(|_| invalid(format!("'{text}' is not an xsd:dateTime")))?;
            let sql_op = ordering_op(op).ok_or_else(|| {
                invalid(format!("'{label}' is a dateTime and does not support {op}"))
            })?;
            let test = match leaf.repr {
                Repr::Micros => SqlCondition::new()
                    .append(leaf.expr.clone())
                    .sql(sql_op)
                    .bigint(time.timestamp_micros()),
                _ => {
                    let utc = time
                        .with_timezone(&chrono::Utc)
                        .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
                    SqlCondition::new()
                        .append(backend.as_time(leaf.expr.clone()))
                        .sql(sql_op)
                        .append(backend.as_time(SqlExpr::new().text(utc)))
                }
            };
            Ok(guarded(test))
        }
        AttrType::Complex => Err(invalid(format!(
            "'{label}' is complex; compare one of its sub-attributes instead"
        ))),
        AttrType::String | AttrType::Reference | AttrType::Binary => {
            let CompValue::Str(text) = value else {
                return Err(invalid(format!(
                    "'{label}' is a string; compare it with a string in double quotes"
                )));
            };
            Ok(guarded(compare_text(leaf, op, text, backend)?))
        }
    }
}

/// Whether a text value is folded in SQL to compare: case-insensitive and
/// not already a folded key.
fn folds_in_sql(leaf: &Leaf) -> bool {
    !leaf.case_exact && leaf.repr != Repr::FoldedKey
}

/// The text value as compared: `lower(value)` where it folds in SQL.
fn compared(leaf: &Leaf) -> SqlExpr {
    if folds_in_sql(leaf) {
        SqlExpr::new()
            .sql("lower(")
            .append(leaf.expr.clone())
            .sql(")")
    } else {
        leaf.expr.clone()
    }
}

/// Text comparisons. Folded keys hold Rust-lowercased text, so the operand
/// is folded the same way; other case-insensitive values fold both sides in
/// SQL, so each database compares like with like.
fn compare_text(
    leaf: &Leaf,
    op: CompareOp,
    text: &str,
    backend: Backend,
) -> Result<SqlCondition, ScimError> {
    let fold_in_sql = folds_in_sql(leaf);
    let operand = if leaf.repr == Repr::FoldedKey {
        fold(text)
    } else {
        text.to_owned()
    };
    let lhs = || compared(leaf);
    let rhs = || {
        if fold_in_sql {
            SqlExpr::new().sql("lower(").text(operand.clone()).sql(")")
        } else {
            SqlExpr::new().text(operand.clone())
        }
    };
    let c = SqlCondition::new();
    Ok(match op {
        CompareOp::Co => c
            .sql(backend.substring_position())
            .append(lhs())
            .sql(", ")
            .append(rhs())
            .sql(") > 0"),
        CompareOp::Sw => prefix_range(leaf, &operand, backend)
            .unwrap_or(c)
            .sql("substr(")
            .append(lhs())
            .sql(", 1, length(")
            .append(rhs())
            .sql(")) = ")
            .append(rhs()),
        CompareOp::Ew => c
            .sql("substr(")
            .append(lhs())
            .sql(", length(")
            .append(lhs())
            .sql(") - length(")
            .append(rhs())
            .sql(") + 1) = ")
            .append(rhs()),
        _ => {
            let sql_op =
                ordering_op(op).ok_or_else(|| invalid(format!("unsupported operator {op}")))?;
            // Equality keeps the column's own collation so indexes apply;
            // ordering compares code points on both databases.
            let collation = if op == CompareOp::Eq {
                ""
            } else {
                backend.binary_collation()
            };
            c.append(lhs()).sql(collation).sql(sql_op).append(rhs())
        }
    })
}

/// `attr eq "a" or attr eq "b" or …` on a text value, as one
/// `attr IN (…)` folded as `compare_text` folds an equality, so the index
/// on the value serves the whole set. `None` for a value that isn't text
/// (a dateTime or a boolean written as a string compares by its type).
pub(super) fn text_in(leaf: &Leaf, texts: &[&str]) -> Option<SqlCondition> {
    if !is_textual(leaf.kind) {
        return None;
    }
    let fold_in_sql = folds_in_sql(leaf);
    // Guarded on the compared form, as `compare` guards text.
    let mut set = SqlCondition::new()
        .sql("(")
        .append(compared(leaf))
        .sql(" IS NOT NULL AND ")
        .append(compared(leaf))
        .sql(" IN (");
    for (i, text) in texts.iter().enumerate() {
        if i > 0 {
            set = set.sql(", ");
        }
        set = match (leaf.repr, fold_in_sql) {
            (Repr::FoldedKey, _) => set.text(fold(text)),
            (_, true) => set.sql("lower(").text(*text).sql(")"),
            (_, false) => set.text(*text),
        };
    }
    Some(set.sql("))"))
}

/// `sw` on a folded key (`userName`, a group's `displayName`) also as a
/// range of its index, followed by ` AND `: keys starting with `prefix`
/// lie in `[prefix, successor)`, so the `substr` test that follows only
/// checks rows the index already narrowed to. At 1M users
/// `userName sw "user012345"` took 95 ms to count its 10 matches by
/// reading every key. SQLite only: it compares text by code point, as
/// the range needs; PostgreSQL orders the key by the database's collation.
fn prefix_range(leaf: &Leaf, prefix: &str, backend: Backend) -> Option<SqlCondition> {
    if backend != Backend::Sqlite || leaf.repr != Repr::FoldedKey {
        return None;
    }
    let upper = successor(prefix)?;
    Some(
        SqlCondition::new()
            .append(leaf.expr.clone())
            .sql(" >= ")
            .text(prefix.to_owned())
            .sql(" AND ")
            .append(leaf.expr.clone())
            .sql(" < ")
            .text(upper)
            .sql(" AND "),
    )
}

/// The least string greater than every string that starts with `prefix`
/// (its last character, plus one); `None` for an empty prefix or one
/// ending in U+10FFFF.
pub fn successor(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    let last = chars.pop()?;
    let next = match u32::from(last) {
        0xD7FF => '\u{E000}',
        n => char::from_u32(n + 1)?,
    };
    chars.push(next);
    Some(chars.into_iter().collect())
}

fn ordering_op(op: CompareOp) -> Option<&'static str> {
    match op {
        CompareOp::Eq => Some(" = "),
        CompareOp::Gt => Some(" > "),
        CompareOp::Ge => Some(" >= "),
        CompareOp::Lt => Some(" < "),
        CompareOp::Le => Some(" <= "),
        _ => None,
    }
}
