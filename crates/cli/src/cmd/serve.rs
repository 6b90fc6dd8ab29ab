//! `coexist serve`: runs the hub (webhook endpoint, REST API, live stream) until Ctrl-C or
//! SIGTERM. Configuration: flags, then `COEXIST_*` environment variables, then `--config FILE`.

use std::path::PathBuf;
use std::process::ExitCode;

use hub::config::{Config, ConfigError, ConfigLayer, Layer, Secret};
use hub::{App, Deps, ShutdownHandle};
use tracing_subscriber::EnvFilter;

/// Flags of `coexist serve`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// A TOML configuration file with the same keys as the flags (snake_case) [env: COEXIST_CONFIG]
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(flatten)]
    settings: Settings,
    /// Log JSON lines instead of text (the filter comes from RUST_LOG, default "info") [env: COEXIST_LOG_JSON=1]
    #[arg(long)]
    log_json: bool,
}

/// The configuration flags; each has a `COEXIST_*` environment variable of the same name.
#[derive(Debug, Default, clap::Args)]
pub(crate) struct Settings {
    /// Address to listen on [env: COEXIST_LISTEN] [default: 127.0.0.1:8080]
    #[arg(long, value_name = "ADDR")]
    listen: Option<String>,
    /// Data directory; the SQLite database lives there [env: COEXIST_DATA_DIR] [default: ./coexist-data]
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// The public base URL Meta reaches this hub at, for the printed webhook URL [env: COEXIST_PUBLIC_URL]
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
    /// Meta app secret; webhook signatures are checked with it (required) [env: COEXIST_APP_SECRET]
    #[arg(long, value_name = "SECRET")]
    app_secret: Option<String>,
    /// The previous app secret, still accepted during a rotation [env: COEXIST_APP_SECRET_PREVIOUS]
    #[arg(long, value_name = "SECRET")]
    app_secret_previous: Option<String>,
    /// Token Meta's verification handshake must present [env: COEXIST_VERIFY_TOKEN]
    #[arg(long, value_name = "TOKEN")]
    verify_token: Option<String>,
    /// Graph API base URL (a sandbox in tests) [env: COEXIST_GRAPH_BASE_URL] [default: https://graph.facebook.com]
    #[arg(long, value_name = "URL")]
    graph_base_url: Option<String>,
    /// Graph API access token [env: COEXIST_ACCESS_TOKEN]
    #[arg(long, value_name = "TOKEN")]
    access_token: Option<String>,
    /// Name of the default organization [env: COEXIST_ORG_NAME] [default: default]
    #[arg(long, value_name = "NAME")]
    org_name: Option<String>,
    /// A number to register at start: Meta's phone number id [env: COEXIST_PHONE_NUMBER_ID]
    #[arg(long, value_name = "ID")]
    phone_number_id: Option<String>,
    /// That number's display phone number, digits only [env: COEXIST_DISPLAY_PHONE_NUMBER]
    #[arg(long, value_name = "DIGITS")]
    display_phone_number: Option<String>,
    /// That number's WhatsApp Business Account id [env: COEXIST_WABA_ID]
    #[arg(long, value_name = "ID")]
    waba_id: Option<String>,
    /// That number's mode: coexistence or cloud_api [env: COEXIST_NUMBER_MODE] [default: coexistence]
    #[arg(long, value_name = "MODE")]
    number_mode: Option<String>,
    /// Meta app id, for Embedded Signup and the code exchange [env: COEXIST_META_APP_ID]
    #[arg(long, value_name = "ID")]
    meta_app_id: Option<String>,
    /// Embedded Signup configuration id [env: COEXIST_META_CONFIG_ID]
    #[arg(long, value_name = "ID")]
    meta_config_id: Option<String>,
    /// Where phone-app reminders are POSTed as signed JSON [env: COEXIST_ALERT_WEBHOOK_URL]
    #[arg(long, value_name = "URL")]
    alert_webhook_url: Option<String>,
}

impl Settings {
    /// Only the data directory and organization (what `coexist admin` needs).
    pub(crate) fn storage(data_dir: Option<PathBuf>, org_name: Option<String>) -> Self {
        Settings {
            data_dir,
            org_name,
            ..Settings::default()
        }
    }

    fn into_layer(self) -> ConfigLayer {
        ConfigLayer {
            listen: self.listen,
            data_dir: self.data_dir,
            public_url: self.public_url,
            app_secret: self.app_secret.map(Secret::new),
            app_secret_previous: self.app_secret_previous.map(Secret::new),
            verify_token: self.verify_token.map(Secret::new),
            graph_base_url: self.graph_base_url,
            access_token: self.access_token.map(Secret::new),
            org_name: self.org_name,
            phone_number_id: self.phone_number_id,
            display_phone_number: self.display_phone_number,
            waba_id: self.waba_id,
            number_mode: self.number_mode,
            numbers: Vec::new(),
            sending: None,
            meta_app_id: self.meta_app_id,
            meta_config_id: self.meta_config_id,
            // Secrets come from the environment or the file, not the command line.
            secret_key: None,
            secret_key_previous: None,
            alert_webhook_url: self.alert_webhook_url,
            alert_webhook_secret: None,
        }
    }
}

/// Resolves the configuration: flags, then the environment, then the file (from `file` or
/// `COEXIST_CONFIG`).
pub(crate) fn load_config(file: Option<PathBuf>, flags: Settings) -> Result<Config, ConfigError> {
    let env = |key: &str| std::env::var(key).ok();
    let file = file.or_else(|| {
        env("COEXIST_CONFIG")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    });
    let mut layers = vec![Layer::flags(flags.into_layer()), Layer::env(env)];
    if let Some(path) = file {
        layers.push(Layer::file(&path)?);
    }
    Config::resolve(&layers)
}

pub(crate) fn run(args: Args) -> ExitCode {
    let json =
        args.log_json || std::env::var("COEXIST_LOG_JSON").is_ok_and(|v| v == "1" || v == "true");
    init_logging(json);
    let config = match load_config(args.config, args.settings) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("coexist serve: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    super::run_to_exit("coexist serve", super::Threads::PerCore, serve(config))
}

async fn serve(config: Config) -> anyhow::Result<()> {
    tracing::debug!(?config, "configuration");
    let app = App::build(config, Deps::system()).await?;
    eprintln!("coexist serve: listening on http://{}", app.addr());
    eprintln!("coexist serve: webhook URL: {}", app.webhook_url());
    eprintln!(
        "coexist serve: REST API: http://{}/api/v1 (create a token with `coexist admin token create`)",
        app.addr()
    );
    tokio::spawn(stop_on_signal(app.shutdown_handle()));
    app.run_until_stopped().await?;
    eprintln!("coexist serve: stopped");
    Ok(())
}

async fn stop_on_signal(handle: ShutdownHandle) {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
    tracing::info!("shutting down");
    handle.shutdown();
}

/// Logs go to stderr (stdout is for command output such as tokens), filtered by `RUST_LOG`.
fn init_logging(json: bool) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // Another subscriber may already be set (e.g. when embedded); keep it then.
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
