//! `coexist demo`: the hub and a sandbox standing in for Meta, in one process, wired together
//! exactly as in production (signed webhooks one way, Graph API calls the other). The sandbox
//! plays seeded customers and the business owner's phone; a coexistence number is onboarded and
//! its contacts and six months of history are imported through the hub's guarded sync.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use coexist_core::inbox::Role;
use coexist_core::number::NumberMode as HubMode;
use coexist_core::onboarding::SyncKind;
use coexist_core::store::AuditActor;
use coexist_core::time::{Clock, Timestamp};
use hub::auth::{ROLE_ADMIN, create_api_token, generate_token};
use hub::clock::SystemClock;
use hub::config::{Config, NumberConfig, Secret};
use hub::inbox::users::{UserInput, create_user};
use hub::{App, Deps};
use sandbox::{NumberMode, Sandbox, SandboxConfig, SandboxHandle};
use tracing_subscriber::EnvFilter;

/// A file marking a directory as the demo's own, so a re-run may start it afresh.
const MARKER: &str = ".coexist-demo";
const DEMO_EMAIL: &str = "admin@demo.coexist";

/// Flags of `coexist demo`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Address the hub (web inbox, REST API, webhooks) listens on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Address the sandbox (Meta's stand-in) listens on; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:0")]
    sandbox_listen: SocketAddr,
    /// Where the demo keeps its data. A directory the demo created before is started afresh;
    /// any other non-empty directory is refused.
    #[arg(long, default_value = "coexist-demo-data")]
    data_dir: PathBuf,
    /// Seed of the simulated customers and phone (same seed, same people and conversations).
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Mean seconds between simulated events (customers writing, the owner replying, ...).
    #[arg(long, default_value_t = 6.0)]
    event_interval: f64,
}

pub(crate) fn run(args: Args) -> ExitCode {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,hub=info,sandbox=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    super::run_to_exit("coexist demo", super::Threads::PerCore, demo(args))
}

async fn demo(args: Args) -> anyhow::Result<()> {
    prepare_data_dir(&args.data_dir)?;
    let (app_secret, access_token) = (generate_token(), generate_token());
    let mut sandbox_config = SandboxConfig::auto(None, &app_secret, &access_token);
    sandbox_config.listen = args.sandbox_listen;
    sandbox_config.seed = args.seed;
    sandbox_config.auto_mean_interval_ms = (args.event_interval.max(0.5) * 1000.0) as u64;
    let sandbox = Sandbox::start(sandbox_config)
        .await
        .context("starting the sandbox")?;

    let config = hub_config(&args, &sandbox, app_secret, access_token)?;
    let app = App::build(config, Deps::system())
        .await
        .context("starting the hub")?;
    let hub_url = format!("http://{}", app.addr());
    sandbox.set_webhook_url(Some(format!("{hub_url}/webhooks/whatsapp")));

    let now = SystemClock.now();
    let store = app.store();
    let token = create_api_token(store.as_ref(), app.org(), "demo", ROLE_ADMIN, now).await?;
    let password: String = generate_token().chars().skip(4).take(16).collect();
    let admin = UserInput {
        email: DEMO_EMAIL,
        name: "Demo Admin",
        role: Role::Admin,
        password: &password,
    };
    create_user(store.as_ref(), app.org(), admin, now)
        .await
        .context("creating the demo admin")?;
    let coexistence = sandbox
        .number(NumberMode::Coexistence)
        .context("the sandbox has a coexistence number")?;
    let synced = request_sync(&app, &coexistence.phone_number_id).await;

    print_welcome(&args, &hub_url, &sandbox, &token.token, &password, synced);
    let shutdown = app.shutdown_handle();
    let server = tokio::spawn(app.run_until_stopped());
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    eprintln!(
        "\nstopping the demo (the data stays in {})",
        args.data_dir.display()
    );
    shutdown.shutdown();
    let _ = server.await;
    sandbox.shutdown().await;
    Ok(())
}

