//! What every server-rendered page (the inbox's and the admin pages') answers with: its
//! security headers, and JSON that is safe inside a `<script>` element.

use axum::http::header::{self, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};

use crate::http::ApiError;

/// Headers of every page (the inbox's and the admin pages'): no caching of personal data, the
/// strict `csp` (the assets' own unless a page widens it), no framing.
pub(crate) fn page_headers(csp: &str) -> [(HeaderName, HeaderValue); 5] {
    let csp = HeaderValue::from_str(csp).unwrap_or(HeaderValue::from_static("default-src 'self'"));
    [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (header::CONTENT_SECURITY_POLICY, csp),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ),
    ]
}

/// A rendered page with the page headers and `csp` (the inbox's, or an admin page's widened
/// one); a template that failed to render is a 500.
pub(crate) fn html_with_csp(csp: &str, rendered: Result<String, askama::Error>) -> Response {
    match rendered {
        Ok(body) => (page_headers(csp), body).into_response(),
        Err(e) => ApiError::internal(format!("rendering a page failed: {e}")).into_response(),
    }
}

/// JSON safe inside `<script type="application/json">`: `<`, `>` and `&` escaped, so no
/// value can close the script element.
pub(crate) fn script_json(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::script_json;

    #[test]
    fn boot_json_cannot_close_its_script_element() {
        let v = serde_json::json!({"label": "</script><script>alert(1)</script>"});
        let s = script_json(&v);
        assert!(!s.contains("</script>"), "{s}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&s).unwrap(), v);
    }
}
