//! Logging in once and reusing the same device on every start: the session (user, device,
//! access token) is kept beside the SDK's store, so restarts keep the sync position and the
//! encryption keys that belong to that device.

use std::path::Path;

use anyhow::{Context, anyhow};
use matrix_sdk::authentication::matrix::MatrixSession;
use matrix_sdk::{Client, SessionMeta, SessionTokens, SqliteStoreConfig};

use crate::config::MatrixConfig;

const SESSION_FILE: &str = "session.json";

/// A logged-in client with its store, restoring the saved session when there is one.
pub async fn connect(config: &MatrixConfig) -> anyhow::Result<Client> {
    let homeserver = config.homeserver.as_deref().ok_or_else(|| anyhow!("MATRIX_HOMESERVER is not set"))?;
    let dir = &config.store_path;
    crate::owner_only::create_dir(dir).with_context(|| format!("cannot create the Matrix store {}", dir.display()))?;
    let passphrase = config.store_passphrase.as_ref().map(|p| p.expose());
    if passphrase.is_some() && plain_store(dir).await {
        return Err(anyhow!(
            "the Matrix store {} was made without MATRIX_STORE_PASSPHRASE, and a passphrase does not encrypt what \
             it already holds: stop the bot, move that folder aside, and start again (the bot logs in as a new \
             device; members' clients may ask to verify it again), or unset MATRIX_STORE_PASSPHRASE",
            dir.display()
        ));
    }
    let client = builder(homeserver, dir, passphrase).build().await.with_context(|| {
        format!(
            "cannot open the Matrix store {} (made with another MATRIX_STORE_PASSPHRASE, or without one?)",
            dir.display()
        )
    })?;

    if let Some(token) = &config.access_token {
        // An access token names its user and device: ask the homeserver which.
        let probe = Client::builder().homeserver_url(homeserver).build().await?;
        probe
            .restore_session(MatrixSession {
                meta: SessionMeta { user_id: "@probe:invalid".try_into()?, device_id: "PROBE".into() },
                tokens: SessionTokens { access_token: token.expose().to_string(), refresh_token: None },
            })
            .await?;
        let me = probe.whoami().await.context("Matrix: the access token was refused")?;
        let device_id = me.device_id.ok_or_else(|| anyhow!("Matrix: the access token has no device"))?;
        client
            .restore_session(MatrixSession {
                meta: SessionMeta { user_id: me.user_id, device_id },
                tokens: SessionTokens { access_token: token.expose().to_string(), refresh_token: None },
            })
            .await?;
        return Ok(client);
    }

    let user = config.user.as_deref().ok_or_else(|| anyhow!("MATRIX_USER is not set"))?;
    let password = config.password.as_ref().ok_or_else(|| anyhow!("MATRIX_PASSWORD is not set"))?;
    let saved = read(dir);
    if let Some(session) = &saved
        && same_user(&session.meta.user_id, user)
    {
        client.restore_session(session.clone()).await?;
        match client.whoami().await {
            Ok(_) => {
                tracing::info!(device = %session.meta.device_id, "Matrix: session restored");
                return Ok(client);
            }
            Err(e) => {
                tracing::warn!(error = %e, "Matrix: the saved session was refused; logging in again on the same device")
            }
        }
        // The token is gone but the device (and its keys in the store) can be kept.
        let client = builder(homeserver, dir, passphrase).build().await?;
        client
            .matrix_auth()
            .login_username(user, password.expose())
            .device_id(session.meta.device_id.as_str())
            .initial_device_display_name("convoca")
            .send()
            .await
            .context("Matrix: login failed")?;
        save(dir, &client)?;
        return Ok(client);
    }
    client
        .matrix_auth()
        .login_username(user, password.expose())
        .initial_device_display_name("convoca")
        .send()
        .await
        .context("Matrix: login failed")?;
    save(dir, &client)?;
    tracing::info!(device = ?client.device_id(), "Matrix: logged in");
    Ok(client)
}

/// The SDK's stores, encrypted with the passphrase when one is set, sized for a bot: the default pool (four connections per core, each with
/// its own page cache, for three databases) is built for busy clients and costs tens of MB.
///
/// Requests time out after 20 seconds (a sync's long poll is added to that by the SDK), and a
/// request the homeserver answers with 5xx or 429 is retried for 30 seconds at most: by
/// default the SDK retries without bound.
fn builder(homeserver: &str, dir: &Path, passphrase: Option<&str>) -> matrix_sdk::ClientBuilder {
    let config = SqliteStoreConfig::with_low_memory_config(dir.join("sdk")).pool_max_size(2).passphrase(passphrase);
    let requests = matrix_sdk::config::RequestConfig::new()
        .timeout(std::time::Duration::from_secs(20))
        .max_retry_time(std::time::Duration::from_secs(30));
    Client::builder()
        .homeserver_url(homeserver)
        .request_config(requests)
        .sqlite_store_with_config_and_cache_path(config, None::<&Path>)
}

fn same_user(saved: &matrix_sdk::ruma::UserId, configured: &str) -> bool {
    let configured = configured.trim_start_matches('@');
    saved.as_str().trim_start_matches('@') == configured || saved.localpart() == configured
}

/// The session saved in the store folder `dir`, if any (`doctor` checks it).
pub fn read(dir: &Path) -> Option<MatrixSession> {
    let text = std::fs::read_to_string(dir.join(SESSION_FILE)).ok()?;
    serde_json::from_str(&text).ok()
}

/// Writes the session next to the store, readable by its owner only: it holds the token
/// (as the service's env file holds the password it was made with; `doctor` checks the
/// session with it without logging in as another device).
fn save(dir: &Path, client: &Client) -> anyhow::Result<()> {
    let session = client.matrix_auth().session().ok_or_else(|| anyhow!("Matrix: no session after login"))?;
    let path = dir.join(SESSION_FILE);
    crate::owner_only::write(&path, &serde_json::to_vec(&session)?)?;
    Ok(())
}

/// Whether the SDK's store in `dir` exists and was made without a passphrase: its crypto
/// database holds no wrapped key (the SDK's `cipher` entry).
async fn plain_store(dir: &Path) -> bool {
    let path = dir.join("sdk").join("matrix-sdk-crypto.sqlite3");
    if !path.exists() {
        return false;
    }
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&path).read_only(true);
    let Ok(mut conn) = sqlx::ConnectOptions::connect(&options).await else { return false };
    let cipher: Result<Option<i64>, _> =
        sqlx::query_scalar("SELECT 1 FROM kv WHERE key = 'cipher'").fetch_optional(&mut conn).await;
    matches!(cipher, Ok(None))
}
