//! How much one write may change, and where SQLite keeps its statement
//! journals because of it.
//!
//! Inside a transaction, SQLite copies every page a statement that may
//! fail halfway (an `INSERT` with triggers, a unique key and foreign keys:
//! every user write) changes into a statement journal, so that it can undo
//! the statement alone. Past `SQLITE_STMTJRNL_SPILL` (31 pages, the most
//! the unix VFS can write out in one call: `.cargo/config.toml`) that
//! journal moves to a temp file, opened once per batch and written with two
//! `pwrite` calls a page. A user create changes more pages than that (the
//! row, a dozen index leaves, the kept counts), so under an IdP's first
//! sync every batch opened the file and wrote most pages to it: a fifth of
//! the writer thread's samples, three quarters of that in system calls.
//!
//! With `temp_store = MEMORY` the journal stays in memory whatever its
//! size, and is freed when its statement ends (so do the batch's sorts and
//! temporary tables, small in such writes). That is only safe for a
//! write whose statements each change a bounded number of pages: renaming
//! a group of 200,000 touches every member's row, a statement journal of
//! hundreds of megabytes, which on a file lives in the OS's page cache but
//! in memory would be the server's. So the writer keeps journals in memory
//! for a batch only when every write in it says it reaches a few rows
//! (`Reach::Few`); any other batch runs as before.

use diesel::connection::SimpleConnection;

use super::conn::DbConn;

/// How much one write may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// One user's rows and what hangs off them (its emails, memberships,
    /// person and licenses), or a group PATCH's few hundred named members
    /// at most (`access::provisioning::group_reach`): each statement
    /// changes tens of pages, a few thousand at the very most.
    Few,
    /// Anything, up to every row of a directory: a group's members, a
    /// mapping's grants, a directory's deletion.
    Many,
}

impl Reach {
    /// The reach of a batch of writes: `Few` only if every write's is.
    pub fn of_batch(mut reaches: impl Iterator<Item = Reach>) -> Reach {
        match reaches.all(|r| r == Reach::Few) {
            true => Reach::Few,
            false => Reach::Many,
        }
    }

    /// The `temp_store` setting for writes of this reach: in memory for
    /// `Few`, SQLite's default (a file past the spill size) for `Many`.
    fn temp_store(self) -> &'static str {
        match self {
            Reach::Few => "PRAGMA temp_store = MEMORY",
            Reach::Many => "PRAGMA temp_store = DEFAULT",
        }
    }
}

/// Keeps the statement journals of the write transaction begun next on
/// `conn` where writes of `reach` may keep them: SQLite reads the setting
/// when a write transaction begins, and refuses to change it inside one.
/// (A statement each batch: a few microseconds against a commit's fsync.)
pub fn keep_journals(conn: &mut DbConn, reach: Reach) -> diesel::QueryResult<()> {
    match conn {
        DbConn::Sqlite(_) => conn.batch_execute(reach.temp_store()),
        DbConn::Postgres(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_reaches_few_only_when_every_write_does() {
        let cases: [(&[Reach], Reach); 4] = [
            (&[], Reach::Few),
            (&[Reach::Few, Reach::Few], Reach::Few),
            (&[Reach::Few, Reach::Many], Reach::Many),
            (&[Reach::Many], Reach::Many),
        ];
        for (writes, batch) in cases {
            assert_eq!(Reach::of_batch(writes.iter().copied()), batch, "{writes:?}");
        }
    }
}
