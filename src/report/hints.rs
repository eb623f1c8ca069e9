//! Hints at causes, derived from a report's counts.
//!
//! A hint is no count: it is not merged but derived again from the merged counts (a burst seen
//! by two hosts in the same second is one burst), so it lives apart from the data and from
//! merging, and a new hint touches nothing else.

use super::model::{BURST_MIN, Hint, Report};
use super::numbers::percent;

/// Hints grounded in the counts of `r`: each says what it saw and what usually causes it.
pub fn derive(r: &Report) -> Vec<Hint> {
    let mut hints = Vec::new();
    let k = &r.kinds;
    if let Some(b) = r.bursts.first() {
        let more = match r.bursts.len() - 1 {
            0 => String::new(),
            n => format!(" ({n} more second(s) with at least {BURST_MIN})"),
        };
        let (who, cause) = match b.clients {
            0 => (
                String::new(),
                "Many connections dropping at once points at something between the clients \
                 and the server (a load balancer or firewall idle timeout, a proxy restart) or \
                 at the server stalling under load. The log does not name clients.",
            ),
            1 => (
                " from a single client".to_string(),
                "One client opening and dropping many connections is a download manager, a \
                 crawler, a load test or a health checker, or a proxy in front of the server \
                 that all clients come through.",
            ),
            n => (
                format!(" from {n} clients"),
                "Many clients dropping at once points at something between them and the \
                 server (a load balancer or firewall idle timeout, a proxy restart) or at the \
                 server stalling under load.",
            ),
        };
        hints.push(Hint {
            kind: "burst".into(),
            text: format!(
                "{} aborts in the one second at {}{who}{more}. {cause}",
                b.records, b.at.text
            ),
        });
    }
    if k.broken_pipes >= 10 && k.broken_pipes_on_downloads * 2 >= k.broken_pipes {
        hints.push(Hint {
            kind: "downloads".into(),
            text: format!(
                "{} of {} broken pipes ({}) were sending a file or a large download. Clients \
                 cancelling long downloads (closing the tab, a player seeking) is the usual \
                 cause; Range requests and smaller responses make them cheaper.",
                k.broken_pipes_on_downloads,
                k.broken_pipes,
                percent(k.broken_pipes_on_downloads, k.broken_pipes)
            ),
        });
    }
    if k.windows_aborts > 0 {
        hints.push(Hint {
            kind: "windows".into(),
            text: format!(
                "{} aborts are WSAECONNABORTED (10053, \"Software caused connection abort\"): \
                 the Windows side's own network stack gave up on the connection, usually a \
                 client-side timeout, a proxy or security software, not the server.",
                k.windows_aborts
            ),
        });
    }
    hints
}
