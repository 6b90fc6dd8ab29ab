//! `coexist sandbox`: runs the Meta simulator on its own.
//!
//! The first line on stdout is one JSON object naming the Graph base URL, the WABA and the
//! numbers, so scripts can read it before anything else; logs go to stderr.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use sandbox::{Mode, PartnerRemovedShape, Sandbox, SandboxConfig};

/// Flags of `coexist sandbox`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Address to listen on (port 0 picks a free port; the start line shows the real one).
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Where webhooks are POSTed. Without it they stay queued (see /_sandbox/webhooks).
    #[arg(long, env = "COEXIST_SANDBOX_WEBHOOK_URL")]
    webhook_url: Option<String>,
    /// App secret that signs X-Hub-Signature-256.
    #[arg(
        long,
        env = "COEXIST_SANDBOX_APP_SECRET",
        default_value = "sandbox-app-secret"
    )]
    app_secret: String,
    /// The bearer token the Graph API accepts.
    #[arg(
        long,
        env = "COEXIST_SANDBOX_ACCESS_TOKEN",
        default_value = "sandbox-access-token"
    )]
    access_token: String,
    /// `auto` (seeded demo traffic on real time) or `explicit` (only what a test says).
    #[arg(long, value_enum, default_value = "auto")]
    mode: CliMode,
    /// Seed of every random choice (same seed, same run).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Graph API version in the printed base URL (requests may use any version).
    #[arg(long, default_value = "23")]
    graph_version: String,
    /// Webhook API version (from 24 statuses carry `conversation` only in FEP windows).
    #[arg(long, default_value_t = 23)]
    webhook_api_version: u32,
    /// Sandbox start time, Unix seconds (default: fixed in explicit mode, now in auto mode).
    #[arg(long)]
    start_time: Option<u64>,
    /// Auto mode: sandbox seconds per real second.
    #[arg(long, default_value_t = 1.0)]
    time_scale: f64,
    /// Auto mode: mean seconds between generated events.
    #[arg(long, default_value_t = 8.0)]
    event_interval: f64,
    /// Most updates in one webhook POST.
    #[arg(long, default_value_t = 10)]
    max_batch: usize,
    /// Free-form sends outside the 24 h window fail synchronously (400) instead of with a
    /// `failed` status webhook.
    #[arg(long)]
    window_error_sync: bool,
    /// Shape of PARTNER_REMOVED: `coexistence` (phone_number) or `reference` (waba_info).
    #[arg(long, value_enum, default_value = "coexistence")]
    partner_removed_shape: CliShape,
    /// Seed the phone app with an address book and six months of chats (default in auto mode).
    #[arg(long)]
    seed_phone: Option<bool>,
    /// Refuse Graph calls without a valid `appsecret_proof`, as a Meta app with "Require App
    /// Secret" does.
    #[arg(long)]
    require_appsecret_proof: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum CliMode {
    Auto,
    Explicit,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum CliShape {
    Coexistence,
    Reference,
}

fn config(args: &Args) -> SandboxConfig {
    let mode = match args.mode {
        CliMode::Auto => Mode::Auto,
        CliMode::Explicit => Mode::Explicit,
    };
    let mut cfg = SandboxConfig::for_mode(
        mode,
        args.webhook_url.clone(),
        &args.app_secret,
        &args.access_token,
    );
    cfg.listen = args.listen;
    cfg.seed = args.seed;
    cfg.graph_version = args.graph_version.clone();
    cfg.webhook_api_version = args.webhook_api_version;
    cfg.start_time_ms = args.start_time.map(|s| s.saturating_mul(1_000));
    cfg.time_scale = args.time_scale;
    cfg.auto_mean_interval_ms = (args.event_interval.max(0.001) * 1_000.0) as u64;
    cfg.delivery.max_batch = args.max_batch.max(1);
    cfg.window_error_sync = args.window_error_sync;
    cfg.partner_removed_shape = match args.partner_removed_shape {
        CliShape::Coexistence => PartnerRemovedShape::Coexistence,
        CliShape::Reference => PartnerRemovedShape::Reference,
    };
    cfg.require_appsecret_proof = args.require_appsecret_proof;
    if let Some(seed_phone) = args.seed_phone {
        cfg.seed_phone = seed_phone;
    }
    cfg
}

pub(crate) fn run(args: Args) -> ExitCode {
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .try_init();
    super::run_to_exit(
        "coexist sandbox",
        super::Threads::PerCore,
        serve(config(&args)),
    )
}

async fn serve(cfg: SandboxConfig) -> anyhow::Result<()> {
    let handle = Sandbox::start(cfg).await.context("cannot start")?;
    let line = serde_json::to_string(handle.start_info()).unwrap_or_default();
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}")
        .and_then(|()| stdout.flush())
        .context("cannot write the start line to stdout")?;
    drop(stdout);
    tracing::info!(base_url = %handle.base_url(), "sandbox listening; control API under /_sandbox");
    let _ = tokio::signal::ctrl_c().await;
    tracing::info!("shutting down");
    handle.shutdown().await;
    Ok(())
}
