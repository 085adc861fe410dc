//! A real Synapse homeserver on 127.0.0.1 for tests: SQLite, no TLS, no federation,
//! shared-secret registration, rate limits raised, fast password hashing, no sync cache,
//! its files in memory (/dev/shm) where the machine has it.
//! `scripts/test` installs it into `target/synapse-venv`.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// The Python of the Synapse virtualenv, if installed.
pub fn python() -> Option<PathBuf> {
    let venv = std::env::var_os("CONVOCA_SYNAPSE_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/synapse-venv"));
    let python = venv.join("bin/python");
    python.exists().then_some(python)
}

/// A running homeserver. Killed when dropped.
pub struct Synapse {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// `localhost`.
    pub server_name: String,
    dir: tempfile::TempDir,
    port: u16,
    child: Option<Child>,
    python: PathBuf,
}

pub const SECRET: &str = "convoca-test-secret";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn limits() -> String {
    let big = "{per_second: 10000, burst_count: 10000}";
    format!(
        "rc_message: {big}\nrc_registration: {big}\nrc_login:\n  address: {big}\n  account: {big}\n  failed_attempts: {big}\n\
         rc_joins:\n  local: {big}\n  remote: {big}\nrc_joins_per_room: {big}\nrc_invites:\n  per_room: {big}\n  per_user: {big}\n  per_issuer: {big}\n\
         rc_3pid_validation: {big}\nrc_admin_redaction: {big}\nrc_key_requests: {big}\nrc_room_creation: {big}\n"
    )
}

impl Synapse {
    /// Starts a fresh homeserver, or returns `None` (with a notice) when Synapse is not
    /// installed. Under `CONVOCA_REQUIRE_SYNAPSE=1` (CI) a missing Synapse fails the test.
    pub async fn start() -> Option<Synapse> {
        let Some(python) = python() else {
            if std::env::var("CONVOCA_REQUIRE_SYNAPSE").as_deref() == Ok("1") {
                panic!("CONVOCA_REQUIRE_SYNAPSE=1 but Synapse is not installed: run scripts/test");
            }
            eprintln!(
                "notice: Synapse is not installed (target/synapse-venv); skipping this Matrix test (scripts/test installs it)"
            );
            return None;
        };
        // The homeserver's database lives in memory-backed /dev/shm where there is one: a test
        // homeserver has nothing to keep, and an fsync per event on a virtual disk would make
        // every test (and the round-trip benchmark) measure the disk instead of the bot.
        let shm = std::path::Path::new("/dev/shm");
        let dir = if shm.is_dir() { tempfile::tempdir_in(shm) } else { tempfile::tempdir() }.unwrap();
        let port = free_port();
        let d = dir.path().display();
        let config = format!(
            "server_name: \"localhost\"\npid_file: {d}/homeserver.pid\n\
             listeners:\n  - port: {port}\n    bind_addresses: ['127.0.0.1']\n    type: http\n    tls: false\n    x_forwarded: false\n    resources:\n      - names: [client]\n        compress: false\n\
             database:\n  name: sqlite3\n  args:\n    database: {d}/homeserver.db\n\
             media_store_path: {d}/media\nsigning_key_path: {d}/signing.key\nregistration_shared_secret: \"{SECRET}\"\n\
             report_stats: false\ntrusted_key_servers: []\nsuppress_key_server_warning: true\nfederation_domain_whitelist: []\n\
             bcrypt_rounds: 4\nenable_registration: false\ncaches:\n  sync_response_cache_duration: 0\n{}",
            limits()
        );
        std::fs::write(dir.path().join("homeserver.yaml"), config).unwrap();
        let status = Command::new(&python)
            .args(["-m", "synapse.app.homeserver", "--config-path"])
            .arg(dir.path().join("homeserver.yaml"))
            .arg("--generate-keys")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "synapse --generate-keys failed");
        let mut synapse = Synapse {
            url: format!("http://127.0.0.1:{port}"),
            server_name: "localhost".into(),
            dir,
            port,
            child: None,
            python,
        };
        synapse.run().await;
        Some(synapse)
    }

    async fn run(&mut self) {
        let log = std::fs::File::create(self.dir.path().join("synapse.log")).unwrap();
        let child = Command::new(&self.python)
            .args(["-m", "synapse.app.homeserver", "--config-path"])
            .arg(self.dir.path().join("homeserver.yaml"))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        self.child = Some(child);
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
        let client = reqwest::Client::new();
        loop {
            if let Ok(r) = client.get(format!("{}/_matrix/client/versions", self.url)).send().await
                && r.status().is_success()
            {
                return;
            }
            assert!(tokio::time::Instant::now() < deadline, "Synapse did not start: {}", self.log());
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    /// The homeserver's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("synapse.log")).unwrap_or_default()
    }

    /// Registers a user through the shared secret.
    pub fn register(&self, user: &str, password: &str, admin: bool) {
        let bin = self.python.parent().unwrap().join("register_new_matrix_user");
        let out = Command::new(bin)
            .args(["-u", user, "-p", password, if admin { "-a" } else { "--no-admin" }, "-k", SECRET, &self.url])
            .output()
            .unwrap();
        assert!(out.status.success(), "register {user}: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// Stops the homeserver (as a crash or a restart would).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port with the same data.
    pub async fn restart(&mut self) {
        self.stop();
        self.run().await;
    }

    /// `@user:localhost`.
    pub fn user_id(&self, user: &str) -> String {
        format!("@{user}:{}", self.server_name)
    }
}

impl Drop for Synapse {
    fn drop(&mut self) {
        self.stop();
    }
}
