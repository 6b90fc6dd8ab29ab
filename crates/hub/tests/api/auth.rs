//! Every API route needs a valid bearer token; tokens are stored only as hashes.

use reqwest::StatusCode;

use crate::helpers::{TestApp, error_of, spawn_app};

fn api_routes() -> Vec<String> {
    hub::http::routes()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/"))
        .map(|r| {
            assert_eq!(
                r.method, "GET",
                "{}: the test only knows GET routes",
                r.path
            );
            r.path.replace("{id}", "1")
        })
        .collect()
}

async fn assert_unauthorized(app: &TestApp, path: &str, authorization: Option<&str>) {
    let mut request = app.client.get(app.url(path));
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    let response = request.send().await.unwrap();
    assert_eq!(
        response.status(),
        StatusCode::UNAUTHORIZED,
        "{path} with {authorization:?}"
    );
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    let (code, message) = error_of(response).await;
    assert_eq!(code, "unauthorized", "{path}: {message}");
}

#[tokio::test]
async fn every_api_route_refuses_a_missing_or_bad_token_with_401() {
    let app = spawn_app().await;
    let routes = api_routes();
    assert!(routes.len() >= 10, "{routes:?}");
    for path in &routes {
        assert_unauthorized(&app, path, None).await;
        assert_unauthorized(&app, path, Some("Bearer cxt_not-a-real-token")).await;
        assert_unauthorized(&app, path, Some(&format!("Basic {}", app.token))).await;
    }
}

#[tokio::test]
async fn a_valid_token_is_accepted() {
    let app = spawn_app().await;
    assert_eq!(app.get("/api/v1/numbers").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn tokens_are_stored_only_as_hashes() {
    let app = spawn_app().await;
    assert_eq!(app.get("/api/v1/numbers").await.status(), StatusCode::OK);
    for entry in std::fs::read_dir(app._data_dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let secret = app.token.as_bytes();
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret),
            "token found on disk"
        );
    }
}
