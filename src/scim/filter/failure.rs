//! How the filter parser fails: nom's error type carrying a message, the
//! two ways to fail (committed or recoverable), and the conversion to the
//! `FilterError` a caller sees, with the position in the filter text.

use std::borrow::Cow;

use nom::error::{ErrorKind, ParseError};
use nom::IResult;

use super::ast::FilterError;

/// A parse failure at `input` (the unparsed rest), with a message.
#[derive(Debug)]
pub(super) struct Failure<'a> {
    pub(super) input: &'a str,
    pub(super) message: Cow<'static, str>,
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

pub(super) type PResult<'a, T> = IResult<&'a str, T, Failure<'a>>;

/// A committed error: no alternative will be tried.
pub(super) fn fail<T>(input: &str, message: impl Into<Cow<'static, str>>) -> PResult<'_, T> {
    Err(nom::Err::Failure(Failure {
        input,
        message: message.into(),
    }))
}

/// A recoverable error: the caller may try another alternative.
pub(super) fn miss<'a, T>(input: &'a str, message: &'static str) -> PResult<'a, T> {
    Err(nom::Err::Error(Failure {
        input,
        message: Cow::Borrowed(message),
    }))
}

pub(super) fn to_error(original: &str, e: nom::Err<Failure<'_>>) -> FilterError {
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

pub(super) fn failure<'a>(input: &'a str, message: &'static str) -> nom::Err<Failure<'a>> {
    nom::Err::Failure(Failure {
        input,
        message: Cow::Borrowed(message),
    })
}
