//! [`SqliteStore`]: the embedded backend.
//!
//! One database file in WAL mode. All writes (webhook batches, numbers, tokens) go through one
//! writer thread that commits in groups (see [`writer`]); reads run on a small pool of read-only
//! connections on tokio's blocking pool (see [`readers`]).

mod admin;
mod connection;
mod cursor;
mod error;
mod fts;
mod inbox;
mod ingest;
mod onboarding;
mod outbox;
mod read;
mod readers;
mod rows;
mod schema;
mod writer;

pub use writer::{CHECKPOINT_THREAD, SYNC_THREAD, WRITER_THREAD};

use std::path::{Path, PathBuf};
use std::time::Duration;

use async_trait::async_trait;
use coexist_core::ids::{ChatId, MessageId, NumberId, OrgId, Position, TokenId};
use coexist_core::ingest::{IngestBatch, IngestOutcome};
use coexist_core::page::{Limit, Page};
use coexist_core::store::{
    ApiTokenRecord, ChatFilter, ChatRecord, ContactFilter, ContactRecord, CoreStore,
    MessageEventRecord, MessageRecord, NewApiToken, NumberRecord, NumberSetup, StoreError,
    StreamEvent, UnparsedChangeRecord, WebhookErrorRecord,
};
use coexist_core::time::Timestamp;

use self::error::DbError;
use self::readers::Readers;
use self::writer::{GroupLimits, Writer};

/// Tuning of a [`SqliteStore`]. The defaults suit the embedded hub.
#[derive(Debug, Clone)]
pub struct SqliteOptions {
    /// Read connections (and concurrent reads).
    pub read_connections: usize,
    /// How long a connection waits for a lock before failing with "busy".
    pub busy_timeout: Duration,
    /// Most write jobs (webhook requests) committed together in one transaction.
    pub group_max_jobs: usize,
    /// Stop adding jobs to a group once their webhook bodies add up to this many bytes, so one
    /// group's memory stays bounded whatever Meta sends (history bodies reach 3 MB). The
    /// default, 1 MB, puts each history chunk in a group of its own: while the writer commits
    /// one, the next ones are parsed (taking every waiting chunk at once left the writer idle
    /// while the following chunks were read and parsed). Live webhooks (a few KB) still group
    /// by the hundred.
    pub group_max_bytes: usize,
    /// Write jobs that may wait for the writer before callers wait to enqueue (backpressure).
    pub queue_capacity: usize,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        SqliteOptions {
            read_connections: 4,
            busy_timeout: Duration::from_secs(5),
            group_max_jobs: 512,
            group_max_bytes: 1024 * 1024,
            queue_capacity: 4096,
        }
    }
}

