//! The nom parser for RFC 7644 §3.4.2.2 (Figure 1 ABNF). Keywords, operators
//! and `true`/`false`/`null` are case-insensitive; whitespace around tokens
//! may be one or more spaces or tabs (the ABNF says one SP; IdPs vary).

use std::cell::Cell;

use nom::bytes::complete::{tag_no_case, take_while, take_while1};
use nom::character::complete::char;
use nom::sequence::{pair, preceded};
use nom::Parser;

use super::ast::{
    AttrPath, CompareOp, Filter, FilterError, MAX_DEPTH, MAX_FILTER_BYTES, MAX_OPERATORS,
};
use super::failure::{fail, miss, to_error, Failure, PResult};
use super::tokens::{attr_name, attr_path, comp_value};

/// Parses a whole filter; anything left over is an error.
pub fn filter(input: &str) -> Result<Filter, FilterError> {
    if input.len() > MAX_FILTER_BYTES {
        return Err(FilterError {
            position: MAX_FILTER_BYTES,
            message: format!("the filter is longer than {MAX_FILTER_BYTES} bytes"),
        });
    }
    let (rest, _) = ws0(input).map_err(|e| to_error(input, e))?;
    if rest.is_empty() {
        return Err(FilterError {
            position: 0,
            message: "the filter is empty".into(),
        });
    }
    let ops = Cell::new(0);
    let (rest, parsed) = or_expr(rest, 0, false, &ops).map_err(|e| to_error(input, e))?;
    let (rest, _) = ws0(rest).map_err(|e| to_error(input, e))?;
    if !rest.is_empty() {
        return Err(FilterError {
            position: input.len() - rest.len(),
            message: "unexpected trailing input".into(),
        });
    }
    Ok(parsed)
}

/// For PATCH paths: an attribute path at the start of `input`.
pub(crate) fn attr_path_prefix(input: &str) -> Result<(&str, AttrPath), FilterError> {
    attr_path(input).map_err(|e| to_error(input, e))
}

/// For PATCH paths: `"[" valFilter "]"` at the start of `input`, returning the rest.
pub(crate) fn value_filter_in_brackets(input: &str) -> Result<(&str, Filter), FilterError> {
    let parse = |i| {
        let (i, _) = char('[').parse(i)?;
        let (i, _) = ws0(i)?;
        let (i, inner) = or_expr(i, 1, true, &Cell::new(0))?;
        let (i, _) = ws0(i)?;
        match char::<&str, Failure>(']').parse(i) {
            Ok((i, _)) => Ok((i, inner)),
            Err(_) => fail(i, "expected ']' to close the value filter"),
        }
    };
    parse(input).map_err(|e| to_error(input, e))
}

/// Counts one `and`/`or`. A chain of them builds a tree as deep as it is
/// long, and deep trees are dropped and walked recursively: the count is
/// bounded like the nesting is.
fn count_operator<'a>(i: &'a str, ops: &Cell<usize>) -> PResult<'a, ()> {
    ops.set(ops.get() + 1);
    if ops.get() > MAX_OPERATORS {
        return fail(i, "too many logical operators");
    }
    Ok((i, ()))
}

fn ws0(i: &str) -> PResult<'_, &str> {
    take_while(|c| c == ' ' || c == '\t').parse(i)
}

fn ws1(i: &str) -> PResult<'_, &str> {
    take_while1(|c| c == ' ' || c == '\t').parse(i)
}

/// `logExp = FILTER SP ("and" / "or") SP FILTER`, with `and` binding tighter:
/// an `or` expression is one or more `and` expressions.
fn or_expr<'a>(
    i: &'a str,
    depth: usize,
    in_value_path: bool,
    ops: &Cell<usize>,
) -> PResult<'a, Filter> {
    let (mut i, mut left) = and_expr(i, depth, in_value_path, ops)?;
    loop {
        match preceded(ws1, pair(tag_no_case("or"), ws1)).parse(i) {
            Ok((rest, _)) => {
                count_operator(rest, ops)?;
                let (rest, right) = and_expr(rest, depth, in_value_path, ops)?;
                left = Filter::Or(Box::new(left), Box::new(right));
                i = rest;
            }
            Err(nom::Err::Error(_)) => return Ok((i, left)),
            Err(e) => return Err(e),
        }
    }
}

fn and_expr<'a>(
    i: &'a str,
    depth: usize,
    in_value_path: bool,
    ops: &Cell<usize>,
) -> PResult<'a, Filter> {
    let (mut i, mut left) = unary(i, depth, in_value_path, ops)?;
    loop {
        match preceded(ws1, pair(tag_no_case("and"), ws1)).parse(i) {
            Ok((rest, _)) => {
                count_operator(rest, ops)?;
                let (rest, right) = unary(rest, depth, in_value_path, ops)?;
                left = Filter::And(Box::new(left), Box::new(right));
                i = rest;
            }
            Err(nom::Err::Error(_)) => return Ok((i, left)),
            Err(e) => return Err(e),
        }
    }
}

