//! PATCH paths (`members[value eq "x"].display`, URN-qualified names) on
//! any text: Ok or Err, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = gatehouse::scim::path::parse_path(text);
});
