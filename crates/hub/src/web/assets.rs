//! The web app's static files (CSS, ES modules, icons), embedded in the binary so the hub needs
//! nothing else at run time: no CDN, no build step, no files beside the binary.
//!
//! Each file is served twice: under its plain path (`/assets/js/app.js`, revalidated with an
//! ETag) and under a content-hashed one (`/assets/js/app.3f9a0c1d2e4b5a69.js`, cached for a
//! year). Pages link the hashed names; JS modules import each other by plain relative paths,
//! which the page's import map sends to the hashed names, so a new binary never mixes old and
//! new modules in a browser cache.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Extension;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

/// A file as compiled in.
struct Embedded {
    path: &'static str,
    bytes: &'static [u8],
}

macro_rules! embed {
    ($($path:literal),+ $(,)?) => {
        &[$(Embedded {
            path: $path,
            bytes: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/", $path)),
        }),+]
    };
}

/// Every file under `crates/hub/assets`. A test checks none is missing from this list.
const FILES: &[Embedded] = embed!(
    "css/admin.css",
    "css/app.css",
    "img/icon.svg",
    "js/admin.js",
    "js/api.js",
    "js/app.js",
    "js/chat.js",
    "js/composer.js",
    "js/health.js",
    "js/icons.js",
    "js/keys.js",
    "js/list.js",
    "js/login.js",
    "js/notify.js",
    "js/panel.js",
    "js/picker.js",
    "js/state.js",
    "js/stream.js",
    "js/thread.js",
    "js/util.js",
);

/// Cache lifetime of a content-hashed URL: it never changes, so a year.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// One servable file.
struct Asset {
    hashed_url: String,
    bytes: &'static [u8],
    content_type: &'static str,
    etag: String,
}

/// The embedded files, their hashed URLs and the import map. Built once per router.
pub(crate) struct Assets {
    files: Vec<Asset>,
    by_plain: HashMap<&'static str, usize>,
    by_hashed: HashMap<String, usize>,
    import_map: String,
    import_map_sha256: String,
}

impl Assets {
    /// Hashes every embedded file (well under a millisecond for the whole app).
    pub(crate) fn embedded() -> Arc<Assets> {
        let mut assets = Assets {
            files: Vec::with_capacity(FILES.len()),
            by_plain: HashMap::new(),
            by_hashed: HashMap::new(),
            import_map: String::new(),
            import_map_sha256: String::new(),
        };
        for file in FILES {
            let digest = Sha256::digest(file.bytes);
            let hash = hex::encode(&digest[..8]);
            let hashed_path = hashed_name(file.path, &hash);
            let index = assets.files.len();
            assets.by_plain.insert(file.path, index);
            assets.by_hashed.insert(hashed_path.clone(), index);
            assets.files.push(Asset {
                hashed_url: format!("/assets/{hashed_path}"),
                bytes: file.bytes,
                content_type: content_type(file.path),
                etag: format!("\"{hash}\""),
            });
        }
        assets.import_map = assets.build_import_map();
        assets.import_map_sha256 = STANDARD.encode(Sha256::digest(assets.import_map.as_bytes()));
        Arc::new(assets)
    }

    /// The content-hashed URL of an embedded file (`css/app.css` → `/assets/css/app.<hash>.css`).
    /// An unknown path yields the plain URL, which answers 404: templates name paths literally
    /// and a test renders every page.
    pub(crate) fn url(&self, path: &str) -> String {
        match self.by_plain.get(path) {
            Some(&i) => self.files[i].hashed_url.clone(),
            None => format!("/assets/{path}"),
        }
    }

    /// The JSON of `<script type="importmap">`: every module's plain URL to its hashed one.
    pub(crate) fn import_map(&self) -> &str {
        &self.import_map
    }

    /// The Content-Security-Policy of pages: only our own scripts and the import map above.
    pub(crate) fn content_security_policy(&self) -> String {
        format!(
            "default-src 'self'; script-src 'self' 'sha256-{}'; style-src 'self'; \
             img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; \
             font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
             frame-ancestors 'none'",
            self.import_map_sha256
        )
    }

    fn build_import_map(&self) -> String {
        let mut modules: Vec<(String, String)> = FILES
            .iter()
            .filter(|f| f.path.ends_with(".js"))
            .map(|f| (format!("/assets/{}", f.path), self.url(f.path)))
            .collect();
        modules.sort();
        let imports: serde_json::Map<String, serde_json::Value> = modules
            .into_iter()
            .map(|(plain, hashed)| (plain, serde_json::Value::String(hashed)))
            .collect();
        serde_json::json!({ "imports": imports }).to_string()
    }

    fn find(&self, path: &str) -> Option<(&Asset, bool)> {
        if let Some(&i) = self.by_hashed.get(path) {
            return Some((&self.files[i], true));
        }
        self.by_plain.get(path).map(|&i| (&self.files[i], false))
    }
}

/// `js/app.js` + `0123` → `js/app.0123.js`.
fn hashed_name(path: &str, hash: &str) -> String {
    match path.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
        None => format!("{path}.{hash}"),
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

/// `GET /assets/{*path}`.
pub(crate) async fn serve(
    Extension(assets): Extension<Arc<Assets>>,
    Path(path): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some((asset, hashed)) = assets.find(&path) else {
        return (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("no asset {path}"),
        )
            .into_response();
    };
    let etag = HeaderValue::from_str(&asset.etag).unwrap_or(HeaderValue::from_static("\"\""));
    let cache = if hashed { IMMUTABLE } else { "no-cache" };
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == asset.etag.as_bytes());
    let common = [
        (header::ETAG, etag),
        (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
    ];
    if matches {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    let content_type = (
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    (common, [content_type], asset.bytes).into_response()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::{Assets, FILES, hashed_name};

    #[test]
    fn every_file_in_the_assets_directory_is_embedded() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/assets");
        let mut on_disk = BTreeSet::new();
        let mut dirs = vec![std::path::PathBuf::from(root)];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    let rel = path.strip_prefix(root).unwrap().to_string_lossy();
                    on_disk.insert(rel.replace('\\', "/"));
                }
            }
        }
        let embedded: BTreeSet<String> = FILES.iter().map(|f| f.path.to_owned()).collect();
        assert_eq!(embedded, on_disk);
    }

    #[test]
    fn hashed_urls_keep_the_extension_and_the_import_map_names_every_module() {
        assert_eq!(hashed_name("js/app.js", "ab12"), "js/app.ab12.js");
        let assets = Assets::embedded();
        let url = assets.url("js/app.js");
        assert!(
            url.starts_with("/assets/js/app.") && url.ends_with(".js"),
            "{url}"
        );
        let map: serde_json::Value = serde_json::from_str(assets.import_map()).unwrap();
        assert_eq!(map["imports"]["/assets/js/app.js"], url.as_str());
        let modules = FILES.iter().filter(|f| f.path.ends_with(".js")).count();
        assert_eq!(map["imports"].as_object().unwrap().len(), modules);
        assert!(assets.content_security_policy().contains("'sha256-"));
    }
}
