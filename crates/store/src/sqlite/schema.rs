//! The migration runner: the SQL files are embedded in the binary and applied in order at open,
//! each in its own transaction, and recorded in `schema_migrations`. A database migrated by a
//! newer binary is refused rather than misread.

use rusqlite::{Connection, OptionalExtension, params};

use super::error::{DbError, DbResult};

/// One migration file.
struct Migration {
    version: i64,
    name: &'static str,
    sql: &'static str,
}

/// Every migration, in order. Append only; never edit one that has been released.
const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "0001_core",
    sql: include_str!("../../migrations/sqlite/0001_core.sql"),
}];

/// The schema version this binary writes.
pub(crate) fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// Brings the database to [`latest_version`]; returns the migrations applied now.
pub(crate) fn migrate(conn: &mut Connection) -> DbResult<Vec<&'static str>> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version INTEGER PRIMARY KEY,
             name    TEXT NOT NULL
         )",
    )?;
    let current: i64 = conn
        .query_row("SELECT max(version) FROM schema_migrations", [], |r| {
            r.get::<_, Option<i64>>(0)
        })
        .optional()?
        .flatten()
        .unwrap_or(0);
    if current > latest_version() {
        return Err(DbError(coexist_core::store::StoreError::Incompatible(
            format!(
                "the database is at schema version {current}, newer than this coexist binary \
                 knows ({}): run a newer coexist or restore a backup",
                latest_version()
            ),
        )));
    }
    let mut applied = Vec::new();
    for m in MIGRATIONS.iter().filter(|m| m.version > current) {
        let tx = conn.transaction()?;
        tx.execute_batch(m.sql)
            .map_err(|e| DbError::corrupt(format!("migration {} failed: {e}", m.name)))?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES (?1, ?2)",
            params![m.version, m.name],
        )?;
        tx.commit()?;
        applied.push(m.name);
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::{latest_version, migrate};

    #[test]
    fn migrations_apply_once_and_are_recorded() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(migrate(&mut conn).unwrap(), vec!["0001_core"]);
        assert!(migrate(&mut conn).unwrap().is_empty());
        let n: i64 = conn
            .query_row("SELECT count(*) FROM schema_migrations", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, latest_version());
    }

    #[test]
    fn a_database_from_a_newer_binary_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        conn.execute(
            "INSERT INTO schema_migrations (version, name) VALUES (?1, 'future')",
            [latest_version() + 1],
        )
        .unwrap();
        let err = migrate(&mut conn).unwrap_err();
        assert!(format!("{:?}", err.0).contains("newer than this coexist binary"));
    }
}
