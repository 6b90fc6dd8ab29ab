//! Who may call the API: API tokens (stored only as hashes) and signed-in sessions (a cookie
//! stored only as a hash, a CSRF token on writes, throttled sign-in, sign-out everywhere), and
//! the role check.

use coexist_core::inbox::Role;
use coexist_core::time::{DAY_MS, HOUR_MS, MINUTE_MS};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{TestApp, error_of, spawn_app, spawn_app_with};
use crate::people::{PASSWORD, expect, expect_error, session_cookie};

fn api_routes() -> Vec<(Method, String)> {
    hub::http::routes()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/"))
        .map(|r| (r.method, r.path.replace("{id}", "1")))
        .collect()
}

async fn assert_unauthorized(
    app: &TestApp,
    method: &Method,
    path: &str,
    authorization: Option<&str>,
) {
    let mut request = app.client.request(method.clone(), app.url(path));
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    let response = request.send().await.unwrap();
    assert_eq!(
        response.status(),
        StatusCode::UNAUTHORIZED,
        "{method} {path} with {authorization:?}"
    );
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    let (code, message) = error_of(response).await;
    assert_eq!(code, "unauthorized", "{path}: {message}");
}

#[tokio::test]
async fn every_api_route_refuses_a_missing_or_bad_token_with_401() {
    let app = spawn_app().await;
    let routes = api_routes();
    assert!(routes.len() >= 25, "{routes:?}");
    for (method, path) in &routes {
        assert_unauthorized(&app, method, path, None).await;
        assert_unauthorized(&app, method, path, Some("Bearer cxt_not-a-real-token")).await;
        let basic = format!("Basic {}", app.token);
        assert_unauthorized(&app, method, path, Some(&basic)).await;
    }
}

#[tokio::test]
async fn a_valid_token_is_accepted() {
    let app = spawn_app().await;
    assert_eq!(app.get("/api/v1/numbers").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn tokens_and_session_cookies_are_stored_only_as_hashes() {
    let app = spawn_app().await;
    let session = app.signed_in("Ana", Role::Agent).await;
    assert_eq!(app.get("/api/v1/numbers").await.status(), StatusCode::OK);
    let files = std::fs::read_dir(app._data_dir.path()).unwrap();
    for path in files.map(|e| e.unwrap().path()).filter(|p| p.is_file()) {
        let bytes = std::fs::read(path).unwrap();
        for secret in [
            app.token.as_bytes(),
            session.cookie.as_bytes(),
            PASSWORD.as_bytes(),
        ] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret),
                "a secret found on disk"
            );
        }
    }
}

#[tokio::test]
async fn signing_in_sets_an_http_only_lax_cookie_and_answers_the_csrf_token() {
    let app = spawn_app().await;
    app.add_user("Ana", Role::Agent).await;
    let response = app.login("  ANA@example.com ", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    let set_cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(set_cookie.starts_with("cx_session="), "{set_cookie}");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=604800"] {
        assert!(
            set_cookie.contains(attribute),
            "{attribute} in {set_cookie}"
        );
    }
    assert!(!set_cookie.contains("Secure"), "plain http: {set_cookie}");
    let secret = session_cookie(&response).unwrap();
    assert_eq!(secret.len(), 43, "256 random bits, base64url");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["user"]["email"], "ana@example.com");
    assert_eq!(body["user"]["role"], "agent");
    assert!(body["user"].get("password_hash").is_none());
    assert!(body["csrf_token"].as_str().unwrap().len() >= 32);
    let again = app.login("ana@example.com", PASSWORD).await;
    assert_ne!(
        session_cookie(&again).unwrap(),
        secret,
        "a new session per sign-in"
    );
}

