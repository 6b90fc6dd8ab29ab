//! `coexist admin ...`: administration on the data directory, safe while `coexist serve` runs
//! (SQLite in WAL mode lets a second process write).

use std::path::PathBuf;
use std::process::ExitCode;

use coexist_core::time::Clock;
use hub::auth::{ROLE_ADMIN, create_api_token};
use hub::clock::SystemClock;

use super::serve::{Settings, load_config};

/// `coexist admin`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: AdminCommand,
}

#[derive(Debug, clap::Subcommand)]
enum AdminCommand {
    /// API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Debug, clap::Subcommand)]
enum TokenCommand {
    /// Create an admin API token and print it, alone, on stdout (it is shown only once).
    Create(CreateArgs),
}

#[derive(Debug, clap::Args)]
struct CreateArgs {
    /// Data directory of the hub [env: COEXIST_DATA_DIR] [default: ./coexist-data]
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// A TOML configuration file (only data_dir and org_name are used) [env: COEXIST_CONFIG]
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The organization the token gives access to [env: COEXIST_ORG_NAME] [default: default]
    #[arg(long, value_name = "NAME")]
    org_name: Option<String>,
    /// A label for people, e.g. what the token is for
    #[arg(long, value_name = "NAME", default_value = "admin")]
    name: String,
}

pub(crate) fn run(args: Args) -> ExitCode {
    match args.command {
        AdminCommand::Token(TokenCommand::Create(create)) => token_create(create),
    }
}

fn token_create(args: CreateArgs) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("coexist admin: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(create_token(args)) {
        Ok(token) => {
            println!("{token}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("coexist admin token create: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn create_token(args: CreateArgs) -> anyhow::Result<String> {
    let config = load_config(args.config, Settings::storage(args.data_dir, args.org_name))?;
    let store = hub::startup::open_store(&config).await?;
    let now = SystemClock.now();
    let org = store.ensure_org(&config.org_name, now).await?;
    let issued = create_api_token(store.as_ref(), org, &args.name, ROLE_ADMIN, now).await?;
    eprintln!(
        "coexist admin: created API token {} ({:?}) for organization {:?}; it is shown only once",
        issued.record.id, issued.record.name, config.org_name
    );
    Ok(issued.token)
}