/// Asks Meta (the sandbox) for the number's contacts and history through the hub's guarded,
/// once-only sync, exactly as an admin's click does; returns a line for the welcome text.
async fn request_sync(app: &App, phone_number_id: &str) -> String {
    let store = app.store();
    let numbers = match store.list_numbers(app.org()).await {
        Ok(numbers) => numbers,
        Err(e) => return format!("not requested: {e}"),
    };
    let Some(number) = numbers
        .iter()
        .find(|n| n.phone_number_id == phone_number_id)
    else {
        return format!("not requested: number {phone_number_id} is not registered");
    };
    let mut lines = Vec::new();
    for kind in SyncKind::ALL {
        let outcome = hub::onboarding::request_sync(
            &app.onboarding(),
            app.org(),
            number.id,
            kind,
            AuditActor::System,
        )
        .await;
        lines.push(match outcome {
            Ok(done) => done.message,
            Err(e) => format!("{kind:?}: {e}"),
        });
    }
    lines.join("\n                 ")
}

/// Makes `dir` the demo's own, empty directory.
fn prepare_data_dir(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        let empty = std::fs::read_dir(dir)?.next().is_none();
        if !empty && !dir.join(MARKER).exists() {
            bail!(
                "{} exists and was not created by the demo; pass --data-dir with a new or empty directory",
                dir.display()
            );
        }
        std::fs::remove_dir_all(dir).with_context(|| format!("clearing {}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    std::fs::write(
        dir.join(MARKER),
        "created by `coexist demo`; removed on the next demo run\n",
    )?;
    Ok(())
}

fn hub_config(
    args: &Args,
    sandbox: &SandboxHandle,
    app_secret: String,
    access_token: String,
) -> anyhow::Result<Config> {
    let mut config = Config::resolve(&[]).context("default configuration")?;
    config.listen = args.listen;
    config.data_dir = args.data_dir.clone();
    config.app_secret = Some(Secret::new(app_secret));
    config.verify_token = Some(Secret::new(generate_token()));
    config.graph_base_url = sandbox.graph_base_url().to_owned();
    config.access_token = Some(Secret::new(access_token));
    config.org_name = "Demo Shop".to_owned();
    let onboarded_at = Some(Timestamp(sandbox.now_ms() as i64));
    config.numbers = sandbox
        .numbers()
        .iter()
        .map(|n| NumberConfig {
            phone_number_id: n.phone_number_id.clone(),
            display_phone_number: Some(n.display_phone_number.clone()),
            waba_id: Some(sandbox.waba_id().to_owned()),
            mode: match n.mode {
                NumberMode::Coexistence => HubMode::Coexistence,
                NumberMode::CloudApi => HubMode::CloudApi,
            },
            onboarded_at,
        })
        .collect();
    Ok(config)
}

fn print_welcome(
    args: &Args,
    hub: &str,
    sandbox: &SandboxHandle,
    token: &str,
    password: &str,
    synced: String,
) {
    let numbers: Vec<String> = sandbox
        .numbers()
        .iter()
        .map(|n| {
            format!(
                "    +{} ({:?}, phone number id {})",
                n.display_phone_number, n.mode, n.phone_number_id
            )
        })
        .collect();
    println!(
        "\ncoexist demo is running (Ctrl-C to stop)\n\
         \n  Web inbox      {hub}/\n  Sign in        {DEMO_EMAIL} / {password}\n\
         \n  REST API       {hub}/api/v1   (OpenAPI: {hub}/api/v1/openapi.json)\n  Admin token    {token}\n  Try            curl -H 'Authorization: Bearer {token}' {hub}/api/v1/chats\n\
         \n  Meta sandbox   {}   (control API: {}/_sandbox/state)\n  Numbers\n{}\n  Sync           {synced}\n\
         \n  Data           {}\n",
        sandbox.graph_base_url(),
        sandbox.base_url(),
        numbers.join("\n"),
        args.data_dir.display(),
    );
}
