//! Storage, tested through the store and the running app on both databases.

mod audit;
mod checkpoints;
mod concurrency;
mod lost_connections;
mod migrations;
mod plans;
mod postgres_tls;