/// The SQLite implementation of [`Store`].
pub struct SqliteStore {
    writer: Writer,
    readers: Readers,
    path: PathBuf,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    /// Refuses a database written by a newer coexist.
    pub fn open(path: impl AsRef<Path>, options: SqliteOptions) -> Result<SqliteStore, StoreError> {
        let path = path.as_ref().to_path_buf();
        let at = |e: DbError| match e.0 {
            StoreError::Unavailable(m) => {
                StoreError::Unavailable(format!("opening {}: {m}", path.display()))
            }
            other => other,
        };
        let mut conn = connection::open_writer(&path, options.busy_timeout).map_err(at)?;
        let applied = schema::migrate(&mut conn).map_err(at)?;
        if !applied.is_empty() {
            tracing::info!(path = %path.display(), ?applied, "database migrated");
        }
        let readers = Readers::open(path.clone(), options.read_connections, options.busy_timeout)
            .map_err(at)?;
        let limits = GroupLimits {
            max_jobs: options.group_max_jobs.max(1),
            max_bytes: options.group_max_bytes,
            before_commit: fts::flush,
        };
        let writer = Writer::start(conn, options.queue_capacity, limits).map_err(at)?;
        Ok(SqliteStore {
            writer,
            readers,
            path,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version this binary writes.
    pub fn schema_version() -> i64 {
        schema::latest_version()
    }
}

fn set_head(outcome: &mut IngestOutcome, head: Position) {
    outcome.head = head;
}

#[async_trait]
impl CoreStore for SqliteStore {
    async fn ensure_org(&self, name: &str, now: Timestamp) -> Result<OrgId, StoreError> {
        let name = name.to_owned();
        self.writer
            .write(0, move |c| admin::ensure_org(c, &name, now))
            .await
    }

    async fn upsert_number(
        &self,
        org: OrgId,
        setup: NumberSetup,
        now: Timestamp,
    ) -> Result<NumberRecord, StoreError> {
        self.writer
            .write(0, move |c| admin::upsert_number(c, org, &setup, now))
            .await
    }

    async fn ingest(&self, batch: IngestBatch) -> Result<IngestOutcome, StoreError> {
        let weight = batch.raw_body.len();
        self.writer
            .write_with(weight, move |c| ingest::apply(c, &batch), set_head)
            .await
    }

    async fn list_numbers(&self, org: OrgId) -> Result<Vec<NumberRecord>, StoreError> {
        self.readers
            .read(move |c| read::numbers::list(c, org))
            .await
    }

    async fn get_number(&self, org: OrgId, id: NumberId) -> Result<NumberRecord, StoreError> {
        self.readers
            .read(move |c| read::numbers::get(c, org, id))
            .await
    }

    async fn list_contacts(
        &self,
        org: OrgId,
        filter: ContactFilter,
        limit: Limit,
        cursor: Option<&str>,
    ) -> Result<Page<ContactRecord>, StoreError> {
        let cursor = cursor.map(str::to_owned);
        self.readers
            .read(move |c| read::contacts::list(c, org, &filter, limit, cursor.as_deref()))
            .await
    }

    async fn list_chats(
        &self,
        org: OrgId,
        filter: ChatFilter,
        limit: Limit,
        cursor: Option<&str>,
    ) -> Result<Page<ChatRecord>, StoreError> {
        let cursor = cursor.map(str::to_owned);
        self.readers
            .read(move |c| read::chats::list(c, org, &filter, limit, cursor.as_deref()))
            .await
    }

    async fn get_chat(&self, org: OrgId, id: ChatId) -> Result<ChatRecord, StoreError> {
        self.readers
            .read(move |c| read::chats::get(c, org, id))
            .await
    }

    async fn list_messages(
        &self,
        org: OrgId,
        chat: ChatId,
        limit: Limit,
        cursor: Option<&str>,
    ) -> Result<Page<MessageRecord>, StoreError> {
        let cursor = cursor.map(str::to_owned);
        self.readers
            .read(move |c| read::messages::list(c, org, chat, limit, cursor.as_deref()))
            .await
    }

    async fn get_message(&self, org: OrgId, id: MessageId) -> Result<MessageRecord, StoreError> {
        self.readers
            .read(move |c| read::messages::get(c, org, id))
            .await
    }

    async fn find_messages_by_wamid(
        &self,
        org: OrgId,
        wamid: &str,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        let wamid = wamid.to_owned();
        self.readers
            .read(move |c| read::messages::by_wamid(c, org, &wamid))
            .await
    }

    async fn search_messages(
        &self,
        org: OrgId,
        query: &str,
        limit: Limit,
        cursor: Option<&str>,
    ) -> Result<Page<MessageRecord>, StoreError> {
        let query = query.to_owned();
        let cursor = cursor.map(str::to_owned);
        self.readers
            .read(move |c| read::search::search(c, org, &query, limit, cursor.as_deref()))
            .await
    }

    async fn message_events(
        &self,
        org: OrgId,
        id: MessageId,
    ) -> Result<Vec<MessageEventRecord>, StoreError> {
        self.readers
            .read(move |c| read::messages::events(c, org, id))
            .await
    }

    async fn events_since(
        &self,
        org: OrgId,
        after: Position,
        limit: Limit,
    ) -> Result<Vec<StreamEvent>, StoreError> {
        self.readers
            .read(move |c| read::stream::since(c, org, after, limit))
            .await
    }

    async fn head_position(&self) -> Result<Position, StoreError> {
        self.readers.read(read::stream::head).await
    }

    async fn list_webhook_errors(
        &self,
        org: OrgId,
        limit: Limit,
    ) -> Result<Vec<WebhookErrorRecord>, StoreError> {
        self.readers
            .read(move |c| read::stream::webhook_errors(c, org, limit))
            .await
    }

    async fn list_unparsed_changes(
        &self,
        org: OrgId,
        limit: Limit,
    ) -> Result<Vec<UnparsedChangeRecord>, StoreError> {
        self.readers
            .read(move |c| read::stream::unparsed_changes(c, org, limit))
            .await
    }

    async fn create_api_token(
        &self,
        org: OrgId,
        token: NewApiToken,
        now: Timestamp,
    ) -> Result<ApiTokenRecord, StoreError> {
        self.writer
            .write(0, move |c| admin::create_token(c, org, &token, now))
            .await
    }

    async fn find_api_token(&self, hash: &[u8; 32]) -> Result<Option<ApiTokenRecord>, StoreError> {
        let hash = *hash;
        self.readers
            .read(move |c| read::stream::token(c, &hash))
            .await
    }

    async fn revoke_api_token(
        &self,
        org: OrgId,
        id: TokenId,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.writer
            .write(0, move |c| admin::revoke_token(c, org, id, now))
            .await
    }
}
