//! Access policy and self-service (seeds 000, 003, 004): the product API,
//! IT-only mode, requests, invitations, signups, guests, audit and reports.

mod access_report;
mod audit;
mod guests;
mod invitations;
mod it_only;
mod non_synced_report;
mod reports;
mod requests;
mod self_service;
