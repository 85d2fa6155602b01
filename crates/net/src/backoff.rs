//! Exponential backoff with jitter and a cap.

use std::time::Duration;

/// `base × factor^attempt`, capped, with ±`jitter` proportional noise.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    base: Duration,
    cap: Duration,
    factor: f64,
    jitter: f64,
}

impl Backoff {
    /// Checked constructor: base ≤ cap, factor ≥ 1, jitter in [0, 1).
    pub fn new(base: Duration, cap: Duration, factor: f64, jitter: f64) -> Result<Self, String> {
        if base.is_zero() || base > cap {
            return Err(format!("backoff: base {base:?} must be positive and at most cap {cap:?}"));
        }
        if !(1.0..=10.0).contains(&factor) {
            return Err(format!("backoff: factor {factor} must be in 1..=10"));
        }
        if !(0.0..1.0).contains(&jitter) {
            return Err(format!("backoff: jitter {jitter} must be in [0, 1)"));
        }
        Ok(Self { base, cap, factor, jitter })
    }

    /// The delay before retry number `attempt` (0 = first retry).
    pub fn delay(&self, attempt: u32) -> Duration {
        let raw = self.base.as_secs_f64() * self.factor.powi(attempt.min(30) as i32);
        let capped = raw.min(self.cap.as_secs_f64());
        let noise = 1.0 + self.jitter * (fastrand::f64() * 2.0 - 1.0);
        Duration::from_secs_f64((capped * noise).min(self.cap.as_secs_f64()))
    }
}

impl Default for Backoff {
    /// 100 ms doubling to 10 s, ±20 %.
    fn default() -> Self {
        Self { base: Duration::from_millis(100), cap: Duration::from_secs(10), factor: 2.0, jitter: 0.2 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_and_caps() {
        let b = Backoff::new(Duration::from_millis(100), Duration::from_secs(1), 2.0, 0.0).unwrap();
        assert_eq!(b.delay(0), Duration::from_millis(100));
        assert_eq!(b.delay(2), Duration::from_millis(400));
        assert_eq!(b.delay(10), Duration::from_secs(1));
        let j = Backoff::new(Duration::from_millis(100), Duration::from_secs(1), 2.0, 0.5).unwrap();
        for _ in 0..100 {
            let d = j.delay(1);
            assert!(d >= Duration::from_millis(100) && d <= Duration::from_millis(300), "{d:?}");
        }
    }

    #[test]
    fn constructor_validates() {
        assert!(Backoff::new(Duration::ZERO, Duration::from_secs(1), 2.0, 0.1).is_err());
        assert!(Backoff::new(Duration::from_secs(2), Duration::from_secs(1), 2.0, 0.1).is_err());
        assert!(Backoff::new(Duration::from_secs(1), Duration::from_secs(2), 0.5, 0.1).is_err());
        assert!(Backoff::new(Duration::from_secs(1), Duration::from_secs(2), 2.0, 1.0).is_err());
    }
}
