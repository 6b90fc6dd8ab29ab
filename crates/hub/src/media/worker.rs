//! The media download worker: follows the change stream for media in new messages, then
//! downloads, verifies and stores each (media id → URL → bytes with the bearer token → hash
//! check → content-addressed file). Failures that may pass (network, 5xx, rate limits) are
//! retried with back-off a few times; the rest are recorded on the media row.

use std::sync::Arc;
use std::time::Duration;

use coexist_core::outbox::backoff_ms;
use coexist_core::store::{MediaJob, MediaOutcome, Store, StoreError};
use coexist_core::time::Clock;
use tokio::sync::watch;

use super::{HashCheck, MediaFiles, check_sha256, sha256_of};
use crate::doorbell::Listener;
use crate::graph::{GraphClient, GraphError};

/// Downloads tried before a media object is given up.
const MAX_ATTEMPTS: u32 = 5;
/// A claim holds this long (a worker that dies mid-download leaves it to be tried again).
const LEASE_MS: i64 = 120_000;
/// Inbound media above 100 MB is refused by Meta itself (error 131052).
const MAX_DOWNLOAD_BYTES: u64 = 100 * 1024 * 1024;
/// Events read per discovery pass.
const DISCOVER_BATCH: u32 = 1_000;
/// Downloads claimed per round.
const CLAIM_BATCH: u32 = 8;

/// What [`MediaWorker::run_until_idle`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MediaIdle {
    /// New media found in messages.
    pub found: u64,
    /// Downloads stored.
    pub stored: u64,
    /// Downloads to try again later.
    pub retried: u64,
    /// Downloads given up.
    pub failed: u64,
}

/// The media worker of this process.
pub struct MediaWorker {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    graph: GraphClient,
    files: MediaFiles,
}

impl std::fmt::Debug for MediaWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaWorker")
            .field("files", &self.files)
            .finish_non_exhaustive()
    }
}

impl MediaWorker {
    /// A worker storing into `files`.
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        graph: GraphClient,
        files: MediaFiles,
    ) -> MediaWorker {
        MediaWorker {
            store,
            clock,
            graph,
            files,
        }
    }

    /// The file store.
    pub fn files(&self) -> &MediaFiles {
        &self.files
    }

    /// Finds new media and downloads everything due now.
    pub async fn run_until_idle(&self) -> Result<MediaIdle, StoreError> {
        let mut idle = MediaIdle::default();
        loop {
            let found = self
                .store
                .discover_media(DISCOVER_BATCH, self.clock.now())
                .await?;
            idle.found += found.new;
            if found.scanned < u64::from(DISCOVER_BATCH) {
                break;
            }
        }
        loop {
            let now = self.clock.now();
            let jobs = self
                .store
                .claim_media(now, now.plus_ms(LEASE_MS), CLAIM_BATCH)
                .await?;
            if jobs.is_empty() {
                return Ok(idle);
            }
            let results = futures_util::future::join_all(jobs.iter().map(|j| self.fetch(j))).await;
            for (job, outcome) in jobs.iter().zip(results) {
                match &outcome {
                    MediaOutcome::Stored { .. } => idle.stored += 1,
                    MediaOutcome::Retry { .. } => idle.retried += 1,
                    MediaOutcome::Failed { error } => {
                        tracing::warn!(media = %job.media_id, %error, "media download failed");
                        idle.failed += 1;
                    }
                }
                let now = self.clock.now();
                self.store
                    .record_media(job.number_id, &job.media_id, outcome, now)
                    .await?;
            }
        }
    }

    /// One download, verified and stored.
    async fn fetch(&self, job: &MediaJob) -> MediaOutcome {
        match self.download(job).await {
            Ok(outcome) => outcome,
            Err(e) => self.failure(job, e),
        }
    }

    async fn download(&self, job: &MediaJob) -> Result<MediaOutcome, GraphError> {
        let info = self
            .graph
            .media_info(&job.media_id, &job.phone_number_id)
            .await?;
        let (bytes, content_type) = self.graph.download(&info.url, MAX_DOWNLOAD_BYTES).await?;
        let digest = match sha256_of(&bytes).await {
            Ok(digest) => digest,
            Err(e) => return Ok(self.retry(job, format!("hashing the media file: {e}"))),
        };
        let announced = [job.expected_sha256.as_deref(), info.sha256.as_deref()];
        let warning = match verify(announced, &digest) {
            Verified::Yes => None,
            Verified::Mismatch(announced) => {
                return Ok(MediaOutcome::Failed {
                    error: format!(
                        "sha256 mismatch: Meta announced {announced}, the {} downloaded bytes hash to {}; the file was not kept",
                        bytes.len(),
                        hex::encode(digest)
                    ),
                });
            }
            Verified::No(warning) => {
                tracing::warn!(media = %job.media_id, %warning, "media kept without a hash check");
                Some(warning)
            }
        };
        let sha256 = match self.files.put_hashed(&bytes, &digest).await {
            Ok(sha) => sha,
            Err(e) => {
                return Ok(self.retry(job, format!("writing the media file: {e}")));
            }
        };
        let mime_type = info
            .mime_type
            .or(content_type)
            .or_else(|| job.mime_type.clone())
            .unwrap_or_else(|| "application/octet-stream".to_owned());
        Ok(MediaOutcome::Stored {
            sha256,
            size: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
            mime_type,
            warning,
        })
    }

    fn failure(&self, job: &MediaJob, e: GraphError) -> MediaOutcome {
        let retryable = match &e {
            GraphError::NotSent(_) | GraphError::NoAnswer(_) => true,
            GraphError::Http { status, .. } => *status >= 500 || *status == 429,
            GraphError::Meta { http_status, error } => {
                *http_status >= 500 || meta::error::ErrorCode::from_code(error.code).is_retryable()
            }
            GraphError::Decode(_) | GraphError::Url(_) => false,
        };
        if retryable {
            self.retry(job, e.to_string())
        } else {
            MediaOutcome::Failed {
                error: e.to_string(),
            }
        }
    }

    fn retry(&self, job: &MediaJob, error: String) -> MediaOutcome {
        if job.attempt >= MAX_ATTEMPTS {
            return MediaOutcome::Failed {
                error: format!("{error} (gave up after {} attempts)", job.attempt),
            };
        }
        let delay = backoff_ms(job.attempt, 2_000, 300_000, 0.5);
        MediaOutcome::Retry {
            at: self.clock.now().plus_ms(delay),
            error,
        }
    }

    /// The background worker: a pass on every doorbell ring (new messages) and every 30
    /// seconds (retries), until `stop`.
    pub async fn run(self: Arc<Self>, mut listener: Listener, mut stop: watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                return;
            }
            if let Err(e) = self.run_until_idle().await {
                tracing::error!(error = %e, "media worker round failed");
            }
            tokio::select! {
                _ = stop.changed() => {}
                _ = listener.rung() => {}
                () = tokio::time::sleep(Duration::from_secs(30)) => {}
            }
        }
    }
}

