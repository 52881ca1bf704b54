//! The one integration-test binary: every test talks HTTP to the real app
//! over a real database (a fresh SQLite file, or a fresh PostgreSQL schema
//! when GATEHOUSE_TEST_POSTGRES is set).
// A panic in a test, or a helper it calls, is that test failing.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod admin;
mod cli;
mod console;
mod idp;
mod operations;
mod policy;
mod scim;
mod store;
mod support;
