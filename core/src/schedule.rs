//! When to ask a server again: the same schedule for a card in the panel
//! and for the gateway's watcher, so that a failing server is asked less
//! often by both.

/// How soon a reader wants to look again, given what it saw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cadence {
    /// At the base interval (a card's `pollSeconds`).
    Normal,
    /// Something is under way: every [`FAST_MS`] (or sooner, if the base
    /// interval is shorter).
    Fast,
    /// Nothing more can change: only a refresh asks again.
    Stop,
}

/// The interval while something is in progress.
pub const FAST_MS: u32 = 5_000;
/// Back-off never waits longer than this, unless the base interval is longer.
pub const BACKOFF_CAP_MS: u32 = 5 * 60_000;

/// How long to wait before the next check. After failures the wait doubles
/// each time from the base interval, up to [`BACKOFF_CAP_MS`], spread by
/// ±20 % with `jitter` (0 to 1) so that many panels do not retry in step.
/// `None`: wait for a refresh.
pub fn next_delay_ms(base_ms: u32, cadence: Cadence, failures: u32, jitter: f64) -> Option<u32> {
    if failures == 0 {
        return match cadence {
            Cadence::Normal => Some(base_ms),
            Cadence::Fast => Some(base_ms.min(FAST_MS)),
            Cadence::Stop => None,
        };
    }
    let doubled = u64::from(base_ms) << failures.min(20);
    let cap = u64::from(BACKOFF_CAP_MS.max(base_ms));
    let nominal = doubled.min(cap) as f64;
    let spread = 0.8 + 0.4 * jitter.clamp(0.0, 1.0);
    Some((nominal * spread).round().clamp(1.0, f64::from(u32::MAX)) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cadence_sets_the_interval_while_all_is_well() {
        assert_eq!(next_delay_ms(15_000, Cadence::Normal, 0, 0.3), Some(15_000));
        assert_eq!(next_delay_ms(15_000, Cadence::Fast, 0, 0.3), Some(5_000));
        assert_eq!(next_delay_ms(2_000, Cadence::Fast, 0, 0.3), Some(2_000));
        assert_eq!(next_delay_ms(15_000, Cadence::Stop, 0, 0.3), None);
    }

    #[test]
    fn backs_off_exponentially_with_jitter_up_to_a_cap() {
        let mid = |failures| next_delay_ms(15_000, Cadence::Normal, failures, 0.5);
        assert_eq!(mid(1), Some(30_000));
        assert_eq!(mid(2), Some(60_000));
        assert_eq!(mid(3), Some(120_000));
        assert_eq!(mid(5), Some(BACKOFF_CAP_MS));
        assert_eq!(mid(500), Some(BACKOFF_CAP_MS));
        // A failing card asks again even when it had nothing more to wait for.
        assert_eq!(next_delay_ms(15_000, Cadence::Stop, 1, 0.5), Some(30_000));
        // Jitter spreads retries by ±20 %.
        assert_eq!(next_delay_ms(15_000, Cadence::Normal, 1, 0.0), Some(24_000));
        assert_eq!(next_delay_ms(15_000, Cadence::Normal, 1, 1.0), Some(36_000));
        // Never sooner than the base interval's cap allows for a long base.
        assert_eq!(
            next_delay_ms(3_600_000, Cadence::Normal, 3, 0.5),
            Some(3_600_000)
        );
    }
}
