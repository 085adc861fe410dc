//! The built `convoca` binary run as its own process, for benchmarks that measure it whole:
//! started with the caller's arguments and environment, waited on until it says it is ready,
//! its memory read from `/proc`, stopped with SIGTERM.
#![allow(dead_code)]

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// A running bot.
pub struct BotProcess {
    /// The process.
    pub child: Child,
    /// Its id, for `/proc` and signals.
    pub pid: u32,
}

impl BotProcess {
    /// Starts `cmd` (a `Command` for `env!("CARGO_BIN_EXE_convoca")` with its arguments and
    /// environment) and returns once it has logged "convoca: ready". Its later log lines go to
    /// this process's stderr as `bot: …` when `echo` is set, and are read and dropped
    /// otherwise (a full pipe would stall the bot).
    pub async fn start(mut cmd: Command, echo: bool) -> BotProcess {
        let mut child = cmd
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let pid = child.id().unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        while let Some(line) = lines.next_line().await.unwrap() {
            if line.contains("convoca: ready") {
                break;
            }
        }
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                if echo {
                    eprintln!("bot: {line}");
                }
            }
        });
        BotProcess { child, pid }
    }

    /// A `/proc/PID/status` field in KiB (`VmRSS:`, `VmHWM:`); 0 once the process is gone.
    pub fn status_kib(&self, field: &str) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.pid))
            .ok()
            .and_then(|s| {
                s.lines().find(|l| l.starts_with(field)).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            })
            .unwrap_or(0)
    }

    /// Sends SIGTERM and waits for the exit.
    pub async fn stop(mut self) -> std::process::ExitStatus {
        std::process::Command::new("kill").args(["-TERM", &self.pid.to_string()]).status().unwrap();
        self.child.wait().await.unwrap()
    }
}
