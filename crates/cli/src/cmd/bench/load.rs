//! The load generator: N concurrent keep-alive HTTP/1.1 connections, each sending the next
//! pre-signed request as soon as its previous one is answered (closed loop, like Meta's
//! delivery workers), recording every answer's status and latency.
//!
//! It runs on a single-threaded runtime, so it can never take more than one core away from the
//! server on a 2-core machine; its actual share is measured and reported.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;

use super::payloads::Signed;

/// One answered (or failed) request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Answer {
    /// HTTP status, or 0 when the request failed without one.
    pub(crate) status: u16,
    pub(crate) latency: Duration,
}

/// What a load run saw.
#[derive(Debug)]
pub(crate) struct LoadResult {
    /// Per request, in the order of `requests`.
    pub(crate) answers: Vec<Answer>,
    /// From the first request sent to the last answer received.
    pub(crate) elapsed: Duration,
}

impl LoadResult {
    /// Requests answered 200.
    pub(crate) fn ok(&self) -> usize {
        self.answers.iter().filter(|a| a.status == 200).count()
    }

    /// Latencies in milliseconds, sorted.
    pub(crate) fn sorted_ms(&self) -> Vec<f64> {
        let mut ms: Vec<f64> = self
            .answers
            .iter()
            .map(|a| a.latency.as_secs_f64() * 1e3)
            .collect();
        ms.sort_by(f64::total_cmp);
        ms
    }
}

/// Sends every request to `url` over `connections` keep-alive connections.
pub(crate) async fn run(
    url: &str,
    requests: Arc<Vec<Signed>>,
    connections: usize,
) -> anyhow::Result<LoadResult> {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::with_capacity(connections);
    for _ in 0..connections.max(1) {
        // One client per connection: reqwest pools per client, so this pins one connection.
        let client = reqwest::Client::builder()
            .http1_only()
            .pool_max_idle_per_host(1)
            .tcp_nodelay(true)
            .build()
            .context("building an HTTP client")?;
        let (url, requests, next) = (url.to_owned(), requests.clone(), next.clone());
        workers.push(tokio::spawn(async move {
            let mut answers = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(request) = requests.get(i) else {
                    return answers;
                };
                answers.push((i, send(&client, &url, request).await));
            }
        }));
    }
    let mut answers = vec![
        Answer {
            status: 0,
            latency: Duration::ZERO
        };
        requests.len()
    ];
    for worker in workers {
        for (i, answer) in worker.await.context("a load worker panicked")? {
            answers[i] = answer;
        }
    }
    Ok(LoadResult {
        answers,
        elapsed: started.elapsed(),
    })
}

async fn send(client: &reqwest::Client, url: &str, request: &Signed) -> Answer {
    let started = Instant::now();
    let sent = client
        .post(url)
        .header("content-type", "application/json")
        .header(meta::signature::HEADER, &request.signature)
        .body(request.body.clone())
        .send()
        .await;
    let status = match sent {
        // The answer counts once its body is read (the server has finished with it).
        Ok(response) => {
            let status = response.status().as_u16();
            match response.bytes().await {
                Ok(_) => status,
                Err(_) => 0,
            }
        }
        Err(_) => 0,
    };
    Answer {
        status,
        latency: started.elapsed(),
    }
}
