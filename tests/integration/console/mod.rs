//! The web admin console (`/console`), end to end in a real headless
//! Chromium (see `support::browser`).

mod browser_smoke;
pub(crate) mod client;
mod journey;
mod oidc;
mod oidc_browser;
mod pages;
mod roles;
mod sessions;
