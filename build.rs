//! The migrations are embedded in the binary (`store::migrations`,
//! `embed_migrations!`): a migration added or changed must rebuild it, or
//! an incremental build keeps serving the schema of before.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
