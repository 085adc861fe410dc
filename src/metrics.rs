//! Counters for `/metrics`, in the Prometheus text format. A handful of numbers do not need
//! a metrics library: atomics and one small map.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Upper bounds (seconds) of the reminder lateness histogram's buckets.
pub const LATENESS_BUCKETS: [f64; 10] = [0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1.0, 5.0, 60.0, 3600.0];

/// A value read at exposition time (platform connections, task restarts), with one label.
pub struct Gauge {
    /// Metric name.
    pub name: &'static str,
    /// What it means.
    pub help: &'static str,
    /// The label's name and value: `("platform", "matrix")`, `("task", "scheduler")`.
    pub label: (&'static str, &'static str),
    /// The value.
    pub value: f64,
}

/// Everything counted since start.
#[derive(Default)]
pub struct Metrics {
    // A std Mutex: updated and read without awaiting while held.
    commands: Mutex<BTreeMap<(String, String), u64>>,
    errors: Mutex<BTreeMap<String, u64>>,
    /// Sign-ups recorded (new or renewed).
    pub signups: AtomicU64,
    /// Reminders posted on time.
    pub reminders_sent: AtomicU64,
    /// Reminders posted after their moment.
    pub reminders_late: AtomicU64,
    /// Reminders recorded missed.
    pub reminders_missed: AtomicU64,
    /// Reminders the platform refused for good.
    pub reminders_failed: AtomicU64,
    /// Reminders an earlier attempt had posted, found in the channel and not posted again.
    pub reminders_found: AtomicU64,
    lateness: [AtomicU64; LATENESS_BUCKETS.len()],
    lateness_count: AtomicU64,
    lateness_sum_us: AtomicU64,
}

impl Metrics {
    /// Counts a command answered.
    pub fn command(&self, command: &str, platform: &str) {
        if let Ok(mut m) = self.commands.lock() {
            *m.entry((command.to_string(), platform.to_string())).or_default() += 1;
        }
    }

    /// Counts an error of a kind (`database`, `send`, …).
    pub fn error(&self, kind: &str) {
        if let Ok(mut m) = self.errors.lock() {
            *m.entry(kind.to_string()).or_default() += 1;
        }
    }

    /// How many times `command` was answered on `platform`.
    pub fn commands(&self, command: &str, platform: &str) -> u64 {
        self.commands
            .lock()
            .map(|m| m.get(&(command.to_string(), platform.to_string())).copied().unwrap_or(0))
            .unwrap_or(0)
    }

    /// Records how late a reminder was posted.
    pub fn lateness(&self, seconds: f64) {
        for (bound, bucket) in LATENESS_BUCKETS.iter().zip(&self.lateness) {
            if seconds <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.lateness_count.fetch_add(1, Ordering::Relaxed);
        self.lateness_sum_us.fetch_add((seconds.max(0.0) * 1e6) as u64, Ordering::Relaxed);
    }

    /// The Prometheus text exposition. `gauges` adds point-in-time values from elsewhere
    /// (platform connections and reconnects).
    pub fn render(&self, gauges: &[Gauge]) -> String {
        let mut out = String::new();
        let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
        out.push_str("# HELP convoca_commands_total Commands answered, by command and platform.\n# TYPE convoca_commands_total counter\n");
        if let Ok(m) = self.commands.lock() {
            for ((command, platform), n) in m.iter() {
                let _ = writeln!(out, "convoca_commands_total{{command=\"{command}\",platform=\"{platform}\"}} {n}");
            }
        }
        out.push_str("# HELP convoca_errors_total Errors, by kind.\n# TYPE convoca_errors_total counter\n");
        if let Ok(m) = self.errors.lock() {
            for (kind, n) in m.iter() {
                let _ = writeln!(out, "convoca_errors_total{{kind=\"{kind}\"}} {n}");
            }
        }
        let _ = writeln!(
            out,
            "# HELP convoca_signups_total Sign-ups recorded.\n# TYPE convoca_signups_total counter\nconvoca_signups_total {}",
            load(&self.signups)
        );
        out.push_str("# HELP convoca_reminders_total Reminders, by outcome.\n# TYPE convoca_reminders_total counter\n");
        for (outcome, n) in [
            ("sent", load(&self.reminders_sent)),
            ("late", load(&self.reminders_late)),
            ("missed", load(&self.reminders_missed)),
            ("failed", load(&self.reminders_failed)),
            ("found", load(&self.reminders_found)),
        ] {
            let _ = writeln!(out, "convoca_reminders_total{{outcome=\"{outcome}\"}} {n}");
        }
        out.push_str("# HELP convoca_reminder_lateness_seconds From a reminder's due instant to its sender.\n# TYPE convoca_reminder_lateness_seconds histogram\n");
        for (bound, bucket) in LATENESS_BUCKETS.iter().zip(&self.lateness) {
            let _ = writeln!(out, "convoca_reminder_lateness_seconds_bucket{{le=\"{bound}\"}} {}", load(bucket));
        }
        let count = load(&self.lateness_count);
        let _ = writeln!(out, "convoca_reminder_lateness_seconds_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(out, "convoca_reminder_lateness_seconds_sum {}", load(&self.lateness_sum_us) as f64 / 1e6);
        let _ = writeln!(out, "convoca_reminder_lateness_seconds_count {count}");
        let mut seen = Vec::new();
        for g in gauges {
            if !seen.contains(&g.name) {
                let kind = if g.name.ends_with("_total") { "counter" } else { "gauge" };
                let _ = writeln!(out, "# HELP {} {}\n# TYPE {} {kind}", g.name, g.help, g.name);
                seen.push(g.name);
            }
            let _ = writeln!(out, "{}{{{}=\"{}\"}} {}", g.name, g.label.0, g.label.1, g.value);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposition_counts() {
        let m = Metrics::default();
        m.command("meeting", "discord");
        m.command("meeting", "discord");
        m.lateness(0.004);
        m.lateness(2.0);
        let text = m.render(&[Gauge {
            name: "convoca_platform_connected",
            help: "1 when connected.",
            label: ("platform", "matrix"),
            value: 1.0,
        }]);
        assert!(text.contains("convoca_commands_total{command=\"meeting\",platform=\"discord\"} 2"), "{text}");
        assert!(text.contains("convoca_reminder_lateness_seconds_bucket{le=\"0.005\"} 1"), "{text}");
        assert!(text.contains("convoca_reminder_lateness_seconds_bucket{le=\"5\"} 2"), "{text}");
        assert!(text.contains("convoca_reminder_lateness_seconds_count 2"), "{text}");
        assert!(text.contains("convoca_platform_connected{platform=\"matrix\"} 1"), "{text}");
    }
}
