//! The settings of the HTTP server (calendar feed, health, metrics, Discord's interactions
//! endpoint), and the address checks other platforms' settings share.

use clap::Args;

/// The HTTP server: calendar feed, health, metrics, Discord interactions endpoint.
#[derive(Args, Debug, Clone, Default)]
pub struct HttpConfig {
    /// Address to listen on, e.g. 127.0.0.1:8080. The server is off without it.
    #[arg(long = "http-bind", env = "CONVOCA_HTTP_BIND", value_parser = parse_bind)]
    pub bind: Option<std::net::SocketAddr>,
    /// The address members reach that server at, e.g. https://bot.example.org, for the
    /// "Add to calendar" links and the dashboard's.
    #[arg(long = "public-url", env = "CONVOCA_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// A second address, e.g. 127.0.0.1:9090, that serves /healthz and /metrics instead of
    /// the public one: the public bind then serves only the feed and Discord's endpoint.
    #[arg(long = "metrics-bind", env = "CONVOCA_METRICS_BIND", value_parser = parse_bind)]
    pub metrics_bind: Option<std::net::SocketAddr>,
}

impl HttpConfig {
    /// Refuses settings that cannot work, with one line saying which and why.
    pub fn validate(&self) -> Result<(), String> {
        match &self.public_url {
            Some(url) if !is_http_url(url) => {
                Err(format!("CONVOCA_PUBLIC_URL: `{url}` is not an http:// or https:// address"))
            }
            _ => Ok(()),
        }
    }
}

/// An address to listen on: `127.0.0.1:8080`, `[::1]:8080`, or `localhost:8080` (the IPv4
/// loopback).
pub fn parse_bind(s: &str) -> Result<std::net::SocketAddr, String> {
    let s = s.trim();
    if let Ok(addr) = s.parse() {
        return Ok(addr);
    }
    if let Some(port) = s.strip_prefix("localhost:").and_then(|p| p.parse::<u16>().ok()) {
        return Ok(std::net::SocketAddr::from(([127, 0, 0, 1], port)));
    }
    Err("not an address and port".into())
}

/// An `http://` or `https://` address with a host.
pub fn is_http_url(s: &str) -> bool {
    let s = s.trim();
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/') && !r.chars().any(char::is_whitespace))
}
