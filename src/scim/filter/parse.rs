//! The nom parser for RFC 7644 §3.4.2.2 (Figure 1 ABNF). Keywords, operators
//! and `true`/`false`/`null` are case-insensitive; whitespace around tokens
//! may be one or more spaces or tabs (the ABNF says one SP; IdPs vary).

use std::borrow::Cow;
use std::cell::Cell;

use nom::branch::alt;
use nom::bytes::complete::{tag_no_case, take_while, take_while1};
use nom::character::complete::char;
use nom::combinator::{map, opt, recognize};
use nom::error::{ErrorKind, ParseError};
use nom::sequence::{pair, preceded};
use nom::{IResult, Parser};

use super::ast::{AttrPath, CompValue, CompareOp, Filter, FilterError, MAX_DEPTH, MAX_OPERATORS};

/// A parse failure at `input` (the unparsed rest), with a message.
#[derive(Debug)]
pub(super) struct Failure<'a> {
    input: &'a str,
    message: Cow<'static, str>,
}

impl<'a> ParseError<&'a str> for Failure<'a> {
    fn from_error_kind(input: &'a str, _kind: ErrorKind) -> Self {
        Failure {
            input,
            message: Cow::Borrowed("unexpected input"),
        }
    }

    fn append(_input: &'a str, _kind: ErrorKind, other: Self) -> Self {
        other
    }
}

type PResult<'a, T> = IResult<&'a str, T, Failure<'a>>;

/// A committed error: no alternative will be tried.
fn fail<T>(input: &str, message: impl Into<Cow<'static, str>>) -> PResult<'_, T> {
    Err(nom::Err::Failure(Failure {
        input,
        message: message.into(),
    }))
}

/// A recoverable error: the caller may try another alternative.
fn miss<'a, T>(input: &'a str, message: &'static str) -> PResult<'a, T> {
    Err(nom::Err::Error(Failure {
        input,
        message: Cow::Borrowed(message),
    }))
}

fn to_error(original: &str, e: nom::Err<Failure<'_>>) -> FilterError {
    match e {
        nom::Err::Error(f) | nom::Err::Failure(f) => FilterError {
            position: original.len() - f.input.len(),
            message: f.message.into_owned(),
        },
        nom::Err::Incomplete(_) => FilterError {
            position: original.len(),
            message: "unexpected end of filter".into(),
        },
    }
}

/// Parses a whole filter; anything left over is an error.
pub fn filter(input: &str) -> Result<Filter, FilterError> {
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

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '$'
}

/// `ATTRNAME = ALPHA *(nameChar)`; also `$ref`, which RFC 7643 uses as a
/// sub-attribute name.
fn attr_name(i: &str) -> PResult<'_, &str> {
    let (rest, name) = take_while1(is_name_char).parse(i)?;
    let valid = name == "$ref"
        || (name.starts_with(|c: char| c.is_ascii_alphabetic()) && !name.contains('$'));
    if valid {
        Ok((rest, name))
    } else {
        miss(i, "expected an attribute name")
    }
}

/// `attrPath = [URI ":"] ATTRNAME *1subAttr`. A URN holds colons and dots
/// ("…:enterprise:2.0:User"), so it ends at the last colon of the path.
fn attr_path(i: &str) -> PResult<'_, AttrPath> {
    if tag_no_case::<&str, &str, Failure>("urn:").parse(i).is_ok() {
        let (rest, full) =
            take_while1(|c: char| is_name_char(c) || c == ':' || c == '.').parse(i)?;
        let Some(colon) = full.rfind(':') else {
            return fail(i, "expected an attribute name after the schema URN");
        };
        let (urn, local) = (&full[..colon], &full[colon + 1..]);
        let local_start = &i[colon + 1..];
        let (after, (attr, sub_attr)) = match name_and_sub(local) {
            Ok((after, parts)) if after.is_empty() => (after, parts),
            _ => {
                return fail(
                    local_start,
                    "expected an attribute name after the schema URN",
                )
            }
        };
        debug_assert!(after.is_empty());
        return Ok((
            rest,
            AttrPath {
                urn: Some(urn.to_owned()),
                attr: attr.to_owned(),
                sub_attr: sub_attr.map(str::to_owned),
            },
        ));
    }
    let (rest, (attr, sub_attr)) = match name_and_sub(i) {
        Ok(found) => found,
        Err(_) => return fail(i, "expected an attribute name"),
    };
    if rest.starts_with('.') {
        return fail(rest, "an attribute path has at most one sub-attribute");
    }
    Ok((
        rest,
        AttrPath {
            urn: None,
            attr: attr.to_owned(),
            sub_attr: sub_attr.map(str::to_owned),
        },
    ))
}

