//! Signed-in people for the inbox tests: users created through the library function the CLI
//! and the demo use, sessions obtained through `POST /auth/login`, and requests that carry the
//! cookie and the CSRF token the way the web app does.

use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use coexist_core::inbox::Role;
use futures_util::{Stream, StreamExt};
use hub::inbox::users::{UserInput, create_user};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::Value;

use crate::helpers::{NOW, TestApp};

/// Every test user's password.
pub(crate) const PASSWORD: &str = "correct horse battery";
/// Generous: the machine is shared; this only bounds a hung test.
pub(crate) const WAIT: Duration = Duration::from_secs(30);

/// A signed-in browser: its session cookie and CSRF token.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub(crate) cookie: String,
    pub(crate) csrf: String,
    pub(crate) user_id: String,
}

impl TestApp {
    /// Creates a user of the app's organization (password [`PASSWORD`]); returns its id.
    pub(crate) async fn add_user(&self, name: &str, role: Role) -> String {
        let email = email_of(name);
        let input = UserInput {
            email: &email,
            name,
            role,
            password: PASSWORD,
        };
        let user = create_user(self.store.as_ref(), self.org().await, input, NOW)
            .await
            .expect("create_user");
        user.id.to_string()
    }

    /// `POST /auth/login` with JSON.
    pub(crate) async fn login(&self, email: &str, password: &str) -> Response {
        self.client
            .post(self.url("/auth/login"))
            .json(&serde_json::json!({ "email": email, "password": password }))
            .send()
            .await
            .expect("login request")
    }

    /// Creates a user and signs them in.
    pub(crate) async fn signed_in(&self, name: &str, role: Role) -> Session {
        let user_id = self.add_user(name, role).await;
        let session = self.sign_in(name).await;
        assert_eq!(session.user_id, user_id);
        session
    }

    /// Signs an existing user in (see [`email_of`]).
    pub(crate) async fn sign_in(&self, name: &str) -> Session {
        let email = email_of(name);
        let response = self.login(&email, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK, "login of {email}");
        let cookie = session_cookie(&response).expect("a session cookie");
        let json: Value = response.json().await.expect("json");
        Session {
            cookie,
            csrf: json["csrf_token"].as_str().expect("csrf").to_owned(),
            user_id: json["user"]["id"].as_str().expect("user id").to_owned(),
        }
    }

    /// A request as the web app sends it: the cookie, and the CSRF token on writes.
    pub(crate) fn as_user(&self, session: &Session, method: Method, path: &str) -> RequestBuilder {
        let write = method != Method::GET;
        let mut request = self
            .client
            .request(method, self.url(path))
            .header("cookie", format!("cx_session={}", session.cookie));
        if write {
            request = request.header("x-csrf-token", &session.csrf);
        }
        request
    }

    /// A request with the app's API token.
    pub(crate) fn as_token(&self, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, self.url(path))
            .bearer_auth(&self.token)
    }
}

/// The email of the test user called `name`: `Bruno Lima` is `bruno.lima@example.com`.
pub(crate) fn email_of(name: &str) -> String {
    format!("{}@example.com", name.to_lowercase().replace(' ', "."))
}

/// The `cx_session` value a response sets.
pub(crate) fn session_cookie(response: &Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("cx_session="))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
        .filter(|v| !v.is_empty())
}

/// Sends `request`, asserts `status`, returns the JSON body (`null` when empty).
pub(crate) async fn expect(request: RequestBuilder, status: StatusCode) -> Value {
    let response = request.send().await.expect("request");
    let got = response.status();
    let text = response.text().await.expect("body");
    assert_eq!(got, status, "{text}");
    if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
    }
}

/// Sends `request`, asserts `status` and a JSON error; returns its code.
pub(crate) async fn expect_error(request: RequestBuilder, status: StatusCode) -> String {
    let body = expect(request, status).await;
    body["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code: {body}"))
        .to_owned()
}

/// One server-sent event.
#[derive(Debug)]
pub(crate) struct Event {
    pub(crate) kind: String,
    pub(crate) data: Value,
}

/// A live stream, as a browser holds it.
pub(crate) struct Live {
    body: Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>,
    buf: String,
}

impl Live {
    /// Opens `/api/v1/stream` with `request` (cookie or token), from now on.
    pub(crate) async fn open(request: RequestBuilder) -> Live {
        let response = request.send().await.expect("stream request");
        assert_eq!(response.status(), StatusCode::OK);
        Live {
            body: Box::pin(response.bytes_stream()),
            buf: String::new(),
        }
    }

    /// Reads events until one of `kind` arrives (within [`WAIT`]); returns it.
    pub(crate) async fn until(&mut self, kind: &str) -> Event {
        tokio::time::timeout(WAIT, async {
            loop {
                let event = self.next().await;
                if event.kind == kind {
                    return event;
                }
            }
        })
        .await
        .unwrap_or_else(|_| panic!("no {kind} event within the wait"))
    }

    /// Reads events until one of each of `kinds` arrived, in whatever order; returns the
    /// first of each, in the order of `kinds`.
    pub(crate) async fn until_each(&mut self, kinds: &[&str]) -> Vec<Event> {
        let mut found: Vec<Option<Event>> = kinds.iter().map(|_| None).collect();
        tokio::time::timeout(WAIT, async {
            while found.iter().any(Option::is_none) {
                let event = self.next().await;
                if let Some(i) = kinds.iter().position(|k| *k == event.kind)
                    && found[i].is_none()
                {
                    found[i] = Some(event);
                }
            }
        })
        .await
        .unwrap_or_else(|_| panic!("not all of {kinds:?} within the wait"));
        found.into_iter().flatten().collect()
    }

    async fn next(&mut self) -> Event {
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let mut event = Event {
                    kind: String::new(),
                    data: Value::Null,
                };
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        event.kind = v.trim().to_owned();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        event.data = serde_json::from_str(v.trim()).expect("JSON data");
                    }
                }
                if !event.kind.is_empty() {
                    return event;
                }
                continue;
            }
            let chunk = self.body.next().await.expect("stream open").expect("chunk");
            self.buf
                .push_str(std::str::from_utf8(&chunk).expect("utf-8"));
        }
    }
}
