//! The workloads: what identity providers and auditors do, one scenario a
//! module as `--scenario` names it. `ids` finds the users and groups of an
//! earlier run, for scenarios run on an existing set; `shared` holds what
//! the scenarios have in common.

mod auditor;
mod big_group;
mod ceiling;
mod create;
mod idp_reads;
mod ids;
mod lookup;
mod provision;
mod query;
mod resync;
mod shared;

pub use auditor::auditor;
pub use big_group::big_group;
pub use ceiling::{ceiling, origin};
pub use create::create;
pub use idp_reads::idp_reads;
pub use ids::{group_ids, user_ids};
pub use lookup::lookup;
pub use provision::provision;
pub use query::query;
pub use resync::resync;
