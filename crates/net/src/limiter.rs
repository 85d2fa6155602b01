//! Token buckets: one per venue endpoint class, shared by every task that calls it.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A token bucket: `capacity` tokens, refilled at `refill_per_sec`; a request takes `cost`.
#[derive(Debug)]
pub struct TokenBucket {
    name: &'static str,
    capacity: f64,
    refill_per_sec: f64,
    state: Mutex<BucketState>,
}

#[derive(Debug)]
struct BucketState {
    tokens: f64,
    last: Instant,
    /// Set by a 429: nobody sends before this.
    blocked_until: Option<Instant>,
}

impl TokenBucket {
    /// A full bucket. Panics on a non-positive capacity or rate: limits are constants in code.
    pub fn new(name: &'static str, capacity: f64, refill_per_sec: f64) -> Self {
        assert!(capacity > 0.0 && refill_per_sec > 0.0, "token bucket {name}: capacity and rate must be positive");
        Self {
            name,
            capacity,
            refill_per_sec,
            state: Mutex::new(BucketState { tokens: capacity, last: Instant::now(), blocked_until: None }),
        }
    }

    /// `requests` per `per` with a burst of `burst` requests (cost 1 each).
    pub fn per_window(name: &'static str, requests: u32, per: Duration, burst: u32) -> Self {
        Self::new(name, f64::from(burst.max(1)), f64::from(requests) / per.as_secs_f64())
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Requests per second it allows in the long run.
    pub fn rate(&self) -> f64 {
        self.refill_per_sec
    }

    pub fn capacity(&self) -> f64 {
        self.capacity
    }

    /// Waits until `cost` tokens are available and takes them.
    pub async fn acquire(&self, cost: f64) {
        loop {
            let wait = self.try_take(cost.min(self.capacity));
            match wait {
                None => return,
                Some(d) => tokio::time::sleep(d).await,
            }
        }
    }

    /// Takes the tokens now, or says how long to wait (what a server answers with 429).
    pub fn try_acquire(&self, cost: f64) -> Result<(), Duration> {
        match self.try_take(cost) {
            None => Ok(()),
            Some(wait) => Err(wait),
        }
    }

    /// Takes the tokens now, or says how long to wait.
    fn try_take(&self, cost: f64) -> Option<Duration> {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        if let Some(until) = s.blocked_until {
            if until > now {
                return Some(until - now);
            }
            s.blocked_until = None;
        }
        let elapsed = now.duration_since(s.last).as_secs_f64();
        s.tokens = (s.tokens + elapsed * self.refill_per_sec).min(self.capacity);
        s.last = now;
        if s.tokens >= cost {
            s.tokens -= cost;
            None
        } else {
            Some(Duration::from_secs_f64((cost - s.tokens) / self.refill_per_sec))
        }
    }

    /// After a 429: empty the bucket and hold every caller for `d`.
    pub fn penalize(&self, d: Duration) {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let until = Instant::now() + d;
        s.tokens = 0.0;
        s.blocked_until = Some(s.blocked_until.map_or(until, |u| u.max(until)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn burst_then_steady_rate() {
        let b = TokenBucket::new("t", 4.0, 100.0);
        let start = Instant::now();
        for _ in 0..4 {
            b.acquire(1.0).await;
        }
        assert!(start.elapsed() < Duration::from_millis(5), "the burst is free");
        for _ in 0..3 {
            b.acquire(1.0).await;
        }
        // Three more at 100/s take about 30 ms.
        assert!(start.elapsed() >= Duration::from_millis(25), "{:?}", start.elapsed());
    }

    #[test]
    fn penalty_blocks_then_releases() {
        let b = TokenBucket::new("t", 10.0, 1000.0);
        b.penalize(Duration::from_millis(30));
        assert!(b.try_take(1.0).is_some());
        std::thread::sleep(Duration::from_millis(35));
        assert!(b.try_take(1.0).is_none());
    }

    #[test]
    fn refill_is_bounded_by_capacity() {
        let b = TokenBucket::new("t", 2.0, 1000.0);
        std::thread::sleep(Duration::from_millis(20));
        assert!(b.try_take(2.0).is_none());
        assert!(b.try_take(2.0).is_some(), "emptied");
    }
}
