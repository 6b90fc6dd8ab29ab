//! The live stream: events after a webhook, resumption without loss, the end of a snooze,
//! shutdown.

use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use coexist_core::ids::{ChatId, Position};
use coexist_core::page::Limit;
use coexist_core::time::HOUR_MS;
use futures_util::{Stream, StreamExt};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{NOW, TestApp, error_of, spawn_app, text_message};

const T0: i64 = 1_739_000_000;
/// Generous: the machine is shared; this only bounds a hung test.
const WAIT: Duration = Duration::from_secs(30);

#[derive(Debug)]
struct SseEvent {
    id: String,
    event: String,
    data: Value,
}

struct SseClient {
    body: Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>,
    buf: String,
}

impl SseClient {
    async fn connect(app: &TestApp, query: &str, last_event_id: Option<&str>) -> SseClient {
        let mut request = app
            .client
            .get(app.url(&format!("/api/v1/stream{query}")))
            .bearer_auth(&app.token);
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id);
        }
        let response = request.send().await.expect("stream request");
        assert_eq!(response.status(), StatusCode::OK);
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            content_type.starts_with("text/event-stream"),
            "{content_type}"
        );
        SseClient {
            body: Box::pin(response.bytes_stream()),
            buf: String::new(),
        }
    }

    /// The next event (comments skipped), or a panic after [`WAIT`].
    async fn next(&mut self) -> SseEvent {
        tokio::time::timeout(WAIT, self.next_event())
            .await
            .expect("an event within the wait")
    }

    async fn next_event(&mut self) -> SseEvent {
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                if let Some(event) = parse_block(&block) {
                    return event;
                }
                continue;
            }
            let chunk = self.body.next().await.expect("stream open").expect("chunk");
            self.buf
                .push_str(std::str::from_utf8(&chunk).expect("utf-8"));
        }
    }

    /// Reads events until one of `kind` arrives; returns all read.
    async fn until_kind(&mut self, kind: &str, count: usize) -> Vec<SseEvent> {
        let mut events = Vec::new();
        let mut seen = 0;
        while seen < count {
            let event = self.next().await;
            if event.event == kind {
                seen += 1;
            }
            events.push(event);
        }
        events
    }
}

fn parse_block(block: &str) -> Option<SseEvent> {
    let (mut id, mut event, mut data) = (None, None, String::new());
    for line in block.lines() {
        if let Some(v) = line.strip_prefix("id:") {
            id = Some(v.trim().to_owned());
        } else if let Some(v) = line.strip_prefix("event:") {
            event = Some(v.trim().to_owned());
        } else if let Some(v) = line.strip_prefix("data:") {
            data.push_str(v.trim_start());
        }
    }
    let id = id?;
    Some(SseEvent {
        id,
        event: event.unwrap_or_default(),
        data: serde_json::from_str(&data).expect("data is JSON"),
    })
}

fn message(i: i64) -> Vec<u8> {
    text_message(
        "16505551234",
        &format!("wamid.live{i}"),
        T0 + i,
        &format!("live {i}"),
    )
}

#[tokio::test]
async fn the_stream_delivers_an_event_after_a_webhook() {
    let app = spawn_app().await;
    let mut stream = SseClient::connect(&app, "", None).await;
    app.deliver(&message(1)).await;
    let events = stream.until_kind("message.created", 1).await;
    let created = events.last().unwrap();
    assert_eq!(created.data["kind"], "message.created");
    assert_eq!(created.id, created.data["position"].to_string());
    let message_id = created.data["message_id"].as_str().expect("message id");
    let message = app
        .get_json(&format!("/api/v1/messages/{message_id}"))
        .await;
    assert_eq!(message["text"], "live 1");
}

#[tokio::test]
async fn the_stream_resumes_from_last_event_id_without_loss() {
    let app = spawn_app().await;
    let mut first = SseClient::connect(&app, "?after=0", None).await;
    app.deliver(&message(1)).await;
    let mut seen = first.until_kind("message.created", 1).await;
    let last = seen.last().unwrap().id.clone();
    drop(first);

    // Two deliveries while nobody listens.
    app.deliver(&message(2)).await;
    app.deliver(&message(3)).await;

    // The header wins over ?after=, as a reconnecting EventSource keeps its URL.
    let mut resumed = SseClient::connect(&app, "?after=0", Some(&last)).await;
    let stored = app
        .store
        .events_since(app.org().await, Position(0), Limit::new(Some(200)))
        .await
        .unwrap();
    let stored: Vec<i64> = stored.iter().map(|e| e.position.0).collect();
    let head = *stored.last().expect("events");
    loop {
        let event = resumed.next().await;
        let position: i64 = event.id.parse().unwrap();
        seen.push(event);
        if position >= head {
            break;
        }
    }
    let positions: Vec<i64> = seen.iter().map(|e| e.id.parse().unwrap()).collect();
    assert_eq!(positions, stored, "every stored event, once, in order");
    let created = seen.iter().filter(|e| e.event == "message.created").count();
    assert_eq!(created, 3);
}

#[tokio::test]
async fn a_bad_last_event_id_is_400() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/api/v1/stream"))
        .bearer_auth(&app.token)
        .header("last-event-id", "yesterday")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_of(response).await.0, "invalid_parameter");
}

#[tokio::test]
async fn shutting_down_ends_open_streams() {
    let app = spawn_app().await;
    let mut stream = SseClient::connect(&app, "", None).await;
    app.deliver(&message(1)).await;
    stream.until_kind("message.created", 1).await;
    // `stop` waits for the server, which waits for every connection: the stream must end.
    app.stop().await;
    let rest = tokio::time::timeout(WAIT, async {
        while let Some(chunk) = stream.body.next().await {
            if chunk.is_err() {
                break;
            }
        }
    })
    .await;
    assert!(rest.is_ok(), "the stream ended");
}

#[tokio::test]
async fn a_snooze_that_ends_is_stored_and_announced_on_the_stream() {
    let app = spawn_app().await;
    app.deliver(&message(1)).await;
    let id = app.list("/api/v1/chats").await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let until = NOW.plus_ms(HOUR_MS);
    let snooze = app
        .as_token(reqwest::Method::POST, &format!("/api/v1/chats/{id}/snooze"))
        .json(&json!({ "until": until }))
        .send()
        .await
        .unwrap();
    assert_eq!(snooze.status(), StatusCode::OK);
    let mut stream = SseClient::connect(&app, "", None).await;

    assert_eq!(app.snoozes.wake_once().await.unwrap(), 0, "not yet");
    app.clock.advance_ms(HOUR_MS);
    assert_eq!(app.snoozes.wake_once().await.unwrap(), 1);
    let events = stream.until_kind("chat.updated", 1).await;
    let woke = events.last().unwrap();
    assert_eq!(woke.data["chat_id"], json!(id));
    assert_eq!(
        woke.data["data"]["fields"],
        json!(["status", "snoozed_until"])
    );
    assert_eq!(app.snoozes.wake_once().await.unwrap(), 0, "announced once");
    let chat = ChatId(id.parse().unwrap());
    let stored = app.store.get_chat(app.org().await, chat).await.unwrap();
    assert_eq!(
        stored.snoozed_until, None,
        "the wake is stored, not only read"
    );
}
