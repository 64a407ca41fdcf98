//! Sign-in attempts per client address: a bucket of attempts that refills
//! evenly over a minute. Guessing passwords, or locking accounts by trying,
//! through the gateway goes no faster than that.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Addresses remembered at most; beyond, refilled buckets are forgotten
/// first, then any.
const MAX_ADDRESSES: usize = 10_000;

pub struct SignInLimit {
    per_minute: f64,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    attempts_left: f64,
    at: Instant,
}

impl SignInLimit {
    pub fn new(per_minute: u32) -> Self {
        SignInLimit {
            per_minute: f64::from(per_minute.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Counts an attempt from `client`, or says how long until one is allowed.
    pub fn attempt(&self, client: IpAddr, now: Instant) -> Result<(), Duration> {
        let client = network_of(client);
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= MAX_ADDRESSES && !buckets.contains_key(&client) {
            self.forget_some(&mut buckets, now);
        }
        let per_second = self.per_minute / 60.0;
        let bucket = buckets.entry(client).or_insert(Bucket {
            attempts_left: self.per_minute,
            at: now,
        });
        let refilled = bucket.attempts_left
            + now.saturating_duration_since(bucket.at).as_secs_f64() * per_second;
        bucket.attempts_left = refilled.min(self.per_minute);
        bucket.at = now;
        if bucket.attempts_left >= 1.0 {
            bucket.attempts_left -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - bucket.attempts_left) / per_second;
            Err(Duration::from_secs_f64(wait.max(0.001)))
        }
    }

    fn forget_some(&self, buckets: &mut HashMap<IpAddr, Bucket>, now: Instant) {
        let per_second = self.per_minute / 60.0;
        buckets.retain(|_, b| {
            b.attempts_left + now.saturating_duration_since(b.at).as_secs_f64() * per_second
                < self.per_minute
        });
        while buckets.len() >= MAX_ADDRESSES {
            let Some(any) = buckets.keys().next().copied() else {
                break;
            };
            buckets.remove(&any);
        }
    }
}

/// One IPv6 client commands a whole /64; an IPv4-mapped address is IPv4.
fn network_of(address: IpAddr) -> IpAddr {
    match address.to_canonical() {
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(bits.into())
        }
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_a_minutes_worth_then_one_per_share_of_the_minute() {
        let limit = SignInLimit::new(10);
        let start = Instant::now();
        let me: IpAddr = "192.0.2.7".parse().unwrap();
        for _ in 0..10 {
            assert!(limit.attempt(me, start).is_ok());
        }
        let wait = limit.attempt(me, start).unwrap_err();
        assert!(
            wait > Duration::from_secs(5) && wait <= Duration::from_secs(6),
            "{wait:?}"
        );
        assert!(
            limit.attempt("192.0.2.8".parse().unwrap(), start).is_ok(),
            "others are not held up"
        );
        assert!(limit.attempt(me, start + Duration::from_secs(6)).is_ok());
        assert!(limit.attempt(me, start + Duration::from_secs(6)).is_err());
    }

    #[test]
    fn an_ipv6_network_counts_as_one_client() {
        let limit = SignInLimit::new(1);
        let now = Instant::now();
        assert!(limit.attempt("2001:db8::1".parse().unwrap(), now).is_ok());
        assert!(limit.attempt("2001:db8::2".parse().unwrap(), now).is_err());
        assert!(limit
            .attempt("2001:db8:0:1::1".parse().unwrap(), now)
            .is_ok());
    }

    #[test]
    fn memory_stays_bounded_under_many_addresses() {
        let limit = SignInLimit::new(5);
        let now = Instant::now();
        for n in 0..(MAX_ADDRESSES as u32 + 500) {
            let _ = limit.attempt(IpAddr::V4(n.into()), now);
        }
        assert!(limit.buckets.lock().unwrap().len() <= MAX_ADDRESSES);
    }
}