#[tokio::test]
async fn the_cookie_is_secure_behind_an_https_public_url() {
    let app = spawn_app_with(
        |c| c.public_url = Some("https://inbox.example.com".to_owned()),
        |d| d,
    )
    .await;
    app.add_user("Ana", Role::Agent).await;
    let response = app.login("ana@example.com", PASSWORD).await;
    let set_cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(set_cookie.ends_with("; Secure"), "{set_cookie}");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_401() {
    let app = spawn_app().await;
    app.add_user("Ana", Role::Agent).await;
    let mut answers = Vec::new();
    for (email, password) in [
        ("ana@example.com", "not the password"),
        ("nobody@example.com", PASSWORD),
        ("not an email", PASSWORD),
    ] {
        let response = app.login(email, password).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{email}");
        assert!(session_cookie(&response).is_none());
        answers.push(response.json::<serde_json::Value>().await.unwrap());
    }
    let expected = json!({ "error": { "code": "invalid_credentials", "message": "Wrong email or password." } });
    assert!(answers.iter().all(|a| *a == expected), "{answers:?}");
}

#[tokio::test]
async fn repeated_failures_are_throttled_per_email_until_the_window_passes() {
    let app = spawn_app().await;
    app.add_user("Ana", Role::Agent).await;
    app.add_user("Bruno", Role::Agent).await;
    for _ in 0..5 {
        let response = app.login("ana@example.com", "guess").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let refused = app.login("ana@example.com", PASSWORD).await;
    assert_eq!(
        refused.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password"
    );
    assert_eq!(error_of(refused).await.0, "too_many_attempts");
    let unknown_refused = {
        for _ in 0..5 {
            app.login("ghost@example.com", "guess").await;
        }
        app.login("ghost@example.com", "guess").await.status()
    };
    assert_eq!(
        unknown_refused,
        StatusCode::TOO_MANY_REQUESTS,
        "unknown emails alike"
    );
    assert_eq!(
        app.login("bruno@example.com", PASSWORD).await.status(),
        StatusCode::OK
    );
    app.clock.advance_ms(16 * MINUTE_MS);
    assert_eq!(
        app.login("ana@example.com", PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_login_form_redirects_with_the_error_or_to_next() {
    let app = spawn_app().await;
    app.add_user("Ana", Role::Agent).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = |password: &str, next: &str| {
        let mut encoded = reqwest::Url::parse("http://form/").unwrap();
        encoded
            .query_pairs_mut()
            .append_pair("email", "ana@example.com")
            .append_pair("password", password)
            .append_pair("next", next);
        client
            .post(app.url("/auth/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(encoded.query().unwrap().to_owned())
    };
    let wrong = form("nope", "/chats/7").send().await.unwrap();
    assert_eq!(wrong.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        wrong.headers()["location"],
        "/login?error=invalid_credentials&email=ana%40example.com&next=%2Fchats%2F7"
    );
    let right = form(PASSWORD, "/chats/7").send().await.unwrap();
    assert_eq!(right.status(), StatusCode::SEE_OTHER);
    assert_eq!(right.headers()["location"], "/chats/7");
    assert!(session_cookie(&right).is_some());
    let elsewhere = form(PASSWORD, "https://evil.example/")
        .send()
        .await
        .unwrap();
    assert_eq!(
        elsewhere.headers()["location"],
        "/",
        "only same-origin paths"
    );
}

#[tokio::test]
async fn a_sign_in_from_another_site_is_refused() {
    let app = spawn_app().await;
    app.add_user("Ana", Role::Agent).await;
    let body = json!({ "email": "ana@example.com", "password": PASSWORD });
    let post = |origin: String| {
        app.client
            .post(app.url("/auth/login"))
            .header("origin", origin)
            .json(&body)
    };
    let code = expect_error(
        post("https://evil.example".to_owned()),
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(code, "csrf_failed");
    let cross = app
        .client
        .post(app.url("/auth/login"))
        .header("sec-fetch-site", "cross-site")
        .json(&body);
    assert_eq!(
        expect_error(cross, StatusCode::FORBIDDEN).await,
        "csrf_failed"
    );
    let own = format!("http://{}", app.addr);
    expect(post(own), StatusCode::OK).await;
}

#[tokio::test]
async fn cookie_writes_need_the_session_csrf_token_and_tokens_need_none() {
    let app = spawn_app().await;
    let ana = app.signed_in("Ana", Role::Admin).await;
    let body = json!({ "shortcut": "thanks", "body": "Thank you!" });
    let cookie = format!("cx_session={}", ana.cookie);
    let post = || {
        app.client
            .post(app.url("/api/v1/canned-responses"))
            .header("cookie", &cookie)
            .json(&body)
    };
    assert_eq!(
        expect_error(post(), StatusCode::FORBIDDEN).await,
        "csrf_failed"
    );
    let wrong = post().header("x-csrf-token", "not-the-token");
    assert_eq!(
        expect_error(wrong, StatusCode::FORBIDDEN).await,
        "csrf_failed"
    );
    let other = app.signed_in("Bruno", Role::Admin).await;
    let someone_elses = post().header("x-csrf-token", &other.csrf);
    assert_eq!(
        expect_error(someone_elses, StatusCode::FORBIDDEN).await,
        "csrf_failed"
    );
    expect(
        post().header("x-csrf-token", &ana.csrf),
        StatusCode::CREATED,
    )
    .await;
    expect(
        app.as_user(&ana, Method::GET, "/api/v1/canned-responses"),
        StatusCode::OK,
    )
    .await;
    let by_token = app.as_token(Method::POST, "/api/v1/canned-responses");
    let by_token = by_token.json(&json!({ "shortcut": "hours", "body": "9 to 5" }));
    expect(by_token, StatusCode::CREATED).await;
}

#[tokio::test]
async fn signing_out_ends_the_session_for_good() {
    let app = spawn_app().await;
    let ana = app.signed_in("Ana", Role::Agent).await;
    expect(app.as_user(&ana, Method::GET, "/api/v1/me"), StatusCode::OK).await;
    let no_csrf = app
        .client
        .post(app.url("/auth/logout"))
        .header("cookie", format!("cx_session={}", ana.cookie));
    assert_eq!(
        expect_error(no_csrf, StatusCode::FORBIDDEN).await,
        "csrf_failed"
    );
    let response = app
        .as_user(&ana, Method::POST, "/auth/logout")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let cleared = response.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cleared.starts_with("cx_session=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
    let replayed = app.as_user(&ana, Method::GET, "/api/v1/me");
    assert_eq!(
        expect_error(replayed, StatusCode::UNAUTHORIZED).await,
        "unauthorized"
    );
    let tokens_cannot = app.as_token(Method::POST, "/auth/logout");
    assert_eq!(
        expect_error(tokens_cannot, StatusCode::FORBIDDEN).await,
        "forbidden"
    );
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_session_of_the_user_only() {
    let app = spawn_app().await;
    let laptop = app.signed_in("Ana", Role::Agent).await;
    let phone = app.sign_in("Ana").await;
    let bruno = app.signed_in("Bruno", Role::Agent).await;
    let response = app
        .as_user(&phone, Method::POST, "/auth/logout-all")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    for session in [&laptop, &phone] {
        let me = app.as_user(session, Method::GET, "/api/v1/me");
        assert_eq!(
            expect_error(me, StatusCode::UNAUTHORIZED).await,
            "unauthorized"
        );
    }
    expect(
        app.as_user(&bruno, Method::GET, "/api/v1/me"),
        StatusCode::OK,
    )
    .await;
}

#[tokio::test]
async fn sessions_end_after_12_idle_hours_or_7_days() {
    let app = spawn_app().await;
    let ana = app.signed_in("Ana", Role::Agent).await;
    let bruno = app.signed_in("Bruno", Role::Agent).await;
    let me = |s| app.as_user(s, Method::GET, "/api/v1/me");
    // Ana is active every 11 hours, which keeps her session alive, but not past 7 days.
    for _ in 0..15 {
        app.clock.advance_ms(11 * HOUR_MS);
        expect(me(&ana), StatusCode::OK).await;
    }
    let idle = expect_error(me(&bruno), StatusCode::UNAUTHORIZED).await;
    assert_eq!(
        idle, "unauthorized",
        "Bruno was idle for more than 12 hours"
    );
    app.clock.advance_ms(7 * DAY_MS - 15 * 11 * HOUR_MS);
    let absolute = expect_error(me(&ana), StatusCode::UNAUTHORIZED).await;
    assert_eq!(absolute, "unauthorized", "7 days after signing in");
}

#[tokio::test]
async fn agents_cannot_create_users_admins_and_admin_tokens_can() {
    let app = spawn_app().await;
    let agent = app.signed_in("Ana", Role::Agent).await;
    let admin = app.signed_in("Bruno", Role::Admin).await;
    let new = |name: &str| json!({ "email": format!("{name}@example.com"), "name": name, "password": PASSWORD, "role": "agent" });
    let by_agent = app
        .as_user(&agent, Method::POST, "/api/v1/users")
        .json(&new("carla"));
    assert_eq!(
        expect_error(by_agent, StatusCode::FORBIDDEN).await,
        "forbidden"
    );
    let by_admin = app
        .as_user(&admin, Method::POST, "/api/v1/users")
        .json(&new("carla"));
    let carla = expect(by_admin, StatusCode::CREATED).await;
    assert_eq!(
        (carla["email"].as_str(), carla["role"].as_str()),
        (Some("carla@example.com"), Some("agent"))
    );
    let again = app
        .as_token(Method::POST, "/api/v1/users")
        .json(&new("carla"));
    assert_eq!(expect_error(again, StatusCode::CONFLICT).await, "conflict");
    let short = app.as_token(Method::POST, "/api/v1/users").json(
        &json!({ "email": "d@example.com", "name": "D", "password": "short", "role": "agent" }),
    );
    assert_eq!(
        expect_error(short, StatusCode::BAD_REQUEST).await,
        "invalid_request"
    );
    expect(
        app.as_token(Method::POST, "/api/v1/users")
            .json(&new("dora")),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        app.login("carla@example.com", PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn me_tells_who_is_calling() {
    let app = spawn_app().await;
    let ana = app.signed_in("Ana", Role::Agent).await;
    let me = expect(app.as_user(&ana, Method::GET, "/api/v1/me"), StatusCode::OK).await;
    assert_eq!(me["user"]["name"], "Ana");
    assert_eq!(me["csrf_token"], ana.csrf.as_str());
    assert_eq!(me["org"]["name"], "default");
    let token = expect(app.as_token(Method::GET, "/api/v1/me"), StatusCode::OK).await;
    assert_eq!(
        (token["user"].clone(), token["csrf_token"].clone()),
        (json!(null), json!(null))
    );
    assert_eq!(token["token"]["role"], "admin");
}
