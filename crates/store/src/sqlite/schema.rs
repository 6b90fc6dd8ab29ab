//! The migration runner: the SQL files are embedded in the binary and applied in order at open,
//! each in its own transaction, and recorded in `schema_migrations`. A database migrated by a
//! newer binary is refused rather than misread.
//!
//! Every migration not yet recorded is applied, not only those above the highest recorded
//! version: areas number their migrations independently (0002 sending, 0003 inbox), so a
//! database may have 3 before 2 exists, and must still get 2 when it comes.

use rusqlite::{Connection, params};

use super::error::{DbError, DbResult};

/// One migration file.
struct Migration {
    version: i64,
    name: &'static str,
    sql: &'static str,
}

/// A [`Migration`] from its version and the name of its file in `migrations/sqlite/` (one name,
/// so the two cannot disagree).
macro_rules! migration {
    ($version:literal, $name:literal) => {
        Migration {
            version: $version,
            name: $name,
            sql: include_str!(concat!("../../migrations/sqlite/", $name, ".sql")),
        }
    };
}

/// Every migration, in order. Append only; never edit one that has been released.
const MIGRATIONS: &[Migration] = &[
    migration!(1, "0001_core"),
    migration!(2, "0002_outbox"),
    migration!(3, "0003_inbox"),
    migration!(4, "0004_onboarding"),
    migration!(5, "0005_snoozes"),
    migration!(6, "0006_number_changes"),
    migration!(7, "0007_history_last_chunk"),
];

/// The schema version this binary writes.
pub(crate) fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// Brings the database to [`latest_version`]; returns the migrations applied now.
pub(crate) fn migrate(conn: &mut Connection) -> DbResult<Vec<&'static str>> {
    migrate_with(conn, MIGRATIONS)
}

fn migrate_with(
    conn: &mut Connection,
    migrations: &'static [Migration],
) -> DbResult<Vec<&'static str>> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version INTEGER PRIMARY KEY,
             name    TEXT NOT NULL
         )",
    )?;
    let recorded: Vec<i64> = conn
        .prepare("SELECT version FROM schema_migrations ORDER BY version")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    if let Some(unknown) = recorded
        .iter()
        .find(|v| !migrations.iter().any(|m| m.version == **v))
    {
        return Err(DbError(coexist_core::store::StoreError::Incompatible(
            format!(
                "the database has schema version {unknown}, newer than this coexist binary \
                 knows (up to {}): run a newer coexist or restore a backup",
                latest_version()
            ),
        )));
    }
    let mut applied = Vec::new();
    for m in migrations.iter().filter(|m| !recorded.contains(&m.version)) {
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

    use super::{MIGRATIONS, Migration, latest_version, migrate, migrate_with};

    #[test]
    fn migrations_apply_once_and_are_recorded() {
        let mut conn = Connection::open_in_memory().unwrap();
        let all: Vec<_> = MIGRATIONS.iter().map(|m| m.name).collect();
        assert_eq!(migrate(&mut conn).unwrap(), all);
        assert!(migrate(&mut conn).unwrap().is_empty());
        let n: i64 = conn
            .query_row("SELECT count(*) FROM schema_migrations", [], |r| r.get(0))
            .unwrap();
        assert_eq!(usize::try_from(n).unwrap(), MIGRATIONS.len());
    }

    #[test]
    fn an_import_begun_before_last_chunk_at_existed_gets_it_from_its_chunks() {
        use coexist_core::number::{HistoryImport, HistoryImportState};
        use coexist_core::time::Timestamp;

        let mut conn = Connection::open_in_memory().unwrap();
        let before_7 = MIGRATIONS.iter().take_while(|m| m.version < 7).count();
        migrate_with(&mut conn, &MIGRATIONS[..before_7]).unwrap();
        // As an older binary wrote it: no last_chunk_at key at all.
        let import = HistoryImport {
            state: HistoryImportState::InProgress,
            progress: Some(40),
            ..HistoryImport::default()
        };
        let mut old = serde_json::to_value(&import).unwrap();
        old.as_object_mut().unwrap().remove("last_chunk_at");
        let newest_chunk_ms = 1_772_442_000_123_i64;
        conn.execute_batch(&format!(
            "INSERT INTO orgs (id, name, created_at) VALUES (1, 'o', 0);
             INSERT INTO numbers (id, org_id, phone_number_id, mode, state, configured, history,
                 created_at, updated_at)
             VALUES (1, 1, 'p1', 'coexistence', 'live', 1, '{old}', 0, 0),
                    (2, 1, 'p2', 'coexistence', 'live', 1, '{old}', 0, 0);
             INSERT INTO history_chunks (number_id, phase, chunk_order, progress, messages,
                 received_at)
             VALUES (1, 0, 1, 20, 10, {early}), (1, 0, 2, 40, 10, {newest_chunk_ms});",
            early = newest_chunk_ms - 60_000,
        ))
        .unwrap();
        assert_eq!(migrate(&mut conn).unwrap(), ["0007_history_last_chunk"]);
        let history = |id: i64| -> HistoryImport {
            let text: String = conn
                .query_row("SELECT history FROM numbers WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .unwrap();
            serde_json::from_str(&text).unwrap()
        };
        let backfilled = history(1);
        assert_eq!(backfilled.last_chunk_at, Some(Timestamp(newest_chunk_ms)));
        assert_eq!(backfilled.progress, Some(40), "the rest is kept");
        assert_eq!(history(2).last_chunk_at, None, "no chunks, nothing to say");
    }

    #[test]
    fn a_migration_missing_below_the_newest_is_still_applied() {
        const BEFORE: &[Migration] = &[
            Migration {
                version: 1,
                name: "one",
                sql: "CREATE TABLE a (x)",
            },
            Migration {
                version: 3,
                name: "three",
                sql: "CREATE TABLE c (x)",
            },
        ];
        // Another area's migration 2 arrives after 3 was applied.
        const AFTER: &[Migration] = &[
            Migration {
                version: 1,
                name: "one",
                sql: "CREATE TABLE a (x)",
            },
            Migration {
                version: 2,
                name: "two",
                sql: "CREATE TABLE b (x)",
            },
            Migration {
                version: 3,
                name: "three",
                sql: "CREATE TABLE c (x)",
            },
        ];
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(migrate_with(&mut conn, BEFORE).unwrap(), ["one", "three"]);
        assert_eq!(migrate_with(&mut conn, AFTER).unwrap(), ["two"]);
        conn.execute_batch("SELECT * FROM b").unwrap();
        let err = migrate_with(&mut conn, BEFORE).unwrap_err();
        assert!(
            format!("{:?}", err.0).contains("schema version 2"),
            "{:?}",
            err.0
        );
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
