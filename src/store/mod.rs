//! Storage: the connection pools, the one `MultiConnection` over SQLite and
//! PostgreSQL, migrations, and the queries. The only layer that knows SQL.

pub mod access_report;
pub mod admin_roles;
pub mod admin_tokens;
pub mod analyze;
pub mod audit;
mod case_fold;
pub mod checkpointer;
pub mod conn;
pub mod console;
pub mod console_search;
pub mod custom_schemas;
mod deadline;
pub mod dialect;
pub mod directories;
mod email_filter;
pub mod entitlements;
pub mod error;
pub mod group_catalog;
pub mod group_commit;
pub mod group_counts;
mod group_filter;
pub mod groups;
pub mod guests;
mod holder_filter;
pub mod id_list;
pub mod instance;
pub mod invitations;
mod kept;
pub mod licenses;
mod like;
mod loopback_tls;
pub mod mappings;
mod membership_rows;
pub mod memberships;
pub mod migrations;
pub mod models;
mod niceness;
mod opener;
mod page_anchors;
mod page_window;
pub mod persons;
pub mod policies;
pub mod pool;
pub mod probe;
pub mod product_tokens;
pub mod products;
pub mod readers;
pub mod reports;
pub mod requests;
pub mod schema;
pub mod sql_filter;
pub mod sql_fragment;
pub mod sync_health;
pub mod tasks;
mod text_list;
pub mod user_counts;
pub mod user_creates;
pub mod user_lookup;
pub mod user_updates;
pub mod users;
pub mod value_counts;
pub mod worker_lookups;
mod write_lock;
pub mod write_reach;

use std::sync::Arc;

pub use conn::{Backend, DbConn};
pub use error::{StoreError, StoreResult};
pub use pool::Store;
pub use probe::Readiness;
pub use readers::as_share;

/// Shared handle to the store, cheap to clone into every worker.
pub type SharedStore = Arc<Store>;