/// What the announced hashes say about a download.
#[derive(Debug, PartialEq, Eq)]
enum Verified<'a> {
    /// A readable hash matches.
    Yes,
    /// A readable hash names other bytes: the download is wrong.
    Mismatch(&'a str),
    /// Nothing could be checked: why, for the warning.
    No(String),
}

/// Checks the bytes' `digest` against the hashes Meta announced (the webhook's, then the media
/// object's): the first readable one decides. A hash in neither hex nor base64 cannot be
/// checked; the file is still kept (losing a customer's photo over an encoding is worse than
/// keeping it unverified), marked so.
fn verify<'a>(announced: [Option<&'a str>; 2], digest: &[u8; 32]) -> Verified<'a> {
    let mut unreadable = Vec::new();
    for hash in announced.into_iter().flatten() {
        match check_sha256(hash, digest) {
            HashCheck::Matches => return Verified::Yes,
            HashCheck::Differs => return Verified::Mismatch(hash),
            HashCheck::Unreadable => unreadable.push(hash),
        }
    }
    Verified::No(if unreadable.is_empty() {
        "Meta announced no sha256: the file was not verified".to_owned()
    } else {
        format!(
            "the sha256 Meta announced ({}) is neither hex nor base64: the file was kept without verification",
            unreadable.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    use super::{Verified, verify};

    #[test]
    fn the_first_readable_hash_decides_and_unreadable_ones_keep_the_file() {
        let digest: [u8; 32] = Sha256::digest(b"abc").into();
        let hex = hex::encode(digest);
        assert_eq!(verify([Some("?!"), Some(&hex)], &digest), Verified::Yes);
        let zero = "0".repeat(64);
        assert_eq!(
            verify([Some(&zero), Some(&hex)], &digest),
            Verified::Mismatch(zero.as_str())
        );
        let Verified::No(warning) = verify([Some("?!"), None], &digest) else {
            panic!("an unreadable hash is not a verdict");
        };
        assert!(warning.contains("neither hex nor base64"), "{warning}");
        assert!(matches!(verify([None, None], &digest), Verified::No(_)));
    }
}