/// `ATTRNAME *1subAttr`, `subAttr = "." ATTRNAME`.
fn name_and_sub(i: &str) -> PResult<'_, (&str, Option<&str>)> {
    (attr_name, opt(preceded(char('.'), attr_name))).parse(i)
}

/// `compValue = false / null / true / number / string`, and, as a
/// tolerance, a bare word: Microsoft's SCIM test collection sends
/// `userName sw O`. A value with no quotes that is one word (no spaces,
/// brackets, parentheses or quotes) and not `true`, `false`, `null` or a
/// number is read as that string; no quoted filter changes meaning.
fn comp_value(i: &str) -> PResult<'_, CompValue> {
    if i.starts_with('"') {
        return string(i);
    }
    let word = alt((
        map(keyword("true"), |_| CompValue::Bool(true)),
        map(keyword("false"), |_| CompValue::Bool(false)),
        map(keyword("null"), |_| CompValue::Null),
    ))
    .parse(i);
    if let Ok(found) = word {
        return Ok(found);
    }
    if let Ok(found) = number(i) {
        return Ok(found);
    }
    let bare = take_while1::<_, _, Failure>(|c: char| {
        !c.is_whitespace() && !matches!(c, '(' | ')' | '[' | ']' | '"')
    })
    .parse(i);
    match bare {
        Ok((rest, word)) => Ok((rest, CompValue::Str(word.to_owned()))),
        Err(_) => fail(
            i,
            "expected a value: a string in double quotes, a number, true, false or null",
        ),
    }
}

/// A literal keyword that is not the start of a longer word.
fn keyword(word: &'static str) -> impl Fn(&str) -> PResult<'_, &str> {
    move |i| {
        let (rest, found) = tag_no_case(word).parse(i)?;
        if rest.starts_with(is_name_char) {
            return miss(i, "not a keyword");
        }
        Ok((rest, found))
    }
}

/// A JSON number (RFC 8259 §6): `[ minus ] int [ frac ] [ exp ]`.
fn number(i: &str) -> PResult<'_, CompValue> {
    let digits = |i| take_while1(|c: char| c.is_ascii_digit()).parse(i);
    let (rest, text) = recognize((
        opt(char('-')),
        digits,
        opt(pair(char('.'), digits)),
        opt((
            alt((char('e'), char('E'))),
            opt(alt((char('+'), char('-')))),
            digits,
        )),
    ))
    .parse(i)?;
    if rest.starts_with(is_name_char) {
        return miss(i, "not a number");
    }
    match serde_json::from_str::<serde_json::Number>(text) {
        Ok(n) => Ok((rest, CompValue::Number(n))),
        Err(_) => fail(i, "the number is out of range"),
    }
}

/// A JSON string (RFC 8259 §7) with every escape, `\uXXXX` surrogate pairs included.
fn string(i: &str) -> PResult<'_, CompValue> {
    let mut out = String::new();
    let mut chars = i.char_indices().skip(1);
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return Ok((&i[at + 1..], CompValue::Str(out))),
            '\\' => {
                let Some((esc_at, esc)) = chars.next() else {
                    break;
                };
                match esc {
                    '"' => out.push('"'),
                    '\\' => out.push('\\'),
                    '/' => out.push('/'),
                    'b' => out.push('\u{8}'),
                    'f' => out.push('\u{c}'),
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    'u' => {
                        let (ch, consumed) = unicode_escape(&i[esc_at + 1..])
                            .ok_or_else(|| failure(&i[at..], "invalid \\u escape in string"))?;
                        out.push(ch);
                        // Skip the hex digits (and a second escape, for a pair).
                        for _ in 0..consumed {
                            chars.next();
                        }
                    }
                    _ => return fail(&i[at..], "invalid escape in string"),
                }
            }
            c if (c as u32) < 0x20 => return fail(&i[at..], "control character in string"),
            c => out.push(c),
        }
    }
    fail(i, "unterminated string")
}

fn failure<'a>(input: &'a str, message: &'static str) -> nom::Err<Failure<'a>> {
    nom::Err::Failure(Failure {
        input,
        message: Cow::Borrowed(message),
    })
}

/// Decodes the four hex digits after `\u` (and a following `\uXXXX` low
/// surrogate); returns the character and how many chars were consumed.
fn unicode_escape(s: &str) -> Option<(char, usize)> {
    let hex = |t: &str| {
        t.get(..4)
            .filter(|h| h.chars().all(|c| c.is_ascii_hexdigit()))
            .and_then(|h| u32::from_str_radix(h, 16).ok())
    };
    let first = hex(s)?;
    if (0xD800..0xDC00).contains(&first) {
        let rest = s.get(4..)?.strip_prefix("\\u")?;
        let second = hex(rest)?;
        if !(0xDC00..0xE000).contains(&second) {
            return None;
        }
        let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
        return char::from_u32(code).map(|c| (c, 10));
    }
    char::from_u32(first).map(|c| (c, 4))
}
