//! The SCIM filter parser on any text: it must answer Ok or Err, never
//! panic or recurse without bound, and what it parses must print back to
//! a filter that parses to the same tree.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(filter) = gatehouse::scim::filter::parse(text) {
        let printed = filter.to_string();
        let again = gatehouse::scim::filter::parse(&printed)
            .unwrap_or_else(|e| panic!("{printed:?} does not parse back: {e}"));
        assert_eq!(again, filter, "{printed:?}");
        let _ = filter.equality_set();
    }
});