/// `FILTER = attrExp / logExp / valuePath / *1"not" "(" valFilter ")"`
fn unary<'a>(
    i: &'a str,
    depth: usize,
    in_value_path: bool,
    ops: &Cell<usize>,
) -> PResult<'a, Filter> {
    if depth >= MAX_DEPTH {
        return fail(i, "filter nested too deeply");
    }
    // `*1"not" "("`: "not" counts only when a parenthesis follows, so an
    // attribute named e.g. "notes" still parses as an attribute.
    if let Ok((rest, _)) = (tag_no_case::<&str, &str, Failure>("not"), ws0, char('(')).parse(i) {
        let (rest, inner) = group_body(rest, depth, in_value_path, ops)?;
        return Ok((rest, Filter::Not(Box::new(inner))));
    }
    if let Ok((rest, _)) = char::<&str, Failure>('(').parse(i) {
        return group_body(rest, depth, in_value_path, ops);
    }
    attr_exp(i, depth, in_value_path, ops)
}

/// The inside of `"(" valFilter ")"`, after the opening parenthesis.
fn group_body<'a>(
    i: &'a str,
    depth: usize,
    in_value_path: bool,
    ops: &Cell<usize>,
) -> PResult<'a, Filter> {
    let (i, _) = ws0(i)?;
    let (i, inner) = or_expr(i, depth + 1, in_value_path, ops)?;
    let (i, _) = ws0(i)?;
    match char::<&str, Failure>(')').parse(i) {
        Ok((i, _)) => Ok((i, inner)),
        Err(_) => fail(i, "expected ')'"),
    }
}

/// `attrExp = (attrPath SP "pr") / (attrPath SP compareOp SP compValue)`
/// and `valuePath = attrPath "[" valFilter "]"`.
fn attr_exp<'a>(
    i: &'a str,
    depth: usize,
    in_value_path: bool,
    ops: &Cell<usize>,
) -> PResult<'a, Filter> {
    let (i, path) = attr_path(i)?;
    if i.starts_with('[') {
        if in_value_path {
            return fail(i, "value paths cannot be nested");
        }
        if path.sub_attr.is_some() {
            return fail(
                i,
                "a value path must name a multi-valued attribute, not a sub-attribute",
            );
        }
        let (rest, _) = char('[').parse(i)?;
        let (rest, _) = ws0(rest)?;
        let (rest, inner) = or_expr(rest, depth + 1, true, ops)?;
        let (rest, _) = ws0(rest)?;
        let Ok((rest, _)) = char::<&str, Failure>(']').parse(rest) else {
            return fail(rest, "expected ']' to close the value filter");
        };
        let (rest, inner) = match char::<&str, Failure>('.').parse(rest) {
            Ok((after_dot, _)) => {
                let (rest, test) = sub_attr_test(after_dot)?;
                (rest, Filter::And(Box::new(inner), Box::new(test)))
            }
            Err(_) => (rest, inner),
        };
        return Ok((
            rest,
            Filter::ValuePath {
                path,
                filter: Box::new(inner),
            },
        ));
    }
    comparison(i, path)
}

/// `emails[type eq "work"].value eq "…"`: a test of one sub-attribute of
/// the values the brackets select. RFC 7644's filter grammar has no such
/// form (its PATCH paths do), but Entra ID sends it to look users up by
/// work email, and Microsoft asks SCIM servers to accept it. It means the
/// same value passes both tests, so it is read as
/// `emails[type eq "work" and value eq "…"]`.
fn sub_attr_test(i: &str) -> PResult<'_, Filter> {
    let (rest, name) = match attr_name(i) {
        Ok(found) => found,
        Err(_) => return fail(i, "expected a sub-attribute name after '].'"),
    };
    let relative = AttrPath {
        urn: None,
        attr: name.to_owned(),
        sub_attr: None,
    };
    comparison(rest, relative)
}

/// What follows an attribute path outside brackets: `SP "pr"` or
/// `SP compareOp SP compValue`.
fn comparison(i: &str, path: AttrPath) -> PResult<'_, Filter> {
    let Ok((i, _)) = ws1(i) else {
        return fail(i, "expected a space and an operator after the attribute");
    };
    let (i, op) = match operator(i) {
        Ok(found) => found,
        Err(_) => return fail(i, "expected an operator (eq ne co sw ew gt ge lt le pr)"),
    };
    let Some(op) = op else {
        return Ok((i, Filter::Present(path)));
    };
    let Ok((i, _)) = ws1(i) else {
        return fail(i, "expected a space and a value after the operator");
    };
    let (i, value) = comp_value(i)?;
    Ok((i, Filter::Compare { path, op, value }))
}

/// `compareOp = "eq" / "ne" / "co" / "sw" / "ew" / "gt" / "lt" / "ge" / "le"`,
/// or `pr` (returned as `None`). The operator must end at a word boundary.
fn operator(i: &str) -> PResult<'_, Option<CompareOp>> {
    let (rest, word) = take_while1(|c: char| c.is_ascii_alphabetic()).parse(i)?;
    let op = match word.to_ascii_lowercase().as_str() {
        "eq" => Some(CompareOp::Eq),
        "ne" => Some(CompareOp::Ne),
        "co" => Some(CompareOp::Co),
        "sw" => Some(CompareOp::Sw),
        "ew" => Some(CompareOp::Ew),
        "gt" => Some(CompareOp::Gt),
        "ge" => Some(CompareOp::Ge),
        "lt" => Some(CompareOp::Lt),
        "le" => Some(CompareOp::Le),
        "pr" => None,
        _ => return miss(i, "unknown operator"),
    };
    Ok((rest, op))
}
