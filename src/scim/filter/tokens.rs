//! The filter's smallest pieces: attribute names and paths, keywords, and
//! comparison values (strings with their JSON escapes, numbers, `true`,
//! `false`, `null`).

use nom::branch::alt;
use nom::bytes::complete::{tag_no_case, take_while1};
use nom::character::complete::char;
use nom::combinator::{map, opt, recognize};
use nom::sequence::{pair, preceded};
use nom::Parser;

use super::ast::{AttrPath, CompValue};
use super::failure::{fail, failure, miss, Failure, PResult};

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '$'
}

/// `ATTRNAME = ALPHA *(nameChar)`; also `$ref`, which RFC 7643 uses as a
/// sub-attribute name.
pub(super) fn attr_name(i: &str) -> PResult<'_, &str> {
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
pub(super) fn attr_path(i: &str) -> PResult<'_, AttrPath> {
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
pub(super) fn comp_value(i: &str) -> PResult<'_, CompValue> {
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
    // Control characters end a bare word as they end nothing else: a
    // quoted string refuses them, so a bare word must too (the fuzzer
    // found a NUL slipping into a value this way).
    let bare = take_while1::<_, _, Failure>(|c: char| {
        !c.is_whitespace() && !c.is_control() && !matches!(c, '(' | ')' | '[' | ']' | '"')
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
                        if ch == '\0' {
                            // No attribute holds one (`scim::nul`).
                            return fail(&i[at..], "NUL (\\u0000) cannot be in a filter value");
                        }
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
