//! Test harness: isolated databases and a running app per test.

pub mod app;
pub mod browser;
pub mod db;

pub use app::TestApp;
