//! `coexist admin ...`: administration on the data directory, safe while `coexist serve` runs
//! (SQLite in WAL mode lets a second process write): `token create`, `user create`.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use coexist_core::ids::OrgId;
use coexist_core::inbox::Role;
use coexist_core::store::Store;
use coexist_core::time::{Clock, Timestamp};
use hub::auth::{ROLE_ADMIN, create_api_token};
use hub::clock::SystemClock;
use hub::config::Config;
use hub::inbox::users::{UserInput, create_user as create_user_in};

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
    /// People who sign in to the web inbox.
    #[command(subcommand)]
    User(UserCommand),
}

#[derive(Debug, clap::Subcommand)]
enum UserCommand {
    /// Create a user who signs in with email and password, and print their id alone on stdout.
    /// The password is read from stdin (one line) unless --password is given.
    Create(UserCreateArgs),
}

/// Where the hub's data is, and which organization to work in.
#[derive(Debug, clap::Args)]
struct StoreArgs {
    /// Data directory of the hub [env: COEXIST_DATA_DIR] [default: ./coexist-data]
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// A TOML configuration file (only data_dir and org_name are used) [env: COEXIST_CONFIG]
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The organization the user belongs to, or the token gives access to
    /// [env: COEXIST_ORG_NAME] [default: default]
    #[arg(long, value_name = "NAME")]
    org_name: Option<String>,
}

/// The hub's configuration, its store and the organization (created if missing).
struct Opened {
    config: Config,
    store: Arc<dyn Store>,
    org: OrgId,
    now: Timestamp,
}

impl StoreArgs {
    async fn open(self) -> anyhow::Result<Opened> {
        let config = load_config(self.config, Settings::storage(self.data_dir, self.org_name))?;
        let store = hub::startup::open_store(&config).await?;
        let now = SystemClock.now();
        let org = store.ensure_org(&config.org_name, now).await?;
        Ok(Opened {
            config,
            store,
            org,
            now,
        })
    }
}

#[derive(Debug, clap::Args)]
struct UserCreateArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Sign-in email (unique across the hub)
    #[arg(long, value_name = "EMAIL")]
    email: String,
    /// Display name
    #[arg(long, value_name = "NAME")]
    name: String,
    /// admin (everything, including users) or agent (works the inbox)
    #[arg(long, value_name = "ROLE", value_parser = parse_role)]
    role: Role,
    /// The password (at least 8 characters). Prefer stdin: arguments are visible to other
    /// users of the machine.
    #[arg(long, value_name = "PASSWORD")]
    password: Option<String>,
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse::<Role>()
        .map_err(|_| format!("{s:?} is not a role: use admin or agent"))
}

#[derive(Debug, clap::Subcommand)]
enum TokenCommand {
    /// Create an admin API token and print it, alone, on stdout (it is shown only once).
    Create(CreateArgs),
}

#[derive(Debug, clap::Args)]
struct CreateArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// A label for people, e.g. what the token is for
    #[arg(long, value_name = "NAME", default_value = "admin")]
    name: String,
}

pub(crate) fn run(args: Args) -> ExitCode {
    match args.command {
        AdminCommand::Token(TokenCommand::Create(create)) => {
            block_on("coexist admin token create", create_token(create))
        }
        AdminCommand::User(UserCommand::Create(create)) => {
            block_on("coexist admin user create", create_user(create))
        }
    }
}

/// Runs `work` and prints its answer alone on stdout, or the error on stderr.
fn block_on(what: &str, work: impl Future<Output = anyhow::Result<String>>) -> ExitCode {
    super::run_to_exit(what, super::Threads::One, async {
        println!("{}", work.await?);
        Ok(())
    })
}

async fn create_token(args: CreateArgs) -> anyhow::Result<String> {
    let Opened {
        config,
        store,
        org,
        now,
    } = args.store.open().await?;
    let issued = create_api_token(store.as_ref(), org, &args.name, ROLE_ADMIN, now).await?;
    eprintln!(
        "coexist admin: created API token {} ({:?}) for organization {:?}; it is shown only once",
        issued.record.id, issued.record.name, config.org_name
    );
    Ok(issued.token)
}

async fn create_user(args: UserCreateArgs) -> anyhow::Result<String> {
    let password = match args.password {
        Some(p) => p,
        None => read_password()?,
    };
    let Opened {
        config,
        store,
        org,
        now,
    } = args.store.open().await?;
    let input = UserInput {
        email: &args.email,
        name: &args.name,
        role: args.role,
        password: &password,
    };
    let user = create_user_in(store.as_ref(), org, input, now).await?;
    eprintln!(
        "coexist admin: created {} {} <{}> in organization {:?}; they sign in at /login",
        user.role, user.name, user.email, config.org_name
    );
    Ok(user.id.to_string())
}

/// The password from stdin: one line, without its line ending.
fn read_password() -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Password for the new user (shown as typed; or pipe it in): ");
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .context("reading the password from stdin")?;
    let password = line.trim_end_matches(['\n', '\r']).to_owned();
    if password.is_empty() {
        anyhow::bail!("no password: give --password or one line on stdin");
    }
    Ok(password)
}
